#include "pluton/s3/streaming_upload.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "part_buffer.h"
#include "pluton/s3/digest.h"
#include "pluton/s3/metadata_rewrite.h"
#include "retry.h"
#include "status_macros.h"
#include "upload_plan.h"

namespace pluton::s3 {
namespace {

using internal::PartBuffer;
using internal::UploadPlan;

// How long a buffer reservation waits while the upload could do something else instead:
// switch to multipart (kept buffers) or reuse a buffer its senders are about to return.
constexpr absl::Duration kBudgetSlice = absl::Milliseconds(200);
// How often waits on the senders poll `cancelled`.
constexpr absl::Duration kPollInterval = absl::Milliseconds(20);

absl::Status UploadCancelled() { return absl::CancelledError("upload cancelled"); }

}  // namespace

// How long a CreateMultipartUpload may go on after a cancel (see StartMultipart).
constexpr absl::Duration kCreateGrace = absl::Seconds(10);

class StreamingUpload::Impl {
 public:
  Impl(S3Client* client, BufferBudget* budget, StreamingUploadSettings settings,
       StreamingUploadTarget target, CancelCheck cancelled);
  ~Impl() { Abort().IgnoreError(); }  // the destructor has no one to tell

  absl::Status Write(const uint8_t* data, size_t size);
  void SetObjectMd5(absl::string_view md5) { object_md5_base64_ = absl::Base64Escape(md5); }
  absl::StatusOr<StreamingUploadResult> Finish();
  absl::Status Abort();

 private:
  std::string object_md5_base64_;  // from SetObjectMd5; "" = hash the single PUT's body
  enum class State { kOpen, kFailed, kFinished, kAborted };

  struct Part {
    int number = 0;
    std::unique_ptr<PartBuffer> buffer;
  };

  bool Cancelled() const { return cancelled_ && cancelled_(); }
  // What every network call and budget wait of this upload polls.
  bool Stopping() const { return stopping_.load(std::memory_order_relaxed) || Cancelled(); }

  absl::Status CheckOpen() const;
  // Records the first failure, stops sending and frees the writer's buffers; returns the
  // recorded failure. The senders stop by themselves; Abort() joins them.
  absl::Status Fail(absl::Status status);
  absl::Status SenderError();

  // Makes current_ a buffer with room: reused, or newly reserved and allocated.
  absl::Status AcquireBuffer();
  // current_ is full: keep it (single-PUT phase) or send it as the next part.
  absl::Status OnBufferFull();
  // Creates the multipart upload and turns the kept buffers into its first parts.
  absl::Status StartMultipart();
  absl::Status Enqueue(int part_number, std::unique_ptr<PartBuffer> buffer);
  // Waits until every enqueued part is sent (or one failed, or `cancelled` fired).
  absl::Status WaitForParts();
  void SenderLoop();
  // Takes a buffer back from a sender: pooled for reuse or freed.
  void ReturnBuffer(std::unique_ptr<PartBuffer> buffer);
  void Discard(std::unique_ptr<PartBuffer> buffer);
  void DropWriterBuffers();
  void JoinSenders();

  absl::StatusOr<StreamingUploadResult> PutSingle();
  absl::StatusOr<StreamingUploadResult> CompleteMultipart();
  // After CompleteMultipart: adds the MD5 metadata when asked for (see the header); updates
  // `result` (never fails the upload).
  void AddMd5Metadata(StreamingUploadResult& result);

  S3Client* const client_;
  BufferBudget* const budget_;
  const StreamingUploadSettings settings_;
  const StreamingUploadTarget target_;
  const CancelCheck cancelled_;
  const CancelCheck stop_check_;  // Stopping(), for calls that take a CancelCheck
  UploadPlan plan_;
  size_t max_buffers_ = 0;  // buffers kept for reuse once multipart: concurrency + 1

  // Writer state (the thread calling Write/Finish/Abort).
  State state_ = State::kOpen;
  absl::Status failure_;       // when kFailed
  absl::Status abort_status_;  // when kAborted
  uint64_t total_ = 0;
  uint32_t parts_filled_ = 0;  // full buffers so far = the number of the last full part
  bool first_buffer_done_ = false;
  std::unique_ptr<PartBuffer> current_;            // being filled
  std::vector<std::unique_ptr<PartBuffer>> kept_;  // full, below the cutoff, not yet multipart
  bool multipart_ = false;
  std::string upload_id_;  // set before any sender starts, then read-only
  absl::Time completed_;   // when CompleteMultipartUpload answered
  std::vector<std::thread> senders_;

