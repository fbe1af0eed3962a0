/* validate_config refuses every configuration that asks it to, with as many field violations
 * as asked: far more than the host reads or a gRPC error can carry, or a count without the
 * array. Provider id "noisy". The host must never turn such a refusal into success.
 *
 *   violations  how many violations to report (default 5000); 0 accepts the configuration
 *   null_array  "true": report the count but no array (a contract violation)
 *
 * Everything else comes from stub_plugin.h (uploads and tests fail with UNIMPLEMENTED). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stub_plugin.h"

#define FIELD_SIZE 32
#define DESCRIPTION_SIZE 96

typedef struct noisy_error {
  pluton_error error; /* first: the pointer handed out is this one */
  pluton_field_violation* violations;
  char* text; /* every field and description, DESCRIPTION_SIZE + FIELD_SIZE bytes each */
} noisy_error;

static pluton_error g_out_of_memory = {sizeof(pluton_error),
                                       PLUTON_RESOURCE_EXHAUSTED,
                                       "OUT_OF_MEMORY",
                                       "the noisy plugin is out of memory",
                                       0,
                                       NULL};

static const char* find_value(const pluton_config* config, const char* key) {
  size_t i;
  for (i = 0; config != NULL && i < config->count; ++i) {
    if (strcmp(config->entries[i].key, key) == 0) return config->entries[i].value;
  }
  return NULL;
}

static const char* noisy_schema(void) {
  return "["
         "{\"name\": \"violations\", \"type\": \"integer\", \"default\": 5000},"
         "{\"name\": \"null_array\", \"type\": \"bool\", \"default\": false}"
         "]";
}

static pluton_error* noisy_validate(const pluton_config* config) {
  const char* asked = find_value(config, "violations");
  const char* null_array = find_value(config, "null_array");
  size_t count = asked != NULL && asked[0] != '\0' ? strtoul(asked, NULL, 10) : 5000;
  size_t i;
  noisy_error* e;
  if (count == 0) return NULL;
  e = calloc(1, sizeof(*e));
  if (e == NULL) return &g_out_of_memory;
  e->error.struct_size = sizeof(pluton_error);
  e->error.code = PLUTON_INVALID_ARGUMENT;
  e->error.reason = "INVALID_CONFIG";
  e->error.message = "the noisy configuration is invalid";
  e->error.violation_count = count;
  if (null_array != NULL && strcmp(null_array, "true") == 0) return &e->error;
  e->violations = calloc(count, sizeof(pluton_field_violation));
  e->text = calloc(count, FIELD_SIZE + DESCRIPTION_SIZE);
  if (e->violations == NULL || e->text == NULL) {
    free(e->violations);
    free(e->text);
    free(e);
    return &g_out_of_memory;
  }
  for (i = 0; i < count; ++i) {
    char* field = e->text + i * (FIELD_SIZE + DESCRIPTION_SIZE);
    char* description = field + FIELD_SIZE;
    snprintf(field, FIELD_SIZE, "option_%05zu", i + 1);
    snprintf(description, DESCRIPTION_SIZE, "problem %zu of %zu that this test plugin makes up",
             i + 1, count);
    e->violations[i].field = field;
    e->violations[i].description = description;
  }
  e->error.violations = e->violations;
  return &e->error;
}

static void noisy_error_destroy(pluton_error* error) {
  noisy_error* e = (noisy_error*)error;
  if (error == NULL || error == &g_out_of_memory || error == &stub_unimplemented) return;
  free(e->violations);
  free(e->text);
  free(e);
}

PLUTON_PLUGIN_EXPORT const pluton_plugin_api* pluton_storage_plugin_entry(
    const pluton_host_api* host) {
  static pluton_plugin_api api = STUB_PLUGIN_API("noisy");
  (void)host;
  api.error_destroy = noisy_error_destroy;
  api.config_schema_json = noisy_schema;
  api.validate_config = noisy_validate;
  return &api;
}
