// Classifying what went wrong in an S3 exchange, once, for both plugins: a status from
// S3Client / StreamingUpload becomes a Failure whose kind a Provider turns into words
// (Provider::Explain) and whose code travels in a pluton_error.
//
//   absl::StatusOr<ObjectPage> page = client.ListObjectsV2(...);
//   if (!page.ok()) {
//     Failure failure = Classify(page.status(), deadline.Expired());
//     Explanation e = provider.Explain(failure, context);   // reason + message
//   }
//
// Thread safety: pure functions, safe from any thread.
#ifndef PLUTON_PLUGINS_S3PROVIDER_FAILURE_H_
#define PLUTON_PLUGINS_S3PROVIDER_FAILURE_H_

#include <string>

#include "absl/status/status.h"
#include "pluton/storage_plugin.h"

namespace pluton::s3provider {

enum class FailureKind {
  kEndpointNotFound,     // DNS: the endpoint's host name does not resolve
  kEndpointUnreachable,  // TCP connect refused / unreachable, or the connection broke
  kTlsError,             // TLS handshake or certificate verification failed
  kAddressRefused,       // the endpoint's name resolved to link-local / metadata addresses only
  kTimeout,              // a transport timeout, or the connection test's deadline passed
  kCancelled,            // the host asked to stop
  kAccessDenied,         // 403 AccessDenied (also AllAccessDisabled, or a 403 without a code)
  kSignatureMismatch,    // 403 SignatureDoesNotMatch: the secret is wrong
  kInvalidAccessKeyId,   // 403 InvalidAccessKeyId, or R2's "Credential access key has length"
  kUnauthorized,         // 401
  kNoSuchBucket,         // 404 NoSuchBucket
  kNoSuchKey,            // 404 NoSuchKey (also a HEAD's bodiless 404): no such object
  kObjectChanged,        // the object was replaced while it was being read (s3 ObjectReader)
  kClockSkew,            // RequestTimeTooSkewed
  kNotEntitled,          // 403 NotEntitled (R2 not enabled on the account)
  kWrongRegion,          // AuthorizationHeaderMalformed, InvalidRegionName, PermanentRedirect
  kNoSuchUpload,         // 404 NoSuchUpload: the multipart upload was aborted or expired
  kNotImplemented,       // 501: the server does not implement a header or request we sent
  kBadDigest,            // BadDigest / InvalidDigest: bytes changed on the way
  kServiceUnavailable,   // 429 / 5xx still failing after the client's retries
  kRejected,             // any other S3 error response
  kUnexpectedResponse,   // an answer that could not be understood
  kOther,                // not from the server: budget, part limits, local checks
};

struct Failure {
  FailureKind kind = FailureKind::kOther;
  absl::StatusCode status_code = absl::StatusCode::kUnknown;
  std::string s3_code;  // S3's <Code>, "" when the failure was not an S3 error response
  int http_status = 0;  // 0 when there was no response
  // The status message in brief: the provider's answer or the transport's reason. Never holds
  // a secret (S3Client's contract). For check details and appended to upload errors.
  std::string detail;
};

// Classifies a non-OK status from S3Client, StreamingUpload or the budget adapter.
// `deadline_passed`: the caller's own deadline had passed when the call ended, so a
// cancellation (or a transport timeout) is a kTimeout, not a kCancelled.
Failure Classify(const absl::Status& status, bool deadline_passed = false);

// The stable reason a kind is reported under unless a provider says otherwise:
// kEndpointNotFound "ENDPOINT_NOT_FOUND", kEndpointUnreachable "ENDPOINT_UNREACHABLE",
// kTlsError "TLS_ERROR", kAddressRefused "ENDPOINT_ADDRESS_REFUSED", kTimeout "TIMEOUT", kCancelled
// "CANCELLED", kAccessDenied "ACCESS_DENIED", kSignatureMismatch "SIGNATURE_MISMATCH",
// kInvalidAccessKeyId "INVALID_ACCESS_KEY_ID", kUnauthorized "UNAUTHORIZED", kNoSuchBucket
// "NO_SUCH_BUCKET", kClockSkew "CLOCK_SKEW", kNotEntitled "NOT_ENTITLED", kWrongRegion
// "WRONG_REGION", kNoSuchKey "OBJECT_NOT_FOUND", kObjectChanged "OBJECT_CHANGED", kNoSuchUpload
// "NO_SUCH_UPLOAD", kNotImplemented "NOT_IMPLEMENTED", kBadDigest "BAD_DIGEST", kServiceUnavailable
// "SERVICE_UNAVAILABLE", kRejected "REQUEST_REJECTED", kUnexpectedResponse "UNEXPECTED_RESPONSE",
// kOther: the status code's name ("OUT_OF_RANGE").
std::string DefaultReason(const Failure& failure);

// The pluton_code an upload error of this failure carries: credentials problems
// UNAUTHENTICATED, access PERMISSION_DENIED, missing bucket NOT_FOUND, configuration/clock
// problems and refused endpoint addresses FAILED_PRECONDITION, network and server trouble
// UNAVAILABLE, timeouts DEADLINE_EXCEEDED, cancellation CANCELLED, bad digests DATA_LOSS, a missing
// object NOT_FOUND, an object changed mid-read ABORTED, else the status's code.
pluton_code CodeFor(const Failure& failure);

}  // namespace pluton::s3provider

#endif  // PLUTON_PLUGINS_S3PROVIDER_FAILURE_H_
