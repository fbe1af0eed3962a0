/*
 * Pluton storage provider plugin ABI.
 *
 * A provider plugin is a shared object that exports one symbol,
 * PLUTON_STORAGE_PLUGIN_ENTRY ("pluton_storage_plugin_entry"), of type
 * pluton_plugin_entry_fn. The host calls it once after dlopen with the ABI version it speaks
 * and a table of host services; the plugin answers with a constant function table
 * (pluton_plugin_api) that lives as long as the shared object stays loaded.
 *
 * Versioning
 *   - The host refuses a plugin whose api->abi_major differs from its own.
 *   - Minor versions only append fields at the end of structs. The first field of every
 *     struct that crosses the boundary is its size in bytes (struct_size), so either side can
 *     tell whether a field exists: a field exists iff its end offset <= struct_size.
 *   - Optional capabilities are NULL function pointers.
 *
 * Memory
 *   - Whoever allocates frees. Buffers and strings the host passes live only for the duration
 *     of the call; a plugin that needs them later copies them.
 *   - Objects a plugin returns (errors, reports, upload handles) are owned by the plugin and
 *     released with the matching *_destroy function of the same table. Strings inside them
 *     live until that object is destroyed.
 *
 * Errors
 *   - Fallible functions return a pluton_error*: NULL on success, otherwise an error the
 *     caller must release with api->error_destroy. Codes are gRPC's (pluton_code).
 *   - No C++ exception ever crosses this boundary: every plugin entry point catches all.
 *
 * Threads
 *   - Every function in pluton_plugin_api may be called from any thread, concurrently,
 *     except those on one pluton_upload or pluton_download handle, which must be called by
 *     one thread at a time (calls on different handles may run concurrently).
 *   - pluton_host_api functions are thread-safe.
 *
 * History
 *   1.0  registry, connection test, streamed upload.
 *   1.1  optional streamed download (download_open, download_read, download_close), and
 *        upload_set_stream_md5. A 1.0 plugin's table ends before them; the host treats them
 *        as absent (download: UNIMPLEMENTED; the MD5 is then simply not handed over).
 *   1.2  optional object housekeeping, in groups a plugin implements whole or not at all:
 *        listing (list_objects), stat (stat_object), deletion (delete_objects), incomplete
 *        multipart uploads (list_incomplete_uploads, abort_incomplete_upload) and bucket
 *        lifecycle rules (get_lifecycle, set_lifecycle). Absent groups: UNIMPLEMENTED.
 *   1.3  pluton_upload_params.tracker: a plugin reports each pending state an upload creates
 *        at the destination (a multipart upload, a temporary file) before data goes into it,
 *        so a host that dies mid-upload can abort it at its next start. A 1.2 plugin never
 *        calls it; the host then finds such debris by listing incomplete uploads.
 */
#ifndef PLUTON_STORAGE_PLUGIN_H_
#define PLUTON_STORAGE_PLUGIN_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PLUTON_PLUGIN_ABI_MAJOR 1
#define PLUTON_PLUGIN_ABI_MINOR 3
#define PLUTON_STORAGE_PLUGIN_ENTRY "pluton_storage_plugin_entry"

#if defined(__GNUC__)
#define PLUTON_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define PLUTON_PLUGIN_EXPORT
#endif

/* Status codes: the numbering of grpc::StatusCode / google.rpc.Code, so a plugin's code
 * travels to the wire unchanged. */
typedef enum pluton_code {
  PLUTON_OK = 0,
  PLUTON_CANCELLED = 1,
  PLUTON_UNKNOWN = 2,
  PLUTON_INVALID_ARGUMENT = 3,
  PLUTON_DEADLINE_EXCEEDED = 4,
  PLUTON_NOT_FOUND = 5,
  PLUTON_ALREADY_EXISTS = 6,
  PLUTON_PERMISSION_DENIED = 7,
  PLUTON_RESOURCE_EXHAUSTED = 8,
  PLUTON_FAILED_PRECONDITION = 9,
  PLUTON_ABORTED = 10,
  PLUTON_OUT_OF_RANGE = 11,
  PLUTON_UNIMPLEMENTED = 12,
  PLUTON_INTERNAL = 13,
  PLUTON_UNAVAILABLE = 14,
  PLUTON_DATA_LOSS = 15,
  PLUTON_UNAUTHENTICATED = 16,
  /* Room for future codes: a host treats an unknown code as PLUTON_UNKNOWN. */
  PLUTON_CODE_RESERVED_FOR_FUTURE_EXPANSION_ = 0x7fffffff
} pluton_code;

