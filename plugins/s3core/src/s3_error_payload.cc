#include "s3_error_payload.h"

#include <string>
#include <vector>

#include "absl/strings/cord.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "pluton/s3/s3_client.h"

namespace pluton::s3 {
namespace {

constexpr absl::string_view kPayloadUrl = "type.pluton.dev/pluton.s3.S3Error";

// Five C-escaped fields, one per line: status, code, message, request id, R2 code ("" if none).
std::string Encode(const S3Error& error) {
  return absl::StrCat(error.http_status, "\n", absl::CEscape(error.code), "\n",
                      absl::CEscape(error.message), "\n", absl::CEscape(error.request_id), "\n",
                      error.r2_code.has_value() ? absl::StrCat(*error.r2_code) : "");
}

}  // namespace

namespace internal {

absl::Status AttachS3Error(absl::Status status, const S3Error& error) {
  status.SetPayload(kPayloadUrl, absl::Cord(Encode(error)));
  return status;
}

}  // namespace internal

std::optional<S3Error> S3ErrorOf(const absl::Status& status) {
  absl::optional<absl::Cord> payload = status.GetPayload(kPayloadUrl);
  if (!payload.has_value()) return std::nullopt;
  const std::vector<std::string> fields = absl::StrSplit(std::string(*payload), '\n');
  if (fields.size() != 5) return std::nullopt;
  S3Error error;
  if (!absl::SimpleAtoi(fields[0], &error.http_status) ||
      !absl::CUnescape(fields[1], &error.code) || !absl::CUnescape(fields[2], &error.message) ||
      !absl::CUnescape(fields[3], &error.request_id)) {
    return std::nullopt;
  }
  int r2_code = 0;
  if (!fields[4].empty() && absl::SimpleAtoi(fields[4], &r2_code)) error.r2_code = r2_code;
  return error;
}

}  // namespace pluton::s3
