#include "upload/upload_reactor.h"

#include <string>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "api/proto_conversions.h"
#include "common/log.h"
#include "common/message_codec.h"
#include "common/rich_status.h"
#include "common/status_macros.h"
#include "common/stream_digest.h"
#include "metrics/storage_metrics.h"
#include "upload/upload_header_check.h"
#include "upload/upload_trailer_check.h"

namespace pluton::storage {
namespace {

constexpr size_t kMaxQueuedMessages = 64;  // bounds the queue when messages are tiny
constexpr char kComponent[] = "upload";

absl::Status DigestMismatch(absl::string_view which, absl::string_view expected_raw,
                            absl::string_view actual_raw) {
  return MakeRichStatus(
      absl::StatusCode::kDataLoss,
      absl::StrCat("the ", which, " the client sent (", absl::BytesToHexString(expected_raw),
                   ") does not match the bytes received (", absl::BytesToHexString(actual_raw),
                   "); the upload was aborted and nothing was stored"),
      "CHECKSUM_MISMATCH");
}

UploadSpec SpecFromHeader(const v1::UploadHeader& header) {
  UploadSpec spec;
  spec.bucket = header.bucket();
  spec.key = header.key();
  spec.expected_size = header.has_expected_size() ? header.expected_size() : -1;
  spec.content_type =
      header.content_type().empty() ? "application/octet-stream" : header.content_type();
  spec.metadata.insert(header.metadata().begin(), header.metadata().end());
  if (!header.content_md5().empty()) spec.content_md5 = header.content_md5();
  return spec;
}

}  // namespace

UploadReactor::UploadReactor(UploadEnvironment* env, grpc::CallbackServerContext* context,
                             grpc::ByteBuffer* raw_response, CallAccess access)
    : env_(env),
      context_(context),
      raw_response_(raw_response),
      access_(std::move(access)),
      start_time_(absl::Now()) {
  const int active = env_->active_uploads.fetch_add(1) + 1;
  if (active > env_->max_concurrent_uploads) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      finishing_ = true;
    }
    Finish(ToGrpcStatus(MakeRichStatus(
        absl::StatusCode::kResourceExhausted,
        absl::StrCat("the service is already receiving ", env_->max_concurrent_uploads,
                     " uploads (--max-concurrent-uploads); retry with backoff"),
        "TOO_MANY_UPLOADS")));
    return;
  }
  if (env_->cutoff != nullptr) {
    cutoff_registration_ = env_->cutoff->Register([this] {
      cut_off_.store(true);
      OnCancel();
    });
  }
  worker_ = std::thread([this] { Run(); });
  MaybeStartRead();
}

UploadReactor::~UploadReactor() = default;

void UploadReactor::MaybeStartRead() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (read_in_flight_ || stream_ended_ || finishing_ ||
        queued_bytes_ >= env_->read_window_bytes || queue_.size() >= kMaxQueuedMessages) {
      return;
    }
    read_in_flight_ = true;
  }
  StartRead(&incoming_);
}

void UploadReactor::OnReadDone(bool ok) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    read_in_flight_ = false;
    if (ok) {
      queued_bytes_ += incoming_.Length();
      queue_.push_back(std::move(incoming_));
      incoming_.Clear();
    } else {
      // The client half-closed, or the call was cancelled (OnCancel tells which).
      stream_ended_ = true;
    }
  }
  queue_changed_.notify_all();
  if (ok) MaybeStartRead();
}

void UploadReactor::OnCancel() {
  cancelled_.store(true);
  queue_changed_.notify_all();
}

void UploadReactor::OnDone() {
  cutoff_registration_.Drop();
  if (worker_.joinable()) {
    if (worker_.get_id() == std::this_thread::get_id()) {
      worker_.detach();  // the worker is returning from Finish; nothing of ours runs after
    } else {
      worker_.join();
    }
  }
  env_->active_uploads.fetch_sub(1);
  delete this;
}

bool UploadReactor::Next(v1::UploadRequest& out) {
  grpc::ByteBuffer raw;
  {
    std::unique_lock<std::mutex> lock(mu_);
    queue_changed_.wait(lock,
                        [this] { return !queue_.empty() || stream_ended_ || cancelled_.load(); });
    if (cancelled_.load() || queue_.empty()) return false;
    raw = std::move(queue_.front());
    queue_.pop_front();
    queued_bytes_ -= raw.Length();
  }
  MaybeStartRead();
  ++messages_taken_;
  stream_error_ =
      DecodeMessage(raw, &out, absl::StrCat("message ", messages_taken_, " of the upload stream"),
                    messages_taken_ == 1 ? "header" : "data");
  return stream_error_.ok();
}