  // Shared with the senders.
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::condition_variable work_cv_;                // senders: queue_ non-empty or shutdown_
  std::condition_variable done_cv_;                // writer: a part finished or a buffer came back
  std::deque<Part> queue_;                         // GUARDED_BY(mu_)
  int in_flight_ = 0;                              // GUARDED_BY(mu_): queued + sending
  int idle_senders_ = 0;                           // GUARDED_BY(mu_)
  size_t live_buffers_ = 0;                        // GUARDED_BY(mu_): every buffer owned
  std::vector<std::unique_ptr<PartBuffer>> free_;  // GUARDED_BY(mu_): for reuse
  std::vector<std::string> etags_;                 // GUARDED_BY(mu_): by part number - 1
  absl::Status sender_error_;                      // GUARDED_BY(mu_): the first part failure
  bool shutdown_ = false;                          // GUARDED_BY(mu_)
};

StreamingUpload::Impl::Impl(S3Client* client, BufferBudget* budget,
                            StreamingUploadSettings settings, StreamingUploadTarget target,
                            CancelCheck cancelled)
    : client_(client),
      budget_(budget),
      settings_(settings),
      target_(std::move(target)),
      cancelled_(std::move(cancelled)),
      stop_check_([this] { return Stopping(); }) {
  absl::StatusOr<UploadPlan> plan = internal::PlanUpload(settings_, target_.expected_size);
  if (!plan.ok()) {
    state_ = State::kFailed;
    failure_ = plan.status();
    return;
  }
  if (client_ == nullptr || budget_ == nullptr) {
    state_ = State::kFailed;
    failure_ = absl::InvalidArgumentError("StreamingUpload needs a client and a budget");
    return;
  }
  plan_ = *plan;
  max_buffers_ = static_cast<size_t>(plan_.concurrency) + 1;
}

absl::Status StreamingUpload::Impl::CheckOpen() const {
  switch (state_) {
    case State::kOpen:
      return absl::OkStatus();
    case State::kFailed:
      return failure_;
    case State::kFinished:
      return absl::FailedPreconditionError("the upload is already finished");
    case State::kAborted:
      return absl::FailedPreconditionError("the upload was aborted");
  }
  return absl::InternalError("bad upload state");
}

absl::Status StreamingUpload::Impl::Fail(absl::Status status) {
  if (state_ == State::kOpen) {
    state_ = State::kFailed;
    failure_ = std::move(status);
  }
  stopping_.store(true);
  work_cv_.notify_all();
  DropWriterBuffers();
  return failure_;
}

absl::Status StreamingUpload::Impl::SenderError() {
  std::lock_guard<std::mutex> lock(mu_);
  return sender_error_;
}

absl::Status StreamingUpload::Impl::Write(const uint8_t* data, size_t size) {
  S3_RETURN_IF_ERROR(CheckOpen());
  if (size == 0) return absl::OkStatus();
  if (data == nullptr) return Fail(absl::InvalidArgumentError("Write: null data"));
  if (Cancelled()) return Fail(UploadCancelled());
  if (multipart_) {
    if (absl::Status s = SenderError(); !s.ok()) return Fail(s);
  }
  while (size > 0) {
    if (current_ == nullptr) {
      // The first byte of part parts_filled_ + 1.
      if (parts_filled_ >= plan_.max_parts) return Fail(internal::PartLimitError(plan_));
      // A stream of unknown size holds one part at most: past it, it is multipart at once.
      if (!multipart_ && !kept_.empty() && target_.expected_size < 0) {
        if (absl::Status s = StartMultipart(); !s.ok()) return Fail(s);
      }
      if (absl::Status s = AcquireBuffer(); !s.ok()) return Fail(s);
    } else if (current_->full()) {
      // Only a first buffer sized by the expected size fills below part_size: the object is
      // larger than announced, so the buffer becomes a whole part.
      absl::Status s = current_->Grow(plan_.part_size, absl::InfiniteDuration(), stop_check_);
      if (!s.ok()) return Fail(Cancelled() ? UploadCancelled() : s);
    }
    const size_t n = current_->Append(data, size);
    data += n;
    size -= n;
    total_ += n;
    if (current_->size() == plan_.part_size) {
      if (absl::Status s = OnBufferFull(); !s.ok()) return Fail(s);
    }
  }
  return absl::OkStatus();
}

absl::Status StreamingUpload::Impl::AcquireBuffer() {
  uint64_t capacity = plan_.part_size;
  if (!first_buffer_done_ && plan_.first_buffer > 0) capacity = plan_.first_buffer;
  while (true) {
    if (Cancelled()) return UploadCancelled();
    size_t live = 0;
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (!sender_error_.ok()) return sender_error_;
      if (capacity == plan_.part_size && !free_.empty()) {
        current_ = std::move(free_.back());
        free_.pop_back();
        first_buffer_done_ = true;
        return absl::OkStatus();
      }
      if (multipart_ && live_buffers_ >= max_buffers_) {
        // Backpressure: every buffer is queued or being sent.
        done_cv_.wait_for(lock, absl::ToChronoNanoseconds(kPollInterval));
        continue;
      }
      live = live_buffers_;
    }
    // Nothing of ours can come back while we own no buffer: then wait as long as it takes.
    const absl::Duration max_wait = live == 0 ? absl::InfiniteDuration() : kBudgetSlice;
    absl::StatusOr<std::unique_ptr<PartBuffer>> buffer =
        PartBuffer::Create(budget_, capacity, max_wait, stop_check_);
    if (buffer.ok()) {
      std::lock_guard<std::mutex> lock(mu_);
      ++live_buffers_;
      current_ = std::move(*buffer);
      first_buffer_done_ = true;
      return absl::OkStatus();
    }
    if (absl::IsDeadlineExceeded(buffer.status())) {
      // Kept buffers cannot wait for memory others may be keeping too: send them.
      if (!multipart_ && !kept_.empty()) S3_RETURN_IF_ERROR(StartMultipart());
      continue;
    }
    if (absl::IsCancelled(buffer.status())) {
      S3_RETURN_IF_ERROR(SenderError());
      return UploadCancelled();
    }
    return absl::Status(buffer.status().code(),
                        absl::StrCat("reserving a ", internal::FormatBytes(capacity),
                                     " upload buffer: ", buffer.status().message()));
  }
}

