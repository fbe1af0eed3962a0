// S3Client's reads: GetObject (a byte range as an ObjectReader), HeadObject, and OpenObject,
// which signs and opens one GET or HEAD as a stream with the client's retries.
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "object_details.h"
#include "object_request.h"
#include "pluton/s3/digest.h"
#include "pluton/s3/s3_client.h"
#include "retry.h"
#include "s3_client_call.h"
#include "s3_error_payload.h"
#include "s3_url.h"
#include "status_macros.h"

namespace pluton::s3 {
namespace {

using internal::WithMessage;

absl::Status CheckObjectArguments(absl::string_view what, const std::string& bucket,
                                  const std::string& key,
                                  const std::optional<SseCustomerKey>& sse) {
  if (bucket.empty()) return absl::InvalidArgumentError(absl::StrCat(what, ": empty bucket name"));
  if (key.empty()) return absl::InvalidArgumentError(absl::StrCat(what, ": empty object key"));
  if (sse.has_value() &&
      (!IsValidHeaderValue(sse->key_base64) || !IsValidHeaderValue(sse->key_md5_base64))) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": invalid SSE-C key encoding"));
  }
  return absl::OkStatus();
}

void AddSseHeaders(const SseCustomerKey* sse, HeaderList& headers) {
  if (sse == nullptr) return;
  headers.emplace_back("x-amz-server-side-encryption-customer-algorithm", "AES256");
  headers.emplace_back("x-amz-server-side-encryption-customer-key", sse->key_base64);
  headers.emplace_back("x-amz-server-side-encryption-customer-key-MD5", sse->key_md5_base64);
}

// A HEAD error has no body: name the code its status stands for (HeadObject then tells a
// missing bucket apart).
void NameHeadError(S3Error& error) {
  if (!error.code.empty()) return;
  if (error.http_status == 404) {
    error.code = "NoSuchKey";
    error.message = "The specified key does not exist.";
  } else if (error.http_status == 412) {
    error.code = "PreconditionFailed";
  }
}

bool IsInvalidRange(const absl::Status& status) {
  const std::optional<S3Error> error = S3ErrorOf(status);
  return error.has_value() && (error->http_status == 416 || error->code == "InvalidRange");
}

}  // namespace

S3Client::ObjectRequest S3Client::ObjectRequest::Get(std::string what, const std::string& bucket,
                                                     const std::string& key, uint64_t offset,
                                                     int64_t length, const SseCustomerKey* sse,
                                                     const std::string& if_match_etag) {
  ObjectRequest request;
  request.what = std::move(what);
  request.method = "GET";
  request.bucket = bucket;
  request.key = key;
  if (offset > 0 || length >= 0) {
    const std::string last =
        length < 0 ? "" : absl::StrCat(offset + static_cast<uint64_t>(length) - 1);
    request.headers.emplace_back("Range", absl::StrCat("bytes=", offset, "-", last));
    request.range_sent = true;
  }
  if (!if_match_etag.empty()) {
    request.headers.emplace_back("If-Match", absl::StrCat("\"", if_match_etag, "\""));
  }
  AddSseHeaders(sse, request.headers);
  return request;
}

S3Client::ObjectRequest S3Client::ObjectRequest::Head(std::string what, const std::string& bucket,
                                                      const std::string& key,
                                                      const SseCustomerKey* sse) {
  ObjectRequest request;
  request.what = std::move(what);
  request.method = "HEAD";
  request.bucket = bucket;
  request.key = key;
  AddSseHeaders(sse, request.headers);
  return request;
}

absl::StatusOr<std::unique_ptr<HttpResponseStream>> S3Client::OpenObject(
    const ObjectRequest& call, int* attempts_used, const CancelCheck& cancelled) {
  S3_RETURN_IF_ERROR(endpoint_status_);
  if (transport_ == nullptr) return absl::FailedPreconditionError("S3Client: no transport");
  const internal::RequestTarget target = internal::TargetFor(
      internal::BaseUrl{scheme_, authority_}, endpoint_.path_style, call.bucket, call.key);

  SigV4Request to_sign =
      ToSign(call.method, target, QueryParams(), call.headers, std::string(kEmptySha256Hex));

  HttpRequest request;
  request.method = call.method;
  // A body may take hours: only stalls end a GET; a HEAD has the usual per-request limit.
  request.timeout = call.method == "HEAD" ? retry_.request_timeout : absl::InfiniteDuration();
  request.connect_timeout = retry_.connect_timeout;

  for (;;) {
    if (cancelled && cancelled()) {
      return TransportError(TransportErrorKind::kCancelled, absl::StrCat(call.what, ": cancelled"));
    }
    const int attempt = ++*attempts_used;
    S3_RETURN_IF_ERROR(SignAttempt(call.what, target, to_sign, request));

    absl::StatusOr<std::unique_ptr<HttpResponseStream>> stream =
        transport_->Open(request, cancelled);
    absl::Status failure;
    std::optional<absl::Duration> retry_after;
    if (!stream.ok()) {
      failure =
          WithMessage(stream.status(), absl::StrCat(call.what, ": ", stream.status().message()));
      if (!IsRetryableTransportError(stream.status())) return failure;
    } else if ((*stream)->response().status / 100 == 2) {
      return stream;
    } else {
      const HttpResponse& head = (*stream)->response();
      S3Error error = S3ErrorFromResponse(head);
      if (call.method == "HEAD") NameHeadError(error);
      failure = internal::AttachS3Error(S3ErrorToStatus(error, call.what), error);
      if (!IsRetryable(error)) return failure;
      if (const std::string* value = FindHeader(head.headers, "retry-after")) {
        retry_after = internal::ParseRetryAfter(*value, absl::Now());
      }
    }
    S3_RETURN_IF_ERROR(WaitToRetry(call.what, attempt, failure, retry_after, cancelled));
  }
}

