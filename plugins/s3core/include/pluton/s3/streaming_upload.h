// StreamingUpload: one object streamed into S3 as it arrives, without ever holding the whole
// object in memory.
//
// Bytes are copied once, into part-sized buffers reserved from a shared BufferBudget (the
// reservation is made when a buffer is allocated and released when it is freed; an upload
// reuses its buffers from part to part, keeping at most concurrency + 1 of them once
// multipart; the first buffer of an object whose expected size is below one part is only
// that size):
//   - A stream of unknown size (expected_size -1) holds at most one part before its first
//     request: if it ends within the first part (up to part_size bytes, 0 included) it goes up
//     as one PutObject; its next byte creates the multipart upload, with the held part as
//     part 1. `upload_cutoff` does not apply to it.
//   - A stream of known size below `upload_cutoff` keeps its buffers and goes up as one
//     PutObject with Content-MD5 (computed over the buffers).
//   - When a stream of known size reaches the cutoff (or its expected size says it will), or a
//     stream of unknown size outgrows one part, a multipart upload is
//     created, the kept buffers become its first parts, and from then on each full buffer is
//     sent as a part by one of `concurrency` sender threads, each part with its Content-MD5
//     (computed on the sender thread, so hashing runs beside the stream). Write blocks while
//     `concurrency` parts are in flight: that is the backpressure.
//   - If the budget cannot supply a buffer within 200 ms while kept buffers wait below the
//     cutoff, the upload switches to multipart early instead of waiting (no two uploads can
//     deadlock holding kept buffers). Otherwise it waits for the budget as long as it takes
//     (until cancelled), in 200 ms slices while its own parts in flight may free a buffer.
//   - Every part but the last has exactly the same size (R2 rejects unequal parts). With an
//     expected size needing more than max_parts parts, the part size grows to
//     ceil(size / max_parts) rounded up to a MiB; without one, Write fails clearly before
//     part max_parts + 1, naming the limit.
//   - target.on_multipart_created hears of every multipart upload created, before its first
//     part; when it fails, the upload fails with its status and the multipart upload is
//     aborted (by Abort(), as after any failure).
//   - An empty object is one PutObject with an empty body (and the empty body's MD5).
//   - The whole-object MD5 after a multipart upload: when settings.md5_metadata_key is set,
//     SetObjectMd5 was called and target.options.metadata has no entry of that key (the MD5
//     was not known up front), Finish then rewrites the completed object's metadata
//     server-side to add <key>: base64(MD5), with everything else as uploaded
//     (RewriteObjectMetadata: a CopyObject onto itself, or a multipart copy above
//     settings.rewrite.max_copy_size; pinned to the ETag just written). It waits first until
//     settings.same_key_write_interval has passed since the CompleteMultipartUpload (R2 allows
//     one write per second to a key). The object is complete and correct before that step,
//     so a failure or a cancel there does not fail Finish: the result then has the uploaded
//     ETag and says why in md5_metadata_status.
// Any failure or cancellation makes Write/Finish return at once (CANCELLED promptly when
// `cancelled` fires) and returns the buffers to the budget as the senders stop; Abort() or the
// destructor then aborts the multipart upload (no object, no pending upload remains). The
// abort itself is not cancelled by `cancelled` (cleanup must happen even after a cancel) but
// is bounded by settings.abort_timeout. Nothing is logged: every outcome is a status.
//
// Thread safety: Write/Finish/Abort are called by one thread at a time (the plugin's upload
// handle contract); the sender threads are internal. `cancelled` is polled from the sender
// threads too, concurrently: it must be thread-safe, cheap and non-blocking. The client and
// budget are borrowed and must outlive the upload.
#ifndef PLUTON_PLUGINS_S3CORE_STREAMING_UPLOAD_H_
#define PLUTON_PLUGINS_S3CORE_STREAMING_UPLOAD_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "pluton/s3/http_transport.h"
#include "pluton/s3/metadata_rewrite.h"
#include "pluton/s3/s3_client.h"

