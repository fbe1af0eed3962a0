// User metadata values (x-amz-meta-*) as they travel in HTTP headers.
//
// Header values are ASCII: a raw UTF-8 value reaches other S3 clients as mojibake (or is
// refused). As the AWS SDKs and S3 itself do, a value that is not plain printable ASCII goes
// out as an RFC 2047 encoded-word, "=?UTF-8?B?<base64>?=", and comes back decoded:
//
//   EncodeMetadataValue("Zürich")              -> "=?UTF-8?B?WsO8cmljaA==?="
//   DecodeMetadataValue("=?UTF-8?B?WsO8cmljaA==?=")  -> "Zürich"
//   EncodeMetadataValue("db1")                 -> "db1"  (unchanged)
//
// Encoded too, so that every value survives the round trip: one with a leading or trailing
// space or tab (HTTP trims them), and an ASCII value that itself looks like an encoded-word.
// Decoding accepts what other clients send: one or more encoded-words separated by
// whitespace, "B" or "Q" encoding, charset UTF-8 or US-ASCII (case-insensitive); anything
// else, or a malformed word, is returned as it is.
//
// Thread safety: pure functions.
#ifndef PLUTON_PLUGINS_S3CORE_METADATA_ENCODING_H_
#define PLUTON_PLUGINS_S3CORE_METADATA_ENCODING_H_

#include <string>

#include "absl/strings/string_view.h"

namespace pluton::s3 {

// The header value for metadata value `value` (any bytes but CR, LF and NUL, which no
// header may carry and callers refuse first).
std::string EncodeMetadataValue(absl::string_view value);

// The metadata value a header value `header` stands for.
std::string DecodeMetadataValue(absl::string_view header);

}  // namespace pluton::s3

#endif  // PLUTON_PLUGINS_S3CORE_METADATA_ENCODING_H_
