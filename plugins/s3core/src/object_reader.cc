// ObjectReader: pulling a range through the open GET, and resuming it after a break.
#include "pluton/s3/object_reader.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "object_details.h"
#include "object_request.h"
#include "pluton/s3/s3_client.h"
#include "pluton/s3/s3_error.h"
#include "retry.h"

namespace pluton::s3 {
namespace {

// `status` with `text` as its message, payloads (transport kind, S3 error) kept.
absl::Status WithText(const absl::Status& status, absl::string_view text) {
  absl::Status out(status.code(), text);
  status.ForEachPayload(
      [&out](absl::string_view url, const absl::Cord& payload) { out.SetPayload(url, payload); });
  return out;
}

absl::Status Prefixed(const absl::Status& status, absl::string_view what) {
  return WithText(status, absl::StrCat(what, ": ", status.message()));
}

}  // namespace

ObjectReader::ObjectReader(S3Client* client, std::string bucket, std::string key,
                           const SseCustomerKey* sse_customer_key)
    : client_(client), bucket_(std::move(bucket)), key_(std::move(key)) {
  if (sse_customer_key != nullptr) {
    sse_customer_key_ = std::make_unique<SseCustomerKey>(*sse_customer_key);
  }
}

ObjectReader::~ObjectReader() = default;

absl::StatusOr<size_t> ObjectReader::Read(uint8_t* buffer, size_t capacity,
                                          const CancelCheck& cancelled) {
  if (!dead_.ok()) return dead_;
  if (buffer == nullptr || capacity == 0) {
    return absl::InvalidArgumentError("ObjectReader::Read needs a non-empty buffer");
  }
  if (position_ >= end_) return 0;
  const size_t want = static_cast<size_t>(std::min<uint64_t>(capacity, end_ - position_));
  for (;;) {
    absl::StatusOr<size_t> n = stream_->Read(buffer, want, cancelled);
    if (n.ok() && *n > 0) {
      position_ += *n;
      return *n;
    }
    // A clean end before the range's end is a broken connection too.
    const absl::Status failure =
        n.ok() ? TransportError(TransportErrorKind::kConnectionReset,
                                absl::StrCat("the body ended at byte ", position_, " of ", end_))
               : n.status();
    const std::string what = absl::StrCat("GetObject ", bucket_, "/", key_);
    if (!IsRetryableTransportError(failure)) {
      dead_ = Prefixed(failure, what);
      return dead_;
    }
    if (absl::Status resumed = Resume(Prefixed(failure, what), cancelled); !resumed.ok()) {
      dead_ = std::move(resumed);
      return dead_;
    }
  }
}

absl::Status ObjectReader::Resume(const absl::Status& failure, const CancelCheck& cancelled) {
  stream_.reset();
  const RetryPolicy& retry = client_->retry_policy();
  const int max_attempts = std::max(1, retry.max_attempts);
  // Without an ETag nothing proves a new GET reads the same object: no resuming.
  if (details_.etag.empty()) return failure;
  if (attempts_used_ >= max_attempts) {
    if (max_attempts == 1) return failure;
    return WithText(
        failure, absl::StrCat(failure.message(), " (gave up after ", attempts_used_, " attempts)"));
  }
  const absl::Duration delay = internal::BackoffDelay(retry.initial_backoff, retry.max_backoff,
                                                      attempts_used_, internal::UnitRandom());
  const std::string what =
      absl::StrCat("GetObject ", bucket_, "/", key_, " (resuming at byte ", position_, ")");
  if (!internal::SleepUnlessCancelled(delay, cancelled)) {
    return TransportError(
        TransportErrorKind::kCancelled,
        absl::StrCat(what, ": cancelled while waiting to resume after: ", failure.message()));
  }
  const S3Client::ObjectRequest request = S3Client::ObjectRequest::Get(
      what, bucket_, key_, position_, static_cast<int64_t>(end_ - position_),
      sse_customer_key_.get(), details_.etag);
  absl::StatusOr<std::unique_ptr<HttpResponseStream>> stream =
      client_->OpenObject(request, &attempts_used_, cancelled);
  if (!stream.ok()) {
    const std::optional<S3Error> error = S3ErrorOf(stream.status());
    // 412: If-Match failed. 416: the object shrank below the position. Either way, replaced.
    if (error.has_value() && (error->http_status == 412 || error->http_status == 416)) {
      return internal::ObjectChangedError(what, details_.etag);
    }
    return stream.status();
  }
  const HttpResponse& head = (*stream)->response();
  const ObjectDetails now = internal::ParseObjectDetails(head.headers);
  if (now.etag != details_.etag) return internal::ObjectChangedError(what, details_.etag);
  uint64_t size = 0;
  absl::StatusOr<uint64_t> end = internal::CheckAnsweredRange(
      head, position_, static_cast<int64_t>(end_ - position_), request.range_sent, what, &size);
  if (!end.ok()) return end.status();
  if (size != details_.size || *end != end_) {
    return internal::ObjectChangedError(what, details_.etag);
  }
  stream_ = *std::move(stream);
  return absl::OkStatus();
}

}  // namespace pluton::s3
