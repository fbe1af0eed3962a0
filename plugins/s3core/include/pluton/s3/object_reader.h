// Reading objects with S3Client: what a GET or HEAD says about an object (ObjectDetails), and
// ObjectReader, which pulls a byte range of an object from the network without buffering it.
//
//   absl::StatusOr<std::unique_ptr<ObjectReader>> reader =
//       client.GetObject("bucket", "key", /*offset=*/0, /*length=*/-1, std::nullopt, cancel);
//   uint64_t size = (*reader)->details().size;
//   std::optional<std::string> md5 = StoredMd5((*reader)->details());
//   for (;;) {
//     absl::StatusOr<size_t> n = (*reader)->Read(buffer, sizeof(buffer), cancel);
//     if (!n.ok() || *n == 0) break;      // an error, or the end of the range
//   }
//
// Resuming: when the connection breaks mid-body (a retryable transport error), Read opens a
// new ranged GET from the byte reached with If-Match on the first answer's ETag, so bytes of
// a replaced object are never stitched onto the old ones: the object changing is an ABORTED
// error (IsObjectChangedError). Every open and resume comes out of one retry budget
// (RetryPolicy::max_attempts), with the client's backoff between attempts.
#ifndef PLUTON_PLUGINS_S3CORE_OBJECT_READER_H_
#define PLUTON_PLUGINS_S3CORE_OBJECT_READER_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "pluton/s3/http_transport.h"

namespace pluton::s3 {

class S3Client;
struct SseCustomerKey;

// An object as its GET or HEAD response headers describe it.
struct ObjectDetails {
  uint64_t size = 0;  // the whole object (Content-Range's total, else Content-Length)
  std::string etag;   // without quotes; "" when the server sent none
  std::optional<absl::Time> last_modified;
  std::string content_type;
  std::string storage_class;  // x-amz-storage-class; "" when absent (S3 omits STANDARD)
  // x-amz-meta-* headers: keys lowercase without the prefix, values as sent (RFC 2047
  // encoded-words decoded, metadata_encoding.h).
  std::map<std::string, std::string> metadata;
  // 16 raw bytes from x-amz-meta-md5chksum when it is base64 of exactly 16 bytes.
  std::optional<std::string> md5chksum;
  bool sse_customer_encrypted = false;  // x-amz-server-side-encryption-customer-algorithm
  std::string server_side_encryption;   // x-amz-server-side-encryption ("AES256", "aws:kms")
};

// The MD5 of the whole object as stored (16 raw bytes), when the details tell it: the
// md5chksum metadata when present and valid; else the ETag when it is exactly 32 hex digits
// (a single-request upload's ETag is its MD5) and the object is neither SSE-C nor SSE-KMS
// encrypted (their ETags are not MD5s); else nullopt.
std::optional<std::string> StoredMd5(const ObjectDetails& details);

// True for the error a GetObject / ObjectReader returns when the object was replaced while
// it was being read (412 PreconditionFailed on a resume, or another ETag).
bool IsObjectChangedError(const absl::Status& status);

// A byte range of one object being read.
//
// Ownership: borrows the S3Client that created it (which must outlive it); owns its
// connection. Destroying it mid-range abandons the rest (the connection is closed).
// Thread safety: one thread at a time.
class ObjectReader {
 public:
  ~ObjectReader();
  ObjectReader(const ObjectReader&) = delete;
  ObjectReader& operator=(const ObjectReader&) = delete;

  const ObjectDetails& details() const { return details_; }
  uint64_t offset() const { return offset_; }         // the range's first byte
  uint64_t length() const { return end_ - offset_; }  // bytes in the range
  uint64_t position() const { return position_; }     // the next byte Read delivers

  // Copies the next bytes of the range (at least 1, at most `capacity` > 0) into `buffer`;
  // 0 at the end of the range. Resumes a broken connection as described above. After an
  // error the reader is dead and returns that error again.
  absl::StatusOr<size_t> Read(uint8_t* buffer, size_t capacity, const CancelCheck& cancelled);

 private:
  friend class S3Client;
  // Copies *sse_customer_key (NULL: none).
  ObjectReader(S3Client* client, std::string bucket, std::string key,
               const SseCustomerKey* sse_customer_key);

  // Opens a new GET for [position_, end_) after `failure` broke the previous one.
  absl::Status Resume(const absl::Status& failure, const CancelCheck& cancelled);

  S3Client* const client_;
  const std::string bucket_;
  const std::string key_;
  std::unique_ptr<SseCustomerKey> sse_customer_key_;  // NULL: none
  ObjectDetails details_;
  uint64_t offset_ = 0;
  uint64_t end_ = 0;                            // one past the range's last byte
  uint64_t position_ = 0;                       // next byte to deliver
  int attempts_used_ = 0;                       // of the client's RetryPolicy::max_attempts
  std::unique_ptr<HttpResponseStream> stream_;  // NULL for an empty range
  absl::Status dead_;                           // OK while alive
};

}  // namespace pluton::s3

#endif  // PLUTON_PLUGINS_S3CORE_OBJECT_READER_H_
