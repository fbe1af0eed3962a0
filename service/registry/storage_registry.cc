#include "registry/storage_registry.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/rich_status.h"
#include "common/status_macros.h"
#include "nlohmann/json.hpp"
#include "registry/chunk_size_check.h"
#include "registry/storage_names.h"

namespace pluton::storage {
namespace {

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 1000;

std::string EncodePageToken(const std::string& last_name) {
  return absl::WebSafeBase64Escape(absl::StrCat("v1:", last_name));
}

absl::StatusOr<std::string> DecodePageToken(const std::string& token) {
  std::string decoded;
  if (!absl::WebSafeBase64Unescape(token, &decoded) || decoded.rfind("v1:", 0) != 0) {
    return InvalidArgumentWithViolations(
        "invalid page token",
        {{"page_token", "not a token this service issued; pass next_page_token unchanged"}});
  }
  return decoded.substr(3);
}

// A field's effective value: set, else the schema default.
std::string ValueOrDefault(const ConfigFieldSpec& field, const ConfigMap& config) {
  auto it = config.find(field.name);
  return it == config.end() ? field.default_value : it->second;
}

// INVALID_ARGUMENT, naming each secret the update leaves out, when it changes a field that
// re-targets the credentials of a storage that has secrets.
absl::Status RequireSecretsForRetarget(const Provider& provider, const StorageRecord& record,
                                       const ConfigMap& stored_secrets, const ConfigMap& merged,
                                       const StorageUpdate& update) {
  std::string retargeted;
  for (const ConfigFieldSpec& field : provider.schema()) {
    if (field.binds_secrets &&
        ValueOrDefault(field, merged) != ValueOrDefault(field, record.config)) {
      retargeted = field.name;
      break;
    }
  }
  if (retargeted.empty()) return absl::OkStatus();
  std::vector<FieldViolation> violations;
  for (const auto& [secret, value] : stored_secrets) {
    const bool given = update.config.count(secret) != 0 &&
                       (update.replace_config || update.config_fields.count(secret) != 0);
    if (!given) {
      violations.push_back(
          {absl::StrCat("update.config.", secret),
           absl::StrCat("changing ", retargeted,
                        " sends the storage's credentials somewhere else: give ", secret,
                        " again in the same update (add config.", secret, " to the mask)")});
    }
  }
  if (violations.empty()) return absl::OkStatus();
  return InvalidArgumentWithViolations("the update re-targets the storage without its secrets",
                                       violations);
}

}  // namespace

StorageRegistry::StorageRegistry(StorageStore* store, const SecretBox* secret_box,
                                 const PluginSet* plugins, uint64_t upload_buffer_budget_bytes,
                                 const HostPolicy* policy)
    : store_(store),
      secret_box_(secret_box),
      plugins_(plugins),
      upload_buffer_budget_bytes_(upload_buffer_budget_bytes),
      policy_(policy) {}

absl::Status StorageRegistry::CheckConfig(const Provider& provider, const ConfigMap& config) const {
  absl::Status status = provider.ValidateConfig(config);
  if (!status.ok() && !absl::IsInvalidArgument(status)) return status;
  std::vector<FieldViolation> violations;
  if (!status.ok()) violations = ViolationsOrMessage(status);
  const size_t before = violations.size();
  CheckChunkSizeFitsBudget(provider.schema(), config, upload_buffer_budget_bytes_, violations);
  policy_->Check(provider.schema(), config, violations);
  if (violations.size() == before) return status;
  return InvalidArgumentWithViolations("the configuration is invalid", violations);
}

absl::StatusOr<std::shared_ptr<const Provider>> StorageRegistry::FindProvider(
    const std::string& provider_id, const std::string& field) const {
  std::shared_ptr<const Provider> provider = plugins_->Find(provider_id);
  if (provider) return provider;
  std::string known;
  for (const auto& p : plugins_->providers()) {
    absl::StrAppend(&known, known.empty() ? "" : ", ", p->id());
  }
  if (known.empty()) known = "(none: check the service's --plugin_dir)";
  const std::string message = provider_id.empty()
                                  ? "no provider given"
                                  : absl::StrCat("no provider \"", provider_id, "\" is loaded");
  return MakeRichStatus(absl::StatusCode::kInvalidArgument,
                        absl::StrCat(message, "; loaded providers: ", known), "UNKNOWN_PROVIDER",
                        {{field, absl::StrCat("use one of: ", known)}});
}

absl::StatusOr<StorageRecord> StorageRegistry::Lookup(const std::string& ref) {
  if (ref.empty()) {
    return InvalidArgumentWithViolations("no storage given",
                                         {{"storage", "give the storage's id or name"}});
  }
  absl::StatusOr<StorageRecord> record =
      LooksLikeStorageId(ref) ? store_->GetById(ref) : store_->GetByName(ref);
  if (absl::IsNotFound(record.status())) {
    return MakeRichStatus(absl::StatusCode::kNotFound,
                          absl::StrCat("no storage named or with id \"", ref,
                                       "\"; `pluton-storage list` shows the registered ones"),
                          "STORAGE_NOT_FOUND");
  }
  return record;
}

absl::Status StorageRegistry::SealInto(const Provider& provider, const ConfigMap& config,
                                       StorageRecord& record) {
  nlohmann::json secrets = nlohmann::json::object();
  record.config.clear();
  for (const auto& [key, value] : config) {
    if (provider.IsSecretField(key)) {
      secrets[key] = value;
    } else {
      record.config[key] = value;
    }
  }
  record.sealed_secrets.clear();
  if (secrets.empty()) return absl::OkStatus();
  std::string plaintext;
  try {
    plaintext = secrets.dump();
  } catch (const nlohmann::json::exception&) {
    // JSON carries text only; the message names no value.
    return absl::InvalidArgumentError(
        "the secret configuration cannot be stored: every secret value must be valid UTF-8");
  }
  absl::StatusOr<std::string> sealed = secret_box_->Seal(plaintext, record.id);
  OPENSSL_cleanse(plaintext.data(), plaintext.size());
  ASSIGN_OR_RETURN(record.sealed_secrets, std::move(sealed));
  return absl::OkStatus();
}

absl::StatusOr<ConfigMap> StorageRegistry::OpenSecrets(const StorageRecord& record) const {
  ConfigMap secrets;
  if (record.sealed_secrets.empty()) return secrets;
  ASSIGN_OR_RETURN(std::string plaintext, secret_box_->Open(record.sealed_secrets, record.id));
  nlohmann::json parsed = nlohmann::json::parse(plaintext, nullptr, /*allow_exceptions=*/false);
  OPENSSL_cleanse(plaintext.data(), plaintext.size());
  if (!parsed.is_object()) {
    return absl::DataLossError(
        absl::StrCat("the secrets of storage ", record.id, " are unreadable"));
  }
  for (const auto& [key, value] : parsed.items()) {
    if (value.is_string()) secrets[key] = value.get<std::string>();
  }
  return secrets;
}

StorageView StorageRegistry::ToView(const StorageRecord& record) const {
  StorageView view{record.id, record.name,        record.provider,   record.config,
                   {},        record.create_time, record.update_time};
  absl::StatusOr<ConfigMap> secrets = OpenSecrets(record);
  // A view only needs the names; an unreadable secret blob shows as "none set" here and
  // fails loudly where the secret is actually needed (Resolve).
  if (secrets.ok()) {
    for (const auto& [key, value] : *secrets) view.secret_fields_set.push_back(key);
  }
  return view;
}

absl::StatusOr<StorageView> StorageRegistry::Add(const std::string& name,
                                                 const std::string& provider_id,
                                                 const ConfigMap& config, bool validate_only) {
  std::vector<FieldViolation> violations;
  absl::Status name_status = ValidateStorageName(name, "storage.name");
  for (auto& v : ViolationsOf(name_status)) violations.push_back(std::move(v));
  ASSIGN_OR_RETURN(std::shared_ptr<const Provider> provider,
                   FindProvider(provider_id, "storage.provider"));
  absl::Status config_status = CheckConfig(*provider, config);
  if (absl::IsInvalidArgument(config_status)) {
    for (auto& v : ViolationsOf(PrefixViolationFields(config_status, "storage.config.")))
      violations.push_back(std::move(v));
  } else {
    RETURN_IF_ERROR(config_status);
  }
  if (!violations.empty()) {
    return InvalidArgumentWithViolations("the storage is invalid", violations);
  }

  StorageRecord record;
  record.id = NewStorageId();
  record.name = name;
  record.provider = provider_id;
  record.create_time = record.update_time = absl::Now();
  RETURN_IF_ERROR(SealInto(*provider, config, record));
  if (!validate_only) RETURN_IF_ERROR(store_->Insert(record));
  return ToView(record);
}

absl::StatusOr<StorageView> StorageRegistry::Get(const std::string& ref) {
  ASSIGN_OR_RETURN(StorageRecord record, Lookup(ref));
  return ToView(record);
}

absl::StatusOr<StoragePage> StorageRegistry::List(const std::string& provider_id, int page_size,
                                                  const std::string& page_token) {
  if (page_size < 0) {
    return InvalidArgumentWithViolations("invalid page size",
                                         {{"page_size", "must not be negative"}});
  }
  StorageListQuery query;
  query.provider = provider_id;
  query.limit = page_size == 0 ? kDefaultPageSize : std::min(page_size, kMaxPageSize);
  if (!page_token.empty()) {
    ASSIGN_OR_RETURN(query.after_name, DecodePageToken(page_token));
  }
  // Ask for one more than a page to learn whether another page follows.
  const int limit = query.limit;
  query.limit = limit + 1;
  ASSIGN_OR_RETURN(std::vector<StorageRecord> records, store_->List(query));
  StoragePage page;
  for (size_t i = 0; i < records.size() && static_cast<int>(i) < limit; ++i) {
    page.storages.push_back(ToView(records[i]));
  }
  if (static_cast<int>(records.size()) > limit) {
    page.next_page_token = EncodePageToken(page.storages.back().name);
  }
  return page;
}

absl::StatusOr<StorageView> StorageRegistry::Update(const std::string& ref,
                                                    const StorageUpdate& update) {
  ASSIGN_OR_RETURN(StorageRecord record, Lookup(ref));
  ASSIGN_OR_RETURN(std::shared_ptr<const Provider> provider,
                   FindProvider(record.provider, "storage.provider"));
  if (update.name) {
    absl::Status name_status = ValidateStorageName(*update.name, "update.name");
    RETURN_IF_ERROR(name_status);
    record.name = *update.name;
  }

  if (update.replace_config || !update.config_fields.empty()) {
    ASSIGN_OR_RETURN(const ConfigMap stored_secrets, OpenSecrets(record));
    ConfigMap merged = stored_secrets;
    for (const auto& [key, value] : record.config) merged[key] = value;
    if (update.replace_config) {
      // Secrets not re-sent keep their stored value; every other field is replaced.
      for (auto it = merged.begin(); it != merged.end();) {
        it = provider->IsSecretField(it->first) ? std::next(it) : merged.erase(it);
      }
      for (const auto& [key, value] : update.config) merged[key] = value;
    }
    for (const std::string& field : update.config_fields) {
      auto it = update.config.find(field);
      if (it == update.config.end()) {
        merged.erase(field);
      } else {
        merged[field] = it->second;
      }
    }
    RETURN_IF_ERROR(RequireSecretsForRetarget(*provider, record, stored_secrets, merged, update));
    absl::Status config_status = CheckConfig(*provider, merged);
    if (absl::IsInvalidArgument(config_status)) {
      return PrefixViolationFields(config_status, "update.config.");
    }
    RETURN_IF_ERROR(config_status);
    RETURN_IF_ERROR(SealInto(*provider, merged, record));
  }
  record.update_time = absl::Now();
  RETURN_IF_ERROR(store_->Update(record));
  return ToView(record);
}

absl::Status StorageRegistry::Delete(const std::string& ref) {
  ASSIGN_OR_RETURN(StorageRecord record, Lookup(ref));
  return store_->Delete(record.id);
}

absl::StatusOr<ResolvedStorage> StorageRegistry::Resolve(const std::string& ref) {
  ASSIGN_OR_RETURN(StorageRecord record, Lookup(ref));
  std::shared_ptr<const Provider> provider = plugins_->Find(record.provider);
  if (!provider) {
    return MakeRichStatus(
        absl::StatusCode::kFailedPrecondition,
        absl::StrCat("storage \"", record.name, "\" uses provider \"", record.provider,
                     "\", which is not loaded; check the service's --plugin_dir"),
        "PROVIDER_NOT_LOADED");
  }
  std::vector<FieldViolation> refused;
  policy_->Check(provider->schema(), record.config, refused);
  if (!refused.empty()) {
    return MakeRichStatus(
        absl::StatusCode::kFailedPrecondition,
        absl::StrCat("storage \"", record.name,
                     "\" is no longer allowed by this service: ", refused[0].field, ": ",
                     refused[0].description, "; update the storage or the service's flags"),
        "STORAGE_NOT_ALLOWED_BY_HOST_POLICY");
  }
  ASSIGN_OR_RETURN(ConfigMap config, OpenSecrets(record));
  for (const auto& [key, value] : record.config) config[key] = value;
  return ResolvedStorage{record.id, record.name, std::move(provider), std::move(config)};
}

absl::StatusOr<ResolvedStorage> StorageRegistry::ResolveUnsaved(const std::string& provider_id,
                                                                const ConfigMap& config) {
  ASSIGN_OR_RETURN(std::shared_ptr<const Provider> provider,
                   FindProvider(provider_id, "unsaved.provider"));
  absl::Status status = CheckConfig(*provider, config);
  if (absl::IsInvalidArgument(status)) return PrefixViolationFields(status, "unsaved.config.");
  RETURN_IF_ERROR(status);
  return ResolvedStorage{"", "", std::move(provider), config};
}

}  // namespace pluton::storage
