/* Leaves the required upload_write NULL. */
#include "stub_plugin.h"

PLUTON_PLUGIN_EXPORT const pluton_plugin_api* pluton_storage_plugin_entry(
    const pluton_host_api* host) {
  static pluton_plugin_api api = STUB_PLUGIN_API("null_function");
  (void)host;
  api.upload_write = NULL;
  return &api;
}
