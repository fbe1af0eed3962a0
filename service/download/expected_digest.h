// ExpectedDigest: what a download's bytes are checked against, and the check itself.
//
// A full-object download is verified against the MD5 the provider keeps with the object when
// there is one, else against the service's record of the upload while that record still
// matches the object (same ETag and size): its MD5, or its SHA-256 where the storage disables
// checksums. A ranged download, or an object with neither, is not verified.
//
// Thread safety: a value type; one download uses one.
#ifndef PLUTON_SERVICE_DOWNLOAD_EXPECTED_DIGEST_H_
#define PLUTON_SERVICE_DOWNLOAD_EXPECTED_DIGEST_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "plugin/provider.h"
#include "pluton/storage/v1/storage_service.pb.h"
#include "store/object_record_store.h"

namespace pluton::storage {

struct ExpectedDigest {
  v1::VerificationSource source = v1::VERIFICATION_SOURCE_UNSPECIFIED;
  std::string md5;     // 16 raw bytes when the MD5 is checked, else ""
  std::string sha256;  // 32 raw bytes when the SHA-256 is checked (no MD5 known), else ""

  bool verifies() const { return source != v1::VERIFICATION_SOURCE_UNSPECIFIED; }

  // `record` must already match the object (ObjectRecords::Matching).
  static ExpectedDigest Choose(const DownloadInfo& info, bool full_object,
                               const std::optional<ObjectRecord>& record);

  // OK when the digests of the `sent` bytes equal the expected ones; else DATA_LOSS
  // CHECKSUM_MISMATCH naming both digests and their source. `md5`/`sha256` are the raw
  // digests of what was sent (those not checked are ignored).
  absl::Status Check(const std::string& md5, const std::string& sha256, uint64_t sent,
                     const std::string& provider_id) const;
};

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_DOWNLOAD_EXPECTED_DIGEST_H_
