/* A minimal but complete provider plugin, so the loader and PluginProvider can be tested
 * without any real provider. Provider id "minimal".
 *
 *   - validate_config requires a non-empty "token" and, when set, "mode" in {fast, slow}.
 *   - test_connection reports one passing check whose description echoes the parameters it got.
 *   - uploads store nothing but count the bytes written ("bytes_written", across uploads); in
 *     mode "slow" each write takes 10 ms per MiB (about 100 MiB/s), a slow provider for
 *     backpressure tests; each write reserves its size from the
 *     host's buffer budget (and releases it), so the host services are exercised too. Finish
 *     fails when the byte count differs from params->expected_size (when known).
 *
 * Test hook: the exported minimal_test_counter(name) reads a counter: "abort_calls" (host
 * calls of upload_abort), "bytes_written", "destroy_calls", "implicit_aborts" (upload_destroy had to abort an
 * upload the host left open), "live_uploads", "live_errors", "live_reports". */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pluton/storage_plugin.h"

#define ID "minimal"

static const pluton_host_api* g_host;
static uint64_t g_bytes_written;
static uint64_t g_abort_calls, g_destroy_calls, g_implicit_aborts, g_live_uploads, g_live_errors,
    g_live_reports;

static void count(uint64_t* counter, int64_t delta) {
  __atomic_add_fetch(counter, (uint64_t)delta, __ATOMIC_SEQ_CST);
}

PLUTON_PLUGIN_EXPORT uint64_t minimal_test_counter(const char* name) {
  uint64_t* counter = NULL;
  if (strcmp(name, "abort_calls") == 0) counter = &g_abort_calls;
  if (strcmp(name, "bytes_written") == 0) counter = &g_bytes_written;
  if (strcmp(name, "destroy_calls") == 0) counter = &g_destroy_calls;
  if (strcmp(name, "implicit_aborts") == 0) counter = &g_implicit_aborts;
  if (strcmp(name, "live_uploads") == 0) counter = &g_live_uploads;
  if (strcmp(name, "live_errors") == 0) counter = &g_live_errors;
  if (strcmp(name, "live_reports") == 0) counter = &g_live_reports;
  return counter != NULL ? __atomic_load_n(counter, __ATOMIC_SEQ_CST) : UINT64_MAX;
}

/* ---- errors: heap-allocated, strings owned by the error ---------------------------------- */

#define MAX_VIOLATIONS 4

typedef struct minimal_error {
  pluton_error error; /* first: the pointer handed out is this one */
  pluton_field_violation violations[MAX_VIOLATIONS];
  char* message;
} minimal_error;

static pluton_error g_out_of_memory = {sizeof(pluton_error),
                                       PLUTON_RESOURCE_EXHAUSTED,
                                       "OUT_OF_MEMORY",
                                       "the minimal plugin is out of memory",
                                       0,
                                       NULL};

static minimal_error* new_error(int32_t code, const char* reason, const char* message) {
  minimal_error* e = calloc(1, sizeof(*e));
  if (e == NULL) return NULL;
  e->message = strdup(message);
  if (e->message == NULL) {
    free(e);
    return NULL;
  }
  e->error.struct_size = sizeof(pluton_error);
  e->error.code = code;
  e->error.reason = reason;
  e->error.message = e->message;
  e->error.violations = e->violations;
  count(&g_live_errors, 1);
  return e;
}

static pluton_error* make_error(int32_t code, const char* reason, const char* message) {
  minimal_error* e = new_error(code, reason, message);
  return e != NULL ? &e->error : &g_out_of_memory;
}

static void minimal_error_destroy(pluton_error* error) {
  minimal_error* e = (minimal_error*)error;
  if (error == NULL || error == &g_out_of_memory) return;
  /* Scribble over the message so a host reading it after destroy sees garbage, not text. */
  memset(e->message, 'X', strlen(e->message));
  free(e->message);
  free(e);
  count(&g_live_errors, -1);
}

/* ---- configuration ----------------------------------------------------------------------- */

static const char* find_value(const pluton_config* config, const char* key) {
  size_t i;
  if (config == NULL) return NULL;
  for (i = 0; i < config->count; ++i) {
    if (strcmp(config->entries[i].key, key) == 0) return config->entries[i].value;
  }
  return NULL;
}

