// Conversion of gRPC errors into absl::Status, keeping the structured details the service
// attaches (google.rpc.ErrorInfo, google.rpc.BadRequest) so callers can show them.
//
//   absl::Status status = FromGrpcStatus(grpc_status);
//   ErrorDetails details = GetErrorDetails(status);
//   for (const FieldViolation& v : details.field_violations) ...
//
// Every google.protobuf.Any in the google.rpc.Status details becomes a payload of the
// absl::Status keyed by its type URL (the same layout the service uses internally), so the
// status can be inspected again later or passed along unchanged.
//
// Thread safety: free functions, no shared state.
#ifndef PLUTON_CLIENT_ERROR_DETAILS_H_
#define PLUTON_CLIENT_ERROR_DETAILS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace pluton::storage::client {

inline constexpr char kErrorInfoTypeUrl[] = "type.googleapis.com/google.rpc.ErrorInfo";
inline constexpr char kBadRequestTypeUrl[] = "type.googleapis.com/google.rpc.BadRequest";

struct FieldViolation {
  std::string field;        // e.g. "config.account_id"
  std::string description;  // what is wrong and how to fix it

  bool operator==(const FieldViolation& other) const {
    return field == other.field && description == other.description;
  }
};

// The structured part of an error, for display.
struct ErrorDetails {
  std::string reason;  // google.rpc.ErrorInfo.reason, e.g. "STORAGE_NOT_FOUND"; "" if none
  std::string domain;  // google.rpc.ErrorInfo.domain; "" if none
  std::vector<FieldViolation> field_violations;  // google.rpc.BadRequest, in order
};

// Same code and message; the google.rpc.Status details (if any and parseable) become payloads.
absl::Status FromGrpcStatus(const grpc::Status& status);

// Decodes the ErrorInfo and BadRequest payloads of `status`. Missing or malformed payloads
// leave the corresponding members empty.
ErrorDetails GetErrorDetails(const absl::Status& status);

}  // namespace pluton::storage::client

#endif  // PLUTON_CLIENT_ERROR_DETAILS_H_
