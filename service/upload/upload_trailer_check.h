// Checks an UploadTrailer when it arrives, before any digest is compared: a digest of the
// wrong length, or one the service cannot check, is the client's error (INVALID_ARGUMENT
// naming the field), not a checksum mismatch.
// Thread safety: free function.
#ifndef PLUTON_SERVICE_UPLOAD_UPLOAD_TRAILER_CHECK_H_
#define PLUTON_SERVICE_UPLOAD_UPLOAD_TRAILER_CHECK_H_

#include "absl/status/status.h"
#include "pluton/storage/v1/storage_service.pb.h"

namespace pluton::storage {

// `md5_computed`, `sha256_computed`: whether the service hashes this stream with MD5 (false on
// a storage with disable_checksum=true and no header.content_md5) and with SHA-256 (when the
// header asked, or no MD5 is computed). A trailer digest it cannot check is refused rather
// than ignored.
absl::Status CheckUploadTrailer(const v1::UploadTrailer& trailer, bool md5_computed,
                                bool sha256_computed);

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_UPLOAD_UPLOAD_TRAILER_CHECK_H_