void UploadReactor::Run() {
  absl::Status status = Process();
  if (status.ok()) status = EncodeMessage(response_, raw_response_);
  if (cut_off_.load()) status = CutOffByShutdown(status);
  if (status.ok()) {
    LogInfo(kComponent, "stored storage=", response_.storage_id(), " bucket=", response_.bucket(),
            " key=", response_.key(), " bytes=", response_.bytes_stored(),
            " parts=", response_.part_count(),
            " elapsed=", absl::FormatDuration(absl::Now() - start_time_));
  } else {
    LogWarning(kComponent, "upload failed (", absl::StatusCodeToString(status.code()),
               "): ", status.message());
  }
  if (!metric_provider_.empty()) {
    StorageMetricsInstance()
        .uploads.With({metric_provider_, metric_storage_, OutcomeLabel(status)})
        .Add();
    if (status.ok()) {
      StorageMetricsInstance().upload_parts.With({metric_provider_}).Add(response_.part_count());
    }
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    finishing_ = true;
  }
  Finish(ToGrpcStatus(status));
}

absl::Status UploadReactor::Process() {
  v1::UploadRequest first;
  if (!Next(first)) {
    if (cancelled_.load())
      return absl::CancelledError("the upload was cancelled before its header arrived");
    if (!stream_error_.ok()) return stream_error_;
    return InvalidArgumentWithViolations("the stream ended before any message",
                                         {{"header", "send an UploadHeader as the first message"}});
  }
  if (!first.has_header()) {
    return InvalidArgumentWithViolations(
        "the first message of an upload must be its header",
        {{"header", "send an UploadHeader as the first message, then the data"}});
  }
  return ReceiveObject(first.header());
}

