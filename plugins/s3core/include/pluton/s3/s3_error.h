// S3 errors: what went wrong in one response, whether retrying can help, and an absl::Status
// for it.
//
//   if (resp->status / 100 != 2) {
//     S3Error error = S3ErrorFromResponse(*resp);
//     if (IsRetryable(error) && attempt < max_attempts) { backoff; continue; }
//     return S3ErrorToStatus(error, "uploading part 3");
//   }
//
// Thread safety: all functions are pure and thread-safe.
#ifndef PLUTON_PLUGINS_S3CORE_S3_ERROR_H_
#define PLUTON_PLUGINS_S3CORE_S3_ERROR_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "pluton/s3/http_transport.h"
#include "pluton/s3/s3_xml.h"

namespace pluton::s3 {

struct S3Error {
  int http_status = 0;         // e.g. 403; 200 for an error inside a 200 response
  std::string code;            // S3 code ("SignatureDoesNotMatch"); "" when the body had none
  std::string message;         // S3's message; "" when the body had none
  std::string request_id;      // from the body, else the x-amz-request-id header
  std::optional<int> r2_code;  // R2's numeric code, when present (see S3ErrorDocument)
};

// The error of a failed response: the <Error> body when there is one (HEAD responses and
// some proxies send none, or HTML), else only the status and request id. Never fails.
S3Error S3ErrorFromResponse(const HttpResponse& response);

// True if sending the same request again may succeed: HTTP 429, 500, 502, 503, 504, or code
// RequestTimeout, SlowDown, InternalError, ServiceUnavailable, Throttling, RequestThrottled
// (whatever the status, so an InternalError inside a 200 CompleteMultipartUpload counts).
bool IsRetryable(const S3Error& error);

// True for transport errors worth retrying: kTimeout, kConnectionReset and kConnectFailed
// (a refused or unreachable connect is often a restarting endpoint or load balancer; rclone
// retries connection errors too). Not kDnsFailure (a wrong endpoint stays wrong), kTlsFailure,
// kCancelled, kOther, nor any status that is not a transport error.
bool IsRetryableTransportError(const absl::Status& status);

// A status for `error`: the code follows the HTTP status (400 INVALID_ARGUMENT,
// 401 UNAUTHENTICATED, 403 PERMISSION_DENIED, 404 NOT_FOUND, 409 ABORTED, 412
// FAILED_PRECONDITION, 416 OUT_OF_RANGE, 429 RESOURCE_EXHAUSTED, 501 UNIMPLEMENTED, other
// 5xx UNAVAILABLE, else UNKNOWN; an error inside a 200 follows its code: retryable ones
// UNAVAILABLE, else UNKNOWN), and RequestTimeTooSkewed gives FAILED_PRECONDITION whatever the
// status. The message reads "<what>: S3 <status> <Code>: <Message> (request id <id>)".
absl::Status S3ErrorToStatus(const S3Error& error, absl::string_view what);

}  // namespace pluton::s3

#endif  // PLUTON_PLUGINS_S3CORE_S3_ERROR_H_