namespace pluton::s3 {

// The service-wide memory budget for upload buffers (the plugin adapts the host's).
class BufferBudget {
 public:
  virtual ~BufferBudget() = default;
  // Waits until `bytes` are available or `cancelled` fires / `max_wait` passes (max_wait may
  // be absl::InfiniteDuration(); `cancelled` must still be polled then, e.g. every 50 ms).
  // OK, CANCELLED, DEADLINE_EXCEEDED (max_wait passed) or RESOURCE_EXHAUSTED (bytes larger
  // than the whole budget). Thread-safe: called from any number of uploads at once.
  virtual absl::Status Reserve(uint64_t bytes, absl::Duration max_wait,
                               const CancelCheck& cancelled) = 0;
  virtual void Release(uint64_t bytes) = 0;
};

struct StreamingUploadSettings {
  uint64_t chunk_size = 5ull << 20;       // part size (before growing for max_parts)
  uint64_t upload_cutoff = 200ull << 20;  // at or above: multipart
  int concurrency = 4;                    // parts in flight
  uint64_t max_single_put = (5ull << 30) - (5ull << 20);
  uint32_t max_parts = 10000;
  uint64_t max_part_size = 5ull << 30;
  // Limit for AbortMultipartUpload (with its retries) in Abort() and the destructor.
  absl::Duration abort_timeout = absl::Seconds(30);
  // The metadata key of the whole-object MD5 added after a multipart upload (see the file
  // comment), e.g. "md5chksum"; "" = never.
  std::string md5_metadata_key;
  // How that rewrite copies (its abort_timeout is the one above).
  MetadataRewriteSettings rewrite;
  // The shortest time between two writes to the same key (the upload and the rewrite).
  absl::Duration same_key_write_interval = absl::Seconds(1);
};

struct StreamingUploadTarget {
  std::string bucket;
  std::string key;
  int64_t expected_size = -1;  // -1: unknown
  ObjectOptions options;       // content type, metadata (incl. md5chksum), class, SSE
  // Called on the writer thread with the id of each multipart upload created for this target
  // (the upload's own, and a metadata rewrite's multipart copy: MultipartCreatedHook), before
  // any part goes into it. May be empty.
  MultipartCreatedHook on_multipart_created;
};

struct StreamingUploadResult {
  uint64_t bytes = 0;
  // The ETag of the object as finally stored: after an MD5 metadata rewrite, the rewritten
  // object's; else the upload's.
  std::string etag;
  uint32_t part_count = 0;  // how the bytes were uploaded; 0: single PutObject
  uint64_t part_size = 0;   // 0: single PutObject
  // The MD5 metadata rewrite (settings.md5_metadata_key): `md5_metadata_added` when it was
  // done; md5_metadata_status is OK when it was done or not needed, else why it was not done
  // (CANCELLED, FAILED_PRECONDITION when another writer replaced the object, or the S3
  // failure after retries). The object is stored either way.
  bool md5_metadata_added = false;
  absl::Status md5_metadata_status;
};

class StreamingUpload {
 public:
  StreamingUpload(S3Client* client, BufferBudget* budget, StreamingUploadSettings settings,
                  StreamingUploadTarget target, CancelCheck cancelled);
  ~StreamingUpload();  // Abort() unless finished (its status is dropped)
  StreamingUpload(const StreamingUpload&) = delete;
  StreamingUpload& operator=(const StreamingUpload&) = delete;

  // Appends bytes (copied; `data` is not kept). Blocks while the budget or the senders
  // (`concurrency` parts in flight) hold it back. After an error the upload is dead: every
  // later Write/Finish returns the same error; call Abort() (or destroy it).
  // OUT_OF_RANGE before the first byte of part max_parts + 1 is buffered, with a message
  // naming the limit and suggesting a larger chunk_size (or an expected size).
  absl::Status Write(const uint8_t* data, size_t size);
  // The MD5 (16 raw bytes) of everything written, when the caller already computed it: a
  // single PutObject then uses it as its Content-MD5 instead of hashing the body again, and a
  // multipart upload adds it as metadata afterwards (settings.md5_metadata_key).
  // REQUIRES: after the last Write, before Finish; it must be the MD5 of exactly those bytes
  // (S3 rejects a wrong one with BadDigest, so nothing wrong is stored).
  void SetObjectMd5(absl::string_view md5);
  // Sends what remains and commits the object. FAILED_PRECONDITION when already finished or
  // aborted.
  absl::StatusOr<StreamingUploadResult> Finish();
  // Discards everything, stops the senders and aborts the multipart upload if one was
  // created (with retries, bounded by settings.abort_timeout). OK also when there was nothing
  // to abort or the upload already finished; otherwise the failure to abort, naming the
  // upload id left behind (for the caller to log). Idempotent: later calls return the same.
  absl::Status Abort();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace pluton::s3

#endif  // PLUTON_PLUGINS_S3CORE_STREAMING_UPLOAD_H_
