// HTTP header lists, shared by the SigV4 signer and the HTTP transport.
//
// A HeaderList keeps headers in the order they are (or were) sent, names as given, and allows
// duplicates: a response's `set-cookie`-style repeats and a request's repeated headers survive.
//
// Thread safety: the functions are pure; a HeaderList is a plain value.
#ifndef PLUTON_PLUGINS_S3CORE_HTTP_HEADERS_H_
#define PLUTON_PLUGINS_S3CORE_HTTP_HEADERS_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace pluton::s3 {

// {name, value} pairs in wire order.
using HeaderList = std::vector<std::pair<std::string, std::string>>;

// The value of the first header named `name` (ASCII case-insensitive), or nullptr. The pointer
// is valid while `headers` is neither modified nor destroyed.
const std::string* FindHeader(const HeaderList& headers, absl::string_view name);

// True if `name` is a non-empty RFC 9110 token (the only characters a header name may hold).
bool IsValidHeaderName(absl::string_view name);

// True if `value` holds no CR, LF or NUL (which would let a value inject headers).
bool IsValidHeaderValue(absl::string_view value);

}  // namespace pluton::s3

#endif  // PLUTON_PLUGINS_S3CORE_HTTP_HEADERS_H_
