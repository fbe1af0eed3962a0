#include "plugin/plugin_provider.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <set>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/log.h"
#include "common/rich_status.h"
#include "common/status_macros.h"
#include "nlohmann/json.hpp"
#include "plugin/config_check.h"
#include "plugin/plugin_call.h"

namespace pluton::storage {
namespace {

using plugin_call::CConfig;
using plugin_call::CheckConfigBounds;
using plugin_call::CheckNoNul;
using plugin_call::CheckObjectName;
using plugin_call::kComponent;
using plugin_call::kMaxPluginArrayEntries;
using plugin_call::KnownConfigKeys;
using plugin_call::MakeCancelToken;
using plugin_call::OrEmpty;
using plugin_call::PluginBug;
using plugin_call::TakeError;
using plugin_call::ToTimeoutMs;

// ------------------------------------------------------------------------------------------
// Plugin-owned objects, released with the plugin's own destroy functions.

struct ReportDeleter {
  const pluton_plugin_api* api;
  void operator()(pluton_test_report* r) const { api->test_report_destroy(r); }
};
using ReportPtr = std::unique_ptr<pluton_test_report, ReportDeleter>;

absl::Status CheckUploadSpec(const UploadSpec& spec) {
  std::vector<FieldViolation> violations;
  CheckObjectName(spec.bucket, spec.key, violations);
  if (spec.expected_size < -1) {
    violations.push_back({"expected_size", "must be the size in bytes, or -1 when unknown"});
  }
  CheckNoNul(spec.content_type, "content_type", violations);
  for (const auto& [key, value] : spec.metadata) {
    const std::string field = absl::StrCat("metadata.", absl::CHexEscape(key));
    if (key.empty()) violations.push_back({field, "a metadata key is empty"});
    CheckNoNul(key, field, violations);
    CheckNoNul(value, field, violations);
  }
  if (spec.content_md5.has_value() && spec.content_md5->size() != 16) {
    violations.push_back(
        {"content_md5", absl::StrCat("must be the 16 raw bytes of an MD5 digest, got ",
                                     spec.content_md5->size(), " bytes")});
  }
  if (violations.empty()) return absl::OkStatus();
  return InvalidArgumentWithViolations("the upload request is invalid", violations);
}

// ------------------------------------------------------------------------------------------
// Uploads

class PluginUpload final : public ProviderUpload {
 public:
  PluginUpload(const pluton_plugin_api* api, std::string provider_id,
               const std::atomic<bool>* cancelled, PendingUploadHook on_pending)
      : api_(api),
        provider_id_(std::move(provider_id)),
        cancel_(MakeCancelToken(cancelled)),
        on_pending_(std::move(on_pending)),
        tracker_{&PluginUpload::Pending, this} {}

  // Aborts an upload neither finished nor aborted (so nothing is committed), then releases
  // the handle.
  ~PluginUpload() override {
    if (handle_ == nullptr) return;
    if (state_ != State::kFinished && state_ != State::kAborted) api_->upload_abort(handle_);
    api_->upload_destroy(handle_);
  }

  PluginUpload(const PluginUpload&) = delete;
  PluginUpload& operator=(const PluginUpload&) = delete;

  // Valid for the life of this object, as upload_params.cancel must be.
  const pluton_cancel_token* cancel_token() const { return &cancel_; }
  // Valid for the life of this object, as upload_params.tracker must be.
  const pluton_upload_tracker* tracker() const { return &tracker_; }
  void Attach(pluton_upload* handle) { handle_ = handle; }

  absl::Status Write(const uint8_t* data, size_t size) override {
    RETURN_IF_ERROR(CheckOpen("Write"));
    if (size == 0) return absl::OkStatus();
    if (data == nullptr) return absl::InvalidArgumentError("Write: data is NULL");
    absl::Status status =
        TakeError(api_, provider_id_, "upload_write", api_->upload_write(handle_, data, size));
    if (!status.ok()) state_ = State::kFailed;
    return status;
  }

