// S3Client: the S3 operations Pluton's providers use, over an HttpTransport, signed with
// SigV4, with retries.
//
//   S3Client client(endpoint, credentials, transport.get(), RetryPolicy{});
//   absl::StatusOr<std::string> upload_id = client.CreateMultipartUpload(
//       "bucket", "key", ObjectOptions{}, cancel);
//
// Requests: path-style (https://host/<bucket>/<key>) or virtual-host style per the endpoint;
// x-amz-content-sha256 on every request (the empty-body hash for bodiless requests,
// UNSIGNED-PAYLOAD for object data, whose integrity Content-MD5 protects, the SHA-256 of the
// small XML bodies: CompleteMultipartUpload, and DeleteObjects and
// PutBucketLifecycleConfiguration, which also carry the Content-MD5 S3 requires of them);
// never an Expect header; upload ids and every query
// value URL-encoded exactly as signed. Listing requests ask for encoding-type=url. Each
// attempt is signed afresh at absl::Now() (a retry after a long Retry-After stays valid).
//
// Retries: responses that IsRetryable (429, 5xx, RequestTimeout, SlowDown, InternalError,
// also inside a 200 CompleteMultipartUpload) and IsRetryableTransportError failures are
// retried up to policy.max_attempts with exponential backoff and full jitter between
// policy.initial_backoff and policy.max_backoff, honouring Retry-After when present (up to
// policy.max_retry_after), and stopping at once when `cancelled` fires (CANCELLED; the
// backoff sleeps in 20 ms slices polling it). Other failures return at once. A status after
// the last attempt says how many were made. Retrying is safe for every operation here: S3
// operations are idempotent except CreateMultipartUpload, whose retry after a lost answer
// may leave one unused upload (R2's lifecycle rule removes it after 7 days).
//
// Errors: an S3 error response becomes S3ErrorToStatus(error, what) and carries the S3Error
// as a payload (S3ErrorOf); a transport failure keeps its TransportErrorKind
// (GetTransportErrorKind). Secrets never appear in any status.
//
// Validation: an endpoint that is not scheme://host[:port], an empty bucket or key, or a
// header value with CR/LF (metadata, content type) gives INVALID_ARGUMENT from the call,
// before anything is sent.
//
// Thread safety: all methods may be called concurrently. The transport is borrowed and must
// outlive the client; it must itself be thread-safe. `cancelled` is polled on the calling
// thread only.
#ifndef PLUTON_PLUGINS_S3CORE_S3_CLIENT_H_
#define PLUTON_PLUGINS_S3CORE_S3_CLIENT_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "pluton/s3/http_transport.h"
#include "pluton/s3/object_reader.h"
#include "pluton/s3/s3_bucket_xml.h"
#include "pluton/s3/s3_error.h"
#include "pluton/s3/s3_xml.h"
#include "pluton/s3/sigv4_signer.h"

