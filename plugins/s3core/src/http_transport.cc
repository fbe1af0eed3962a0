#include "pluton/s3/http_transport.h"

#include "absl/strings/cord.h"

namespace pluton::s3 {
namespace {

constexpr absl::string_view kPayloadUrl = "type.pluton.dev/pluton.s3.TransportErrorKind";

constexpr TransportErrorKind kAllKinds[] = {
    TransportErrorKind::kDnsFailure,      TransportErrorKind::kConnectFailed,
    TransportErrorKind::kTlsFailure,      TransportErrorKind::kTimeout,
    TransportErrorKind::kConnectionReset, TransportErrorKind::kCancelled,
    TransportErrorKind::kAddressRefused,  TransportErrorKind::kOther};

}  // namespace

uint64_t HttpRequest::BodySize() const {
  uint64_t total = 0;
  for (const auto& span : body) total += span.size();
  return total;
}

absl::string_view TransportErrorKindName(TransportErrorKind kind) {
  switch (kind) {
    case TransportErrorKind::kDnsFailure:
      return "DNS_FAILURE";
    case TransportErrorKind::kConnectFailed:
      return "CONNECT_FAILED";
    case TransportErrorKind::kTlsFailure:
      return "TLS_FAILURE";
    case TransportErrorKind::kTimeout:
      return "TIMEOUT";
    case TransportErrorKind::kConnectionReset:
      return "CONNECTION_RESET";
    case TransportErrorKind::kCancelled:
      return "CANCELLED";
    case TransportErrorKind::kAddressRefused:
      return "ADDRESS_REFUSED";
    case TransportErrorKind::kOther:
      return "OTHER";
  }
  return "OTHER";
}

absl::Status TransportError(TransportErrorKind kind, absl::string_view message) {
  absl::StatusCode code = absl::StatusCode::kUnavailable;
  switch (kind) {
    case TransportErrorKind::kCancelled:
      code = absl::StatusCode::kCancelled;
      break;
    case TransportErrorKind::kTimeout:
      code = absl::StatusCode::kDeadlineExceeded;
      break;
    case TransportErrorKind::kAddressRefused:
      code = absl::StatusCode::kFailedPrecondition;
      break;
    case TransportErrorKind::kOther:
      code = absl::StatusCode::kUnknown;
      break;
    default:
      break;
  }
  absl::Status status(code, message);
  status.SetPayload(kPayloadUrl, absl::Cord(TransportErrorKindName(kind)));
  return status;
}

std::optional<TransportErrorKind> GetTransportErrorKind(const absl::Status& status) {
  absl::optional<absl::Cord> payload = status.GetPayload(kPayloadUrl);
  if (!payload.has_value()) return std::nullopt;
  for (TransportErrorKind kind : kAllKinds) {
    if (*payload == TransportErrorKindName(kind)) return kind;
  }
  return TransportErrorKind::kOther;
}

}  // namespace pluton::s3
