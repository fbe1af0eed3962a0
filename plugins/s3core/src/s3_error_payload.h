// Carrying an S3Error inside an absl::Status, so callers of S3Client can tell the S3 code
// (SignatureDoesNotMatch, NoSuchBucket, ...) from the status alone: S3ErrorOf() reads it.
#ifndef PLUTON_PLUGINS_S3CORE_SRC_S3_ERROR_PAYLOAD_H_
#define PLUTON_PLUGINS_S3CORE_SRC_S3_ERROR_PAYLOAD_H_

#include "absl/status/status.h"
#include "pluton/s3/s3_error.h"

namespace pluton::s3::internal {

// `status` with `error` attached as a payload (replacing any earlier one).
absl::Status AttachS3Error(absl::Status status, const S3Error& error);

}  // namespace pluton::s3::internal

#endif  // PLUTON_PLUGINS_S3CORE_SRC_S3_ERROR_PAYLOAD_H_
