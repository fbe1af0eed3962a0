#include "s3_url.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "pluton/s3/uri_encode.h"

namespace pluton::s3::internal {

absl::StatusOr<BaseUrl> ParseBaseUrl(absl::string_view base_url) {
  const size_t sep = base_url.find("://");
  if (sep == absl::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("S3 endpoint \"", base_url, "\" must look like https://host[:port]"));
  }
  BaseUrl out;
  out.scheme = absl::AsciiStrToLower(base_url.substr(0, sep));
  if (out.scheme != "http" && out.scheme != "https") {
    return absl::InvalidArgumentError(
        absl::StrCat("S3 endpoint \"", base_url, "\" must start with https:// or http://"));
  }
  absl::string_view rest = base_url.substr(sep + 3);
  if (absl::EndsWith(rest, "/")) rest.remove_suffix(1);
  if (rest.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("S3 endpoint \"", base_url, "\" has no host"));
  }
  for (char c : rest) {
    if (c == '/' || c == '?' || c == '#' || c == '@' || c <= ' ' || c == 0x7F) {
      return absl::InvalidArgumentError(
          absl::StrCat("S3 endpoint \"", absl::CEscape(base_url),
                       "\" must be only scheme://host[:port] (no path, query, user or spaces)"));
    }
  }
  if (rest.front() == ':') {
    return absl::InvalidArgumentError(absl::StrCat("S3 endpoint \"", base_url, "\" has no host"));
  }
  out.authority = std::string(rest);
  return out;
}

std::string RequestTarget::Url(absl::string_view query_string) const {
  std::string url = absl::StrCat(scheme, "://", host, canonical_uri);
  if (!query_string.empty()) absl::StrAppend(&url, "?", query_string);
  return url;
}

RequestTarget TargetFor(const BaseUrl& base, bool path_style, absl::string_view bucket,
                        absl::string_view key) {
  RequestTarget t;
  t.scheme = base.scheme;
  if (bucket.empty()) {
    t.host = base.authority;
    t.canonical_uri = "/";
  } else if (path_style) {
    t.host = base.authority;
    t.canonical_uri = absl::StrCat("/", UriEncode(bucket, /*keep_slash=*/false));
    if (!key.empty()) absl::StrAppend(&t.canonical_uri, "/", EncodeObjectKeyPath(key));
  } else {
    t.host = absl::StrCat(bucket, ".", base.authority);
    t.canonical_uri = absl::StrCat("/", EncodeObjectKeyPath(key));
  }
  return t;
}

}  // namespace pluton::s3::internal
