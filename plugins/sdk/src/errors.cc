#include "pluton/sdk/errors.h"

#include <cstdlib>
#include <cstring>
#include <string_view>

namespace pluton::plugin_sdk {
namespace {

// Returned when an error cannot be allocated. Never freed; DestroyError recognizes it.
pluton_error g_out_of_memory = {
    sizeof(pluton_error),
    PLUTON_RESOURCE_EXHAUSTED,
    "OUT_OF_MEMORY",
    "the storage plugin ran out of memory; retry later or lower the service's load",
    0,
    nullptr,
};

// A C string's view of `s`: up to its first NUL, as the ABI reader will see it.
std::string_view CView(const std::string& s) { return std::string_view(s.c_str()); }

// Copies `text` plus a NUL to `*cursor`, advances it, and returns the copy.
const char* Put(char** cursor, std::string_view a, std::string_view b = {}) {
  char* start = *cursor;
  if (!a.empty()) std::memcpy(start, a.data(), a.size());
  if (!b.empty()) std::memcpy(start + a.size(), b.data(), b.size());
  start[a.size() + b.size()] = '\0';
  *cursor = start + a.size() + b.size() + 1;
  return start;
}

// Builds the single block: [pluton_error][violations][strings]. Allocates with malloc only.
pluton_error* Allocate(pluton_code code, std::string_view reason, std::string_view message_a,
                       std::string_view message_b, const Violation* violations,
                       size_t violation_count) noexcept {
  if (code == PLUTON_OK) code = PLUTON_INTERNAL;  // an "error" with OK would read as success
  size_t chars = reason.size() + 1 + message_a.size() + message_b.size() + 1;
  for (size_t i = 0; i < violation_count; ++i) {
    chars += CView(violations[i].first).size() + 1 + CView(violations[i].second).size() + 1;
  }
  const size_t header = sizeof(pluton_error) + violation_count * sizeof(pluton_field_violation);
  void* block = std::malloc(header + chars);
  if (block == nullptr) return &g_out_of_memory;

  auto* error = static_cast<pluton_error*>(block);
  auto* array =
      reinterpret_cast<pluton_field_violation*>(static_cast<char*>(block) + sizeof(pluton_error));
  char* cursor = static_cast<char*>(block) + header;
  error->struct_size = sizeof(pluton_error);
  error->code = code;
  error->reason = Put(&cursor, reason);
  error->message = Put(&cursor, message_a, message_b);
  error->violation_count = violation_count;
  error->violations = violation_count == 0 ? nullptr : array;
  for (size_t i = 0; i < violation_count; ++i) {
    array[i].field = Put(&cursor, CView(violations[i].first));
    array[i].description = Put(&cursor, CView(violations[i].second));
  }
  return error;
}

pluton_error* ViolationsError(const char* reason, const char* prefix,
                              std::vector<Violation> violations) noexcept {
  try {
    std::string message = prefix;
    for (size_t i = 0; i < violations.size(); ++i) {
      message += i == 0 ? ": " : "; ";
      message += violations[i].first.empty() ? std::string("(config)") : violations[i].first;
      message += ": ";
      message += violations[i].second;
    }
    return MakeError(PLUTON_INVALID_ARGUMENT, reason, std::move(message), std::move(violations));
  } catch (...) {
    return OutOfMemoryError();
  }
}

}  // namespace

pluton_error* MakeError(pluton_code code, std::string reason, std::string message,
                        std::vector<Violation> violations) noexcept {
  return Allocate(code, CView(reason), CView(message), {}, violations.data(), violations.size());
}

void DestroyError(pluton_error* error) noexcept {
  if (error == nullptr || error == &g_out_of_memory) return;
  std::free(error);
}

pluton_error* InvalidConfigError(std::vector<Violation> violations) noexcept {
  return ViolationsError("INVALID_CONFIG", "invalid configuration", std::move(violations));
}

pluton_error* InvalidArgumentError(std::vector<Violation> violations) noexcept {
  return ViolationsError("INVALID_ARGUMENT", "invalid request", std::move(violations));
}

pluton_error* UploadNotRecordedError(const std::string& what) noexcept {
  try {
    return MakeError(PLUTON_UNAVAILABLE, "UPLOAD_NOT_RECORDED",
                     "the service could not record the upload of " + what +
                         " in its database, so it could not clean it up after a crash; it was "
                         "discarded and nothing was stored: retry the upload");
  } catch (...) {
    return OutOfMemoryError();
  }
}

pluton_error* OutOfMemoryError() noexcept { return &g_out_of_memory; }

pluton_error* InternalErrorNoThrow(const char* prefix, const char* detail) noexcept {
  return Allocate(PLUTON_INTERNAL, "INTERNAL", prefix == nullptr ? "" : prefix,
                  detail == nullptr ? "" : detail, nullptr, 0);
}

}  // namespace pluton::plugin_sdk