absl::Status StreamingUpload::Impl::OnBufferFull() {
  ++parts_filled_;
  if (multipart_) return Enqueue(static_cast<int>(parts_filled_), std::move(current_));
  kept_.push_back(std::move(current_));
  // The cutoff is for known sizes; a stream of unknown size waits for its next byte (Write).
  if (target_.expected_size < 0) return absl::OkStatus();
  const bool expected_multipart = static_cast<uint64_t>(target_.expected_size) >= plan_.cutoff;
  if (total_ >= plan_.cutoff || expected_multipart) return StartMultipart();
  return absl::OkStatus();
}

absl::Status StreamingUpload::Impl::StartMultipart() {
  // A cancel must not cut CreateMultipartUpload short: the server may have created the upload
  // while its answer was still on the way, and without the id nothing could abort it. So the
  // request may finish (it is short) and is abandoned only when it outlives kCreateGrace after
  // a cancel; the caller's Abort() then aborts the upload it created.
  const absl::Time started = absl::Now();
  const CancelCheck create_stop = [this, started] {
    return Stopping() && absl::Now() - started > kCreateGrace;
  };
  absl::StatusOr<std::string> upload_id =
      client_->CreateMultipartUpload(target_.bucket, target_.key, target_.options, create_stop);
  if (!upload_id.ok()) return Cancelled() ? UploadCancelled() : upload_id.status();
  upload_id_ = std::move(*upload_id);
  multipart_ = true;
  if (target_.on_multipart_created) S3_RETURN_IF_ERROR(target_.on_multipart_created(upload_id_));
  if (Cancelled()) return UploadCancelled();  // Abort() aborts the upload just created
  std::vector<std::unique_ptr<PartBuffer>> kept = std::move(kept_);
  kept_.clear();
  for (size_t i = 0; i < kept.size(); ++i) {
    S3_RETURN_IF_ERROR(Enqueue(static_cast<int>(i + 1), std::move(kept[i])));
  }
  return absl::OkStatus();
}

absl::Status StreamingUpload::Impl::Enqueue(int part_number, std::unique_ptr<PartBuffer> buffer) {
  bool start_sender = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(Part{part_number, std::move(buffer)});
    ++in_flight_;
    // Senders start lazily, one per part waiting without an idle sender, up to concurrency.
    start_sender = idle_senders_ < static_cast<int>(queue_.size()) &&
                   senders_.size() < static_cast<size_t>(plan_.concurrency);
  }
  work_cv_.notify_one();
  if (start_sender) {
    try {
      senders_.emplace_back([this] { SenderLoop(); });
    } catch (const std::system_error& e) {
      if (senders_.empty()) {
        return absl::ResourceExhaustedError(
            absl::StrCat("cannot start an upload sender thread: ", e.what()));
      }
      // Fewer senders than asked for still make progress.
    }
  }
  return absl::OkStatus();
}