static const char* minimal_config_schema_json(void) {
  return "["
         "{\"name\": \"token\", \"label\": \"Token\", \"type\": \"string\", \"required\": true,"
         " \"secret\": true, \"help\": \"Any non-empty string.\"},"
         "{\"name\": \"mode\", \"label\": \"Mode\", \"type\": \"enum\", \"default\": \"fast\","
         " \"allowed_values\": [\"fast\", \"slow\"]},"
         "{\"name\": \"retries\", \"type\": \"integer\", \"default\": 3, \"advanced\": true},"
         "{\"name\": \"verbose\", \"type\": \"bool\", \"default\": false},"
         "{\"name\": \"chunk_size\", \"type\": \"size\", \"default\": \"5MiB\","
         " \"placeholder\": \"5MiB\", \"future_key\": {\"ignored\": true}}"
         "]";
}

static pluton_error* minimal_validate_config(const pluton_config* config) {
  const char* token = find_value(config, "token");
  const char* mode = find_value(config, "mode");
  pluton_field_violation found[MAX_VIOLATIONS];
  size_t n = 0;
  minimal_error* e;
  if (token == NULL || token[0] == '\0') {
    found[n].field = "token";
    found[n].description = "required: set token to any non-empty string";
    ++n;
  }
  if (mode != NULL && strcmp(mode, "fast") != 0 && strcmp(mode, "slow") != 0) {
    found[n].field = "mode";
    found[n].description = "must be \"fast\" or \"slow\"";
    ++n;
  }
  if (n == 0) return NULL;
  e = new_error(PLUTON_INVALID_ARGUMENT, "INVALID_CONFIG", "the minimal configuration is invalid");
  if (e == NULL) return &g_out_of_memory;
  memcpy(e->violations, found, n * sizeof(found[0]));
  e->error.violation_count = n;
  return &e->error;
}

/* ---- connection test --------------------------------------------------------------------- */

typedef struct minimal_report {
  pluton_test_report report;
  pluton_test_check check;
  char description[256];
} minimal_report;

static pluton_error* minimal_test_connection(const pluton_config* config,
                                             const pluton_test_params* params,
                                             pluton_test_report** out_report) {
  pluton_error* invalid = minimal_validate_config(config);
  minimal_report* r;
  if (invalid != NULL) return invalid;
  if (params->cancel != NULL && params->cancel->is_cancelled(params->cancel->ctx)) {
    return make_error(PLUTON_CANCELLED, "CANCELLED", "the connection test was cancelled");
  }
  r = calloc(1, sizeof(*r));
  if (r == NULL) return &g_out_of_memory;
  snprintf(r->description, sizeof(r->description), "bucket=%s read_only=%d timeout_ms=%u",
           params->bucket, params->read_only, (unsigned)params->timeout_ms);
  r->check.name = "noop";
  r->check.description = r->description;
  r->check.passed = 1;
  r->check.detail = "";
  r->check.latency_us = 42;
  r->report.struct_size = sizeof(pluton_test_report);
  r->report.success = 1;
  r->report.reason = "";
  r->report.message = "";
  r->report.check_count = 1;
  r->report.checks = &r->check;
  *out_report = &r->report;
  count(&g_live_reports, 1);
  return NULL;
}

static void minimal_test_report_destroy(pluton_test_report* report) {
  minimal_report* r = (minimal_report*)report;
  if (report == NULL) return;
  memset(r->description, 'X', sizeof(r->description) - 1);
  free(r);
  count(&g_live_reports, -1);
}

/* ---- uploads ----------------------------------------------------------------------------- */

enum { OPEN, FINISHED, ABORTED };

struct pluton_upload {
  int state;
  uint64_t bytes;
  int64_t expected_size;
  int slow;
  const pluton_cancel_token* cancel;
  char etag[64];
};

static pluton_error* minimal_upload_begin(const pluton_config* config,
                                          const pluton_upload_params* params,
                                          pluton_upload** out_upload) {
  pluton_error* invalid = minimal_validate_config(config);
  pluton_upload* u;
  if (invalid != NULL) return invalid;
  u = calloc(1, sizeof(*u));
  if (u == NULL) return &g_out_of_memory;
  u->state = OPEN;
  u->expected_size = params->expected_size;
  u->slow = find_value(config, "mode") != NULL && strcmp(find_value(config, "mode"), "slow") == 0;
  u->cancel = params->cancel;
  *out_upload = u;
  count(&g_live_uploads, 1);
  return NULL;
}

