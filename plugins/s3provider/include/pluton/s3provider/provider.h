// The seam between the shared S3 provider code (pluton_s3provider) and each plugin built on
// it (r2, s3).
//
// A plugin supplies one Provider: who it is, its configuration schema, the checks and
// derivations only it knows (credential formats, the endpoint from an account id or a URL,
// which encryption modes exist) and the words it uses with people (Explain). Everything else
// is shared: the ABI table (plugin_api.h), validation plumbing (ResolveConfig), Test
// Connection's checks (test_connection.h), the upload wiring (upload.h) and the
// classification of failures (failure.h).
//
//   class R2Provider final : public Provider { ... };
//   extern "C" PLUTON_PLUGIN_EXPORT const pluton_plugin_api* pluton_storage_plugin_entry(
//       const pluton_host_api* host) {
//     static const R2Provider provider;
//     return PluginEntry(provider, host);
//   }
//
// Secrets: ResolvedConfig holds the secret key (and an SSE-C key); nothing here may put them
// in a message, a log line or a check detail. ConfigCheck::Raw returns secrets too: only
// echo values of fields that are not secret.
//
// Thread safety: a Provider is immutable after construction (its HostContext is set once by
// the entry function and is itself thread-safe); every method may run concurrently on any
// thread. ConfigCheck is used by one thread.
#ifndef PLUTON_PLUGINS_S3PROVIDER_PROVIDER_H_
#define PLUTON_PLUGINS_S3PROVIDER_PROVIDER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "pluton/s3/s3_client.h"
#include "pluton/s3/streaming_upload.h"
#include "pluton/s3provider/failure.h"
#include "pluton/sdk/config_schema.h"
#include "pluton/sdk/errors.h"
#include "pluton/sdk/host_context.h"
#include "pluton/storage_plugin.h"

namespace pluton::s3provider {

// Everything the S3 requests of one storage need, derived from a valid configuration.
struct ResolvedConfig {
  s3::S3Endpoint endpoint;             // base URL, region, addressing style
  s3::Credentials credentials;         // SECRET: never log or print
  s3::ObjectOptions object_options;    // storage class and encryption for every new object
                                       // (content type and metadata are per upload)
  s3::StreamingUploadSettings upload;  // chunk_size, upload_cutoff, upload_concurrency
  bool disable_checksum = false;       // do not store the whole-object MD5 as metadata
  // When the MD5 was not known up front, add it after a multipart upload by a server-side copy
  // (StreamingUploadSettings::md5_metadata_key); nothing when disable_checksum.
  bool md5_after_upload = true;
  // True when the endpoint was given as a URL by the user rather than derived (R2's advanced
  // override): messages then talk about that URL instead of the account.
  bool endpoint_overridden = false;
};

// A configuration under validation: the values that parsed (defaults applied), the raw text
// the user gave, and the violations found so far. Shared checks and Provider::Resolve add to
// the same list, so every problem is reported at once.
class ConfigCheck {
 public:
  // `result` comes from ConfigSchema::Validate(config); both must outlive the ConfigCheck.
  ConfigCheck(plugin_sdk::ValidationResult* result, const pluton_config* config);

  // Values that passed the generic rules, defaults applied (see plugin_sdk::ParsedConfig).
  const plugin_sdk::ParsedConfig& parsed() const { return result_->config; }
  // The text the user set for `field` ("" when absent, empty, duplicated or NULL). May be a
  // secret: echo it only for fields that are not secret.
  std::string Raw(std::string_view field) const;
  // True when a violation for `field` was reported already.
  bool HasViolation(std::string_view field) const;
  // True when `field` has a value (set or defaulted) and no violation: a specific check on
  // it is meaningful and its value may be used.
  bool Usable(std::string_view field) const;
  // Reports a problem with `field`: what is wrong and the fix. Never include a secret.
  void Add(std::string field, std::string description);
  // Replaces every violation reported for `field` by one with `description` (adds it when
  // there was none): for tailoring the generic "not an allowed value" to the provider.
  void Replace(const std::string& field, std::string description);
  bool ok() const { return result_->violations.empty(); }

