/* Exports a function, but not the entry symbol (a typo'd name, as a real mistake would). */
#include "stub_plugin.h"

static const pluton_plugin_api kApi = STUB_PLUGIN_API("no_entry");

PLUTON_PLUGIN_EXPORT const pluton_plugin_api* pluton_storage_plugin_entry_point(
    const pluton_host_api* host) {
  (void)host;
  return &kApi;
}
