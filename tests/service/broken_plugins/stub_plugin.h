/* Shared pieces of the deliberately broken test plugins: do-nothing implementations of every
 * pluton_plugin_api function and a macro for a complete, valid v1.0 table. Each broken plugin
 * starts from that table and breaks exactly one thing, so the loader's refusal is about that
 * thing only.
 *
 * Not a real provider: validate accepts anything, uploads fail with UNIMPLEMENTED. */
#ifndef PLUTON_TESTS_BROKEN_PLUGINS_STUB_PLUGIN_H_
#define PLUTON_TESTS_BROKEN_PLUGINS_STUB_PLUGIN_H_

#include <stddef.h>

#include "pluton/storage_plugin.h"

#define STUB_UNUSED __attribute__((unused))

/* Errors are static: nothing to free. */
static STUB_UNUSED pluton_error stub_unimplemented = {sizeof(pluton_error),
                                                      PLUTON_UNIMPLEMENTED,
                                                      "UNIMPLEMENTED",
                                                      "a test stub plugin stores nothing",
                                                      0,
                                                      NULL};

static STUB_UNUSED void stub_error_destroy(pluton_error* error) { (void)error; }

static STUB_UNUSED const char* stub_config_schema_json(void) {
  return "[{\"name\": \"token\", \"type\": \"string\", \"required\": true, \"secret\": true}]";
}

static STUB_UNUSED pluton_error* stub_validate_config(const pluton_config* config) {
  (void)config;
  return NULL;
}

static STUB_UNUSED pluton_error* stub_test_connection(const pluton_config* config,
                                                      const pluton_test_params* params,
                                                      pluton_test_report** out_report) {
  (void)config;
  (void)params;
  (void)out_report;
  return &stub_unimplemented;
}

static STUB_UNUSED void stub_test_report_destroy(pluton_test_report* report) { (void)report; }

static STUB_UNUSED pluton_error* stub_upload_begin(const pluton_config* config,
                                                   const pluton_upload_params* params,
                                                   pluton_upload** out_upload) {
  (void)config;
  (void)params;
  (void)out_upload;
  return &stub_unimplemented;
}

static STUB_UNUSED pluton_error* stub_upload_write(pluton_upload* upload, const uint8_t* data,
                                                   size_t size) {
  (void)upload;
  (void)data;
  (void)size;
  return &stub_unimplemented;
}

static STUB_UNUSED pluton_error* stub_upload_finish(pluton_upload* upload,
                                                    pluton_upload_result* out_result) {
  (void)upload;
  (void)out_result;
  return &stub_unimplemented;
}

static STUB_UNUSED void stub_upload_abort(pluton_upload* upload) { (void)upload; }
static STUB_UNUSED void stub_upload_destroy(pluton_upload* upload) { (void)upload; }

/* A valid table initializer for provider `id`: the 1.0 functions; no download (ABI 1.1) and
 * no housekeeping (ABI 1.2). */
#define STUB_PLUGIN_API(id)                                                                        \
  {                                                                                                \
    sizeof(pluton_plugin_api), PLUTON_PLUGIN_ABI_MAJOR, PLUTON_PLUGIN_ABI_MINOR, id, "Stub " id,   \
        "a deliberately broken test plugin", "0.0.1", stub_error_destroy, stub_config_schema_json, \
        stub_validate_config, stub_test_connection, stub_test_report_destroy, stub_upload_begin,   \
        stub_upload_write, stub_upload_finish, stub_upload_abort, stub_upload_destroy, NULL, NULL, \
        NULL, NULL, STUB_NO_HOUSEKEEPING                                                           \
  }

/* The ABI 1.2 housekeeping functions, all absent. */
#define STUB_NO_HOUSEKEEPING NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL

#endif /* PLUTON_TESTS_BROKEN_PLUGINS_STUB_PLUGIN_H_ */
