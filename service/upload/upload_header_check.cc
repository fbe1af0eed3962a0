#include "upload/upload_header_check.h"

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"
#include "common/rich_status.h"

namespace pluton::storage {
namespace {

constexpr size_t kMaxKeyBytes = 1024;
constexpr size_t kMaxMetadataBytes = 2048;  // S3's limit on user metadata, keys and values

}  // namespace

std::string KeyProblem(const std::string& key) {
  if (key.empty()) return "an object key is required";
  if (key.size() > kMaxKeyBytes) return "the key is longer than 1024 bytes";
  if (key.find('\0') != std::string::npos) return "the key contains a NUL byte";
  if (key.front() == '/') return "the key must not start with '/'";
  for (absl::string_view segment : absl::StrSplit(key, '/')) {
    if (segment == "." || segment == "..") {
      return "the key must not contain a \".\" or \"..\" path segment";
    }
  }
  return "";
}

std::string BucketProblem(const std::string& bucket) {
  if (bucket.empty()) return "a bucket is required";
  if (bucket.size() > 63) return "the bucket name is longer than 63 characters";
  if (bucket == "." || bucket == "..") return "\".\" and \"..\" are not bucket names";
  for (char c : bucket) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.' && c != '_') {
      return "use only letters, digits, '-', '.' and '_' in a bucket name";
    }
  }
  return "";
}

namespace {

std::string MetadataProblem(const google::protobuf::Map<std::string, std::string>& metadata) {
  size_t total = 0;
  for (const auto& [key, value] : metadata) {
    if (key.empty()) return "metadata keys must not be empty";
    for (char c : key) {
      if (!(absl::ascii_islower(static_cast<unsigned char>(c)) ||
            absl::ascii_isdigit(static_cast<unsigned char>(c)) || c == '-')) {
        return "metadata keys use only lowercase letters, digits and '-'";
      }
    }
    for (char c : value) {
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
        return "metadata values must not contain control characters";
      }
    }
    total += key.size() + value.size();
  }
  if (total > kMaxMetadataBytes) return "metadata is larger than 2 KiB in total";
  return "";
}

}  // namespace

absl::Status CheckUploadHeader(const v1::UploadHeader& header) {
  std::vector<FieldViolation> violations;
  auto check = [&violations](const char* field, const std::string& problem) {
    if (!problem.empty()) violations.push_back({field, problem});
  };
  if (header.storage().empty()) {
    violations.push_back({"header.storage", "give the storage's id or name"});
  }
  check("header.bucket", BucketProblem(header.bucket()));
  check("header.key", KeyProblem(header.key()));
  if (header.has_expected_size() && header.expected_size() < 0) {
    violations.push_back(
        {"header.expected_size", "use the size in bytes, or leave it unset if unknown"});
  }
  if (!header.content_md5().empty() && header.content_md5().size() != 16) {
    violations.push_back({"header.content_md5", "an MD5 is 16 raw bytes (not hex or base64)"});
  }
  check("header.metadata", MetadataProblem(header.metadata()));
  if (violations.empty()) return absl::OkStatus();
  return InvalidArgumentWithViolations("invalid upload header", violations);
}

}  // namespace pluton::storage
