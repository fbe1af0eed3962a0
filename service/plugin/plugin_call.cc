#include "plugin/plugin_call.h"

#include <algorithm>
#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/cut_text.h"
#include "common/log.h"

namespace pluton::storage::plugin_call {

absl::Status PluginBug(absl::string_view provider_id, absl::string_view what) {
  return MakeRichStatus(
      absl::StatusCode::kInternal,
      absl::StrCat("storage plugin \"", provider_id, "\" ", what, "; this is a bug in the plugin"),
      kContractViolation);
}

namespace {

struct ErrorDeleter {
  const pluton_plugin_api* api;
  void operator()(pluton_error* e) const { api->error_destroy(e); }
};
using ErrorPtr = std::unique_ptr<pluton_error, ErrorDeleter>;

absl::StatusCode ToStatusCode(int32_t code) {
  // PLUTON_OK on a non-NULL error is as meaningless as a code from the future.
  if (code > PLUTON_OK && code <= PLUTON_UNAUTHENTICATED) {
    return static_cast<absl::StatusCode>(code);
  }
  return absl::StatusCode::kUnknown;
}

}  // namespace

absl::Status TakeError(const pluton_plugin_api* api, absl::string_view provider_id,
                       absl::string_view operation, pluton_error* raw) {
  if (raw == nullptr) return absl::OkStatus();
  ErrorPtr error(raw, ErrorDeleter{api});
  const size_t size = error->struct_size;
  if (size < PLUTON_FIELD_END(pluton_error, code)) {
    return PluginBug(provider_id, absl::StrCat("returned a malformed error from ", operation,
                                               " (struct_size ", size, ")"));
  }
  const int32_t code = error->code;
  std::string reason;
  if (size >= PLUTON_FIELD_END(pluton_error, reason)) reason = OrEmpty(error->reason);
  std::string message;
  if (size >= PLUTON_FIELD_END(pluton_error, message)) message = OrEmpty(error->message);
  std::vector<FieldViolation> violations;
  if (size >= PLUTON_FIELD_END(pluton_error, violations) && error->violation_count > 0) {
    const size_t count = error->violation_count;
    if (error->violations == nullptr) {
      // The error said what is wrong but not where: saving or using the config anyway would
      // turn the plugin's refusal into success, so this is an error of its own.
      return PluginBug(provider_id,
                       absl::StrCat("returned ", count, " field violations from ", operation,
                                    " without the array of them (its message: \"",
                                    CutText(message, kMaxPluginTextBytes), "\")"));
    }
    const size_t read = std::min(count, kMaxPluginArrayEntries);
    violations.reserve(read + 1);
    for (size_t i = 0; i < read; ++i) {
      violations.push_back(
          {CutText(OrEmpty(error->violations[i].field), kMaxPluginTextBytes),
           CutText(OrEmpty(error->violations[i].description), kMaxPluginTextBytes)});
    }
    if (count > read) {
      violations.push_back(
          {"", absl::StrCat("and ", count - read, " more problems the provider reported (", count,
                            " in all; the service reads the first ", read, ")")});
    }
  }
  if (message.empty()) {
    message = absl::StrCat("storage plugin \"", provider_id, "\" failed in ", operation,
                           " without saying why");
  }
  const absl::StatusCode status_code = ToStatusCode(code);
  if (status_code == absl::StatusCode::kUnknown && code != PLUTON_UNKNOWN) {
    absl::StrAppend(&message, " (plugin status code ", code, ")");
  }
  return MakeRichStatus(status_code, message, reason, violations);
}

void CheckNoNul(absl::string_view value, absl::string_view field,
                std::vector<FieldViolation>& violations) {
  if (value.find('\0') != absl::string_view::npos) {
    violations.push_back({std::string(field), "must not contain a NUL character"});
  }
}

CConfig::CConfig(const ConfigMap& config) {
  entries_.reserve(config.size());
  for (const auto& [key, value] : config) entries_.push_back({key.c_str(), value.c_str()});
  config_.struct_size = sizeof(pluton_config);
  config_.count = entries_.size();
  config_.entries = entries_.empty() ? nullptr : entries_.data();
}

namespace {

int NeverCancelled(void* /*ctx*/) { return 0; }
int ReadCancelFlag(void* ctx) {
  return static_cast<const std::atomic<bool>*>(ctx)->load(std::memory_order_acquire) ? 1 : 0;
}

}  // namespace

pluton_cancel_token MakeCancelToken(const std::atomic<bool>* cancelled) {
  pluton_cancel_token token{};
  if (cancelled == nullptr) {
    token.is_cancelled = &NeverCancelled;
  } else {
    token.is_cancelled = &ReadCancelFlag;
    // The plugin only passes ctx back to ReadCancelFlag, which reads it as const.
    token.ctx = const_cast<std::atomic<bool>*>(cancelled);
  }
  return token;
}

uint32_t ToTimeoutMs(absl::Duration timeout) {
  if (timeout <= absl::ZeroDuration()) return 0;
  if (timeout >= absl::Milliseconds(std::numeric_limits<uint32_t>::max())) {
    return std::numeric_limits<uint32_t>::max();
  }
  return static_cast<uint32_t>(absl::ToInt64Milliseconds(timeout));
}

void CheckObjectName(const std::string& bucket, const std::string& key,
                     std::vector<FieldViolation>& violations) {
  CheckNoNul(bucket, "bucket", violations);
  if (key.empty()) {
    violations.push_back({"key", "must not be empty"});
  } else if (key.find('\0') != std::string::npos) {
    violations.push_back({"key", "must not contain a NUL character"});
  } else {
    for (absl::string_view segment : absl::StrSplit(key, '/')) {
      if (segment == "." || segment == "..") {
        violations.push_back({"key", "must not contain a \".\" or \"..\" path segment"});
        break;
      }
    }
  }
}

}  // namespace pluton::storage::plugin_call