  absl::Status SetStreamMd5(const std::string& md5) override {
    RETURN_IF_ERROR(CheckOpen("SetStreamMd5"));
    if (md5.size() != 16) return absl::InvalidArgumentError("SetStreamMd5: an MD5 is 16 bytes");
    if (api_->struct_size < PLUTON_FIELD_END(pluton_plugin_api, upload_set_stream_md5) ||
        api_->upload_set_stream_md5 == nullptr) {
      return absl::OkStatus();  // a 1.0 plugin, or one that hashes what it needs itself
    }
    absl::Status status = TakeError(
        api_, provider_id_, "upload_set_stream_md5",
        api_->upload_set_stream_md5(handle_, reinterpret_cast<const uint8_t*>(md5.data())));
    if (!status.ok()) state_ = State::kFailed;
    return status;
  }

  absl::StatusOr<UploadOutcome> Finish() override {
    RETURN_IF_ERROR(CheckOpen("Finish"));
    pluton_upload_result result{};
    result.struct_size = sizeof(result);
    absl::Status status =
        TakeError(api_, provider_id_, "upload_finish", api_->upload_finish(handle_, &result));
    if (!status.ok()) {
      state_ = State::kFailed;
      return status;
    }
    state_ = State::kFinished;
    // The result's strings live until upload_destroy: copy them now.
    UploadOutcome outcome;
    outcome.bytes_stored = result.bytes_stored;
    outcome.etag = OrEmpty(result.etag);
    outcome.part_count = result.part_count;
    outcome.part_size = result.part_size;
    return outcome;
  }

  // After a successful Finish the object is committed and Abort does nothing.
  void Abort() override {
    if (state_ == State::kFinished || state_ == State::kAborted) return;
    api_->upload_abort(handle_);
    state_ = State::kAborted;
  }

 private:
  enum class State { kOpen, kFailed, kFinished, kAborted };

  absl::Status CheckOpen(absl::string_view operation) const {
    switch (state_) {
      case State::kOpen:
        return absl::OkStatus();
      case State::kFailed:
        return absl::FailedPreconditionError(
            absl::StrCat(operation, ": the upload already failed; abort it and start again"));
      case State::kFinished:
        return absl::FailedPreconditionError(
            absl::StrCat(operation, ": the upload is already finished"));
      case State::kAborted:
        return absl::FailedPreconditionError(absl::StrCat(operation, ": the upload was aborted"));
    }
    return absl::InternalError("unreachable upload state");
  }

  // pluton_upload_tracker.pending: hands the id to on_pending_. No exception crosses back
  // into the plugin: one is a refusal.
  static int Pending(void* ctx, const char* upload_id) noexcept {
    auto* self = static_cast<PluginUpload*>(ctx);
    if (!self->on_pending_) return 0;
    if (upload_id == nullptr || *upload_id == '\0') {
      LogError(kComponent, "storage plugin \"", self->provider_id_,
               "\" reported a pending upload without an id; refused");
      return 1;
    }
    try {
      return self->on_pending_(upload_id).ok() ? 0 : 1;
    } catch (...) {
      return 1;
    }
  }

  const pluton_plugin_api* const api_;
  const std::string provider_id_;
  const pluton_cancel_token cancel_;
  const PendingUploadHook on_pending_;
  const pluton_upload_tracker tracker_;
  pluton_upload* handle_ = nullptr;
  State state_ = State::kOpen;
};

// ------------------------------------------------------------------------------------------
// Downloads

absl::Status CheckDownloadSpec(const DownloadSpec& spec) {
  std::vector<FieldViolation> violations;
  CheckObjectName(spec.bucket, spec.key, violations);
  if (spec.offset > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    violations.push_back({"offset", "must be at most 2^63-1"});
  }
  if (spec.length < -1) {
    violations.push_back({"length", "must be a byte count, or -1 for the rest of the object"});
  }
  if (violations.empty()) return absl::OkStatus();
  return InvalidArgumentWithViolations("the download request is invalid", violations);
}

// Size of pluton_plugin_api up to the ABI 1.1 download functions.
constexpr size_t kPluginApiV1_1Size = PLUTON_FIELD_END(pluton_plugin_api, download_close);

class PluginDownload final : public ProviderDownload {
 public:
  PluginDownload(const pluton_plugin_api* api, std::string provider_id,
                 const std::atomic<bool>* cancelled)
      : api_(api), provider_id_(std::move(provider_id)), cancel_(MakeCancelToken(cancelled)) {}
  ~PluginDownload() override {
    if (handle_ != nullptr) api_->download_close(handle_);
  }
  PluginDownload(const PluginDownload&) = delete;
  PluginDownload& operator=(const PluginDownload&) = delete;