namespace pluton::s3 {
namespace internal {
struct RequestTarget;  // where a request goes (s3_url.h, private to pluton_s3core)
}  // namespace internal

struct S3Endpoint {
  std::string base_url;  // scheme://host[:port], no trailing slash, e.g.
                         // "https://x.r2.cloudflarestorage.com"
  std::string region = "auto";
  bool path_style = true;  // false: https://<bucket>.host/<key>
};

struct RetryPolicy {
  int max_attempts = 10;  // including the first; rclone's low-level retries
  absl::Duration initial_backoff = absl::Milliseconds(10);
  absl::Duration max_backoff = absl::Seconds(2);
  absl::Duration request_timeout = absl::Minutes(5);  // per attempt, whole request
  absl::Duration connect_timeout = absl::Seconds(10);
  // A server's Retry-After above this is cut to it (a misbehaving proxy cannot park us).
  absl::Duration max_retry_after = absl::Minutes(1);
};

// SSE-C: a customer-provided AES-256 key, sent on every request that reads or writes the
// object (PutObject, CreateMultipartUpload, UploadPart, GetObject, HeadObject).
struct SseCustomerKey {
  std::string key_base64;      // base64 of the 32-byte key
  std::string key_md5_base64;  // base64 of the key's MD5
};

// Headers that describe a new object.
struct ObjectOptions {
  std::string content_type;  // "" = not sent
  // Sent as x-amz-meta-<key>; values that are not plain ASCII RFC 2047-encoded
  // (metadata_encoding.h).
  std::map<std::string, std::string> metadata;
  std::string storage_class;           // "" = not sent (never sent empty)
  std::string server_side_encryption;  // "" = not sent; "AES256" or "aws:kms"
  std::string sse_kms_key_id;          // with aws:kms only
  std::optional<SseCustomerKey> sse_customer_key;
};

// The source of a server-side copy (CopyObject, UploadPartCopy).
struct CopySource {
  std::string bucket;
  std::string key;
  // Sent as x-amz-copy-source-if-match when non-empty (without quotes): the copy happens only
  // while the source still has this ETag, else 412 PreconditionFailed.
  std::string if_match;
  // The key the source was written with (x-amz-copy-source-server-side-encryption-customer-*).
  std::optional<SseCustomerKey> sse_customer_key;
};

struct PutObjectResult {
  std::string etag;  // without quotes
};

struct ObjectSummary {
  std::string key;
  uint64_t size = 0;
  std::string etag;                    // without quotes
  std::optional<absl::Time> modified;  // LastModified; nullopt when absent or unparsable
  std::string storage_class;           // "" when not sent
};

// One page of ListObjectsV2.
struct ObjectPage {
  std::vector<ObjectSummary> objects;
  std::vector<std::string> common_prefixes;  // with a delimiter: the rolled-up prefixes
  std::string next_continuation_token;       // "" on the last page
};

// What one ListObjectsV2 page asks for.
struct ListObjectsRequest {
  std::string prefix;              // "" lists everything
  std::string delimiter;           // "" for a flat listing
  int max_keys = 0;                // <= 0: none sent (the server's default, 1000)
  std::string continuation_token;  // "" for the first page
};

struct MultipartUploadSummary {
  std::string key;
  std::string upload_id;
  std::optional<absl::Time> initiated;
};

// What one ListMultipartUploads page asks for.
struct ListUploadsRequest {
  std::string prefix;
  std::string key_marker;        // "" for the first page
  std::string upload_id_marker;  // only with key_marker
  int max_uploads = 0;           // <= 0: none sent (the server's default, 1000)
};

// One page of ListMultipartUploads, in key order (then initiation order).
struct MultipartUploadPage {
  std::vector<MultipartUploadSummary> uploads;
  // Where the next page starts; both "" on the last page.
  std::string next_key_marker;
  std::string next_upload_id_marker;
};

class S3Client {
 public:
  S3Client(S3Endpoint endpoint, Credentials credentials, HttpTransport* transport,
           RetryPolicy retry = {});

  // GET / (needs an admin token on R2).
  absl::StatusOr<std::vector<std::string>> ListBuckets(const CancelCheck& cancelled);
  // GET /<bucket>?list-type=2&max-keys=N[&prefix=][&continuation-token=]; max_keys <= 0
  // sends none (the server's default, 1000). Keys come back decoded.
  absl::StatusOr<ObjectPage> ListObjectsV2(const std::string& bucket, const std::string& prefix,
                                           int max_keys, const std::string& continuation_token,
                                           const CancelCheck& cancelled);
  // PUT /<bucket>/<key> with Content-MD5 (base64 of the body's MD5; REQUIRED non-empty).
  // `body` spans must stay valid for the call (they are re-sent on retry).
  absl::StatusOr<PutObjectResult> PutObject(const std::string& bucket, const std::string& key,
                                            std::vector<absl::Span<const uint8_t>> body,
                                            const std::string& content_md5_base64,
                                            const ObjectOptions& options,
                                            const CancelCheck& cancelled);
  // DELETE /<bucket>/<key>; a missing key is success (S3 answers 204 either way).
  absl::Status DeleteObject(const std::string& bucket, const std::string& key,
                            const CancelCheck& cancelled);
  // POST /<bucket>/<key>?uploads; returns the upload id.
  absl::StatusOr<std::string> CreateMultipartUpload(const std::string& bucket,
                                                    const std::string& key,
                                                    const ObjectOptions& options,
                                                    const CancelCheck& cancelled);
  // PUT /<bucket>/<key>?partNumber=N&uploadId=ID with Content-MD5; returns the part's ETag.
  absl::StatusOr<std::string> UploadPart(const std::string& bucket, const std::string& key,
                                         const std::string& upload_id, int part_number,
                                         std::vector<absl::Span<const uint8_t>> body,
                                         const std::string& content_md5_base64,
                                         const std::optional<SseCustomerKey>& sse_customer_key,
                                         const CancelCheck& cancelled);
  // POST /<bucket>/<key>?uploadId=ID with the parts in ascending order; returns the ETag
  // (without quotes). An <Error> inside a 200 response is an error (retried when retryable).
  // A lost answer: an attempt may complete the upload and lose its answer, and the resend
  // (ours, or libcurl's own silent resend on a reused connection that died) then gets 404
  // NoSuchUpload. So on NoSuchUpload the object is checked with HEAD: if its ETag is the
  // multipart ETag of exactly these parts (md5 of the part MD5s, "-N"; computable when every
  // part ETag is an MD5), the object is what this call meant to create and that ETag is
  // returned; otherwise the NoSuchUpload error is.
  absl::StatusOr<std::string> CompleteMultipartUpload(const std::string& bucket,
                                                      const std::string& key,
                                                      const std::string& upload_id,
                                                      const std::vector<CompletedPart>& parts,
                                                      const CancelCheck& cancelled);
  // DELETE /<bucket>/<key>?uploadId=ID; NoSuchUpload counts as success (already gone).
  absl::Status AbortMultipartUpload(const std::string& bucket, const std::string& key,
                                    const std::string& upload_id, const CancelCheck& cancelled);
  // GET /<bucket>?uploads[&prefix=]; follows every page.
  absl::StatusOr<std::vector<MultipartUploadSummary>> ListMultipartUploads(
      const std::string& bucket, const std::string& prefix, const CancelCheck& cancelled);

