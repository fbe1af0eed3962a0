#include "pluton/s3/http_headers.h"

#include "absl/strings/match.h"

namespace pluton::s3 {

const std::string* FindHeader(const HeaderList& headers, absl::string_view name) {
  for (const auto& [header_name, value] : headers) {
    if (absl::EqualsIgnoreCase(header_name, name)) return &value;
  }
  return nullptr;
}

bool IsValidHeaderName(absl::string_view name) {
  static constexpr absl::string_view kTokenPunctuation = "!#$%&'*+-.^_`|~";
  if (name.empty()) return false;
  for (char c : name) {
    const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!alnum && kTokenPunctuation.find(c) == absl::string_view::npos) return false;
  }
  return true;
}

bool IsValidHeaderValue(absl::string_view value) {
  return value.find_first_of(absl::string_view("\r\n\0", 3)) == absl::string_view::npos;
}

}  // namespace pluton::s3
