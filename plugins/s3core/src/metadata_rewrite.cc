#include "pluton/s3/metadata_rewrite.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "status_macros.h"

namespace pluton::s3 {
namespace {

constexpr uint64_t kMiB = 1ull << 20;

uint64_t CeilDiv(uint64_t a, uint64_t b) { return a / b + (a % b != 0 ? 1 : 0); }

CopySource SourceOf(const MetadataRewriteTarget& target) {
  CopySource source;
  source.bucket = target.bucket;
  source.key = target.key;
  source.if_match = target.etag;
  source.sse_customer_key = target.options.sse_customer_key;
  return source;
}

bool IsPreconditionFailed(const absl::Status& status) {
  const std::optional<S3Error> error = S3ErrorOf(status);
  return error.has_value() && error->code == "PreconditionFailed";
}

// After a 412 on the self-copy: true (with the ETag) when the object already is what the copy
// was to make (an earlier attempt of the retried copy succeeded and its answer was lost).
std::optional<std::string> AlreadyRewritten(S3Client& client, const MetadataRewriteTarget& target,
                                            const CancelCheck& cancelled) {
  absl::StatusOr<ObjectDetails> details =
      client.HeadObject(target.bucket, target.key, target.options.sse_customer_key, cancelled);
  if (!details.ok() || details->size != target.size || details->etag.empty()) return std::nullopt;
  for (const auto& [name, value] : target.options.metadata) {
    const auto it = details->metadata.find(name);
    if (it == details->metadata.end() || it->second != value) return std::nullopt;
  }
  return details->etag;
}

absl::StatusOr<MetadataRewriteResult> CopyInPlace(S3Client& client,
                                                  const MetadataRewriteTarget& target,
                                                  const CancelCheck& cancelled) {
  absl::StatusOr<std::string> etag =
      client.CopyObject(SourceOf(target), target.bucket, target.key, target.options, cancelled);
  if (!etag.ok() && IsPreconditionFailed(etag.status())) {
    if (std::optional<std::string> done = AlreadyRewritten(client, target, cancelled)) {
      etag = std::move(*done);
    }
  }
  if (!etag.ok()) return etag.status();
  MetadataRewriteResult result;
  result.etag = std::move(*etag);
  return result;
}

// The parts of a multipart copy into `upload_id`, then its completion.
absl::StatusOr<MetadataRewriteResult> CopyParts(S3Client& client,
                                                const MetadataRewriteTarget& target,
                                                const std::string& upload_id, uint64_t part_size,
                                                const CancelCheck& cancelled) {
  const CopySource source = SourceOf(target);
  const uint64_t count = CeilDiv(target.size, part_size);
  std::vector<CompletedPart> parts;
  parts.reserve(count);
  for (uint64_t i = 0; i < count; ++i) {
    const uint64_t first = i * part_size;
    const uint64_t last = std::min(target.size, first + part_size) - 1;
    const int number = static_cast<int>(i + 1);
    S3_ASSIGN_OR_RETURN(
        std::string etag,
        client.UploadPartCopy(source, first, last, target.bucket, target.key, upload_id, number,
                              target.options.sse_customer_key, cancelled));
    parts.push_back(CompletedPart{number, std::move(etag)});
  }
  MetadataRewriteResult result;
  S3_ASSIGN_OR_RETURN(result.etag, client.CompleteMultipartUpload(target.bucket, target.key,
                                                                  upload_id, parts, cancelled));
  result.part_count = static_cast<uint32_t>(count);
  result.part_size = part_size;
  return result;
}

absl::StatusOr<MetadataRewriteResult> CopyInParts(S3Client& client,
                                                  const MetadataRewriteTarget& target,
                                                  const MetadataRewriteSettings& settings,
                                                  const CancelCheck& cancelled) {
  S3_ASSIGN_OR_RETURN(const uint64_t part_size, CopyPartSize(target.size, settings));
  S3_ASSIGN_OR_RETURN(
      const std::string upload_id,
      client.CreateMultipartUpload(target.bucket, target.key, target.options, cancelled));
  const absl::Status recorded =
      target.on_multipart_created ? target.on_multipart_created(upload_id) : absl::OkStatus();
  absl::StatusOr<MetadataRewriteResult> result =
      recorded.ok() ? CopyParts(client, target, upload_id, part_size, cancelled) : recorded;
  if (result.ok()) return result;
  const absl::Time deadline = absl::Now() + settings.abort_timeout;
  const absl::Status aborted = client.AbortMultipartUpload(
      target.bucket, target.key, upload_id, [deadline] { return absl::Now() >= deadline; });
  if (aborted.ok()) return result.status();
  return absl::Status(result.status().code(),
                      absl::StrCat(result.status().message(), "; and its multipart upload ",
                                   upload_id, " could not be aborted: ", aborted.message()));
}

}  // namespace

absl::StatusOr<uint64_t> CopyPartSize(uint64_t size, const MetadataRewriteSettings& settings) {
  uint64_t part = std::max(settings.copy_part_size, settings.min_part_size);
  if (settings.max_parts > 0 && CeilDiv(size, part) > settings.max_parts) {
    part = CeilDiv(CeilDiv(size, settings.max_parts), kMiB) * kMiB;
  }
  part = std::min(part, settings.max_part_size);
  if (part == 0 || CeilDiv(size, part) > settings.max_parts) {
    return absl::OutOfRangeError(absl::StrCat("an object of ", size, " bytes cannot be copied in ",
                                              settings.max_parts, " parts of at most ",
                                              settings.max_part_size, " bytes"));
  }
  return part;
}

absl::StatusOr<MetadataRewriteResult> RewriteObjectMetadata(S3Client& client,
                                                            const MetadataRewriteTarget& target,
                                                            const MetadataRewriteSettings& settings,
                                                            const CancelCheck& cancelled) {
  if (target.bucket.empty() || target.key.empty() || target.etag.empty()) {
    return absl::InvalidArgumentError(
        "rewriting an object's metadata needs its bucket, key and current ETag");
  }
  if (target.size <= settings.max_copy_size) return CopyInPlace(client, target, cancelled);
  return CopyInParts(client, target, settings, cancelled);
}

}  // namespace pluton::s3
