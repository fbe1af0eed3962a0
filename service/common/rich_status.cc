#include "common/rich_status.h"

#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace pluton::storage {
namespace {

constexpr absl::string_view kErrorInfoUrl = "type.googleapis.com/google.rpc.ErrorInfo";
constexpr absl::string_view kBadRequestUrl = "type.googleapis.com/google.rpc.BadRequest";

void AttachViolations(absl::Status& status, const std::vector<FieldViolation>& violations) {
  if (violations.empty()) return;
  google::rpc::BadRequest bad_request;
  for (const FieldViolation& v : violations) {
    auto* out = bad_request.add_field_violations();
    out->set_field(v.field);
    out->set_description(v.description);
  }
  status.SetPayload(kBadRequestUrl, absl::Cord(bad_request.SerializeAsString()));
}

}  // namespace

absl::Status MakeRichStatus(absl::StatusCode code, absl::string_view message,
                            absl::string_view reason,
                            const std::vector<FieldViolation>& violations) {
  absl::Status status(code, message);
  if (status.ok()) return status;
  if (!reason.empty()) {
    google::rpc::ErrorInfo info;
    info.set_reason(std::string(reason));
    info.set_domain(std::string(kErrorDomain));
    status.SetPayload(kErrorInfoUrl, absl::Cord(info.SerializeAsString()));
  }
  AttachViolations(status, violations);
  return status;
}

absl::Status InvalidArgumentWithViolations(absl::string_view summary,
                                           const std::vector<FieldViolation>& violations) {
  std::string message(summary);
  for (const FieldViolation& v : violations) {
    absl::StrAppend(&message, "; ", v.field, ": ", v.description);
  }
  return MakeRichStatus(absl::StatusCode::kInvalidArgument, message, "INVALID_ARGUMENT",
                        violations);
}

std::string ReasonOf(const absl::Status& status) {
  auto payload = status.GetPayload(kErrorInfoUrl);
  if (!payload) return "";
  google::rpc::ErrorInfo info;
  if (!info.ParseFromString(std::string(*payload))) return "";
  return info.reason();
}

std::vector<FieldViolation> ViolationsOf(const absl::Status& status) {
  std::vector<FieldViolation> violations;
  auto payload = status.GetPayload(kBadRequestUrl);
  if (!payload) return violations;
  google::rpc::BadRequest bad_request;
  if (!bad_request.ParseFromString(std::string(*payload))) return violations;
  for (const auto& v : bad_request.field_violations()) {
    violations.push_back({v.field(), v.description()});
  }
  return violations;
}

absl::Status PrefixViolationFields(const absl::Status& status, absl::string_view prefix) {
  std::vector<FieldViolation> violations = ViolationsOf(status);
  if (violations.empty()) return status;
  for (FieldViolation& v : violations) v.field = absl::StrCat(prefix, v.field);
  absl::Status out = status;
  out.ErasePayload(kBadRequestUrl);
  AttachViolations(out, violations);
  return out;
}

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  google::rpc::Status wire;
  wire.set_code(static_cast<int>(status.code()));
  wire.set_message(std::string(status.message()));
  status.ForEachPayload([&wire](absl::string_view type_url, const absl::Cord& payload) {
    auto* any = wire.add_details();
    any->set_type_url(std::string(type_url));
    any->set_value(std::string(payload));
  });
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()),
                      wire.SerializeAsString());
}

}  // namespace pluton::storage