  // Valid for the life of this object, as download_params.cancel must be.
  const pluton_cancel_token* cancel_token() const { return &cancel_; }
  void Attach(pluton_download* handle, DownloadInfo info) {
    handle_ = handle;
    info_ = std::move(info);
  }

  const DownloadInfo& info() const override { return info_; }

  // Also holds the plugin to its word: no more bytes than content_length, and not fewer.
  absl::StatusOr<size_t> Read(uint8_t* buffer, size_t capacity) override {
    if (failed_) return absl::FailedPreconditionError("Read: the download already failed");
    if (capacity == 0) return size_t{0};
    size_t size = 0;
    absl::Status status = TakeError(api_, provider_id_, "download_read",
                                    api_->download_read(handle_, buffer, capacity, &size));
    if (status.ok() && size > capacity) {
      status = PluginBug(provider_id_, "returned more bytes from download_read than asked");
    }
    if (status.ok() && delivered_ + size > info_.content_length) {
      status =
          PluginBug(provider_id_, absl::StrCat("delivered more than the ", info_.content_length,
                                               " bytes download_open announced"));
    }
    if (status.ok() && size == 0 && delivered_ < info_.content_length) {
      status = MakeRichStatus(
          absl::StatusCode::kDataLoss,
          absl::StrCat("the object ended after ", delivered_, " of the ", info_.content_length,
                       " bytes the provider announced; it may have changed while being read"),
          "SHORT_READ");
    }
    if (!status.ok()) {
      failed_ = true;
      return status;
    }
    delivered_ += size;
    return size;
  }

 private:
  const pluton_plugin_api* const api_;
  const std::string provider_id_;
  const pluton_cancel_token cancel_;
  pluton_download* handle_ = nullptr;
  DownloadInfo info_;
  uint64_t delivered_ = 0;
  bool failed_ = false;
};

// ------------------------------------------------------------------------------------------
// Table checks

bool IsValidProviderId(absl::string_view id) {
  if (id.empty() || id.size() > 32) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

absl::Status Refuse(absl::string_view why) { return absl::FailedPreconditionError(why); }

constexpr char kRebuild[] = "rebuild the plugin against pluton/storage_plugin.h 1.x";

}  // namespace

// ------------------------------------------------------------------------------------------
// Schema

absl::StatusOr<std::vector<ConfigFieldSpec>> ParseConfigSchema(absl::string_view json) {
  using Json = nlohmann::json;
  Json doc;
  try {
    doc = Json::parse(json.begin(), json.end());
  } catch (const Json::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("the schema is not valid JSON: ", e.what()));
  }
  if (!doc.is_array()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the schema must be a JSON array of field objects, not a JSON ", doc.type_name()));
  }
  static const std::set<std::string> kTypes = {"string", "integer", "bool", "enum", "size"};
  std::vector<ConfigFieldSpec> fields;
  std::set<std::string> names;
  for (size_t i = 0; i < doc.size(); ++i) {
    const Json& item = doc[i];
    if (!item.is_object()) {
      return absl::InvalidArgumentError(
          absl::StrCat("schema entry #", i, " is a JSON ", item.type_name(), ", not an object"));
    }
    auto name_it = item.find("name");
    if (name_it == item.end() || !name_it->is_string() ||
        name_it->get_ref<const std::string&>().empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("schema entry #", i, " has no \"name\" string"));
    }
    ConfigFieldSpec field;
    field.name = name_it->get<std::string>();
    const std::string where = absl::StrCat("schema field \"", absl::CHexEscape(field.name), "\"");
    if (!names.insert(field.name).second) {
      return absl::InvalidArgumentError(absl::StrCat(where, " is declared twice"));
    }

