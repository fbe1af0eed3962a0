#include "objects/object_request_check.h"

#include "upload/upload_header_check.h"

namespace pluton::storage {

RequestCheck::RequestCheck(const std::string& storage, const std::string& bucket) {
  if (storage.empty()) violations_.push_back({"storage", "give the storage's id or name"});
  if (std::string problem = BucketProblem(bucket); !problem.empty()) {
    violations_.push_back({"bucket", problem});
  }
}

void RequestCheck::Key(const std::string& field, const std::string& key) {
  if (std::string problem = KeyProblem(key); !problem.empty()) {
    violations_.push_back({field, problem});
  }
}

uint32_t RequestCheck::PageSize(int32_t page_size) {
  if (page_size == 0) return 1000;
  if (page_size < 0 || page_size > 1000) {
    violations_.push_back({"page_size", "use 1 to 1000 entries per page, or 0 for 1000"});
    return 1000;
  }
  return static_cast<uint32_t>(page_size);
}

void RequestCheck::NoNul(const std::string& field, const std::string& text) {
  if (text.find('\0') != std::string::npos) {
    violations_.push_back({field, "must not contain a NUL byte"});
  }
}

void RequestCheck::Add(std::string field, std::string description) {
  violations_.push_back({std::move(field), std::move(description)});
}

absl::Status RequestCheck::Result(const std::string& what) const {
  if (violations_.empty()) return absl::OkStatus();
  return InvalidArgumentWithViolations(what + " is invalid", violations_);
}

}  // namespace pluton::storage
