/* A valid plugin whose provider id, "minimal", is already taken by good_minimal. */
#include "stub_plugin.h"

static const pluton_plugin_api kApi = STUB_PLUGIN_API("minimal");

PLUTON_PLUGIN_EXPORT const pluton_plugin_api* pluton_storage_plugin_entry(
    const pluton_host_api* host) {
  (void)host;
  return &kApi;
}
