// Where an S3 request goes: the endpoint's scheme and authority, and for a (bucket, key) the
// Host header, the URL prefix and the canonical URI, path-style or virtual-host style.
//
//   absl::StatusOr<BaseUrl> base = ParseBaseUrl("https://acct.r2.cloudflarestorage.com");
//   RequestTarget t = TargetFor(*base, /*path_style=*/true, "bucket", "a b/c");
//   // t.host = "acct.r2.cloudflarestorage.com", t.canonical_uri = "/bucket/a%20b/c"
//   // URL: t.Url(query_string)
//
// Thread safety: pure functions on values.
#ifndef PLUTON_PLUGINS_S3CORE_SRC_S3_URL_H_
#define PLUTON_PLUGINS_S3CORE_SRC_S3_URL_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace pluton::s3::internal {

struct BaseUrl {
  std::string scheme;     // "http" or "https", lowercase
  std::string authority;  // host[:port], as given (this is also the Host header)
};

// Parses "scheme://host[:port]" with an optional trailing '/'. InvalidArgument for another
// scheme, an empty host, a path, query, fragment or user info, or spaces and control bytes.
absl::StatusOr<BaseUrl> ParseBaseUrl(absl::string_view base_url);

struct RequestTarget {
  std::string scheme;
  std::string host;           // the Host header value (signed)
  std::string canonical_uri;  // the encoded path, exactly as sent and signed

  // scheme://host + canonical_uri [+ '?' + query_string when it is not empty].
  std::string Url(absl::string_view query_string) const;
};

// Path-style: host = authority; "/" (no bucket), "/<bucket>" (no key), "/<bucket>/<key>".
// Virtual-host style: host = "<bucket>.<authority>" when there is a bucket; path "/<key>"
// ("/" without a key). Keys are encoded with EncodeObjectKeyPath (slashes kept).
RequestTarget TargetFor(const BaseUrl& base, bool path_style, absl::string_view bucket,
                        absl::string_view key);

}  // namespace pluton::s3::internal

#endif  // PLUTON_PLUGINS_S3CORE_SRC_S3_URL_H_