    // Optional keys; a JSON null counts as absent.
    auto get_string = [&](const char* key, std::string* out) -> absl::Status {
      auto it = item.find(key);
      if (it == item.end() || it->is_null()) return absl::OkStatus();
      if (!it->is_string()) {
        return absl::InvalidArgumentError(
            absl::StrCat(where, ": \"", key, "\" must be a string, not a ", it->type_name()));
      }
      *out = it->get<std::string>();
      return absl::OkStatus();
    };
    auto get_bool = [&](const char* key, bool* out) -> absl::Status {
      auto it = item.find(key);
      if (it == item.end() || it->is_null()) return absl::OkStatus();
      if (!it->is_boolean()) {
        return absl::InvalidArgumentError(
            absl::StrCat(where, ": \"", key, "\" must be true or false, not a ", it->type_name()));
      }
      *out = it->get<bool>();
      return absl::OkStatus();
    };

    RETURN_IF_ERROR(get_string("type", &field.type));
    if (kTypes.count(field.type) == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, " has type \"", absl::CHexEscape(field.type),
                       "\"; the types are string, integer, bool, enum and size"));
    }
    RETURN_IF_ERROR(get_string("label", &field.label));
    if (field.label.empty()) field.label = field.name;
    RETURN_IF_ERROR(get_bool("required", &field.required));
    RETURN_IF_ERROR(get_bool("secret", &field.secret));
    RETURN_IF_ERROR(get_string("help", &field.help));
    RETURN_IF_ERROR(get_bool("advanced", &field.advanced));
    RETURN_IF_ERROR(get_string("placeholder", &field.placeholder));
    RETURN_IF_ERROR(get_string("format", &field.format));
    if (!field.format.empty() && field.format != "local_path" && field.format != "endpoint") {
      return absl::InvalidArgumentError(
          absl::StrCat(where, " has format \"", absl::CHexEscape(field.format),
                       "\"; the formats are local_path and endpoint"));
    }
    RETURN_IF_ERROR(get_bool("binds_secrets", &field.binds_secrets));
    if (field.format == "endpoint") field.binds_secrets = true;

    if (auto it = item.find("default"); it != item.end() && !it->is_null()) {
      if (it->is_string()) {
        field.default_value = it->get<std::string>();
      } else if (it->is_boolean()) {
        field.default_value = it->get<bool>() ? "true" : "false";
      } else if (it->is_number()) {
        field.default_value = it->dump();
      } else {
        return absl::InvalidArgumentError(absl::StrCat(
            where, ": \"default\" must be a string, number or bool, not a ", it->type_name()));
      }
    }
    if (auto it = item.find("allowed_values"); it != item.end() && !it->is_null()) {
      if (!it->is_array()) {
        return absl::InvalidArgumentError(
            absl::StrCat(where, ": \"allowed_values\" must be an array of strings"));
      }
      for (const Json& value : *it) {
        if (!value.is_string()) {
          return absl::InvalidArgumentError(
              absl::StrCat(where, ": \"allowed_values\" must be an array of strings"));
        }
        field.allowed_values.push_back(value.get<std::string>());
      }
    }
    if (field.type == "enum") {
      if (field.allowed_values.empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat(where, " is an enum without \"allowed_values\""));
      }
      if (!field.default_value.empty() &&
          std::find(field.allowed_values.begin(), field.allowed_values.end(),
                    field.default_value) == field.allowed_values.end()) {
        return absl::InvalidArgumentError(absl::StrCat(where, ": the default \"",
                                                       absl::CHexEscape(field.default_value),
                                                       "\" is not one of its allowed_values"));
      }
    }
    fields.push_back(std::move(field));
  }
  return fields;
}

// ------------------------------------------------------------------------------------------
// PluginProvider

