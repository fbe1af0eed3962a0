// RewriteObjectMetadata: gives a stored object a new description (content type, user metadata,
// storage class, encryption) without moving its bytes through the client: S3 copies them
// server-side. What a finished multipart upload needs to add metadata it could not send up
// front (the whole-object MD5, known only once the stream has ended).
//
//   MetadataRewriteTarget target{"bucket", "key", size, etag_just_written, new_options};
//   absl::StatusOr<MetadataRewriteResult> done =
//       RewriteObjectMetadata(client, target, MetadataRewriteSettings{}, cancelled);
//
// How:
//   - size <= max_copy_size (5 GiB, S3's CopyObject limit): one CopyObject of the object onto
//     itself with x-amz-metadata-directive: REPLACE.
//   - above: a new multipart upload to the same key with the new description, UploadPartCopy
//     of equal ranges of the object (R2 requires every non-trailing part to be the same size:
//     CopyPartSize), then CompleteMultipartUpload; on any failure or cancellation that upload
//     is aborted (with retries, bounded by abort_timeout, not by `cancelled`), so none is left
//     behind.
// Every copy is pinned with x-amz-copy-source-if-match: target.etag: when another writer has
// replaced the object meanwhile, nothing is rewritten and the result is FAILED_PRECONDITION
// (S3's 412 PreconditionFailed). A 412 after a retried CopyObject may also mean an earlier
// attempt succeeded and its answer was lost: then the object is checked with HEAD, and when it
// has the size and every metadata entry asked for, its ETag is the result.
//
// Every request retries per the client's RetryPolicy. A failure leaves the object as it was
// (CopyObject replaces it atomically or not at all; the multipart copy commits only at its
// Complete). Nothing is logged: every outcome is a status.
//
// Thread safety: a pure function over its arguments; the client is borrowed (S3Client is
// thread-safe). `cancelled` is polled on the calling thread.
#ifndef PLUTON_PLUGINS_S3CORE_METADATA_REWRITE_H_
#define PLUTON_PLUGINS_S3CORE_METADATA_REWRITE_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "pluton/s3/http_transport.h"
#include "pluton/s3/s3_client.h"

namespace pluton::s3 {

struct MetadataRewriteSettings {
  // At most this size: one CopyObject; above: a multipart copy. S3 and R2 refuse CopyObject
  // sources above 5 GiB; tests lower it to exercise the multipart copy with small objects.
  uint64_t max_copy_size = 5ull << 30;
  // The part size of a multipart copy, before growing for max_parts (CopyPartSize).
  uint64_t copy_part_size = 1ull << 30;
  uint64_t min_part_size = 5ull << 20;
  uint64_t max_part_size = 5ull << 30;
  uint32_t max_parts = 10000;
  // Limit for AbortMultipartUpload (with its retries) after a failed multipart copy.
  absl::Duration abort_timeout = absl::Seconds(30);
};

// Told the id of a multipart upload just created, before any part goes into it, so that the
// caller can record it for cleanup after a crash. A non-OK status stops the operation: the
// multipart upload is then aborted and the operation fails with that status.
using MultipartCreatedHook = std::function<absl::Status(const std::string& upload_id)>;

struct MetadataRewriteTarget {
  std::string bucket;
  std::string key;
  uint64_t size = 0;      // the object's size
  std::string etag;       // the object's current ETag (without quotes); REQUIRED
  ObjectOptions options;  // the object's whole new description; its SSE-C key, if any, must
                          // also be the key the object is stored with
  MultipartCreatedHook on_multipart_created;  // for a multipart copy; may be empty
};

struct MetadataRewriteResult {
  std::string etag;         // of the object as now stored (without quotes)
  uint32_t part_count = 0;  // 0: one CopyObject
  uint64_t part_size = 0;   // 0: one CopyObject
};

// The part size of a multipart copy of `size` bytes: copy_part_size, grown to
// ceil(size / max_parts) rounded up to a MiB when more parts would be needed, and kept within
// [min_part_size, max_part_size]. OUT_OF_RANGE when even max_parts parts of max_part_size
// cannot hold `size`.
absl::StatusOr<uint64_t> CopyPartSize(uint64_t size, const MetadataRewriteSettings& settings);

// See the file comment. INVALID_ARGUMENT (nothing sent) without an ETag, a bucket or a key.
absl::StatusOr<MetadataRewriteResult> RewriteObjectMetadata(S3Client& client,
                                                            const MetadataRewriteTarget& target,
                                                            const MetadataRewriteSettings& settings,
                                                            const CancelCheck& cancelled);

}  // namespace pluton::s3

#endif  // PLUTON_PLUGINS_S3CORE_METADATA_REWRITE_H_