  // ---- Server-side copies (s3_client_copy.cc) ----

  // PUT /<bucket>/<key> with x-amz-copy-source: /<source bucket>/<source key> (URI-encoded),
  // x-amz-metadata-directive: REPLACE and `options` describing the new object (its content
  // type, metadata, class, encryption: nothing of the source's is kept but the bytes), plus
  // the source's conditions and SSE-C key. Copying an object onto itself this way rewrites its
  // metadata without moving data through the client. Sources above 5 GiB are refused by S3
  // (use UploadPartCopy). Returns the new object's ETag (without quotes). An <Error> inside a
  // 200 response is an error (retried when retryable).
  absl::StatusOr<std::string> CopyObject(const CopySource& source, const std::string& bucket,
                                         const std::string& key, const ObjectOptions& options,
                                         const CancelCheck& cancelled);
  // PUT /<bucket>/<key>?partNumber=N&uploadId=ID with x-amz-copy-source and
  // x-amz-copy-source-range: bytes=<first>-<last> (inclusive; REQUIRES first <= last): the
  // part is that range of the source. `sse_customer_key` is the upload's (as for UploadPart).
  // Returns the part's ETag (without quotes). An <Error> inside a 200 response is an error.
  absl::StatusOr<std::string> UploadPartCopy(const CopySource& source, uint64_t first,
                                             uint64_t last, const std::string& bucket,
                                             const std::string& key, const std::string& upload_id,
                                             int part_number,
                                             const std::optional<SseCustomerKey>& sse_customer_key,
                                             const CancelCheck& cancelled);

  // ---- Listing, deletion and bucket lifecycle (s3_client_bucket.cc) ----

  // GET /<bucket>?list-type=2&encoding-type=url[&prefix=][&delimiter=][&max-keys=]
  // [&continuation-token=]: one page, keys and prefixes decoded. INTERNAL when the server
  // says truncated but hands back the token it was given (the listing would never end).
  absl::StatusOr<ObjectPage> ListObjectsV2(const std::string& bucket,
                                           const ListObjectsRequest& request,
                                           const CancelCheck& cancelled);
  // POST /<bucket>?delete in Quiet mode with 1..1000 keys (BuildDeleteObjectsXml's rules:
  // INVALID_ARGUMENT before sending otherwise). Returns the keys S3 could not delete; a
  // missing key is deleted as far as S3 is concerned. An <Error> document in a 200 is an error.
  absl::StatusOr<std::vector<DeleteObjectError>> DeleteObjects(const std::string& bucket,
                                                               absl::Span<const std::string> keys,
                                                               const CancelCheck& cancelled);
  // GET /<bucket>?uploads&encoding-type=url[&prefix=][&key-marker=][&upload-id-marker=]
  // [&max-uploads=]: one page, keys decoded. INTERNAL when the page is truncated but its next
  // markers are missing or do not advance.
  absl::StatusOr<MultipartUploadPage> ListMultipartUploadsPage(const std::string& bucket,
                                                               const ListUploadsRequest& request,
                                                               const CancelCheck& cancelled);
  // GET /<bucket>?lifecycle. A bucket without a configuration (404
  // NoSuchLifecycleConfiguration) has no rules: an empty vector. Rules with parts
  // LifecycleRule cannot hold list them in `unsupported` (s3_bucket_xml.h).
  absl::StatusOr<std::vector<LifecycleRule>> GetBucketLifecycle(const std::string& bucket,
                                                                const CancelCheck& cancelled);
  // PUT /<bucket>?lifecycle with Content-MD5; replaces every rule. INVALID_ARGUMENT before
  // sending for rules BuildLifecycleConfigurationXml refuses (none at all included: use
  // DeleteBucketLifecycle).
  absl::Status PutBucketLifecycle(const std::string& bucket, absl::Span<const LifecycleRule> rules,
                                  const CancelCheck& cancelled);
  // DELETE /<bucket>?lifecycle: removes every rule (success when there were none).
  absl::Status DeleteBucketLifecycle(const std::string& bucket, const CancelCheck& cancelled);

  // ---- Reading objects (s3_client_get.cc; see object_reader.h) ----

