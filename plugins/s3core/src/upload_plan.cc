#include "upload_plan.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace pluton::s3::internal {
namespace {

constexpr uint64_t kMiB = 1ull << 20;
constexpr uint32_t kS3MaxParts = 10000;  // part numbers are 1..10000

uint64_t CeilDiv(uint64_t a, uint64_t b) { return a / b + (a % b != 0 ? 1 : 0); }

}  // namespace

std::string FormatBytes(uint64_t bytes) {
  if (bytes != 0 && bytes % kMiB == 0) return absl::StrCat(bytes / kMiB, " MiB");
  return absl::StrCat(bytes, " bytes");
}

absl::StatusOr<UploadPlan> PlanUpload(const StreamingUploadSettings& settings,
                                      int64_t expected_size) {
  if (settings.chunk_size == 0 || settings.chunk_size > settings.max_part_size) {
    return absl::InvalidArgumentError(absl::StrCat(
        "upload chunk_size must be between 1 byte and the maximum part size (",
        FormatBytes(settings.max_part_size), "), got ", FormatBytes(settings.chunk_size)));
  }
  if (settings.concurrency < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("upload concurrency must be at least 1, got ", settings.concurrency));
  }
  if (settings.max_parts < 1 || settings.max_parts > kS3MaxParts) {
    return absl::InvalidArgumentError(
        absl::StrCat("max_parts must be in 1..10000, got ", settings.max_parts));
  }
  UploadPlan plan;
  plan.max_parts = settings.max_parts;
  plan.concurrency = settings.concurrency;
  plan.cutoff = std::min(settings.upload_cutoff, settings.max_single_put);
  plan.part_size = settings.chunk_size;
  if (expected_size > 0) {
    const uint64_t size = static_cast<uint64_t>(expected_size);
    if (CeilDiv(size, plan.part_size) > plan.max_parts) {
      const uint64_t grown = CeilDiv(CeilDiv(size, plan.max_parts), kMiB) * kMiB;
      plan.part_size = std::max(plan.part_size, grown);
      if (plan.part_size > settings.max_part_size) {
        return absl::OutOfRangeError(absl::StrCat(
            "an object of ", size, " bytes does not fit in ", plan.max_parts,
            " parts (the multipart limit) of at most ", FormatBytes(settings.max_part_size)));
      }
    }
  }
  plan.first_buffer = plan.part_size;
  if (expected_size > 0 && static_cast<uint64_t>(expected_size) < plan.part_size) {
    plan.first_buffer = static_cast<uint64_t>(expected_size);
  }
  return plan;
}

absl::Status PartLimitError(const UploadPlan& plan) {
  return absl::OutOfRangeError(absl::StrCat(
      "the object is larger than ", plan.max_parts, " parts of ", FormatBytes(plan.part_size), " (",
      static_cast<uint64_t>(plan.max_parts) * plan.part_size,
      " bytes), the most parts one multipart upload may have: set a larger chunk_size, or give "
      "the expected size so the part size can grow"));
}

}  // namespace pluton::s3::internal
