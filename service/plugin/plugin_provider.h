// PluginProvider: the Provider implementation over a plugin's C function table.
//
//   ASSIGN_OR_RETURN(std::unique_ptr<PluginProvider> provider, PluginProvider::Create(api));
//   RETURN_IF_ERROR(provider->ValidateConfig(config));
//
// Every pluton_error* the plugin returns becomes an absl::Status (code, ErrorInfo reason,
// field violations) and is released with api->error_destroy; every report and upload handle is
// copied and released with its *_destroy function before the call returns (or, for uploads,
// when the ProviderUpload is destroyed). A plugin that breaks the ABI contract in a way the
// host can see (success without a result, malformed structs, unknown codes) yields INTERNAL or
// UNKNOWN, never a crash.
//
// Thread safety: a PluginProvider is immutable after Create; all methods may be called
// concurrently (the ABI requires plugins to allow it). A ProviderUpload is used by one thread
// at a time. The plugin's shared object must stay loaded while the provider or any upload it
// created is alive (PluginSet keeps it loaded for its own lifetime).
#ifndef PLUTON_SERVICE_PLUGIN_PLUGIN_PROVIDER_H_
#define PLUTON_SERVICE_PLUGIN_PLUGIN_PROVIDER_H_

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "plugin/provider.h"
#include "pluton/storage_plugin.h"

namespace pluton::storage {

// Size of the v1.0 pluton_plugin_api: every table a 1.x host accepts is at least this big.
inline constexpr size_t kPluginApiV1Size =
    offsetof(pluton_plugin_api, upload_destroy) + sizeof(pluton_plugin_api::upload_destroy);

// Parses a plugin's config_schema_json (see pluton/storage_plugin.h). Fails with
// INVALID_ARGUMENT naming the problem when the text is not a JSON array of field objects, a
// field has no name or an unknown type, an "enum" has no allowed_values, or two fields share a
// name. Unknown keys are ignored (a later ABI minor may add some).
absl::StatusOr<std::vector<ConfigFieldSpec>> ParseConfigSchema(absl::string_view json);

// FAILED_PRECONDITION naming the functions when an ABI 1.2 group of `api` (which must be at
// least a 1.0 table) is partly set: a group is all NULL or all set.
absl::Status CheckHousekeepingGroups(const pluton_plugin_api* api);

class PluginProvider : public Provider {
 public:
  // Checks the table and wraps it. `api` must stay valid (its shared object loaded) for the
  // life of the provider. Fails with FAILED_PRECONDITION and a message saying what the plugin
  // must fix when: `api` is NULL; struct_size is smaller than the v1.0 table; abi_major is not
  // PLUTON_PLUGIN_ABI_MAJOR; a required function is NULL; provider_id does not match
  // [a-z0-9_-]{1,32}; display_name is empty; or the config schema is missing or invalid.
  static absl::StatusOr<std::unique_ptr<PluginProvider>> Create(const pluton_plugin_api* api);

  PluginProvider(const PluginProvider&) = delete;
  PluginProvider& operator=(const PluginProvider&) = delete;

  const std::string& id() const override { return id_; }
  const std::string& display_name() const override { return display_name_; }
  const std::string& description() const override { return description_; }
  const std::string& plugin_version() const override { return plugin_version_; }
  std::string abi_version() const override;
  const std::vector<ConfigFieldSpec>& schema() const override { return schema_; }

  absl::Status ValidateConfig(const ConfigMap& config) const override;
  absl::StatusOr<TestConnectionReport> TestConnection(
      const ConfigMap& config, const TestConnectionOptions& options) const override;
  absl::StatusOr<std::unique_ptr<ProviderUpload>> BeginUpload(
      const ConfigMap& config, const UploadSpec& spec,
      const std::atomic<bool>* cancelled) const override;
  // UNIMPLEMENTED for a table without the ABI 1.1 download functions (struct_size too small,
  // or any of them NULL). Checks that the plugin's content_length matches the range asked.
  absl::StatusOr<std::unique_ptr<ProviderDownload>> OpenDownload(
      const ConfigMap& config, const DownloadSpec& spec,
      const std::atomic<bool>* cancelled) const override;

  // ABI 1.2 housekeeping (plugin_housekeeping.cc). UNIMPLEMENTED, reason
  // "<CAPABILITY>_UNSUPPORTED", when the table lacks the group. Plugin results are checked
  // (arrays present, counts sane) and copied before they are released.
  absl::StatusOr<ObjectListing> ListObjects(const ConfigMap& config, const ListSpec& spec,
                                            const std::atomic<bool>* cancelled) const override;
  absl::StatusOr<ObjectDetails> StatObject(const ConfigMap& config, const std::string& bucket,
                                           const std::string& key,
                                           const std::atomic<bool>* cancelled) const override;
  absl::StatusOr<std::vector<KeyFailure>> DeleteObjects(
      const ConfigMap& config, const std::string& bucket, const std::vector<std::string>& keys,
      const std::atomic<bool>* cancelled) const override;
  absl::StatusOr<IncompleteUploadListing> ListIncompleteUploads(
      const ConfigMap& config, const ListSpec& spec,
      const std::atomic<bool>* cancelled) const override;
  absl::Status AbortIncompleteUpload(const ConfigMap& config, const std::string& bucket,
                                     const std::string& key, const std::string& upload_id,
                                     const std::atomic<bool>* cancelled) const override;
  absl::StatusOr<std::vector<LifecycleRuleSpec>> GetLifecycle(
      const ConfigMap& config, const std::string& bucket,
      const std::atomic<bool>* cancelled) const override;
  absl::Status SetLifecycle(const ConfigMap& config, const std::string& bucket,
                            const std::vector<LifecycleRuleSpec>& rules,
                            const std::atomic<bool>* cancelled) const override;

 private:
  PluginProvider(const pluton_plugin_api* api, std::vector<ConfigFieldSpec> schema);

  const pluton_plugin_api* const api_;
  const std::string id_;
  const std::string display_name_;
  const std::string description_;
  const std::string plugin_version_;
  const std::vector<ConfigFieldSpec> schema_;
};

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_PLUGIN_PLUGIN_PROVIDER_H_