/* One wrong configuration field or request field. */
typedef struct pluton_field_violation {
  const char* field;       /* e.g. "account_id" (a config key) or "key" */
  const char* description; /* what is wrong and how to fix it; never contains a secret */
} pluton_field_violation;

/* An error returned by a plugin. Owned by the plugin: release with api->error_destroy. */
typedef struct pluton_error {
  size_t struct_size;
  int32_t code;        /* a pluton_code */
  const char* reason;  /* stable UPPER_SNAKE_CASE constant, e.g. "ACCESS_DENIED"; may be "" */
  const char* message; /* for people: what went wrong and the fix; never a secret */
  size_t violation_count;
  const pluton_field_violation* violations; /* violation_count entries, or NULL */
} pluton_error;

/* A key/value string pair. */
typedef struct pluton_kv {
  const char* key;
  const char* value;
} pluton_kv;

/* A storage configuration: every field the user set, secrets included, as strings (typed
 * per the schema). Fields absent here take their schema default. */
typedef struct pluton_config {
  size_t struct_size;
  size_t count;
  const pluton_kv* entries;
} pluton_config;

/* Asked periodically during long operations; nonzero means the host wants the operation to
 * stop. The plugin then returns PLUTON_CANCELLED as soon as it can. */
typedef struct pluton_cancel_token {
  int (*is_cancelled)(void* ctx);
  void* ctx;
} pluton_cancel_token;

/* ------------------------------------------------------------------------------------------
 * Host services, passed to the entry function. Valid until the plugin is unloaded. */

typedef enum pluton_log_level {
  PLUTON_LOG_DEBUG = 0,
  PLUTON_LOG_INFO = 1,
  PLUTON_LOG_WARNING = 2,
  PLUTON_LOG_ERROR = 3
} pluton_log_level;

typedef struct pluton_host_api {
  size_t struct_size;
  uint32_t abi_major;
  uint32_t abi_minor;
  /* Writes a log line. `message` must not contain secrets. Thread-safe. */
  void (*log)(pluton_log_level level, const char* plugin_id, const char* message);
  /* Reserves `bytes` of the service-wide upload buffer budget, waiting while the budget is
   * exhausted (this is how backpressure reaches the agent). Returns PLUTON_OK,
   * PLUTON_CANCELLED when `cancel` fires while waiting, or PLUTON_RESOURCE_EXHAUSTED when
   * `bytes` exceeds the whole budget. Every reservation must be released. Thread-safe. */
  int32_t (*reserve_buffer_budget)(uint64_t bytes, const pluton_cancel_token* cancel);
  /* Returns bytes reserved earlier. Thread-safe. */
  void (*release_buffer_budget)(uint64_t bytes);
} pluton_host_api;

/* ------------------------------------------------------------------------------------------
 * Connection test */

typedef struct pluton_test_params {
  size_t struct_size;
  const char* bucket;  /* "" to check credentials only */
  int read_only;       /* nonzero: skip write probes */
  uint32_t timeout_ms; /* the whole test must end within this */
  const pluton_cancel_token* cancel;
} pluton_test_params;

typedef struct pluton_test_check {
  const char* name;        /* e.g. "list_objects" */
  const char* description; /* for people */
  int passed;
  const char* detail; /* on failure: the provider's answer in brief; "" otherwise */
  uint64_t latency_us;
} pluton_test_check;

/* The outcome of a connection test. Owned by the plugin: api->test_report_destroy. */
typedef struct pluton_test_report {
  size_t struct_size;
  int success;
  const char* reason;  /* "" on success, else e.g. "ACCESS_DENIED" */
  const char* message; /* "" on success, else what to fix */
  size_t check_count;
  const pluton_test_check* checks;
} pluton_test_report;

