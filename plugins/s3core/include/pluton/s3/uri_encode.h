// URI encoding as S3 and AWS Signature Version 4 define it.
//
//   std::string path = "/" + bucket + "/" + EncodeObjectKeyPath("photos/2024 summer/a+b.jpg");
//   // -> "/bucket/photos/2024%20summer/a%2Bb.jpg"
//   std::string query = CanonicalQueryString({{"uploadId", "2~a+b/c="}, {"partNumber", "3"}});
//   // -> "partNumber=3&uploadId=2~a%2Bb%2Fc%3D"
//
// Every byte except the RFC 3986 unreserved characters (A-Z a-z 0-9 - . _ ~) is written as
// %XX with uppercase hex; UTF-8 is encoded byte by byte. '+' is never a space here.
//
// Thread safety: all functions are pure and thread-safe.
#ifndef PLUTON_PLUGINS_S3CORE_URI_ENCODE_H_
#define PLUTON_PLUGINS_S3CORE_URI_ENCODE_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace pluton::s3 {

// Raw (unencoded) query parameters, {key, value}; a key without value has value "".
using QueryParams = std::vector<std::pair<std::string, std::string>>;

// True for the RFC 3986 unreserved characters A-Z a-z 0-9 - . _ ~.
bool IsUriUnreserved(char c);

// Percent-encodes every byte of `s` that is not unreserved; when `keep_slash`, '/' is also
// kept as is.
std::string UriEncode(absl::string_view s, bool keep_slash);

// An object key (or any path) as it goes into the URL path and the canonical URI: '/' is kept,
// everything else not unreserved is encoded. S3 keys are used verbatim: "a//b", "./x" and
// "../y" stay as they are (the transport must not normalize them either).
std::string EncodeObjectKeyPath(absl::string_view key);

// A query-string key or value: everything not unreserved is encoded, '/', '=', '+' and '&'
// included.
std::string EncodeQueryComponent(absl::string_view s);

// The SigV4 canonical query string of `params`: each key and value encoded with
// EncodeQueryComponent, pairs sorted by encoded key then encoded value (byte order), written
// "key=value" ("key=" when the value is empty) and joined with '&'. The same string is used
// as the request's wire query (S3 accepts any order), so what is sent and what is signed can
// never differ. Empty params give "".
std::string CanonicalQueryString(const QueryParams& params);

// Decodes %XX escapes (either hex case). '+' stays '+'. Returns InvalidArgument for a '%' not
// followed by two hex digits.
absl::StatusOr<std::string> UriDecode(absl::string_view s);

// RFC 3986 dot-segment removal plus collapsing of empty segments, as SigV4 does for non-S3
// services (S3 never normalizes): "//a/./b/../c/" -> "/a/c/". The result starts with '/'
// and keeps a trailing '/' when the input had one and the result is not "/".
std::string NormalizeUriPath(absl::string_view path);

}  // namespace pluton::s3

#endif  // PLUTON_PLUGINS_S3CORE_URI_ENCODE_H_