absl::Status UploadReactor::ReceiveObject(const v1::UploadHeader& header) {
  RETURN_IF_ERROR(access_.CheckStorage(header.storage()));
  RETURN_IF_ERROR(CheckUploadHeader(header));
  ASSIGN_OR_RETURN(ResolvedStorage storage, env_->registry->Resolve(header.storage()));
  metric_provider_ = storage.provider->id();
  metric_storage_ = storage.name;
  bytes_metric_ = &StorageMetricsInstance().upload_bytes.With({metric_provider_});
  UploadSpec spec = SpecFromHeader(header);
  // Declared before the upload, so the record outlives the upload's abort on every return.
  ASSIGN_OR_RETURN(const UploadJournal::Entry journal_entry,
                   env_->journal->Record(storage.id, spec.bucket, spec.key));
  spec.on_pending = journal_entry.PendingHook();
  ASSIGN_OR_RETURN(std::unique_ptr<ProviderUpload> upload,
                   storage.provider->BeginUpload(storage.config, spec, &cancelled_));
  auto abort_with = [&upload](absl::Status status) {
    upload->Abort();
    return status;
  };
  auto abort_on_error = [&abort_with](absl::Status status) {
    return status.ok() ? status : abort_with(std::move(status));
  };

  // "disable_checksum" is the provider-neutral switch for skipping MD5 work (rclone's name);
  // an MD5 the agent announced up front is still verified.
  const auto disable = storage.config.find("disable_checksum");
  const bool checksum_disabled = disable != storage.config.end() && disable->second == "true";
  // Each byte is hashed once unless the agent asks for more: MD5, or SHA-256 where no MD5 is
  // computed, so every object keeps a digest its downloads are verified against.
  const bool with_md5 = !checksum_disabled || spec.content_md5.has_value();
  StreamDigest digest(with_md5, /*with_sha256=*/header.compute_sha256() || !with_md5);

  uint64_t received = 0;
  std::optional<v1::UploadTrailer> trailer;
  v1::UploadRequest message;
  while (Next(message)) {
    switch (message.kind_case()) {
      case v1::UploadRequest::kHeader:
        return abort_with(InvalidArgumentWithViolations(
            "a second header arrived in the middle of the upload",
            {{"header", "send the header once, as the first message; nothing was stored"}}));
      case v1::UploadRequest::kTrailer:
        if (trailer) {
          return abort_with(InvalidArgumentWithViolations(
              "a second trailer arrived", {{"trailer", "send the trailer once, last"}}));
        }
        trailer = std::move(*message.mutable_trailer());
        RETURN_IF_ERROR(
            abort_on_error(CheckUploadTrailer(*trailer, digest.has_md5(), digest.has_sha256())));
        break;
      case v1::UploadRequest::kData: {
        if (trailer) {
          return abort_with(InvalidArgumentWithViolations(
              "data arrived after the trailer", {{"trailer", "the trailer must be last"}}));
        }
        const std::string& data = message.data();
        received += data.size();
        bytes_metric_->Add(data.size());
        if (spec.expected_size >= 0 && received > static_cast<uint64_t>(spec.expected_size)) {
          return abort_with(InvalidArgumentWithViolations(
              "the stream is longer than announced",
              {{"header.expected_size",
                absl::StrCat("announced ", spec.expected_size, " bytes but received at least ",
                             received, "; nothing was stored")}}));
        }
        const auto* bytes = reinterpret_cast<const uint8_t*>(data.data());
        digest.Update(bytes, data.size());
        absl::Status written = upload->Write(bytes, data.size());
        if (!written.ok()) return abort_with(written);
        break;
      }
      case v1::UploadRequest::KIND_NOT_SET:
        return abort_with(InvalidArgumentWithViolations("an empty message arrived",
                                                        {{"kind", "set header, data or trailer"}}));
    }
  }

  // A cancelled call or a malformed message also ends the stream; neither is deliberate.
  if (cancelled_.load() || context_->IsCancelled()) {
    return abort_with(absl::CancelledError(
        absl::StrCat("the upload was cancelled after ", received, " bytes; nothing was stored")));
  }
  if (!stream_error_.ok()) {
    return abort_with(
        MakeRichStatus(stream_error_.code(),
                       absl::StrCat(stream_error_.message(), "; the upload was aborted after ",
                                    received, " data bytes and nothing was stored"),
                       ReasonOf(stream_error_), ViolationsOf(stream_error_)));
  }
  if (spec.expected_size < 0 && !trailer) {
    return abort_with(MakeRichStatus(
        absl::StatusCode::kAborted,
        absl::StrCat("the stream ended after ", received,
                     " bytes without an UploadTrailer: a stream whose size is not announced in "
                     "header.expected_size must end with a trailer, which tells a complete "
                     "stream from a lost connection; the upload was aborted and nothing was "
                     "stored"),
        "UPLOAD_NOT_FINISHED"));
  }
  if (spec.expected_size >= 0 && received != static_cast<uint64_t>(spec.expected_size)) {
    return abort_with(InvalidArgumentWithViolations(
        "the stream is shorter than announced",
        {{"header.expected_size",
          absl::StrCat("announced ", spec.expected_size, " bytes but the stream ended after ",
                       received, "; nothing was stored")}}));
  }
  digest.Final();
  if (spec.content_md5 && *spec.content_md5 != digest.md5()) {
    return abort_with(DigestMismatch("header.content_md5", *spec.content_md5, digest.md5()));
  }
  // CheckUploadTrailer has refused a trailer.md5 when no MD5 was computed.
  if (trailer && !trailer->md5().empty() && trailer->md5() != digest.md5()) {
    return abort_with(DigestMismatch("trailer.md5", trailer->md5(), digest.md5()));
  }
  if (trailer && !trailer->sha256().empty() && trailer->sha256() != digest.sha256()) {
    return abort_with(DigestMismatch("trailer.sha256", trailer->sha256(), digest.sha256()));
  }

  if (digest.has_md5()) {
    absl::Status handed = upload->SetStreamMd5(digest.md5());
    if (!handed.ok()) return abort_with(handed);
  }
  absl::StatusOr<UploadOutcome> outcome = upload->Finish();
  if (!outcome.ok()) return abort_with(outcome.status());

  ObjectRecord record;
  record.storage_id = storage.id;
  record.bucket = spec.bucket;
  record.key = spec.key;
  record.size = received;
  record.md5 = digest.md5();
  record.sha256 = digest.sha256();
  record.etag = outcome->etag;
  record.part_size = outcome->part_size;
  record.part_count = static_cast<uint32_t>(outcome->part_count);
  record.complete_time = absl::Now();
  env_->records->Record(record);

  response_.set_bytes_stored(static_cast<int64_t>(received));
  if (digest.has_md5()) response_.set_md5_hex(absl::BytesToHexString(digest.md5()));
  response_.set_sha256_hex(absl::BytesToHexString(digest.sha256()));
  response_.set_etag(outcome->etag);
  response_.set_part_count(static_cast<int32_t>(outcome->part_count));
  response_.set_part_size(static_cast<int64_t>(outcome->part_size));
  ToProto(absl::Now() - start_time_, response_.mutable_elapsed());
  response_.set_storage_id(storage.id);
  response_.set_bucket(spec.bucket);
  response_.set_key(spec.key);
  return absl::OkStatus();
}

}  // namespace pluton::storage