absl::StatusOr<std::unique_ptr<PluginProvider>> PluginProvider::Create(
    const pluton_plugin_api* api) {
  if (api == nullptr) return Refuse("the plugin returned no function table");
  const size_t size = api->struct_size;
  if (size < PLUTON_FIELD_END(pluton_plugin_api, abi_minor)) {
    return Refuse(absl::StrCat("the plugin's function table is too small (struct_size ", size,
                               ") to hold even its ABI version: ", kRebuild));
  }
  if (api->abi_major != PLUTON_PLUGIN_ABI_MAJOR) {
    return Refuse(absl::StrCat("plugin speaks ABI ", api->abi_major, ".", api->abi_minor,
                               "; this service speaks ", PLUTON_PLUGIN_ABI_MAJOR, ".",
                               PLUTON_PLUGIN_ABI_MINOR, ": ", kRebuild));
  }
  if (size < kPluginApiV1Size) {
    return Refuse(
        absl::StrCat("the plugin's function table is smaller than ABI 1.0 requires "
                     "(struct_size ",
                     size, " < ", kPluginApiV1Size, "): ", kRebuild));
  }

  const std::pair<const char*, bool> required[] = {
      {"error_destroy", api->error_destroy != nullptr},
      {"config_schema_json", api->config_schema_json != nullptr},
      {"validate_config", api->validate_config != nullptr},
      {"test_connection", api->test_connection != nullptr},
      {"test_report_destroy", api->test_report_destroy != nullptr},
      {"upload_begin", api->upload_begin != nullptr},
      {"upload_write", api->upload_write != nullptr},
      {"upload_finish", api->upload_finish != nullptr},
      {"upload_abort", api->upload_abort != nullptr},
      {"upload_destroy", api->upload_destroy != nullptr},
  };
  std::vector<std::string> missing;
  for (const auto& [name, present] : required) {
    if (!present) missing.push_back(name);
  }
  if (!missing.empty()) {
    return Refuse(absl::StrCat(
        "required function", missing.size() > 1 ? "s " : " ", absl::StrJoin(missing, ", "),
        missing.size() > 1 ? " are" : " is",
        " NULL: a plugin must implement every required function of pluton_plugin_api"));
  }

  if (absl::Status groups = CheckHousekeepingGroups(api); !groups.ok()) return groups;

  if (api->provider_id == nullptr) {
    return Refuse("provider_id is NULL: set it to a short id matching [a-z0-9_-]{1,32}");
  }
  if (!IsValidProviderId(api->provider_id)) {
    return Refuse(absl::StrCat("provider_id \"",
                               absl::CHexEscape(std::string(api->provider_id).substr(0, 64)),
                               "\" is invalid: it must match [a-z0-9_-]{1,32}"));
  }
  if (api->display_name == nullptr || api->display_name[0] == '\0') {
    return Refuse(absl::StrCat("plugin \"", api->provider_id,
                               "\" has an empty display_name: set it to the name people know "
                               "the provider by, e.g. \"Cloudflare R2\""));
  }
  const char* schema_json = nullptr;
  try {
    schema_json = api->config_schema_json();
  } catch (...) {
    return Refuse(absl::StrCat("plugin \"", api->provider_id,
                               "\": config_schema_json threw a C++ exception; every entry point "
                               "of a plugin must catch all exceptions"));
  }
  if (schema_json == nullptr) {
    return Refuse(absl::StrCat("plugin \"", api->provider_id,
                               "\": config_schema_json returned NULL; it must return the "
                               "configuration form as a JSON array"));
  }
  absl::StatusOr<std::vector<ConfigFieldSpec>> schema = ParseConfigSchema(schema_json);
  if (!schema.ok()) {
    return Refuse(absl::StrCat("plugin \"", api->provider_id,
                               "\" has an invalid config schema: ", schema.status().message()));
  }
  return std::unique_ptr<PluginProvider>(new PluginProvider(api, *std::move(schema)));
}

PluginProvider::PluginProvider(const pluton_plugin_api* api, std::vector<ConfigFieldSpec> schema)
    : api_(api),
      id_(api->provider_id),
      display_name_(api->display_name),
      description_(OrEmpty(api->description)),
      plugin_version_(OrEmpty(api->plugin_version)),
      schema_(std::move(schema)) {}

