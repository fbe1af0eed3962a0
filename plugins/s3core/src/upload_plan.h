// UploadPlan: the sizes one StreamingUpload works with, decided once from its settings and
// the expected object size; and the error for an object that outgrows the part limit.
//
//   absl::StatusOr<UploadPlan> plan = PlanUpload(settings, /*expected_size=*/-1);
//   if (part_number > plan->max_parts) return PartLimitError(*plan);
//
// Rules (R2's, stricter than S3's; tests/fakes/r2fake enforces them): every part but the last is
// part_size bytes; at most max_parts parts; a part at most max_part_size; a single PUT at most
// max_single_put (so the cutoff never exceeds it). With an expected size that would need more than
// max_parts parts of chunk_size, the part size grows to ceil(size / max_parts) rounded up to
// a MiB (rclone's rule).
//
// Thread safety: pure functions on values.
#ifndef PLUTON_PLUGINS_S3CORE_SRC_UPLOAD_PLAN_H_
#define PLUTON_PLUGINS_S3CORE_SRC_UPLOAD_PLAN_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "pluton/s3/streaming_upload.h"

namespace pluton::s3::internal {

struct UploadPlan {
  uint64_t part_size = 0;     // size of every part but the last (chunk_size, maybe grown)
  uint64_t cutoff = 0;        // min(upload_cutoff, max_single_put): at or above, multipart
  uint64_t first_buffer = 0;  // capacity of the first buffer: the expected size when it is
                              // below part_size (a small object costs no full part), else
                              // part_size
  uint32_t max_parts = 0;
  int concurrency = 0;
};

// INVALID_ARGUMENT for unusable settings (chunk_size 0 or above max_part_size, concurrency
// below 1, max_parts outside 1..10000); OUT_OF_RANGE when the expected size cannot fit in
// max_parts parts of at most max_part_size.
absl::StatusOr<UploadPlan> PlanUpload(const StreamingUploadSettings& settings,
                                      int64_t expected_size);

// OUT_OF_RANGE: the stream outgrew max_parts parts of part_size; names the limit and what to
// change.
absl::Status PartLimitError(const UploadPlan& plan);

// "5 MiB" when `bytes` is a whole number of MiB, else "5242881 bytes".
std::string FormatBytes(uint64_t bytes);

}  // namespace pluton::s3::internal

#endif  // PLUTON_PLUGINS_S3CORE_SRC_UPLOAD_PLAN_H_