/* ------------------------------------------------------------------------------------------
 * Streamed upload */

typedef struct pluton_upload pluton_upload; /* opaque, owned by the plugin */

/* ABI 1.3. How a plugin tells the host about state an upload leaves at the destination if
 * the process dies before the upload is finished or aborted (a multipart upload, a temporary
 * file). The host records it durably and, at its next start, aborts what a dead run left.
 *
 * The plugin calls `pending` on the thread running the upload call that creates the state,
 * after creating it and before any data goes into it, with what abort_incomplete_upload takes
 * for it (`upload_id`, with the upload's bucket and key; the string lives for the call). An
 * upload that creates such state again (e.g. a server-side copy after the upload itself was
 * committed) calls it again; the later id replaces the earlier, which must be committed or
 * gone by then. Nonzero return: the host could not record it; the plugin then discards that
 * state, as upload_abort would, and fails the call with PLUTON_UNAVAILABLE. An upload that
 * creates no such state (a single PUT) never calls it. */
typedef struct pluton_upload_tracker {
  int (*pending)(void* ctx, const char* upload_id);
  void* ctx;
} pluton_upload_tracker;

typedef struct pluton_upload_params {
  size_t struct_size;
  const char* bucket;
  const char* key;       /* validated by the host: non-empty, no NUL, no "."/".." segment */
  int64_t expected_size; /* -1 when unknown */
  const char* content_type;
  size_t metadata_count;
  const pluton_kv* metadata;
  const uint8_t* content_md5; /* 16 bytes when the agent knows the MD5 up front, else NULL */
  /* Polled during waits (network, budget). Valid until upload_destroy. */
  const pluton_cancel_token* cancel;
  /* ABI 1.3: may be NULL (the host does not track uploads). Valid until upload_destroy. */
  const pluton_upload_tracker* tracker;
} pluton_upload_params;

typedef struct pluton_upload_result {
  size_t struct_size;
  uint64_t bytes_stored;
  const char* etag; /* may be "" */
  uint32_t part_count;
  uint64_t part_size;
} pluton_upload_result;

/* ------------------------------------------------------------------------------------------
 * Streamed download (ABI 1.1) */

typedef struct pluton_download pluton_download; /* opaque, owned by the plugin */

typedef struct pluton_download_params {
  size_t struct_size;
  const char* bucket;
  const char* key; /* validated by the host: non-empty, no NUL, no "."/".." segment */
  /* First byte to read. offset == object size reads nothing; offset > object size is
   * PLUTON_OUT_OF_RANGE. */
  uint64_t offset;
  /* Bytes to read from offset; -1 reads to the end. A range ending past the end of the object
   * is PLUTON_OUT_OF_RANGE. */
  int64_t length;
  /* Polled during waits (network). Valid until download_close. */
  const pluton_cancel_token* cancel;
} pluton_download_params;

/* Filled by download_open. The host sets struct_size; the plugin fills the fields it covers.
 * Strings and stored_md5 live until download_close. */
typedef struct pluton_download_info {
  size_t struct_size;
  uint64_t object_size;      /* the whole object's size */
  const char* etag;          /* may be "" */
  const uint8_t* stored_md5; /* 16 bytes: the MD5 of the whole object as stored, or NULL */
  uint64_t content_length;   /* bytes download_read will deliver in total */
} pluton_download_info;

/* ------------------------------------------------------------------------------------------
 * Object housekeeping (ABI 1.2)
 *
 * Times are milliseconds since the Unix epoch, 0 when unknown. ETags are without quotes. */

/* Names a bucket, or one object in it. */
typedef struct pluton_object_params {
  size_t struct_size;
  const char* bucket;
  const char* key; /* "" for bucket-level calls; else validated by the host like upload keys */
  const pluton_cancel_token* cancel; /* polled during waits; valid for the call */
} pluton_object_params;

