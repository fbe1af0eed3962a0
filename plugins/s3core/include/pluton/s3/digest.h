// The hashes S3 requests need: SHA-256 (payload hash, SigV4), HMAC-SHA256 (SigV4 key
// derivation and signature) and MD5 (Content-MD5), over one buffer or a scatter list.
//
//   std::vector<absl::Span<const uint8_t>> body = {header_bytes, payload_bytes};
//   std::string payload_hash = Sha256Hex(body);     // for x-amz-content-sha256
//   std::string content_md5 = Md5Base64(body);      // for Content-MD5
//
// Thread safety: all functions are thread-safe (OpenSSL 3 one-shot and per-call contexts).
// They abort only if OpenSSL cannot allocate a digest context (as operator new would).
#ifndef PLUTON_PLUGINS_S3CORE_DIGEST_H_
#define PLUTON_PLUGINS_S3CORE_DIGEST_H_

#include <array>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace pluton::s3 {

// A scatter list: the buffers of one body, in order. The bytes belong to the caller.
using ByteSpans = absl::Span<const absl::Span<const uint8_t>>;

// SHA-256 of the empty string, in lowercase hex (the payload hash of a body-less request).
inline constexpr absl::string_view kEmptySha256Hex =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// The payload hash an S3 request sends when its body is not hashed (TLS protects it).
inline constexpr absl::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";

// Lowercase hex of `bytes`.
std::string HexEncode(absl::Span<const uint8_t> bytes);

// Lowercase hex SHA-256 of `data`, or of the concatenation of `spans`.
std::string Sha256Hex(absl::string_view data);
std::string Sha256Hex(ByteSpans spans);

// HMAC-SHA256 of `data` under `key`.
std::array<uint8_t, 32> HmacSha256(absl::Span<const uint8_t> key, absl::string_view data);

// Base64 (standard alphabet, padded) MD5 of the concatenation of `spans`: a Content-MD5 value.
std::string Md5Base64(ByteSpans spans);

}  // namespace pluton::s3

#endif  // PLUTON_PLUGINS_S3CORE_DIGEST_H_
