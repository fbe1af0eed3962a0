// Provider: the host's C++ view of one loaded provider plugin.
//
// It turns C ABI calls into absl::Status values (codes, ErrorInfo reason, per-field
// violations; see common/rich_status.h), copies plugin-owned results into C++ values and
// releases them with the plugin's own *_destroy functions, so no plugin memory outlives a call.
//
// Thread safety: Provider is immutable after loading and every method may be called
// concurrently. A ProviderUpload is used by one thread at a time.
#ifndef PLUTON_SERVICE_PLUGIN_PROVIDER_H_
#define PLUTON_SERVICE_PLUGIN_PROVIDER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "pluton/storage_plugin.h"

namespace pluton::storage {

// Configuration values keyed by field name, as strings.
using ConfigMap = std::map<std::string, std::string>;

// One field of a provider's configuration form (parsed from config_schema_json).
struct ConfigFieldSpec {
  std::string name;
  std::string label;
  std::string type;  // "string" | "integer" | "bool" | "enum" | "size"
  bool required = false;
  bool secret = false;
  std::string default_value;
  std::vector<std::string> allowed_values;
  std::string help;
  bool advanced = false;
  std::string placeholder;
  std::string format;          // "" | "local_path" | "endpoint" (pluton/storage_plugin.h)
  bool binds_secrets = false;  // also true for format "endpoint"
};

struct TestConnectionOptions {
  std::string bucket;  // "" to check credentials only
  bool read_only = false;
  absl::Duration timeout = absl::Seconds(20);
  const std::atomic<bool>* cancelled = nullptr;  // may be null; must outlive the call
};

struct ConnectionCheckResult {
  std::string name;
  std::string description;
  bool passed = false;
  std::string detail;
  absl::Duration latency;
};

struct TestConnectionReport {
  bool success = false;
  std::string reason;
  std::string message;
  std::vector<ConnectionCheckResult> checks;
};

// Told the id of each pending state an upload creates at the destination (a multipart upload,
// a temporary file: pluton_upload_tracker), before data goes into it, on the thread running
// the upload's call. A later id replaces an earlier one. A non-OK status makes the upload
// discard that state and fail with UNAVAILABLE "UPLOAD_NOT_RECORDED".
using PendingUploadHook = std::function<absl::Status(const std::string& upload_id)>;

// What the host asks the plugin to store.
struct UploadSpec {
  std::string bucket;
  std::string key;
  int64_t expected_size = -1;  // -1: unknown
  std::string content_type;
  std::map<std::string, std::string> metadata;
  std::optional<std::string> content_md5;  // 16 raw bytes when known up front
  PendingUploadHook on_pending;            // may be empty; must outlive the upload
};

struct UploadOutcome {
  uint64_t bytes_stored = 0;
  std::string etag;
  uint32_t part_count = 0;
  uint64_t part_size = 0;
};

// One upload in progress. Not thread-safe: one thread at a time.
// Destroying an upload that was neither finished nor aborted aborts it (nothing is committed).
class ProviderUpload {
 public:
  virtual ~ProviderUpload() = default;
  // Appends bytes; `data` is only read during the call. After an error, call Abort.
  virtual absl::Status Write(const uint8_t* data, size_t size) = 0;
  // Hands the provider the MD5 (16 raw bytes) of the whole stream, so it need not hash the
  // data again. REQUIRES: after the last Write, before Finish, at most once. Providers that
  // have no use for it ignore it.
  virtual absl::Status SetStreamMd5(const std::string& md5) = 0;
  // Commits the object. After an error nothing is committed; call Abort.
  virtual absl::StatusOr<UploadOutcome> Finish() = 0;
  // Discards everything; idempotent.
  virtual void Abort() = 0;
};

// What the host asks the plugin to read.
struct DownloadSpec {
  std::string bucket;
  std::string key;
  uint64_t offset = 0;
  int64_t length = -1;  // -1: to the end of the object
};

// What the plugin says about the object being read.
struct DownloadInfo {
  uint64_t object_size = 0;
  std::string etag;
  std::optional<std::string> stored_md5;  // 16 raw bytes: the whole object's MD5, when stored
  uint64_t content_length = 0;            // bytes Read will deliver in total
};

// One download in progress. Not thread-safe: one thread at a time. Destroying it stops the
// read and releases the plugin's handle.
class ProviderDownload {
 public:
  virtual ~ProviderDownload() = default;
  virtual const DownloadInfo& info() const = 0;
  // Copies the next bytes of the range into `buffer` (at most `capacity`); 0 at the end.
  // Blocks on the provider. After an error the download is dead.
  virtual absl::StatusOr<size_t> Read(uint8_t* buffer, size_t capacity) = 0;
};

// ABI 1.2 housekeeping values (see pluton_plugin_api for the contracts).
struct ListSpec {
  std::string bucket;
  std::string prefix;
  std::string delimiter;  // ignored when listing incomplete uploads
  std::string page_token;
  uint32_t max_entries = 1000;  // 1..1000
};

struct ObjectDetails {
  std::string key;
  uint64_t size = 0;
  std::optional<absl::Time> modified;
  std::string etag;
  std::optional<std::string> stored_md5;  // 16 raw bytes
  std::string storage_class;
  std::string content_type;
  std::map<std::string, std::string> metadata;
};

struct ObjectListing {
  std::vector<ObjectDetails> objects;  // key, size, modified, etag, storage_class
  std::vector<std::string> common_prefixes;
  std::string next_page_token;
};

struct KeyFailure {
  std::string key;
  absl::StatusCode code = absl::StatusCode::kUnknown;
  std::string message;
};

struct IncompleteUploadInfo {
  std::string key;
  std::string upload_id;
  std::optional<absl::Time> initiated;
};

struct IncompleteUploadListing {
  std::vector<IncompleteUploadInfo> uploads;
  std::string next_page_token;
};

struct LifecycleRuleSpec {
  std::string id;
  std::string prefix;
  bool enabled = true;
  uint32_t expire_after_days = 0;
  uint32_t abort_incomplete_after_days = 0;
};

class Provider {
 public:
  virtual ~Provider() = default;