/* One page of a listing (objects, or incomplete uploads). */
typedef struct pluton_list_params {
  size_t struct_size;
  const char* bucket;
  const char* prefix;     /* "" lists everything */
  const char* delimiter;  /* "" for a flat listing; else keys containing it after the prefix
                             are rolled up into common prefixes. Ignored for uploads. */
  const char* page_token; /* "" for the first page; else next_page_token of the previous one */
  uint32_t max_entries;   /* 1..1000 entries (objects plus common prefixes) on this page */
  const pluton_cancel_token* cancel;
} pluton_list_params;

typedef struct pluton_object_entry {
  const char* key;
  uint64_t size;
  int64_t modified_unix_ms;
  const char* etag;          /* may be "" */
  const char* storage_class; /* may be "" */
} pluton_object_entry;

/* A page of objects. Owned by the plugin: release with object_list_destroy. */
typedef struct pluton_object_list {
  size_t struct_size;
  size_t object_count;
  const pluton_object_entry* objects; /* in key order */
  size_t prefix_count;
  const char* const* common_prefixes; /* each ends with the delimiter; in order */
  const char* next_page_token;        /* "" on the last page */
} pluton_object_list;

/* What is known about one object. Owned by the plugin: release with object_stat_destroy. */
typedef struct pluton_object_stat {
  size_t struct_size;
  uint64_t size;
  int64_t modified_unix_ms;
  const char* etag;          /* may be "" */
  const uint8_t* stored_md5; /* 16 bytes: the whole object's MD5 as stored, or NULL */
  const char* storage_class; /* may be "" */
  const char* content_type;  /* may be "" */
  size_t metadata_count;
  const pluton_kv* metadata; /* user metadata; keys lowercase, without any x-amz-meta- prefix */
} pluton_object_stat;

typedef struct pluton_delete_params {
  size_t struct_size;
  const char* bucket;
  size_t key_count;        /* 1..1000 */
  const char* const* keys; /* each validated by the host */
  const pluton_cancel_token* cancel;
} pluton_delete_params;

typedef struct pluton_delete_failure {
  const char* key;
  int32_t code;        /* a pluton_code */
  const char* message; /* for people; never a secret */
} pluton_delete_failure;

/* Keys that could not be deleted. A key that did not exist is not a failure: deletion is
 * idempotent. Owned by the plugin: release with delete_result_destroy. */
typedef struct pluton_delete_result {
  size_t struct_size;
  size_t failure_count;
  const pluton_delete_failure* failures;
} pluton_delete_result;

typedef struct pluton_incomplete_upload {
  const char* key;       /* may be "" when the provider cannot tell (local temp files) */
  const char* upload_id; /* what abort_incomplete_upload takes */
  int64_t initiated_unix_ms;
} pluton_incomplete_upload;

/* A page of incomplete uploads, in the provider's stable order (S3: key, then upload id;
 * local: upload id). Owned by the plugin: release with incomplete_upload_list_destroy. */
typedef struct pluton_incomplete_upload_list {
  size_t struct_size;
  size_t upload_count;
  const pluton_incomplete_upload* uploads;
  const char* next_page_token; /* "" on the last page */
} pluton_incomplete_upload_list;

typedef struct pluton_lifecycle_rule {
  const char* id;     /* unique within the bucket; never "" */
  const char* prefix; /* "" for the whole bucket */
  int enabled;
  uint32_t expire_after_days;           /* 0: objects do not expire under this rule */
  uint32_t abort_incomplete_after_days; /* 0: incomplete uploads are not aborted by it */
} pluton_lifecycle_rule;

/* A bucket's lifecycle rules. When returned by get_lifecycle it is owned by the plugin:
 * release with lifecycle_destroy. */
typedef struct pluton_lifecycle {
  size_t struct_size;
  size_t rule_count;
  const pluton_lifecycle_rule* rules;
} pluton_lifecycle;

/* ------------------------------------------------------------------------------------------
 * The plugin's function table. Returned by the entry function; constant; lives until
 * dlclose. Required functions are marked; the host refuses a plugin whose required function
 * is NULL. */

