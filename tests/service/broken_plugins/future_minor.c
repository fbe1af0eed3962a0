/* Built against a future ABI 1.7 whose table has grown extra trailing fields. A 1.0 host must
 * load it and simply ignore what it does not know. */
#include <stdint.h>

#include "stub_plugin.h"

typedef struct future_plugin_api {
  pluton_plugin_api v1_0;
  /* Fields a later 1.x minor might append. */
  pluton_error* (*upload_resume)(pluton_upload* upload, uint64_t offset);
  uint64_t capabilities;
  const char* homepage;
} future_plugin_api;

PLUTON_PLUGIN_EXPORT const pluton_plugin_api* pluton_storage_plugin_entry(
    const pluton_host_api* host) {
  static future_plugin_api api = {STUB_PLUGIN_API("future"), NULL, 0x5, "https://example.com"};
  (void)host;
  api.v1_0.struct_size = sizeof(future_plugin_api);
  api.v1_0.abi_minor = 7;
  return &api.v1_0;
}