absl::StatusOr<ObjectDetails> S3Client::HeadObject(
    const std::string& bucket, const std::string& key,
    const std::optional<SseCustomerKey>& sse_customer_key, const CancelCheck& cancelled) {
  const std::string what = absl::StrCat("HeadObject ", bucket, "/", key);
  S3_RETURN_IF_ERROR(CheckObjectArguments(what, bucket, key, sse_customer_key));
  int attempts = 0;
  absl::StatusOr<std::unique_ptr<HttpResponseStream>> opened = OpenObject(
      ObjectRequest::Head(what, bucket, key, sse_customer_key ? &*sse_customer_key : nullptr),
      &attempts, cancelled);
  if (!opened.ok()) {
    // A HEAD's 404 has no body to tell a missing key from a missing bucket: ask the bucket.
    const std::optional<S3Error> error = S3ErrorOf(opened.status());
    if (error.has_value() && error->http_status == 404) {
      int bucket_attempts = 0;
      const absl::StatusOr<std::unique_ptr<HttpResponseStream>> bucket_head =
          OpenObject(ObjectRequest::Head(what, bucket, "", nullptr), &bucket_attempts, cancelled);
      const std::optional<S3Error> bucket_error =
          bucket_head.ok() ? std::nullopt : S3ErrorOf(bucket_head.status());
      if (bucket_error.has_value() && bucket_error->http_status == 404) {
        S3Error no_bucket = *bucket_error;
        no_bucket.code = "NoSuchBucket";
        no_bucket.message = "The specified bucket does not exist.";
        return internal::AttachS3Error(S3ErrorToStatus(no_bucket, what), no_bucket);
      }
    }
    return opened.status();
  }
  std::unique_ptr<HttpResponseStream> stream = *std::move(opened);
  ObjectDetails details = internal::ParseObjectDetails(stream->response().headers);
  const std::optional<uint64_t> size = internal::ContentLength(stream->response().headers);
  if (!size.has_value()) {
    return absl::UnknownError(absl::StrCat(what, ": the answer has no Content-Length"));
  }
  details.size = *size;
  return details;
}

absl::StatusOr<std::unique_ptr<ObjectReader>> S3Client::GetObject(
    const std::string& bucket, const std::string& key, uint64_t offset, int64_t length,
    const std::optional<SseCustomerKey>& sse_customer_key, const CancelCheck& cancelled) {
  const std::string what = absl::StrCat("GetObject ", bucket, "/", key);
  S3_RETURN_IF_ERROR(CheckObjectArguments(what, bucket, key, sse_customer_key));
  if (length < -1) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": negative length ", length));
  }
  const SseCustomerKey* sse = sse_customer_key ? &*sse_customer_key : nullptr;
  std::unique_ptr<ObjectReader> reader(new ObjectReader(this, bucket, key, sse));

  // An empty range: what HEAD says is enough (a GET cannot ask for zero bytes). Also the
  // answer to 416, which is OK for a range starting at the very end: it reads nothing.
  const auto empty_range = [&]() -> absl::StatusOr<std::unique_ptr<ObjectReader>> {
    S3_ASSIGN_OR_RETURN(reader->details_, HeadObject(bucket, key, sse_customer_key, cancelled));
    const uint64_t size = reader->details_.size;
    if (offset > size || (length > 0 && offset + static_cast<uint64_t>(length) > size)) {
      return absl::OutOfRangeError(
          absl::StrCat(what, ": the range from offset ", offset,
                       length < 0 ? "" : absl::StrCat(" of ", length, " bytes"),
                       " is past the end of the object, which has ", size, " bytes"));
    }
    if (length < 0 && offset != size) {  // 416, then a HEAD that finds the bytes: it changed
      return internal::ObjectChangedError(what, reader->details_.etag);
    }
    reader->offset_ = reader->end_ = reader->position_ = offset;
    return std::move(reader);
  };
  if (length == 0) return empty_range();

  const ObjectRequest request = ObjectRequest::Get(what, bucket, key, offset, length, sse, "");
  absl::StatusOr<std::unique_ptr<HttpResponseStream>> stream =
      OpenObject(request, &reader->attempts_used_, cancelled);
  if (!stream.ok()) {
    if (IsInvalidRange(stream.status())) return empty_range();
    return stream.status();
  }
  const HttpResponse& head = (*stream)->response();
  ObjectDetails details = internal::ParseObjectDetails(head.headers);
  S3_ASSIGN_OR_RETURN(
      const uint64_t end,
      internal::CheckAnsweredRange(head, offset, length, request.range_sent, what, &details.size));
  reader->details_ = std::move(details);
  reader->offset_ = reader->position_ = offset;
  reader->end_ = end;
  reader->stream_ = *std::move(stream);
  return reader;
}

}  // namespace pluton::s3
