#include "client/error_details.h"

#include <string>

#include "absl/strings/cord.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace pluton::storage::client {

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  absl::Status out(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
  if (out.ok()) {
    // A non-OK grpc code always maps to a non-OK absl code; guard anyway.
    return absl::UnknownError(status.error_message());
  }
  const std::string& details = status.error_details();
  if (details.empty()) return out;
  google::rpc::Status wire;
  if (!wire.ParseFromString(details)) return out;
  for (const auto& any : wire.details()) {
    out.SetPayload(any.type_url(), absl::Cord(any.value()));
  }
  return out;
}

ErrorDetails GetErrorDetails(const absl::Status& status) {
  ErrorDetails details;
  if (auto payload = status.GetPayload(kErrorInfoTypeUrl)) {
    google::rpc::ErrorInfo info;
    if (info.ParseFromString(std::string(*payload))) {
      details.reason = info.reason();
      details.domain = info.domain();
    }
  }
  if (auto payload = status.GetPayload(kBadRequestTypeUrl)) {
    google::rpc::BadRequest bad_request;
    if (bad_request.ParseFromString(std::string(*payload))) {
      for (const auto& v : bad_request.field_violations()) {
        details.field_violations.push_back({v.field(), v.description()});
      }
    }
  }
  return details;
}

}  // namespace pluton::storage::client
