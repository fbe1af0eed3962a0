#include "upload/upload_trailer_check.h"

#include <vector>

#include "common/rich_status.h"

namespace pluton::storage {

absl::Status CheckUploadTrailer(const v1::UploadTrailer& trailer, bool md5_computed,
                                bool sha256_computed) {
  std::vector<FieldViolation> violations;
  if (!trailer.md5().empty() && trailer.md5().size() != 16) {
    violations.push_back({"trailer.md5", "an MD5 is 16 raw bytes (not hex or base64)"});
  } else if (!trailer.md5().empty() && !md5_computed) {
    violations.push_back(
        {"trailer.md5",
         "this storage has disable_checksum=true, so the service computes no MD5 to check it "
         "against: leave trailer.md5 empty, or send the MD5 before the data in "
         "header.content_md5, which is checked and stored with the object"});
  }
  if (!trailer.sha256().empty() && trailer.sha256().size() != 32) {
    violations.push_back({"trailer.sha256", "a SHA-256 is 32 raw bytes (not hex or base64)"});
  } else if (!trailer.sha256().empty() && !sha256_computed) {
    violations.push_back({"trailer.sha256",
                          "the service computes a SHA-256 only when asked before the data: set "
                          "header.compute_sha256 to have trailer.sha256 checked, or leave it "
                          "empty"});
  }
  if (violations.empty()) return absl::OkStatus();
  return InvalidArgumentWithViolations("invalid upload trailer; nothing was stored", violations);
}

}  // namespace pluton::storage