  // GET /<bucket>/<key> of [offset, offset + length) (length -1: to the end) with the
  // empty-body payload hash, `Range: bytes=a-b` unless the whole object is asked from 0, and
  // the SSE-C headers when a key is given (an SSE-C object is readable only with its key).
  // Opening retries like the other calls; the reader resumes a broken body (If-Match) within
  // the same retry budget. The answered range is checked against the asked one. OUT_OF_RANGE
  // when the range ends past the object (an offset equal to the size reads nothing: OK).
  // NOT_FOUND (NoSuchKey / NoSuchBucket) for a missing object or bucket.
  absl::StatusOr<std::unique_ptr<ObjectReader>> GetObject(
      const std::string& bucket, const std::string& key, uint64_t offset, int64_t length,
      const std::optional<SseCustomerKey>& sse_customer_key, const CancelCheck& cancelled);
  // HEAD /<bucket>/<key> (with the SSE-C headers when a key is given): the object's details,
  // size from Content-Length. A missing object is NOT_FOUND with S3 code NoSuchKey, a missing
  // bucket NoSuchBucket (HEAD errors have no body: a 404 is followed by a HEAD of the bucket).
  absl::StatusOr<ObjectDetails> HeadObject(const std::string& bucket, const std::string& key,
                                           const std::optional<SseCustomerKey>& sse_customer_key,
                                           const CancelCheck& cancelled);

  const S3Endpoint& endpoint() const { return endpoint_; }
  const RetryPolicy& retry_policy() const { return retry_; }

 private:
  friend class ObjectReader;  // resumes through OpenObject
  struct ObjectRequest;       // one GET or HEAD of an object (object_request.h)

  // Signs and opens `request` as a stream with retries, counting attempts in *attempts_used
  // (a budget shared by an ObjectReader's resumes); returns the 2xx stream or the final error.
  absl::StatusOr<std::unique_ptr<HttpResponseStream>> OpenObject(const ObjectRequest& request,
                                                                 int* attempts_used,
                                                                 const CancelCheck& cancelled);
  struct Call;  // one S3 request: operation name, method, bucket, key, query, headers, body

  // Signs and sends `call` with retries; returns the 2xx response or the final error.
  absl::StatusOr<HttpResponse> Execute(const Call& call, const CancelCheck& cancelled);
  // Sends the copy `call` as a PUT that fails on an <Error> in a 200, and returns the ETag
  // (without quotes) of its result document, whose root must be `root_name`.
  absl::StatusOr<std::string> ExecuteCopy(Call& call, absl::string_view root_name,
                                          const CancelCheck& cancelled);
  // HEAD /<bucket>/<key>: the object's ETag without quotes.
  absl::StatusOr<std::string> HeadObjectEtag(const std::string& bucket, const std::string& key,
                                             const CancelCheck& cancelled);

  // The two retry loops (Execute, OpenObject) share these steps; what each sends and how it
  // classifies a failure stay in the loop.
  //
  // What the loop signs for `method` on `target`: Host first, then `headers`; `query` and
  // `payload_hash`; this client's region and service "s3". SignAttempt sets the time.
  SigV4Request ToSign(const std::string& method, const internal::RequestTarget& target,
                      const QueryParams& query, const HeaderList& headers,
                      std::string payload_hash) const;
  // One attempt's signature: sets to_sign.time to absl::Now(), signs, and sets request.url
  // (target plus the signed query) and request.headers (to_sign's, then the signer's). On
  // failure, the signer's status reworded "<what>: <message>", and `request` is unchanged.
  absl::Status SignAttempt(absl::string_view what, const internal::RequestTarget& target,
                           SigV4Request& to_sign, HttpRequest& request) const;
  // After attempt number `attempt` (1-based, counted against retry_.max_attempts) failed with
  // the retryable `failure`: the error to return when no attempt is left (`failure`, with
  // " (gave up after N attempts)" when there were retries); a CANCELLED transport error
  // naming `what` when `cancelled` fires during the backoff; else OK, after sleeping the
  // backoff (at least `retry_after` when given, capped at retry_.max_retry_after).
  absl::Status WaitToRetry(absl::string_view what, int attempt, const absl::Status& failure,
                           std::optional<absl::Duration> retry_after,
                           const CancelCheck& cancelled) const;

  S3Endpoint endpoint_;
  absl::Status endpoint_status_;  // why endpoint_.base_url is unusable, or OK
  std::string scheme_;            // from endpoint_.base_url
  std::string authority_;         // host[:port] from endpoint_.base_url
  SigV4Signer signer_;
  HttpTransport* transport_;
  RetryPolicy retry_;
};

// The S3 error carried by a status from S3Client, if the failure was an S3 error response.
std::optional<S3Error> S3ErrorOf(const absl::Status& status);

}  // namespace pluton::s3

#endif  // PLUTON_PLUGINS_S3CORE_S3_CLIENT_H_
