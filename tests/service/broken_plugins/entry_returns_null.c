/* The entry function refuses the host. */
#include "stub_plugin.h"

PLUTON_PLUGIN_EXPORT const pluton_plugin_api* pluton_storage_plugin_entry(
    const pluton_host_api* host) {
  (void)host;
  return NULL;
}
