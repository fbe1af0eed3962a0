/* Its configuration schema is not valid JSON. */
#include "stub_plugin.h"

static const char* bad_schema(void) { return "[{\"name\": \"token\", \"type\": \"string\","; }

PLUTON_PLUGIN_EXPORT const pluton_plugin_api* pluton_storage_plugin_entry(
    const pluton_host_api* host) {
  static pluton_plugin_api api = STUB_PLUGIN_API("bad_schema");
  (void)host;
  api.config_schema_json = bad_schema;
  return &api;
}