  virtual const std::string& id() const = 0;
  virtual const std::string& display_name() const = 0;
  virtual const std::string& description() const = 0;
  virtual const std::string& plugin_version() const = 0;
  virtual std::string abi_version() const = 0;  // "MAJOR.MINOR" the plugin declared
  virtual const std::vector<ConfigFieldSpec>& schema() const = 0;

  // Whether `field` is declared secret in the schema.
  bool IsSecretField(const std::string& field) const {
    for (const auto& f : schema()) {
      if (f.name == field) return f.secret;
    }
    return false;
  }

  // OK, or INVALID_ARGUMENT carrying one violation per wrong field (field = config key), or
  // another error when the provider could not check. Never OK for a config the provider
  // refused. A plugin-backed provider also refuses, before asking the plugin, keys its schema
  // does not declare and configs past the host's bounds (plugin/config_check.h).
  virtual absl::Status ValidateConfig(const ConfigMap& config) const = 0;

  // Runs the provider's checks. A failed check is an OK status with report.success = false.
  virtual absl::StatusOr<TestConnectionReport> TestConnection(
      const ConfigMap& config, const TestConnectionOptions& options) const = 0;

  // Starts an upload. `cancelled` (may be null) must outlive the returned upload; when it
  // becomes true, blocked calls return CANCELLED soon.
  virtual absl::StatusOr<std::unique_ptr<ProviderUpload>> BeginUpload(
      const ConfigMap& config, const UploadSpec& spec,
      const std::atomic<bool>* cancelled) const = 0;

  // Opens an object (or the range spec.offset/length of it) for reading. `cancelled` (may be
  // null) must outlive the returned download. UNIMPLEMENTED when the provider cannot read
  // (plugins of ABI 1.0); NOT_FOUND, OUT_OF_RANGE and others from the provider.
  virtual absl::StatusOr<std::unique_ptr<ProviderDownload>> OpenDownload(
      const ConfigMap& /*config*/, const DownloadSpec& /*spec*/,
      const std::atomic<bool>* /*cancelled*/) const {
    return absl::UnimplementedError(
        absl::StrCat("storage provider \"", id(), "\" cannot read objects"));
  }

  // ABI 1.2 housekeeping. Each returns UNIMPLEMENTED when the plugin lacks the capability.
  // `cancelled` (may be null) must outlive the call. Keys and buckets are validated by the
  // caller.
  virtual absl::StatusOr<ObjectListing> ListObjects(const ConfigMap& config, const ListSpec& spec,
                                                    const std::atomic<bool>* cancelled) const;
  virtual absl::StatusOr<ObjectDetails> StatObject(const ConfigMap& config,
                                                   const std::string& bucket,
                                                   const std::string& key,
                                                   const std::atomic<bool>* cancelled) const;
  // Deletes 1..1000 keys; returns the keys that failed (a missing key is not a failure).
  virtual absl::StatusOr<std::vector<KeyFailure>> DeleteObjects(
      const ConfigMap& config, const std::string& bucket, const std::vector<std::string>& keys,
      const std::atomic<bool>* cancelled) const;
  virtual absl::StatusOr<IncompleteUploadListing> ListIncompleteUploads(
      const ConfigMap& config, const ListSpec& spec, const std::atomic<bool>* cancelled) const;
  virtual absl::Status AbortIncompleteUpload(const ConfigMap& config, const std::string& bucket,
                                             const std::string& key, const std::string& upload_id,
                                             const std::atomic<bool>* cancelled) const;
  virtual absl::StatusOr<std::vector<LifecycleRuleSpec>> GetLifecycle(
      const ConfigMap& config, const std::string& bucket, const std::atomic<bool>* cancelled) const;
  virtual absl::Status SetLifecycle(const ConfigMap& config, const std::string& bucket,
                                    const std::vector<LifecycleRuleSpec>& rules,
                                    const std::atomic<bool>* cancelled) const;

 protected:
  // UNIMPLEMENTED "storage provider "<id>" cannot <what>" for the defaults above.
  absl::Status Unsupported(const std::string& what) const;
};

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_PLUGIN_PROVIDER_H_