typedef struct pluton_plugin_api {
  size_t struct_size;
  uint32_t abi_major; /* PLUTON_PLUGIN_ABI_MAJOR the plugin was built with */
  uint32_t abi_minor;
  const char* provider_id;    /* required: [a-z0-9_-]+, e.g. "r2" */
  const char* display_name;   /* required: e.g. "Cloudflare R2" */
  const char* description;    /* may be "" */
  const char* plugin_version; /* may be "" */

  /* Required. Releases an error returned by any function of this table. NULL is a no-op. */
  void (*error_destroy)(pluton_error* error);

  /* Required. The configuration form as JSON: an array of objects with the keys "name",
   * "label", "type" ("string"|"integer"|"bool"|"enum"|"size"), "required", "secret",
   * "default", "allowed_values", "help", "advanced", "placeholder", and optionally
   * "format" and "binds_secrets" (hosts that predate them ignore them):
   *   "format": "local_path" for a directory on the service's host (the host confines it to
   *   the directories its operator allows and never to its own files); "endpoint" for a URL
   *   the plugin sends requests to (the host checks its host against the operator's
   *   allowlist). A plugin must mark every such field: the host checks only marked ones.
   *   "binds_secrets": true when changing the field re-targets the credentials (an account, a
   *   key id); the host then requires the secret fields in the same update. Implied by
   *   "format": "endpoint". Static lifetime.
   * Keys the schema does not declare are refused by the host before validate_config. A field
   * named "chunk_size" of type "size" is taken to be the size of the part buffers uploads
   * reserve from the host's budget: the host refuses values larger than the whole budget. */
  const char* (*config_schema_json)(void);

  /* Required. Checks a configuration and reports every problem at once, as one
   * PLUTON_INVALID_ARGUMENT error with one violation per wrong field. NULL when valid. */
  pluton_error* (*validate_config)(const pluton_config* config);

  /* Required. Runs the provider's connection checks. A failed check is not an error: the
   * report says success = 0 and why. Errors are for an invalid config or a broken plugin.
   * On success *out_report is set; release with test_report_destroy. */
  pluton_error* (*test_connection)(const pluton_config* config, const pluton_test_params* params,
                                   pluton_test_report** out_report);
  /* Required. Releases a report. NULL is a no-op. */
  void (*test_report_destroy)(pluton_test_report* report);

  /* Required. Starts an upload. On success *out_upload is a handle that must be ended with
   * upload_finish or upload_abort and then released with upload_destroy. Nothing is
   * visible at the destination until upload_finish succeeds. */
  pluton_error* (*upload_begin)(const pluton_config* config, const pluton_upload_params* params,
                                pluton_upload** out_upload);
  /* Required. Appends bytes. `data` lives only for the call. May block (network, budget);
   * polls the cancel token while it does. After an error the upload is dead: the host calls
   * upload_abort. */
  pluton_error* (*upload_write)(pluton_upload* upload, const uint8_t* data, size_t size);
  /* Required. Commits the object. On success fills *out_result, whose strings live until
   * upload_destroy. On failure nothing is committed and the host calls upload_abort. */
  pluton_error* (*upload_finish)(pluton_upload* upload, pluton_upload_result* out_result);
  /* Required. Discards everything written: no object and no pending multipart upload remain.
   * Safe to call after a failed write or finish, and more than once. Best effort: failures to
   * clean up are logged through the host, not returned. */
  void (*upload_abort)(pluton_upload* upload);
  /* Required. Releases the handle. An upload neither finished nor aborted is aborted first. */
  void (*upload_destroy)(pluton_upload* upload);

  /* ---- ABI 1.1. Present iff struct_size covers them; each may still be NULL (the three
   * together: a plugin sets all or none). ---- */

  /* Optional. Opens an object for reading the range in `params`. On success *out_download is
   * a handle that must be released with download_close, and *out_info is filled (the host
   * sets out_info->struct_size). NOT_FOUND for a missing bucket or object, OUT_OF_RANGE for a
   * range past its end. The plugin neither buffers the object nor writes it to disk. */
  pluton_error* (*download_open)(const pluton_config* config, const pluton_download_params* params,
                                 pluton_download** out_download, pluton_download_info* out_info);
  /* Optional (with download_open). Blocking pull: copies the next bytes of the range into
   * `buffer` (at most `capacity`, at least 1 unless the range is finished) and sets *out_size;
   * *out_size == 0 means the end of the range. Polls the cancel token while it waits. After
   * an error the download is dead: the host only calls download_close. */
  pluton_error* (*download_read)(pluton_download* download, uint8_t* buffer, size_t capacity,
                                 size_t* out_size);
  /* Optional (with download_open). Stops reading (closing connections and files) and
   * releases the handle, whether or not the range was read to the end. NULL is a no-op. */
  void (*download_close)(pluton_download* download);

  /* Optional (ABI 1.1). Hands the upload the MD5 of the whole stream, which the host computes
   * anyway: called at most once, after the last upload_write and before upload_finish, and
   * only when the host computed it. `md5` (16 raw bytes) lives only for the call. A plugin
   * that needs the object's MD5 (to store it, or as the Content-MD5 of a single request) uses
   * this instead of hashing the data a second time. An error kills the upload, as for
   * upload_write. NULL: the plugin does not need it. */
  pluton_error* (*upload_set_stream_md5)(pluton_upload* upload, const uint8_t* md5);

  /* ---- ABI 1.2. Present iff struct_size covers them. Each group is all NULL or all set;
   * the host refuses a plugin with a partial group. Every call may block on the network and
   * polls its cancel token. NOT_FOUND for a missing bucket. ---- */

  /* Listing. One page of objects under params->prefix, in key order; *out_list is set on
   * success. A page may hold fewer than max_entries even when more follow: only an empty
   * next_page_token ends the listing. */
  pluton_error* (*list_objects)(const pluton_config* config, const pluton_list_params* params,
                                pluton_object_list** out_list);
  void (*object_list_destroy)(pluton_object_list* list); /* NULL is a no-op */

  /* Stat. NOT_FOUND for a missing object. */
  pluton_error* (*stat_object)(const pluton_config* config, const pluton_object_params* params,
                               pluton_object_stat** out_stat);
  void (*object_stat_destroy)(pluton_object_stat* stat); /* NULL is a no-op */

  /* Deletion of up to 1000 keys. An error means nothing can be said about any key (e.g.
   * access denied for the whole request); per-key failures go into *out_result. */
  pluton_error* (*delete_objects)(const pluton_config* config, const pluton_delete_params* params,
                                  pluton_delete_result** out_result);
  void (*delete_result_destroy)(pluton_delete_result* result); /* NULL is a no-op */

  /* Incomplete multipart uploads: one page under params->prefix, and aborting one. Aborting
   * an upload that is already gone is success. params->key names the upload's key. */
  pluton_error* (*list_incomplete_uploads)(const pluton_config* config,
                                           const pluton_list_params* params,
                                           pluton_incomplete_upload_list** out_list);
  void (*incomplete_upload_list_destroy)(pluton_incomplete_upload_list* list);
  pluton_error* (*abort_incomplete_upload)(const pluton_config* config,
                                           const pluton_object_params* params,
                                           const char* upload_id);

  /* Bucket lifecycle rules (params->key is ""). get_lifecycle of a bucket without rules
   * returns an empty list; set_lifecycle replaces every rule, and zero rules removes the
   * configuration. A provider that has lifecycle rules but not those asked (e.g. a rule kind
   * it lacks) answers INVALID_ARGUMENT naming the rule's field. */
  pluton_error* (*get_lifecycle)(const pluton_config* config, const pluton_object_params* params,
                                 pluton_lifecycle** out_lifecycle);
  pluton_error* (*set_lifecycle)(const pluton_config* config, const pluton_object_params* params,
                                 const pluton_lifecycle* lifecycle);
  void (*lifecycle_destroy)(pluton_lifecycle* lifecycle); /* NULL is a no-op */
} pluton_plugin_api;

/* The exported entry point. `host` lives until the plugin is unloaded. Returns NULL when the
 * plugin cannot serve this host (e.g. host->abi_major it does not speak); it may log why. */
typedef const pluton_plugin_api* (*pluton_plugin_entry_fn)(const pluton_host_api* host);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PLUTON_STORAGE_PLUGIN_H_ */
