#include "download/expected_digest.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/rich_status.h"

namespace pluton::storage {

ExpectedDigest ExpectedDigest::Choose(const DownloadInfo& info, bool full_object,
                                      const std::optional<ObjectRecord>& record) {
  ExpectedDigest expected;
  if (!full_object) return expected;
  if (info.stored_md5.has_value()) {
    expected.source = v1::VERIFICATION_SOURCE_PROVIDER_MD5;
    expected.md5 = *info.stored_md5;
  } else if (record && !record->md5.empty()) {
    expected.source = v1::VERIFICATION_SOURCE_SERVICE_RECORD;
    expected.md5 = record->md5;
  } else if (record && !record->sha256.empty()) {
    expected.source = v1::VERIFICATION_SOURCE_SERVICE_RECORD;
    expected.sha256 = record->sha256;
  }
  return expected;
}

absl::Status ExpectedDigest::Check(const std::string& md5, const std::string& sha256, uint64_t sent,
                                   const std::string& provider_id) const {
  const bool by_md5 = !this->md5.empty();
  const std::string& expected_raw = by_md5 ? this->md5 : this->sha256;
  const std::string& actual_raw = by_md5 ? md5 : sha256;
  if (!verifies() || expected_raw == actual_raw) return absl::OkStatus();
  const char* origin = source == v1::VERIFICATION_SOURCE_PROVIDER_MD5
                           ? "the MD5 stored with the object"
                           : "the service's record of the upload";
  return MakeRichStatus(
      absl::StatusCode::kDataLoss,
      absl::StrCat("the ", sent, " bytes read from ", provider_id, " have ",
                   by_md5 ? "MD5 " : "SHA-256 ", absl::BytesToHexString(actual_raw), " but ",
                   origin, " says ", absl::BytesToHexString(expected_raw),
                   ": the stored object is corrupt; discard what was received"),
      "CHECKSUM_MISMATCH");
}

}  // namespace pluton::storage
