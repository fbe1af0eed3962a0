#include "pluton/s3provider/failure.h"

#include <optional>

#include "absl/strings/match.h"
#include "pluton/s3/http_transport.h"
#include "pluton/s3/object_reader.h"
#include "pluton/s3/s3_client.h"
#include "pluton/s3/s3_error.h"

namespace pluton::s3provider {
namespace {

FailureKind KindOfTransport(s3::TransportErrorKind kind, bool deadline_passed) {
  switch (kind) {
    case s3::TransportErrorKind::kDnsFailure:
      return FailureKind::kEndpointNotFound;
    case s3::TransportErrorKind::kConnectFailed:
    case s3::TransportErrorKind::kConnectionReset:
      return FailureKind::kEndpointUnreachable;
    case s3::TransportErrorKind::kTlsFailure:
      return FailureKind::kTlsError;
    case s3::TransportErrorKind::kAddressRefused:
      return FailureKind::kAddressRefused;
    case s3::TransportErrorKind::kTimeout:
      return FailureKind::kTimeout;
    case s3::TransportErrorKind::kCancelled:
      return deadline_passed ? FailureKind::kTimeout : FailureKind::kCancelled;
    case s3::TransportErrorKind::kOther:
      return FailureKind::kUnexpectedResponse;
  }
  return FailureKind::kUnexpectedResponse;
}

FailureKind KindOfS3Error(const s3::S3Error& error) {
  const std::string& code = error.code;
  if (code == "InvalidAccessKeyId") return FailureKind::kInvalidAccessKeyId;
  // R2 checks the key id's length before looking it up: "Credential access key has length N,
  // should be 32".
  if (code == "InvalidArgument" && absl::StrContains(error.message, "Credential access key")) {
    return FailureKind::kInvalidAccessKeyId;
  }
  if (code == "SignatureDoesNotMatch") return FailureKind::kSignatureMismatch;
  if (code == "RequestTimeTooSkewed") return FailureKind::kClockSkew;
  if (code == "NotEntitled") return FailureKind::kNotEntitled;
  if (code == "NoSuchBucket") return FailureKind::kNoSuchBucket;
  if (code == "NoSuchKey") return FailureKind::kNoSuchKey;
  if (code == "NoSuchUpload") return FailureKind::kNoSuchUpload;
  if (code == "AuthorizationHeaderMalformed" || code == "InvalidRegionName" ||
      code == "PermanentRedirect" || code == "IllegalLocationConstraintException" ||
      error.http_status == 301) {
    return FailureKind::kWrongRegion;
  }
  if (code == "BadDigest" || code == "InvalidDigest") return FailureKind::kBadDigest;
  if (code == "Unauthorized" || error.http_status == 401) return FailureKind::kUnauthorized;
  if (code == "AccessDenied" || code == "AllAccessDisabled" ||
      (error.http_status == 403 && code.empty())) {
    return FailureKind::kAccessDenied;
  }
  if (code == "NotImplemented" || error.http_status == 501) return FailureKind::kNotImplemented;
  if (s3::IsRetryable(error)) return FailureKind::kServiceUnavailable;
  if (code.empty() && error.http_status / 100 != 4) return FailureKind::kUnexpectedResponse;
  return FailureKind::kRejected;
}

}  // namespace

Failure Classify(const absl::Status& status, bool deadline_passed) {
  Failure failure;
  failure.status_code = status.code();
  failure.detail = std::string(status.message());
  if (const std::optional<s3::TransportErrorKind> kind = s3::GetTransportErrorKind(status)) {
    failure.kind = KindOfTransport(*kind, deadline_passed);
    return failure;
  }
  if (s3::IsObjectChangedError(status)) {
    failure.kind = FailureKind::kObjectChanged;
    return failure;
  }
  if (const std::optional<s3::S3Error> error = s3::S3ErrorOf(status)) {
    failure.s3_code = error->code;
    failure.http_status = error->http_status;
    failure.kind = KindOfS3Error(*error);
    return failure;
  }
  switch (status.code()) {
    case absl::StatusCode::kCancelled:
      failure.kind = deadline_passed ? FailureKind::kTimeout : FailureKind::kCancelled;
      break;
    case absl::StatusCode::kDeadlineExceeded:
      failure.kind = FailureKind::kTimeout;
      break;
    default:
      failure.kind = FailureKind::kOther;
      break;
  }
  return failure;
}

std::string DefaultReason(const Failure& failure) {
  switch (failure.kind) {
    case FailureKind::kEndpointNotFound:
      return "ENDPOINT_NOT_FOUND";
    case FailureKind::kEndpointUnreachable:
      return "ENDPOINT_UNREACHABLE";
    case FailureKind::kTlsError:
      return "TLS_ERROR";
    case FailureKind::kAddressRefused:
      return "ENDPOINT_ADDRESS_REFUSED";
    case FailureKind::kTimeout:
      return "TIMEOUT";
    case FailureKind::kCancelled:
      return "CANCELLED";
    case FailureKind::kAccessDenied:
      return "ACCESS_DENIED";
    case FailureKind::kSignatureMismatch:
      return "SIGNATURE_MISMATCH";
    case FailureKind::kInvalidAccessKeyId:
      return "INVALID_ACCESS_KEY_ID";
    case FailureKind::kUnauthorized:
      return "UNAUTHORIZED";
    case FailureKind::kNoSuchBucket:
      return "NO_SUCH_BUCKET";
    case FailureKind::kNoSuchKey:
      return "OBJECT_NOT_FOUND";
    case FailureKind::kObjectChanged:
      return "OBJECT_CHANGED";
    case FailureKind::kClockSkew:
      return "CLOCK_SKEW";
    case FailureKind::kNotEntitled:
      return "NOT_ENTITLED";
    case FailureKind::kWrongRegion:
      return "WRONG_REGION";
    case FailureKind::kNoSuchUpload:
      return "NO_SUCH_UPLOAD";
    case FailureKind::kNotImplemented:
      return "NOT_IMPLEMENTED";
    case FailureKind::kBadDigest:
      return "BAD_DIGEST";
    case FailureKind::kServiceUnavailable:
      return "SERVICE_UNAVAILABLE";
    case FailureKind::kRejected:
      return "REQUEST_REJECTED";
    case FailureKind::kUnexpectedResponse:
      return "UNEXPECTED_RESPONSE";
    case FailureKind::kOther:
      break;
  }
  // absl's names are "RESOURCE_EXHAUSTED", "OUT_OF_RANGE", ... already.
  return absl::StatusCodeToString(failure.status_code);
}

pluton_code CodeFor(const Failure& failure) {
  switch (failure.kind) {
    case FailureKind::kSignatureMismatch:
    case FailureKind::kInvalidAccessKeyId:
    case FailureKind::kUnauthorized:
      return PLUTON_UNAUTHENTICATED;
    case FailureKind::kAccessDenied:
      return PLUTON_PERMISSION_DENIED;
    case FailureKind::kNoSuchBucket:
    case FailureKind::kNoSuchKey:
      return PLUTON_NOT_FOUND;
    case FailureKind::kObjectChanged:
      return PLUTON_ABORTED;
    case FailureKind::kClockSkew:
    case FailureKind::kNotEntitled:
    case FailureKind::kWrongRegion:
    case FailureKind::kNotImplemented:
    case FailureKind::kAddressRefused:
      return PLUTON_FAILED_PRECONDITION;
    case FailureKind::kEndpointNotFound:
    case FailureKind::kEndpointUnreachable:
    case FailureKind::kTlsError:
    case FailureKind::kServiceUnavailable:
      return PLUTON_UNAVAILABLE;
    case FailureKind::kTimeout:
      return PLUTON_DEADLINE_EXCEEDED;
    case FailureKind::kCancelled:
      return PLUTON_CANCELLED;
    case FailureKind::kNoSuchUpload:
      return PLUTON_ABORTED;
    case FailureKind::kBadDigest:
      return PLUTON_DATA_LOSS;
    case FailureKind::kRejected:
    case FailureKind::kUnexpectedResponse:
    case FailureKind::kOther:
      break;
  }
  const int code = static_cast<int>(failure.status_code);
  if (code <= 0 || code > PLUTON_UNAUTHENTICATED) return PLUTON_UNKNOWN;  // OK is a bug
  return static_cast<pluton_code>(code);
}

}  // namespace pluton::s3provider
