// StorageRegistry: the rules around registered storages.
//
// It validates configurations with the provider's plugin before anything is stored, seals
// secret fields (AES-256-GCM, bound to the storage id) before they reach the StorageStore,
// and hands out two views of a storage: a redacted one for responses (no secret values) and a
// resolved one, with secrets opened, for the plugin calls that need credentials.
//
// Thread safety: all methods may be called concurrently. The store, secret box and plugin set
// passed to the constructor are borrowed and must outlive the registry.
#ifndef PLUTON_SERVICE_REGISTRY_STORAGE_REGISTRY_H_
#define PLUTON_SERVICE_REGISTRY_STORAGE_REGISTRY_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "plugin/plugin_loader.h"
#include "plugin/provider.h"
#include "registry/host_policy.h"
#include "store/secret_box.h"
#include "store/storage_store.h"

namespace pluton::storage {

// A storage as responses show it: non-secret config only, plus which secrets are set.
struct StorageView {
  std::string id;
  std::string name;
  std::string provider;
  ConfigMap config;
  std::vector<std::string> secret_fields_set;  // sorted
  absl::Time create_time;
  absl::Time update_time;
};

// A storage ready for a plugin call: the full configuration, secrets included.
// Holds secrets in memory: never log or return it.
struct ResolvedStorage {
  std::string id;  // "" for an unsaved configuration
  std::string name;
  std::shared_ptr<const Provider> provider;
  ConfigMap config;
};

struct StoragePage {
  std::vector<StorageView> storages;
  std::string next_page_token;  // "" on the last page
};

// What UpdateStorage changes. Field paths follow the API's update_mask.
struct StorageUpdate {
  std::optional<std::string> name;
  bool replace_config = false;          // "config" in the mask
  std::set<std::string> config_fields;  // "config.<key>" paths, without the prefix
  ConfigMap config;                     // new values; fields in the mask but absent here are reset
};

class StorageRegistry {
 public:
  // `upload_buffer_budget_bytes` is the daemon's upload buffer budget: configurations whose
  // part size (chunk_size) exceeds it are refused (registry/chunk_size_check.h). `policy`
  // says which local paths and endpoints a configuration may name (registry/host_policy.h).
  StorageRegistry(StorageStore* store, const SecretBox* secret_box, const PluginSet* plugins,
                  uint64_t upload_buffer_budget_bytes, const HostPolicy* policy);

  // Validates and stores a new storage (or only validates). Violations name request fields
  // ("storage.name", "storage.config.<key>").
  absl::StatusOr<StorageView> Add(const std::string& name, const std::string& provider_id,
                                  const ConfigMap& config, bool validate_only);
  absl::StatusOr<StorageView> Get(const std::string& ref);
  absl::StatusOr<StoragePage> List(const std::string& provider_id, int page_size,
                                   const std::string& page_token);
  // Changing a field that re-targets the credentials (schema "binds_secrets": an endpoint,
  // account or key id) requires every secret the storage has in the same update, so that a
  // storage cannot be re-pointed at another host with its stored secret.
  absl::StatusOr<StorageView> Update(const std::string& ref, const StorageUpdate& update);
  absl::Status Delete(const std::string& ref);

  // A saved storage with its secrets opened, for plugin calls. FAILED_PRECONDITION when its
  // configuration no longer passes the host policy (the operator narrowed it since).
  absl::StatusOr<ResolvedStorage> Resolve(const std::string& ref);
  // An unsaved configuration, validated, for TestConnection before Save.
  absl::StatusOr<ResolvedStorage> ResolveUnsaved(const std::string& provider_id,
                                                 const ConfigMap& config);

 private:
  absl::StatusOr<std::shared_ptr<const Provider>> FindProvider(const std::string& provider_id,
                                                               const std::string& field) const;
  absl::StatusOr<StorageRecord> Lookup(const std::string& ref);
  // The provider's verdict on `config` plus the service's own rules for it (the part size must
  // fit the buffer budget, paths and endpoints the host policy): OK, INVALID_ARGUMENT with every
  // violation (fields are config keys), or the provider's other error.
  absl::Status CheckConfig(const Provider& provider, const ConfigMap& config) const;
  // Splits `config` into the record's plain config and sealed secrets.
  absl::Status SealInto(const Provider& provider, const ConfigMap& config, StorageRecord& record);
  absl::StatusOr<ConfigMap> OpenSecrets(const StorageRecord& record) const;
  StorageView ToView(const StorageRecord& record) const;

  StorageStore* const store_;
  const SecretBox* const secret_box_;
  const PluginSet* const plugins_;
  const uint64_t upload_buffer_budget_bytes_;
  const HostPolicy* const policy_;
};

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_REGISTRY_STORAGE_REGISTRY_H_