 private:
  plugin_sdk::ValidationResult* result_;
  const pluton_config* config_;
};

// What a failed call was doing, for the words of its explanation.
enum class Operation {
  kListBuckets,  // Test Connection without a bucket
  kListObjects,  // Test Connection: ListObjectsV2 max-keys=1 on the bucket
  kWriteProbe,   // Test Connection: the small PUT
  kDeleteProbe,  // Test Connection: the DELETE of the probe
  kUpload,       // an upload (any of its requests)
  kDownload,     // a download (GetObject, and the HEAD of an empty range)
  kStat,         // stat_object: HeadObject
  // Object housekeeping (ABI 1.2, housekeeping.h):
  kList,          // list_objects: ListObjectsV2 pages
  kDelete,        // delete_objects: DeleteObjects / DeleteObject
  kListUploads,   // list_incomplete_uploads: ListMultipartUploads
  kAbortUpload,   // abort_incomplete_upload: AbortMultipartUpload
  kGetLifecycle,  // get_lifecycle (and set_lifecycle's look at the current rules)
  kSetLifecycle,  // set_lifecycle: Put/DeleteBucketLifecycleConfiguration
};

struct FailureContext {
  Operation operation = Operation::kUpload;
  std::string bucket;                      // "" for kListBuckets
  std::string key;                         // the object, for kUpload and the probes
  const ResolvedConfig* config = nullptr;  // never NULL when passed to Explain
  uint32_t timeout_ms = 0;                 // the connection test's limit (0 for uploads)
};

struct Explanation {
  std::string reason;   // stable UPPER_SNAKE_CASE, e.g. "SIGNATURE_MISMATCH"
  std::string message;  // what went wrong and how to fix it, for people; never a secret
};

class Provider {
 public:
  virtual ~Provider() = default;
  Provider(const Provider&) = delete;
  Provider& operator=(const Provider&) = delete;

  // Identity, as in pluton_plugin_api. Static lifetime (string literals).
  virtual const char* id() const = 0;  // e.g. "r2"
  virtual const char* display_name() const = 0;
  virtual const char* description() const = 0;
  virtual const char* version() const = 0;

  // The configuration form. Built once (function-local static); throws only on a schema
  // bug or bad_alloc (callers are guarded).
  virtual const plugin_sdk::ConfigSchema& Schema() const = 0;

  // The provider's own checks, run after the schema's generic rules and the shared checks
  // of chunk_size / upload_cutoff / upload_concurrency / disable_checksum. Reports every
  // problem through `check` and fills the parts of *out it owns: endpoint, credentials and
  // object_options (and endpoint_overridden). *out is used only when no violation was
  // reported, so it may be left partial on problems.
  virtual void Resolve(ConfigCheck& check, ResolvedConfig* out) const = 0;

  // The provider's words for a classified failure: a stable reason and a message with the
  // fix. `context.config` is never NULL.
  virtual Explanation Explain(const Failure& failure, const FailureContext& context) const = 0;

  // The host services given to the entry function (logging, buffer budget).
  plugin_sdk::HostContext& host() const { return host_; }

 protected:
  // `id_literal` is the provider id with static lifetime, used for host log lines.
  explicit Provider(const char* id_literal) : host_(id_literal) {}

 private:
  mutable plugin_sdk::HostContext host_;
};

// Validates `config` for `provider`: the schema's generic rules, the shared checks of the
// tuning fields, and Provider::Resolve, every problem at once in one INVALID_ARGUMENT
// "INVALID_CONFIG" error (one violation per problem). NULL when valid; *out (may be NULL to
// only validate) is then filled. Never touches the network.
pluton_error* ResolveConfig(const Provider& provider, const pluton_config* config,
                            ResolvedConfig* out);

}  // namespace pluton::s3provider

#endif  // PLUTON_PLUGINS_S3PROVIDER_PROVIDER_H_
