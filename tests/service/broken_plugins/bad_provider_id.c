/* Its provider id breaks the [a-z0-9_-]{1,32} rule. */
#include "stub_plugin.h"

static const pluton_plugin_api kApi = STUB_PLUGIN_API("Bad ID!");

PLUTON_PLUGIN_EXPORT const pluton_plugin_api* pluton_storage_plugin_entry(
    const pluton_host_api* host) {
  (void)host;
  return &kApi;
}
