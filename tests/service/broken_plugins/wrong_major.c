/* Built for a future ABI 2.0: the host must refuse it by its major version. */
#include "stub_plugin.h"

static const pluton_plugin_api kApi = STUB_PLUGIN_API("wrong_major");

PLUTON_PLUGIN_EXPORT const pluton_plugin_api* pluton_storage_plugin_entry(
    const pluton_host_api* host) {
  static pluton_plugin_api api;
  (void)host;
  api = kApi;
  api.abi_major = 2;
  api.abi_minor = 0;
  return &api;
}
