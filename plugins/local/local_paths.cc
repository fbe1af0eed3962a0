#include "local_paths.h"

#include <utility>

#include "local_config.h"
#include "pluton/sdk/errors.h"

namespace pluton::local_provider {
namespace {

bool BucketChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

std::vector<std::string_view> Split(std::string_view key) {
  std::vector<std::string_view> segments;
  size_t start = 0;
  while (true) {
    const size_t slash = key.find('/', start);
    if (slash == std::string_view::npos) {
      segments.push_back(key.substr(start));
      return segments;
    }
    segments.push_back(key.substr(start, slash - start));
    start = slash + 1;
  }
}

}  // namespace

std::string CheckBucket(std::string_view bucket) {
  if (bucket.empty()) return "empty; name the bucket (one directory under root)";
  if (bucket.size() > kMaxBucketLength) {
    return "longer than " + std::to_string(kMaxBucketLength) + " characters; use a shorter name";
  }
  for (char c : bucket) {
    if (!BucketChar(c)) {
      return "contains characters other than letters, digits, '.', '_' and '-'; a bucket is "
             "a single directory name";
    }
  }
  if (bucket == "." || bucket == "..") return "\".\" and \"..\" are not bucket names";
  if (bucket == kPartialDir) {
    return std::string("\"") + kPartialDir + "\" is reserved for uploads in progress";
  }
  return "";
}

std::string CheckKey(std::string_view key) {
  if (key.empty()) return "empty; an object needs a key";
  if (key.size() > kMaxKeyLength) {
    return "longer than " + std::to_string(kMaxKeyLength) + " bytes; use a shorter key";
  }
  if (key.find('\0') != std::string_view::npos) return "contains a NUL byte";
  if (key[0] == '/') return "starts with '/'; keys are relative to the bucket";
  for (std::string_view segment : Split(key)) {
    if (segment.empty()) return "has an empty path segment (\"//\" or a trailing '/')";
    if (segment == "." || segment == "..") {
      return "has a \".\" or \"..\" path segment; keys cannot leave or alias their bucket";
    }
    if (segment.size() > kMaxSegmentLength) {
      return "has a path segment longer than " + std::to_string(kMaxSegmentLength) +
             " bytes, the local filesystem's limit; use shorter names between '/'";
    }
  }
  return "";
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

std::string JoinPath(const std::string& root, std::string_view rest) {
  std::string out = root;
  if (out.empty() || out.back() != '/') out += '/';
  out += rest;
  return out;
}

pluton_error* ResolveObject(const std::string& root, const char* bucket, const char* key,
                            ObjectPath* out) {
  const std::string_view bucket_view = bucket == nullptr ? "" : bucket;
  const std::string_view key_view = key == nullptr ? "" : key;
  std::vector<plugin_sdk::Violation> violations;
  std::string problem = CheckBucket(bucket_view);
  if (!problem.empty()) violations.emplace_back("bucket", "bucket name " + problem);
  problem = CheckKey(key_view);
  if (!problem.empty()) violations.emplace_back("key", "key " + problem);
  if (!violations.empty()) return plugin_sdk::InvalidArgumentError(std::move(violations));

  std::vector<std::string_view> segments = Split(key_view);
  out->bucket = std::string(bucket_view);
  out->leaf = std::string(segments.back());
  segments.pop_back();
  out->dirs.assign(segments.begin(), segments.end());
  out->full = JoinPath(JoinPath(root, bucket_view), key_view);

  // Belt and braces: the checks above make this impossible, but never hand out a path that
  // does not sit strictly below root.
  const std::string prefix = JoinPath(root, "");
  if (out->full.compare(0, prefix.size(), prefix) != 0 || out->full.size() <= prefix.size()) {
    return plugin_sdk::MakeError(PLUTON_INTERNAL, "INTERNAL",
                                 "resolved object path escapes root; this is a plugin bug");
  }
  return nullptr;
}

}  // namespace pluton::local_provider