std::string PluginProvider::abi_version() const {
  return absl::StrCat(api_->abi_major, ".", api_->abi_minor);
}

absl::Status PluginProvider::ValidateConfig(const ConfigMap& config) const {
  RETURN_IF_ERROR(CheckConfigBounds(config));
  // The host refuses keys the schema does not declare whatever the plugin would say, and asks
  // the plugin about the rest so that every problem is reported at once.
  std::vector<FieldViolation> violations;
  const ConfigMap known = KnownConfigKeys(id_, schema_, config, violations);
  CConfig c_config(known);
  absl::Status status =
      TakeError(api_, id_, "validate_config", api_->validate_config(c_config.get()));
  if (violations.empty() || (!status.ok() && !absl::IsInvalidArgument(status))) return status;
  for (FieldViolation& v : ViolationsOrMessage(status)) violations.push_back(std::move(v));
  return InvalidArgumentWithViolations("the configuration is invalid", violations);
}

absl::StatusOr<TestConnectionReport> PluginProvider::TestConnection(
    const ConfigMap& config, const TestConnectionOptions& options) const {
  RETURN_IF_ERROR(CheckConfigBounds(config));
  {
    std::vector<FieldViolation> violations;
    CheckNoNul(options.bucket, "bucket", violations);
    if (!violations.empty()) {
      return InvalidArgumentWithViolations("the connection test request is invalid", violations);
    }
  }
  CConfig c_config(config);
  const pluton_cancel_token cancel = MakeCancelToken(options.cancelled);
  pluton_test_params params{};
  params.struct_size = sizeof(params);
  params.bucket = options.bucket.c_str();
  params.read_only = options.read_only ? 1 : 0;
  params.timeout_ms = ToTimeoutMs(options.timeout);
  params.cancel = &cancel;

  pluton_test_report* raw_report = nullptr;
  pluton_error* error = api_->test_connection(c_config.get(), &params, &raw_report);
  // On error *out_report means nothing (the ABI sets it only on success): leave it alone.
  RETURN_IF_ERROR(TakeError(api_, id_, "test_connection", error));
  if (raw_report == nullptr) {
    return PluginBug(id_, "returned success from test_connection without a report");
  }
  ReportPtr report(raw_report, ReportDeleter{api_});
  if (report->struct_size < PLUTON_FIELD_END(pluton_test_report, checks)) {
    return PluginBug(id_, absl::StrCat("returned a malformed test report (struct_size ",
                                       report->struct_size, ")"));
  }
  if (report->check_count > 0 &&
      (report->checks == nullptr || report->check_count > kMaxPluginArrayEntries)) {
    return PluginBug(id_, absl::StrCat("returned a test report claiming ", report->check_count,
                                       " checks without a usable array"));
  }
  TestConnectionReport out;
  out.success = report->success != 0;
  out.reason = OrEmpty(report->reason);
  out.message = OrEmpty(report->message);
  out.checks.reserve(report->check_count);
  for (size_t i = 0; i < report->check_count; ++i) {
    const pluton_test_check& check = report->checks[i];
    ConnectionCheckResult result;
    result.name = OrEmpty(check.name);
    result.description = OrEmpty(check.description);
    result.passed = check.passed != 0;
    result.detail = OrEmpty(check.detail);
    result.latency = absl::Microseconds(static_cast<int64_t>(
        std::min<uint64_t>(check.latency_us, std::numeric_limits<int64_t>::max())));
    out.checks.push_back(std::move(result));
  }
  return out;
}

