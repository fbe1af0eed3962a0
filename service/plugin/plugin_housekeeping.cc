// PluginProvider's ABI 1.2 housekeeping calls: listing, stat, deletion, incomplete uploads and
// lifecycle rules, each a C call whose plugin-owned result is checked, copied and released
// with the plugin's own destroy function before returning.
#include <algorithm>
#include <limits>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"
#include "plugin/config_check.h"
#include "plugin/plugin_call.h"
#include "plugin/plugin_provider.h"

namespace pluton::storage {
namespace {

using plugin_call::CConfig;
using plugin_call::CheckConfigBounds;
using plugin_call::CheckNoNul;
using plugin_call::CheckObjectName;
using plugin_call::kMaxPluginArrayEntries;
using plugin_call::MakeCancelToken;
using plugin_call::OrEmpty;
using plugin_call::PluginBug;
using plugin_call::TakeError;

// True when the table is large enough to hold `field` and it is set.
#define PLUTON_API_HAS(api, field) \
  ((api)->struct_size >= PLUTON_FIELD_END(pluton_plugin_api, field) && (api)->field != nullptr)

// A plugin-owned result released with the plugin's destroy function for it.
template <class T>
struct PluginDestroy {
  void (*destroy)(T*);
  void operator()(T* value) const { destroy(value); }
};
template <class T>
using PluginPtr = std::unique_ptr<T, PluginDestroy<T>>;

struct Group {
  const char* capability;  // for messages: "list objects"
  const char* reason;      // ErrorInfo reason when absent
  std::vector<std::pair<const char*, bool>> functions;
};

std::vector<Group> Groups(const pluton_plugin_api* api) {
  return {
      {"list objects",
       "LIST_UNSUPPORTED",
       {{"list_objects", PLUTON_API_HAS(api, list_objects)},
        {"object_list_destroy", PLUTON_API_HAS(api, object_list_destroy)}}},
      {"describe objects",
       "STAT_UNSUPPORTED",
       {{"stat_object", PLUTON_API_HAS(api, stat_object)},
        {"object_stat_destroy", PLUTON_API_HAS(api, object_stat_destroy)}}},
      {"delete objects",
       "DELETE_UNSUPPORTED",
       {{"delete_objects", PLUTON_API_HAS(api, delete_objects)},
        {"delete_result_destroy", PLUTON_API_HAS(api, delete_result_destroy)}}},
      {"manage incomplete uploads",
       "INCOMPLETE_UPLOADS_UNSUPPORTED",
       {{"list_incomplete_uploads", PLUTON_API_HAS(api, list_incomplete_uploads)},
        {"incomplete_upload_list_destroy", PLUTON_API_HAS(api, incomplete_upload_list_destroy)},
        {"abort_incomplete_upload", PLUTON_API_HAS(api, abort_incomplete_upload)}}},
      {"manage lifecycle rules",
       "LIFECYCLE_UNSUPPORTED",
       {{"get_lifecycle", PLUTON_API_HAS(api, get_lifecycle)},
        {"set_lifecycle", PLUTON_API_HAS(api, set_lifecycle)},
        {"lifecycle_destroy", PLUTON_API_HAS(api, lifecycle_destroy)}}},
  };
}

std::optional<absl::Time> FromUnixMs(int64_t ms) {
  if (ms == 0) return std::nullopt;
  return absl::FromUnixMillis(ms);
}

absl::Status CheckListSpec(const ListSpec& spec) {
  std::vector<FieldViolation> violations;
  CheckNoNul(spec.bucket, "bucket", violations);
  CheckNoNul(spec.prefix, "prefix", violations);
  CheckNoNul(spec.delimiter, "delimiter", violations);
  CheckNoNul(spec.page_token, "page_token", violations);
  if (spec.max_entries < 1 || spec.max_entries > 1000) {
    violations.push_back({"page_size", "must be between 1 and 1000"});
  }
  if (violations.empty()) return absl::OkStatus();
  return InvalidArgumentWithViolations("the listing request is invalid", violations);
}

pluton_list_params ListParams(const ListSpec& spec, const pluton_cancel_token* cancel) {
  pluton_list_params params{};
  params.struct_size = sizeof(params);
  params.bucket = spec.bucket.c_str();
  params.prefix = spec.prefix.c_str();
  params.delimiter = spec.delimiter.c_str();
  params.page_token = spec.page_token.c_str();
  params.max_entries = spec.max_entries;
  params.cancel = cancel;
  return params;
}

pluton_object_params ObjectParams(const std::string& bucket, const std::string& key,
                                  const pluton_cancel_token* cancel) {
  pluton_object_params params{};
  params.struct_size = sizeof(params);
  params.bucket = bucket.c_str();
  params.key = key.c_str();
  params.cancel = cancel;
  return params;
}

// A plugin's array of `count` entries: usable when non-NULL (or empty) and of a sane size.
template <class T>
absl::Status CheckArray(absl::string_view provider_id, absl::string_view what, const T* array,
                        size_t count) {
  if (count == 0) return absl::OkStatus();
  if (array == nullptr || count > kMaxPluginArrayEntries) {
    return PluginBug(provider_id,
                     absl::StrCat("returned ", count, " ", what, " without a usable array"));
  }
  return absl::OkStatus();
}

absl::Status CheckStruct(absl::string_view provider_id, absl::string_view what, size_t got,
                         size_t needed) {
  if (got >= needed) return absl::OkStatus();
  return PluginBug(provider_id,
                   absl::StrCat("returned a malformed ", what, " (struct_size ", got, ")"));
}

// One array in a plugin result of type T: its entries and count fields, and what its entries
// are for messages ("objects"). Made by Array(), which deduces the types.
template <class T, class E>
struct ArrayField {
  const char* what;
  const E* T::*entries;
  size_t T::*count;
};
template <class T, class E>
ArrayField<T, E> Array(const char* what, const E* T::*entries, size_t T::*count) {
  return {what, entries, count};
}

// CheckArray for each of `arrays` in `result`, in order; the first failure.
template <class T>
absl::Status CheckArrays(absl::string_view /*provider_id*/, const T& /*result*/) {
  return absl::OkStatus();
}
template <class T, class E, class... Rest>
absl::Status CheckArrays(absl::string_view provider_id, const T& result,
                         const ArrayField<T, E>& first, const Rest&... rest) {
  RETURN_IF_ERROR(CheckArray(provider_id, first.what, result.*first.entries, result.*first.count));
  return CheckArrays(provider_id, result, rest...);
}

// What a plugin-owned result must be when `function` returned success: non-NULL (else the
// plugin "returned success from <function> without <missing>") and at least `min_size` bytes
// by its struct_size (else "a malformed <what>").
struct ResultShape {
  const char* function;  // "list_objects"
  const char* missing;   // "a list"
  const char* what;      // "object list"
  size_t min_size;       // PLUTON_FIELD_END of the last field the host reads
};

// Takes ownership of `raw`, which the plugin returned from shape.function with success, and
// checks it in order: non-NULL, struct_size (CheckStruct), then each of `arrays` (CheckArray);
// the first failure is a PluginBug naming `provider_id`. `raw` (when non-NULL) is released
// with `destroy`, the plugin's function for it, when the returned pointer goes, or before
// returning when a check fails. REQUIRES: `destroy` is non-NULL (Require checked the group).
template <class T, class... E>
absl::StatusOr<PluginPtr<T>> TakeResult(absl::string_view provider_id, T* raw, void (*destroy)(T*),
                                        const ResultShape& shape,
                                        const ArrayField<T, E>&... arrays) {
  if (raw == nullptr) {
    return PluginBug(provider_id, absl::StrCat("returned success from ", shape.function,
                                               " without ", shape.missing));
  }
  PluginPtr<T> result(raw, {destroy});
  RETURN_IF_ERROR(CheckStruct(provider_id, shape.what, result->struct_size, shape.min_size));
  RETURN_IF_ERROR(CheckArrays(provider_id, *result, arrays...));
  return result;
}

// A listing's next page token must differ from the one it was given (unless that was the
// first page's ""): otherwise a caller following the tokens would never stop.
absl::Status CheckPageAdvances(absl::string_view provider_id, const std::string& given,
                               const std::string& next) {
  if (next != given || given.empty()) return absl::OkStatus();
  return PluginBug(provider_id,
                   "returned the page token it was given as the next one (an endless "
                   "listing)");
}

}  // namespace

absl::Status CheckHousekeepingGroups(const pluton_plugin_api* api) {
  for (const Group& group : Groups(api)) {
    std::vector<const char*> set, unset;
    for (const auto& [name, present] : group.functions) (present ? set : unset).push_back(name);
    if (!set.empty() && !unset.empty()) {
      return absl::FailedPreconditionError(
          absl::StrCat("plugin \"", OrEmpty(api->provider_id), "\" sets ", absl::StrJoin(set, ", "),
                       " but not ", absl::StrJoin(unset, ", "), ": to ", group.capability,
                       " a plugin must set all of them (or none)"));
    }
  }
  return absl::OkStatus();
}

namespace {

// UNIMPLEMENTED (with the group's reason) unless group `group_index` of Groups() is in the table;
// a group is whole or absent (CheckHousekeepingGroups), so its first function decides.
absl::Status Require(const pluton_plugin_api* api, const std::string& id,
                     const std::string& abi_version, size_t group_index) {
  const Group group = Groups(api)[group_index];
  if (group.functions.front().second) return absl::OkStatus();
  return MakeRichStatus(absl::StatusCode::kUnimplemented,
                        absl::StrCat("storage provider \"", id, "\" (plugin ABI ", abi_version,
                                     ") cannot ", group.capability),
                        group.reason);
}

enum GroupIndex { kList = 0, kStat = 1, kDelete = 2, kUploads = 3, kLifecycle = 4 };

}  // namespace

absl::StatusOr<ObjectListing> PluginProvider::ListObjects(
    const ConfigMap& config, const ListSpec& spec, const std::atomic<bool>* cancelled) const {
  RETURN_IF_ERROR(Require(api_, id_, abi_version(), kList));
  RETURN_IF_ERROR(CheckConfigBounds(config));
  RETURN_IF_ERROR(CheckListSpec(spec));
  CConfig c_config(config);
  const pluton_cancel_token cancel = MakeCancelToken(cancelled);
  const pluton_list_params params = ListParams(spec, &cancel);
  pluton_object_list* raw = nullptr;
  RETURN_IF_ERROR(
      TakeError(api_, id_, "list_objects", api_->list_objects(c_config.get(), &params, &raw)));
  ASSIGN_OR_RETURN(
      const PluginPtr<pluton_object_list> list,
      TakeResult(id_, raw, api_->object_list_destroy,
                 {"list_objects", "a list", "object list",
                  PLUTON_FIELD_END(pluton_object_list, next_page_token)},
                 Array("objects", &pluton_object_list::objects, &pluton_object_list::object_count),
                 Array("common prefixes", &pluton_object_list::common_prefixes,
                       &pluton_object_list::prefix_count)));
  ObjectListing out;
  out.objects.reserve(list->object_count);
  for (size_t i = 0; i < list->object_count; ++i) {
    const pluton_object_entry& entry = list->objects[i];
    ObjectDetails object;
    object.key = OrEmpty(entry.key);
    object.size = entry.size;
    object.modified = FromUnixMs(entry.modified_unix_ms);
    object.etag = OrEmpty(entry.etag);
    object.storage_class = OrEmpty(entry.storage_class);
    out.objects.push_back(std::move(object));
  }
  for (size_t i = 0; i < list->prefix_count; ++i) {
    out.common_prefixes.push_back(OrEmpty(list->common_prefixes[i]));
  }
  out.next_page_token = OrEmpty(list->next_page_token);
  RETURN_IF_ERROR(CheckPageAdvances(id_, spec.page_token, out.next_page_token));
  return out;
}

absl::StatusOr<ObjectDetails> PluginProvider::StatObject(const ConfigMap& config,
                                                         const std::string& bucket,
                                                         const std::string& key,
                                                         const std::atomic<bool>* cancelled) const {
  RETURN_IF_ERROR(Require(api_, id_, abi_version(), kStat));
  RETURN_IF_ERROR(CheckConfigBounds(config));
  {
    std::vector<FieldViolation> violations;
    CheckObjectName(bucket, key, violations);
    if (!violations.empty()) {
      return InvalidArgumentWithViolations("the stat request is invalid", violations);
    }
  }
  CConfig c_config(config);
  const pluton_cancel_token cancel = MakeCancelToken(cancelled);
  const pluton_object_params params = ObjectParams(bucket, key, &cancel);
  pluton_object_stat* raw = nullptr;
  RETURN_IF_ERROR(
      TakeError(api_, id_, "stat_object", api_->stat_object(c_config.get(), &params, &raw)));
  ASSIGN_OR_RETURN(const PluginPtr<pluton_object_stat> stat,
                   TakeResult(id_, raw, api_->object_stat_destroy,
                              {"stat_object", "a stat", "object stat",
                               PLUTON_FIELD_END(pluton_object_stat, metadata)},
                              Array("metadata entries", &pluton_object_stat::metadata,
                                    &pluton_object_stat::metadata_count)));
  ObjectDetails out;
  out.key = key;
  out.size = stat->size;
  out.modified = FromUnixMs(stat->modified_unix_ms);
  out.etag = OrEmpty(stat->etag);
  if (stat->stored_md5 != nullptr) {
    out.stored_md5 = std::string(reinterpret_cast<const char*>(stat->stored_md5), 16);
  }
  out.storage_class = OrEmpty(stat->storage_class);
  out.content_type = OrEmpty(stat->content_type);
  for (size_t i = 0; i < stat->metadata_count; ++i) {
    out.metadata[OrEmpty(stat->metadata[i].key)] = OrEmpty(stat->metadata[i].value);
  }
  return out;
}

absl::StatusOr<std::vector<KeyFailure>> PluginProvider::DeleteObjects(
    const ConfigMap& config, const std::string& bucket, const std::vector<std::string>& keys,
    const std::atomic<bool>* cancelled) const {
  RETURN_IF_ERROR(Require(api_, id_, abi_version(), kDelete));
  RETURN_IF_ERROR(CheckConfigBounds(config));
  {
    std::vector<FieldViolation> violations;
    if (keys.empty() || keys.size() > 1000) {
      violations.push_back({"keys", "must hold 1 to 1000 keys"});
    }
    for (const std::string& key : keys) CheckObjectName(bucket, key, violations);
    if (!violations.empty()) {
      return InvalidArgumentWithViolations("the delete request is invalid", violations);
    }
  }
  CConfig c_config(config);
  const pluton_cancel_token cancel = MakeCancelToken(cancelled);
  std::vector<const char*> c_keys;
  c_keys.reserve(keys.size());
  for (const std::string& key : keys) c_keys.push_back(key.c_str());
  pluton_delete_params params{};
  params.struct_size = sizeof(params);
  params.bucket = bucket.c_str();
  params.key_count = c_keys.size();
  params.keys = c_keys.data();
  params.cancel = &cancel;
  pluton_delete_result* raw = nullptr;
  RETURN_IF_ERROR(
      TakeError(api_, id_, "delete_objects", api_->delete_objects(c_config.get(), &params, &raw)));
  ASSIGN_OR_RETURN(const PluginPtr<pluton_delete_result> result,
                   TakeResult(id_, raw, api_->delete_result_destroy,
                              {"delete_objects", "a result", "delete result",
                               PLUTON_FIELD_END(pluton_delete_result, failures)},
                              Array("delete failures", &pluton_delete_result::failures,
                                    &pluton_delete_result::failure_count)));
  std::vector<KeyFailure> failures;
  for (size_t i = 0; i < result->failure_count; ++i) {
    const pluton_delete_failure& f = result->failures[i];
    const bool known = f.code > PLUTON_OK && f.code <= PLUTON_UNAUTHENTICATED;
    failures.push_back({OrEmpty(f.key),
                        known ? static_cast<absl::StatusCode>(f.code) : absl::StatusCode::kUnknown,
                        OrEmpty(f.message)});
  }
  return failures;
}

absl::StatusOr<IncompleteUploadListing> PluginProvider::ListIncompleteUploads(
    const ConfigMap& config, const ListSpec& spec, const std::atomic<bool>* cancelled) const {
  RETURN_IF_ERROR(Require(api_, id_, abi_version(), kUploads));
  RETURN_IF_ERROR(CheckConfigBounds(config));
  RETURN_IF_ERROR(CheckListSpec(spec));
  CConfig c_config(config);
  const pluton_cancel_token cancel = MakeCancelToken(cancelled);
  const pluton_list_params params = ListParams(spec, &cancel);
  pluton_incomplete_upload_list* raw = nullptr;
  RETURN_IF_ERROR(TakeError(api_, id_, "list_incomplete_uploads",
                            api_->list_incomplete_uploads(c_config.get(), &params, &raw)));
  ASSIGN_OR_RETURN(const PluginPtr<pluton_incomplete_upload_list> list,
                   TakeResult(id_, raw, api_->incomplete_upload_list_destroy,
                              {"list_incomplete_uploads", "a list", "incomplete upload list",
                               PLUTON_FIELD_END(pluton_incomplete_upload_list, next_page_token)},
                              Array("incomplete uploads", &pluton_incomplete_upload_list::uploads,
                                    &pluton_incomplete_upload_list::upload_count)));
  IncompleteUploadListing out;
  for (size_t i = 0; i < list->upload_count; ++i) {
    const pluton_incomplete_upload& u = list->uploads[i];
    out.uploads.push_back({OrEmpty(u.key), OrEmpty(u.upload_id), FromUnixMs(u.initiated_unix_ms)});
  }
  out.next_page_token = OrEmpty(list->next_page_token);
  RETURN_IF_ERROR(CheckPageAdvances(id_, spec.page_token, out.next_page_token));
  return out;
}

absl::Status PluginProvider::AbortIncompleteUpload(const ConfigMap& config,
                                                   const std::string& bucket,
                                                   const std::string& key,
                                                   const std::string& upload_id,
                                                   const std::atomic<bool>* cancelled) const {
  RETURN_IF_ERROR(Require(api_, id_, abi_version(), kUploads));
  RETURN_IF_ERROR(CheckConfigBounds(config));
  {
    // The key may be empty: some providers cannot tell which key an upload was writing.
    std::vector<FieldViolation> violations;
    CheckNoNul(bucket, "bucket", violations);
    CheckNoNul(key, "key", violations);
    CheckNoNul(upload_id, "upload_id", violations);
    if (upload_id.empty()) violations.push_back({"upload_id", "must not be empty"});
    if (!violations.empty()) {
      return InvalidArgumentWithViolations("the abort request is invalid", violations);
    }
  }
  CConfig c_config(config);
  const pluton_cancel_token cancel = MakeCancelToken(cancelled);
  const pluton_object_params params = ObjectParams(bucket, key, &cancel);
  return TakeError(api_, id_, "abort_incomplete_upload",
                   api_->abort_incomplete_upload(c_config.get(), &params, upload_id.c_str()));
}

absl::StatusOr<std::vector<LifecycleRuleSpec>> PluginProvider::GetLifecycle(
    const ConfigMap& config, const std::string& bucket, const std::atomic<bool>* cancelled) const {
  RETURN_IF_ERROR(Require(api_, id_, abi_version(), kLifecycle));
  RETURN_IF_ERROR(CheckConfigBounds(config));
  CConfig c_config(config);
  const pluton_cancel_token cancel = MakeCancelToken(cancelled);
  const std::string no_key;
  const pluton_object_params params = ObjectParams(bucket, no_key, &cancel);
  pluton_lifecycle* raw = nullptr;
  RETURN_IF_ERROR(
      TakeError(api_, id_, "get_lifecycle", api_->get_lifecycle(c_config.get(), &params, &raw)));
  ASSIGN_OR_RETURN(
      const PluginPtr<pluton_lifecycle> lifecycle,
      TakeResult(
          id_, raw, api_->lifecycle_destroy,
          {"get_lifecycle", "rules", "lifecycle", PLUTON_FIELD_END(pluton_lifecycle, rules)},
          Array("lifecycle rules", &pluton_lifecycle::rules, &pluton_lifecycle::rule_count)));
  std::vector<LifecycleRuleSpec> rules;
  for (size_t i = 0; i < lifecycle->rule_count; ++i) {
    const pluton_lifecycle_rule& r = lifecycle->rules[i];
    rules.push_back({OrEmpty(r.id), OrEmpty(r.prefix), r.enabled != 0, r.expire_after_days,
                     r.abort_incomplete_after_days});
  }
  return rules;
}

absl::Status PluginProvider::SetLifecycle(const ConfigMap& config, const std::string& bucket,
                                          const std::vector<LifecycleRuleSpec>& rules,
                                          const std::atomic<bool>* cancelled) const {
  RETURN_IF_ERROR(Require(api_, id_, abi_version(), kLifecycle));
  RETURN_IF_ERROR(CheckConfigBounds(config));
  {
    std::vector<FieldViolation> violations;
    CheckNoNul(bucket, "bucket", violations);
    for (size_t i = 0; i < rules.size(); ++i) {
      CheckNoNul(rules[i].id, absl::StrCat("rules[", i, "].id"), violations);
      CheckNoNul(rules[i].prefix, absl::StrCat("rules[", i, "].prefix"), violations);
    }
    if (!violations.empty()) {
      return InvalidArgumentWithViolations("the lifecycle rules are invalid", violations);
    }
  }
  CConfig c_config(config);
  const pluton_cancel_token cancel = MakeCancelToken(cancelled);
  const std::string no_key;
  const pluton_object_params params = ObjectParams(bucket, no_key, &cancel);
  std::vector<pluton_lifecycle_rule> c_rules;
  for (const LifecycleRuleSpec& r : rules) {
    c_rules.push_back({r.id.c_str(), r.prefix.c_str(), r.enabled ? 1 : 0, r.expire_after_days,
                       r.abort_incomplete_after_days});
  }
  pluton_lifecycle lifecycle{};
  lifecycle.struct_size = sizeof(lifecycle);
  lifecycle.rule_count = c_rules.size();
  lifecycle.rules = c_rules.empty() ? nullptr : c_rules.data();
  return TakeError(api_, id_, "set_lifecycle",
                   api_->set_lifecycle(c_config.get(), &params, &lifecycle));
}

}  // namespace pluton::storage
