#include "pluton/s3/s3_error.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace pluton::s3 {

S3Error S3ErrorFromResponse(const HttpResponse& response) {
  S3Error error;
  error.http_status = response.status;
  if (!response.body.empty()) {
    absl::StatusOr<S3ErrorDocument> doc = ParseErrorDocument(response.body);
    if (doc.ok()) {
      error.code = doc->code;
      error.message = doc->message;
      error.request_id = doc->request_id;
      error.r2_code = doc->r2_code;
    }
  }
  if (error.request_id.empty()) {
    if (const std::string* id = FindHeader(response.headers, "x-amz-request-id")) {
      error.request_id = *id;
    }
  }
  return error;
}

bool IsRetryable(const S3Error& error) {
  switch (error.http_status) {
    case 429:
    case 500:
    case 502:
    case 503:
    case 504:
      return true;
    default:
      break;
  }
  static constexpr absl::string_view kRetryableCodes[] = {"RequestTimeout", "SlowDown",
                                                          "InternalError",  "ServiceUnavailable",
                                                          "Throttling",     "RequestThrottled"};
  return std::find(std::begin(kRetryableCodes), std::end(kRetryableCodes), error.code) !=
         std::end(kRetryableCodes);
}

bool IsRetryableTransportError(const absl::Status& status) {
  std::optional<TransportErrorKind> kind = GetTransportErrorKind(status);
  if (!kind.has_value()) return false;
  switch (*kind) {
    case TransportErrorKind::kTimeout:
    case TransportErrorKind::kConnectionReset:
    case TransportErrorKind::kConnectFailed:
      return true;
    default:
      return false;
  }
}

absl::Status S3ErrorToStatus(const S3Error& error, absl::string_view what) {
  absl::StatusCode code = absl::StatusCode::kUnknown;
  switch (error.http_status) {
    case 400:
      code = absl::StatusCode::kInvalidArgument;
      break;
    case 401:
      code = absl::StatusCode::kUnauthenticated;
      break;
    case 403:
      code = absl::StatusCode::kPermissionDenied;
      break;
    case 404:
      code = absl::StatusCode::kNotFound;
      break;
    case 409:
      code = absl::StatusCode::kAborted;
      break;
    case 412:
      code = absl::StatusCode::kFailedPrecondition;
      break;
    case 416:
      code = absl::StatusCode::kOutOfRange;
      break;
    case 429:
      code = absl::StatusCode::kResourceExhausted;
      break;
    case 501:
      code = absl::StatusCode::kUnimplemented;
      break;
    default:
      if (error.http_status >= 500 && error.http_status <= 599) {
        code = absl::StatusCode::kUnavailable;
      } else if (error.http_status / 100 == 2 && IsRetryable(error)) {
        code = absl::StatusCode::kUnavailable;
      }
      break;
  }
  if (error.code == "RequestTimeTooSkewed") code = absl::StatusCode::kFailedPrecondition;

  std::string message = absl::StrCat(what, ": S3 ", error.http_status);
  if (!error.code.empty()) absl::StrAppend(&message, " ", error.code);
  if (!error.message.empty()) absl::StrAppend(&message, ": ", error.message);
  if (!error.request_id.empty()) absl::StrAppend(&message, " (request id ", error.request_id, ")");
  return absl::Status(code, message);
}

}  // namespace pluton::s3
