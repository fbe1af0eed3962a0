#include "download/download_request_check.h"

#include <string>
#include <vector>

#include "common/rich_status.h"
#include "upload/upload_header_check.h"

namespace pluton::storage {

absl::Status CheckDownloadRequest(const v1::DownloadRequest& request) {
  std::vector<FieldViolation> violations;
  auto check = [&violations](const char* field, const std::string& problem) {
    if (!problem.empty()) violations.push_back({field, problem});
  };
  if (request.storage().empty()) violations.push_back({"storage", "give the storage's id or name"});
  check("bucket", BucketProblem(request.bucket()));
  check("key", KeyProblem(request.key()));
  if (request.offset() < 0) {
    violations.push_back({"offset", "use the first byte to send, 0 or more"});
  }
  if (request.has_length() && request.length() < 0) {
    violations.push_back(
        {"length", "use the number of bytes to send, or leave it unset for the rest"});
  }
  if (violations.empty()) return absl::OkStatus();
  return InvalidArgumentWithViolations("the download request is invalid", violations);
}

}  // namespace pluton::storage
