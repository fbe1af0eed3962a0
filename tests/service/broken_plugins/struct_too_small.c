/* Claims ABI 1.0 but its table stops before upload_destroy, as if built against a truncated
 * header: the host must not read past struct_size. */
#include "stub_plugin.h"

PLUTON_PLUGIN_EXPORT const pluton_plugin_api* pluton_storage_plugin_entry(
    const pluton_host_api* host) {
  static pluton_plugin_api api = STUB_PLUGIN_API("too_small");
  (void)host;
  api.struct_size = offsetof(pluton_plugin_api, upload_destroy);
  return &api;
}