static pluton_error* minimal_upload_write(pluton_upload* u, const uint8_t* data, size_t size) {
  int32_t code;
  (void)data;
  if (u->state != OPEN) {
    return make_error(PLUTON_FAILED_PRECONDITION, "UPLOAD_CLOSED", "the upload is not open");
  }
  code = g_host->reserve_buffer_budget(size, u->cancel);
  if (code == PLUTON_CANCELLED) {
    return make_error(code, "CANCELLED", "the upload was cancelled");
  }
  if (code != PLUTON_OK) {
    return make_error(code, "BUFFER_BUDGET", "the write is larger than the host's buffer budget");
  }
  if (u->slow) {
    struct timespec pause = {0, (long)(size * 10000000ull / 1048576ull)};
    nanosleep(&pause, NULL);
  }
  u->bytes += size; /* "Stored" nowhere. */
  count(&g_bytes_written, (int64_t)size);
  g_host->release_buffer_budget(size);
  return NULL;
}

static pluton_error* minimal_upload_finish(pluton_upload* u, pluton_upload_result* out_result) {
  char message[128];
  if (u->state != OPEN) {
    return make_error(PLUTON_FAILED_PRECONDITION, "UPLOAD_CLOSED", "the upload is not open");
  }
  if (u->expected_size >= 0 && (uint64_t)u->expected_size != u->bytes) {
    snprintf(message, sizeof(message), "wrote %llu bytes but the upload announced %lld",
             (unsigned long long)u->bytes, (long long)u->expected_size);
    return make_error(PLUTON_INVALID_ARGUMENT, "SIZE_MISMATCH", message);
  }
  u->state = FINISHED;
  snprintf(u->etag, sizeof(u->etag), "minimal-%llu", (unsigned long long)u->bytes);
  out_result->bytes_stored = u->bytes;
  out_result->etag = u->etag;
  out_result->part_count = 1;
  out_result->part_size = u->bytes;
  return NULL;
}

static void minimal_upload_abort(pluton_upload* u) {
  count(&g_abort_calls, 1);
  if (u->state == OPEN) u->state = ABORTED;
  g_host->log(PLUTON_LOG_DEBUG, ID, "upload aborted");
}

static void minimal_upload_destroy(pluton_upload* u) {
  if (u == NULL) return;
  count(&g_destroy_calls, 1);
  if (u->state == OPEN) {
    count(&g_implicit_aborts, 1);
    u->state = ABORTED;
  }
  memset(u->etag, 'X', sizeof(u->etag) - 1);
  free(u);
  count(&g_live_uploads, -1);
}

/* ---- entry ------------------------------------------------------------------------------- */

static const pluton_plugin_api kApi = {
    sizeof(pluton_plugin_api),
    PLUTON_PLUGIN_ABI_MAJOR,
    PLUTON_PLUGIN_ABI_MINOR,
    ID,
    "Minimal (test)",
    "Stores nothing; counts bytes. For the host's tests.",
    "1.0.0",
    minimal_error_destroy,
    minimal_config_schema_json,
    minimal_validate_config,
    minimal_test_connection,
    minimal_test_report_destroy,
    minimal_upload_begin,
    minimal_upload_write,
    minimal_upload_finish,
    minimal_upload_abort,
    minimal_upload_destroy,
    NULL, /* download_open (ABI 1.1): this plugin cannot read, so Download is UNIMPLEMENTED */
    NULL, /* download_read */
    NULL, /* download_close */
    NULL, /* upload_set_stream_md5 */
    /* ABI 1.2: no listing, stat, delete, cleanup or lifecycle */
    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
};

PLUTON_PLUGIN_EXPORT const pluton_plugin_api* pluton_storage_plugin_entry(
    const pluton_host_api* host) {
  if (host == NULL || host->abi_major != PLUTON_PLUGIN_ABI_MAJOR ||
      host->struct_size <
          offsetof(pluton_host_api, release_buffer_budget) + sizeof(host->release_buffer_budget)) {
    return NULL;
  }
  g_host = host;
  return &kApi;
}
