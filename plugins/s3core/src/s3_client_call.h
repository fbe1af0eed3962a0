// Internal to pluton_s3core: what every S3Client source file needs to build a request.
// S3Client's methods are spread over several files by subject (s3_client.cc for objects and
// multipart uploads, s3_client_bucket.cc for listing, deletion and bucket configuration);
// they share the Call description and these helpers.
//
// Thread safety: the helpers are pure functions.
#ifndef PLUTON_PLUGINS_S3CORE_SRC_S3_CLIENT_CALL_H_
#define PLUTON_PLUGINS_S3CORE_SRC_S3_CLIENT_CALL_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "pluton/s3/digest.h"
#include "pluton/s3/http_headers.h"
#include "pluton/s3/s3_client.h"
#include "pluton/s3/sigv4_signer.h"
#include "pluton/s3/uri_encode.h"

namespace pluton::s3 {

// One S3 request as S3Client::Execute sends it.
struct S3Client::Call {
  std::string what;  // for messages: "PutObject bucket/key"
  std::string method;
  std::string bucket;  // "" for service-level requests
  std::string key;     // "" for bucket-level requests
  QueryParams query;
  HeaderList headers;  // besides Host and what the signer adds
  std::vector<absl::Span<const uint8_t>> body;
  std::string payload_hash = std::string(kEmptySha256Hex);
  bool error_in_200 = false;  // a 200 whose body is an <Error> document failed
};

namespace internal {

// A fixed limit on listing pages, against a server that never stops saying "truncated".
inline constexpr int kMaxListPages = 100000;

// `etag` without surrounding whitespace and double quotes.
std::string Unquote(absl::string_view etag);

// `status` with `message` instead of its own, payloads (transport kind, S3 error) kept.
absl::Status WithMessage(const absl::Status& status, absl::string_view message);

// INVALID_ARGUMENT naming `what` when `bucket` is empty, or `key` is given and empty.
absl::Status CheckBucketKey(absl::string_view what, const std::string& bucket,
                            const std::string* key);

// INVALID_ARGUMENT naming `what` unless `upload_id` is non-empty and `part_number` in 1..10000.
absl::Status CheckPart(absl::string_view what, const std::string& upload_id, int part_number);

// Appends a header after checking its name and value (no CR/LF); INVALID_ARGUMENT otherwise.
absl::Status AddHeader(absl::string_view what, HeaderList& headers, std::string name,
                       std::string value);

// Appends the three SSE-C headers (x-amz-server-side-encryption-customer-algorithm AES256,
// -key, -key-MD5) for `key`; with `copy_source`, the x-amz-copy-source-server-side-
// encryption-customer-* ones that unlock a copy's source.
void AddSseCustomerKey(HeaderList& headers, const SseCustomerKey& key, bool copy_source = false);

// Appends the headers describing a new object (PutObject, CreateMultipartUpload, CopyObject
// with REPLACE): Content-Type, x-amz-meta-* (RFC 2047-encoded when not ASCII), storage class,
// SSE and SSE-C. INVALID_ARGUMENT naming `what` for a value with CR/LF or NUL.
absl::Status AddObjectHeaders(absl::string_view what, const ObjectOptions& options,
                              HeaderList& headers);

}  // namespace internal
}  // namespace pluton::s3

#endif  // PLUTON_PLUGINS_S3CORE_SRC_S3_CLIENT_CALL_H_
