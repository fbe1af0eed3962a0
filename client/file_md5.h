// Md5OfFile: the MD5 of a file's bytes, read once from start to end.
//
// The CLI hashes a file before uploading it so the MD5 travels in the upload header: the
// provider then stores it with the object from the start (rclone's md5chksum for multipart
// uploads), and no server-side metadata rewrite is needed after completion. A file that
// changes between this read and the upload makes the upload fail with DATA_LOSS (the service
// checks the MD5), never store a mismatching object.
//
// Thread safety: a free function.
#ifndef PLUTON_CLIENT_FILE_MD5_H_
#define PLUTON_CLIENT_FILE_MD5_H_

#include <string>

#include "absl/status/statusor.h"

namespace pluton::storage::client {

// The 16 raw bytes of the MD5 of the file at `path`. Errors name the path.
absl::StatusOr<std::string> Md5OfFile(const std::string& path);

}  // namespace pluton::storage::client

#endif  // PLUTON_CLIENT_FILE_MD5_H_
