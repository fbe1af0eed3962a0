// Errors with structure: an absl::Status that carries a machine-readable reason
// (google.rpc.ErrorInfo) and per-field violations (google.rpc.BadRequest) as payloads, and
// the conversion to a grpc::Status whose details the client decodes.
//
//   return InvalidArgumentWithViolations("the configuration is invalid",
//                                        {{"config.chunk_size", "must be at least 5MiB"}});
//
// Thread safety: free functions, no shared state.
#ifndef PLUTON_SERVICE_COMMON_RICH_STATUS_H_
#define PLUTON_SERVICE_COMMON_RICH_STATUS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "grpcpp/support/status.h"

namespace pluton::storage {

// The ErrorInfo domain of every error this service produces.
inline constexpr absl::string_view kErrorDomain = "storage.pluton.dev";

struct FieldViolation {
  std::string field;        // e.g. "config.account_id"
  std::string description;  // what is wrong and how to fix it
};

// A status with an optional ErrorInfo reason and optional field violations attached.
absl::Status MakeRichStatus(absl::StatusCode code, absl::string_view message,
                            absl::string_view reason = "",
                            const std::vector<FieldViolation>& violations = {});

// INVALID_ARGUMENT with one violation per wrong field; the message lists them all too, so
// a client that ignores details still sees every problem.
absl::Status InvalidArgumentWithViolations(absl::string_view summary,
                                           const std::vector<FieldViolation>& violations);

// The ErrorInfo reason attached to `status`, or "" if none.
std::string ReasonOf(const absl::Status& status);

// The field violations attached to `status`, if any.
std::vector<FieldViolation> ViolationsOf(const absl::Status& status);

// The field violations attached to `status`; when it has none (and is not OK), one violation
// with field "" carrying its message, so a refusal is never read as "no problems".
std::vector<FieldViolation> ViolationsOrMessage(const absl::Status& status);

// Returns `status` with every violation's field prefixed by `prefix` (e.g. "config."); a
// violation of the whole (field "") gets the prefix without its trailing '.' ("config"). An
// error without violations gets one from ViolationsOrMessage, so a caller collecting
// violations never reads a refusal as "no problems". OK stays OK.
absl::Status PrefixViolationFields(const absl::Status& status, absl::string_view prefix);

// Converts to the wire form: same code and message, payloads as google.rpc.Status details,
// capped so that the whole error fits the 8 KiB of trailers gRPC clients accept: the message
// is cut after 1 KiB, each violation's field and description after 512 bytes, and only the
// first violations that fit in 3 KiB of details are sent, followed by one (field "") saying
// how many more were left out.
grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_COMMON_RICH_STATUS_H_