absl::StatusOr<std::unique_ptr<ProviderUpload>> PluginProvider::BeginUpload(
    const ConfigMap& config, const UploadSpec& spec, const std::atomic<bool>* cancelled) const {
  RETURN_IF_ERROR(CheckConfigBounds(config));
  RETURN_IF_ERROR(CheckUploadSpec(spec));
  CConfig c_config(config);
  std::vector<pluton_kv> metadata;
  metadata.reserve(spec.metadata.size());
  for (const auto& [key, value] : spec.metadata) metadata.push_back({key.c_str(), value.c_str()});

  // Created first: it owns the cancel token, which must live until upload_destroy.
  auto upload = std::make_unique<PluginUpload>(api_, id_, cancelled, spec.on_pending);
  pluton_upload_params params{};
  params.struct_size = sizeof(params);
  params.bucket = spec.bucket.c_str();
  params.key = spec.key.c_str();
  params.expected_size = spec.expected_size;
  params.content_type = spec.content_type.c_str();
  params.metadata_count = metadata.size();
  params.metadata = metadata.empty() ? nullptr : metadata.data();
  params.content_md5 = spec.content_md5.has_value()
                           ? reinterpret_cast<const uint8_t*>(spec.content_md5->data())
                           : nullptr;
  params.cancel = upload->cancel_token();
  params.tracker = upload->tracker();

  pluton_upload* handle = nullptr;
  pluton_error* error = api_->upload_begin(c_config.get(), &params, &handle);
  // On error *out_upload means nothing (the ABI sets it only on success): leave it alone.
  RETURN_IF_ERROR(TakeError(api_, id_, "upload_begin", error));
  if (handle == nullptr) {
    return PluginBug(id_, "returned success from upload_begin without an upload handle");
  }
  upload->Attach(handle);
  return std::unique_ptr<ProviderUpload>(std::move(upload));
}

absl::StatusOr<std::unique_ptr<ProviderDownload>> PluginProvider::OpenDownload(
    const ConfigMap& config, const DownloadSpec& spec, const std::atomic<bool>* cancelled) const {
  // A 1.0 table ends before the download functions: reading past struct_size would read
  // whatever follows the plugin's table.
  if (api_->struct_size < kPluginApiV1_1Size || api_->download_open == nullptr ||
      api_->download_read == nullptr || api_->download_close == nullptr) {
    return MakeRichStatus(absl::StatusCode::kUnimplemented,
                          absl::StrCat("storage plugin \"", id_, "\" (ABI ", abi_version(),
                                       ") cannot read objects; download needs a plugin built "
                                       "with ABI 1.1 or later that implements download_open"),
                          "DOWNLOAD_UNSUPPORTED");
  }
  RETURN_IF_ERROR(CheckConfigBounds(config));
  RETURN_IF_ERROR(CheckDownloadSpec(spec));
  CConfig c_config(config);
  auto download = std::make_unique<PluginDownload>(api_, id_, cancelled);
  pluton_download_params params{};
  params.struct_size = sizeof(params);
  params.bucket = spec.bucket.c_str();
  params.key = spec.key.c_str();
  params.offset = spec.offset;
  params.length = spec.length;
  params.cancel = download->cancel_token();

  pluton_download_info raw{};
  raw.struct_size = sizeof(raw);
  pluton_download* handle = nullptr;
  pluton_error* error = api_->download_open(c_config.get(), &params, &handle, &raw);
  RETURN_IF_ERROR(TakeError(api_, id_, "download_open", error));
  if (handle == nullptr) {
    return PluginBug(id_, "returned success from download_open without a download handle");
  }
  DownloadInfo info;
  info.object_size = raw.object_size;
  info.etag = OrEmpty(raw.etag);
  if (raw.stored_md5 != nullptr) {
    info.stored_md5 = std::string(reinterpret_cast<const char*>(raw.stored_md5), 16);
  }
  info.content_length = raw.content_length;
  download->Attach(handle, std::move(info));  // from here on, close releases the handle
  const DownloadInfo& got = download->info();
  const uint64_t available = got.object_size >= spec.offset ? got.object_size - spec.offset : 0;
  const uint64_t expected =
      spec.length < 0 ? available : std::min<uint64_t>(available, spec.length);
  if (spec.offset > got.object_size || got.content_length != expected) {
    return PluginBug(id_,
                     absl::StrCat("answered download_open for offset ", spec.offset, " length ",
                                  spec.length, " with object_size ", got.object_size,
                                  " and content_length ", got.content_length));
  }
  return std::unique_ptr<ProviderDownload>(std::move(download));
}

}  // namespace pluton::storage