void StreamingUpload::Impl::SenderLoop() {
  while (true) {
    Part part;
    {
      std::unique_lock<std::mutex> lock(mu_);
      ++idle_senders_;
      work_cv_.wait(lock, [this] { return shutdown_ || !queue_.empty(); });
      --idle_senders_;
      if (queue_.empty()) return;  // shut down, nothing left
      part = std::move(queue_.front());
      queue_.pop_front();
    }
    absl::StatusOr<std::string> etag = UploadCancelled();
    if (!Stopping()) {
      const absl::Span<const uint8_t> bytes = part.buffer->bytes();
      const std::string md5 = Md5Base64(ByteSpans(&bytes, 1));
      etag = client_->UploadPart(target_.bucket, target_.key, upload_id_, part.number, {bytes}, md5,
                                 target_.options.sse_customer_key, stop_check_);
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (etag.ok()) {
        if (etags_.size() < static_cast<size_t>(part.number)) etags_.resize(part.number);
        etags_[part.number - 1] = std::move(*etag);
      } else if (sender_error_.ok() && !stopping_.load()) {
        sender_error_ = Cancelled() ? UploadCancelled() : etag.status();
        stopping_.store(true);
      }
      --in_flight_;
    }
    if (stopping_.load()) work_cv_.notify_all();  // the others skip what is queued
    ReturnBuffer(std::move(part.buffer));
  }
}

void StreamingUpload::Impl::ReturnBuffer(std::unique_ptr<PartBuffer> buffer) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!stopping_.load() && !shutdown_ && buffer->capacity() == plan_.part_size &&
        live_buffers_ <= max_buffers_) {
      buffer->Clear();
      free_.push_back(std::move(buffer));
    } else {
      --live_buffers_;
    }
  }
  done_cv_.notify_all();
  buffer.reset();  // when not pooled: freed and released outside the lock
}

void StreamingUpload::Impl::Discard(std::unique_ptr<PartBuffer> buffer) {
  if (buffer == nullptr) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    --live_buffers_;
  }
  buffer.reset();
}

void StreamingUpload::Impl::DropWriterBuffers() {
  Discard(std::move(current_));
  for (auto& buffer : kept_) Discard(std::move(buffer));
  kept_.clear();
  std::vector<std::unique_ptr<PartBuffer>> free;
  {
    std::lock_guard<std::mutex> lock(mu_);
    free.swap(free_);
    live_buffers_ -= free.size();
  }
  free.clear();
}

absl::Status StreamingUpload::Impl::WaitForParts() {
  std::unique_lock<std::mutex> lock(mu_);
  while (in_flight_ > 0 && sender_error_.ok()) {
    if (Cancelled()) return UploadCancelled();
    done_cv_.wait_for(lock, absl::ToChronoNanoseconds(kPollInterval));
  }
  return sender_error_;
}

void StreamingUpload::Impl::JoinSenders() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    shutdown_ = true;
  }
  work_cv_.notify_all();
  for (std::thread& sender : senders_) sender.join();
  senders_.clear();
}

absl::StatusOr<StreamingUploadResult> StreamingUpload::Impl::Finish() {
  S3_RETURN_IF_ERROR(CheckOpen());
  if (Cancelled()) return Fail(UploadCancelled());
  absl::StatusOr<StreamingUploadResult> result =
      !multipart_ && (target_.expected_size < 0 || total_ == 0 || total_ < plan_.cutoff)
          ? PutSingle()
          : CompleteMultipart();
  if (!result.ok()) return Fail(Cancelled() ? UploadCancelled() : result.status());
  state_ = State::kFinished;
  JoinSenders();
  DropWriterBuffers();
  if (result->part_count > 0) AddMd5Metadata(*result);
  return result;
}

absl::StatusOr<StreamingUploadResult> StreamingUpload::Impl::PutSingle() {
  std::vector<absl::Span<const uint8_t>> body;
  body.reserve(kept_.size() + 1);
  for (const auto& buffer : kept_) body.push_back(buffer->bytes());
  if (current_ != nullptr && current_->size() > 0) body.push_back(current_->bytes());
  // The caller's MD5 of the stream when it gave one, else the body's (the empty body's MD5
  // for an empty object).
  const std::string md5 = object_md5_base64_.empty() ? Md5Base64(body) : object_md5_base64_;
  S3_ASSIGN_OR_RETURN(PutObjectResult put,
                      client_->PutObject(target_.bucket, target_.key, std::move(body), md5,
                                         target_.options, stop_check_));
  StreamingUploadResult result;
  result.bytes = total_;
  result.etag = std::move(put.etag);
  return result;
}

