#include "common/rich_status.h"

#include <optional>
#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/cut_text.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace pluton::storage {
namespace {

constexpr absl::string_view kErrorInfoUrl = "type.googleapis.com/google.rpc.ErrorInfo";
constexpr absl::string_view kBadRequestUrl = "type.googleapis.com/google.rpc.BadRequest";

// The whole error travels in HTTP/2 trailers, which gRPC clients refuse past 8 KiB by default
// (grpc.max_metadata_size): grpc-message carries the message percent-encoded (up to 3 bytes per
// byte), grpc-status-details-bin the serialized google.rpc.Status in base64 (4 bytes per 3),
// and that Status repeats the message. With the message cut to kMaxWireMessageBytes and the
// Status to kMaxWireDetailsBytes, the worst case is 3 KiB + 4 KiB plus header names.
constexpr size_t kMaxWireMessageBytes = 1024;
constexpr size_t kMaxWireDetailsBytes = 3072;
// A violation's field or description is cut to this on the wire.
constexpr size_t kMaxWireViolationText = 512;
// Room for the BadRequest's Any around its violations: the type URL, tags and lengths.
constexpr size_t kAnyOverhead = kBadRequestUrl.size() + 16;

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

std::vector<FieldViolation> ViolationsOrMessage(const absl::Status& status) {
  std::vector<FieldViolation> violations = ViolationsOf(status);
  if (violations.empty() && !status.ok()) violations.push_back({"", std::string(status.message())});
  return violations;
}

absl::Status PrefixViolationFields(const absl::Status& status, absl::string_view prefix) {
  if (status.ok()) return status;
  std::vector<FieldViolation> violations = ViolationsOrMessage(status);
  for (FieldViolation& v : violations) {
    if (v.field.empty()) {
      v.field = std::string(absl::StripSuffix(prefix, "."));
    } else {
      v.field = absl::StrCat(prefix, v.field);
    }
  }
  absl::Status out = status;
  out.ErasePayload(kBadRequestUrl);
  AttachViolations(out, violations);
  return out;
}

namespace {

// Copies into `wire` as many of `all`, in order, as fit in kMaxWireDetailsBytes with what
// `wire` already holds, then (when some did not fit) a last violation counting the rest.
void AddCappedViolations(const google::rpc::BadRequest& all, google::rpc::Status& wire) {
  const size_t base = wire.ByteSizeLong();
  auto fits = [base](const google::rpc::BadRequest& kept) {
    return base + kept.ByteSizeLong() + kAnyOverhead <= kMaxWireDetailsBytes;
  };
  google::rpc::BadRequest kept;
  for (const auto& v : all.field_violations()) {
    auto* out = kept.add_field_violations();
    out->set_field(CutText(v.field(), kMaxWireViolationText));
    out->set_description(CutText(v.description(), kMaxWireViolationText));
    if (!fits(kept)) {
      kept.mutable_field_violations()->RemoveLast();
      break;
    }
  }
  const int total = all.field_violations_size();
  if (kept.field_violations_size() < total) {
    // Make room for the count; each violation given up is one more to count.
    for (;;) {
      const int left_out = total - kept.field_violations_size();
      google::rpc::BadRequest with_note = kept;
      auto* note = with_note.add_field_violations();
      note->set_description(absl::StrCat(left_out, " more violation", left_out == 1 ? "" : "s",
                                         " left out of this error (", total,
                                         " in all) to keep it under gRPC's 8 KiB metadata "
                                         "limit; fix these and try again to see the rest"));
      if (fits(with_note) || kept.field_violations_size() == 0) {
        kept = std::move(with_note);
        break;
      }
      kept.mutable_field_violations()->RemoveLast();
    }
  }
  auto* any = wire.add_details();
  any->set_type_url(std::string(kBadRequestUrl));
  any->set_value(kept.SerializeAsString());
}

}  // namespace

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  const std::string message = CutText(status.message(), kMaxWireMessageBytes);
  google::rpc::Status wire;
  wire.set_code(static_cast<int>(status.code()));
  wire.set_message(message);
  std::optional<google::rpc::BadRequest> bad_request;
  status.ForEachPayload([&](absl::string_view type_url, const absl::Cord& payload) {
    if (type_url == kBadRequestUrl) {
      bad_request.emplace();
      if (bad_request->ParseFromString(std::string(payload))) return;
      bad_request.reset();  // not ours to cut: dropped rather than sent whole
      return;
    }
    auto* any = wire.add_details();
    any->set_type_url(std::string(type_url));
    any->set_value(std::string(payload));
  });
  if (bad_request.has_value()) AddCappedViolations(*bad_request, wire);
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), message,
                      wire.SerializeAsString());
}

}  // namespace pluton::storage