absl::StatusOr<StreamingUploadResult> StreamingUpload::Impl::CompleteMultipart() {
  if (!multipart_) S3_RETURN_IF_ERROR(StartMultipart());
  if (current_ != nullptr && current_->size() > 0) {
    ++parts_filled_;  // the last part, possibly short
    S3_RETURN_IF_ERROR(Enqueue(static_cast<int>(parts_filled_), std::move(current_)));
  }
  S3_RETURN_IF_ERROR(WaitForParts());
  std::vector<CompletedPart> parts;
  parts.reserve(parts_filled_);
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (uint32_t i = 0; i < parts_filled_; ++i) {
      if (i >= etags_.size() || etags_[i].empty()) {
        return absl::InternalError(
            absl::StrCat("part ", i + 1, " of ", parts_filled_, " has no ETag after sending"));
      }
      parts.push_back(CompletedPart{static_cast<int>(i + 1), etags_[i]});
    }
  }
  S3_ASSIGN_OR_RETURN(std::string etag,
                      client_->CompleteMultipartUpload(target_.bucket, target_.key, upload_id_,
                                                       parts, stop_check_));
  completed_ = absl::Now();
  StreamingUploadResult result;
  result.bytes = total_;
  result.etag = std::move(etag);
  result.part_count = parts_filled_;
  result.part_size = plan_.part_size;
  return result;
}

void StreamingUpload::Impl::AddMd5Metadata(StreamingUploadResult& result) {
  const std::string& name = settings_.md5_metadata_key;
  if (name.empty() || object_md5_base64_.empty() || target_.options.metadata.count(name) > 0) {
    return;
  }
  MetadataRewriteTarget rewrite;
  rewrite.bucket = target_.bucket;
  rewrite.key = target_.key;
  rewrite.size = result.bytes;
  rewrite.etag = result.etag;
  rewrite.options = target_.options;
  rewrite.options.metadata[name] = object_md5_base64_;
  rewrite.on_multipart_created = target_.on_multipart_created;
  MetadataRewriteSettings rewrite_settings = settings_.rewrite;
  rewrite_settings.abort_timeout = settings_.abort_timeout;
  const CancelCheck cancelled = [this] { return Cancelled(); };
  absl::StatusOr<MetadataRewriteResult> done = UploadCancelled();
  if (internal::SleepUnlessCancelled(settings_.same_key_write_interval - (absl::Now() - completed_),
                                     cancelled)) {
    done = RewriteObjectMetadata(*client_, rewrite, rewrite_settings, cancelled);
  }
  if (!done.ok()) {
    result.md5_metadata_status = Cancelled() ? UploadCancelled() : done.status();
    return;
  }
  result.etag = std::move(done->etag);
  result.md5_metadata_added = true;
}

absl::Status StreamingUpload::Impl::Abort() {
  if (state_ == State::kFinished) return absl::OkStatus();
  if (state_ == State::kAborted) return abort_status_;
  stopping_.store(true);
  JoinSenders();
  DropWriterBuffers();
  state_ = State::kAborted;
  if (upload_id_.empty()) return abort_status_;
  const absl::Time deadline = absl::Now() + settings_.abort_timeout;
  absl::Status status = client_->AbortMultipartUpload(
      target_.bucket, target_.key, upload_id_, [deadline] { return absl::Now() >= deadline; });
  if (!status.ok()) {
    abort_status_ = absl::Status(
        status.code(),
        absl::StrCat("multipart upload ", upload_id_, " of ", target_.bucket, "/", target_.key,
                     " could not be aborted; it costs storage until removed (R2's default "
                     "lifecycle rule does after 7 days): ",
                     status.message()));
  }
  return abort_status_;
}

StreamingUpload::StreamingUpload(S3Client* client, BufferBudget* budget,
                                 StreamingUploadSettings settings, StreamingUploadTarget target,
                                 CancelCheck cancelled)
    : impl_(std::make_unique<Impl>(client, budget, settings, std::move(target),
                                   std::move(cancelled))) {}

StreamingUpload::~StreamingUpload() = default;

absl::Status StreamingUpload::Write(const uint8_t* data, size_t size) {
  return impl_->Write(data, size);
}

void StreamingUpload::SetObjectMd5(absl::string_view md5) { impl_->SetObjectMd5(md5); }

absl::StatusOr<StreamingUploadResult> StreamingUpload::Finish() { return impl_->Finish(); }

absl::Status StreamingUpload::Abort() { return impl_->Abort(); }

}  // namespace pluton::s3
