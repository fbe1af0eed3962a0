#include "download/download_reactor.h"

#include <memory>
#include <string>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "api/authorized_call.h"
#include "api/proto_conversions.h"
#include "common/log.h"
#include "common/message_codec.h"
#include "common/rich_status.h"
#include "common/status_macros.h"
#include "common/stream_digest.h"
#include "download/download_request_check.h"
#include "download/expected_digest.h"
#include "metrics/storage_metrics.h"

namespace pluton::storage {
namespace {

constexpr char kComponent[] = "download";

DownloadSpec SpecFromRequest(const v1::DownloadRequest& request) {
  DownloadSpec spec;
  spec.bucket = request.bucket();
  spec.key = request.key();
  spec.offset = static_cast<uint64_t>(request.offset());
  spec.length = request.has_length() ? request.length() : -1;
  return spec;
}

}  // namespace

DownloadReactor::DownloadReactor(StorageRegistry* registry, ObjectRecords* records,
                                 BlockingCallLimiter* limiter, const grpc::ByteBuffer* raw_request,
                                 CallAccess access)
    : registry_(registry), records_(records), access_(std::move(access)), start_time_(absl::Now()) {
  absl::StatusOr<CallSlot> slot = Admit(*raw_request, limiter);
  if (!slot.ok()) {
    if (!absl::IsResourceExhausted(slot.status())) {
      LogWarning(kComponent, "download refused (", absl::StatusCodeToString(slot.status().code()),
                 "): ", slot.status().message());
    }
    Finish(ToGrpcStatus(slot.status()));
    return;
  }
  slot_ = *std::move(slot);
  if (limiter->cutoff() != nullptr) {
    cutoff_registration_ = limiter->cutoff()->Register([this] {
      cut_off_.store(true);
      OnCancel();
    });
  }
  worker_ = std::thread([this] { Run(); });
}

absl::StatusOr<CallSlot> DownloadReactor::Admit(const grpc::ByteBuffer& raw_request,
                                                BlockingCallLimiter* limiter) {
  RETURN_IF_ERROR(DecodeMessage(raw_request, &request_, "the request", "request"));
  ASSIGN_OR_RETURN(CallShareKeys keys, ShareKeysOfRequest(access_, request_));
  return limiter->TryAcquire(keys);
}

DownloadReactor::~DownloadReactor() = default;

void DownloadReactor::OnWriteDone(bool ok) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    write_in_flight_ = false;
    if (!ok) write_failed_ = true;
  }
  write_done_.notify_all();
}

void DownloadReactor::OnCancel() {
  cancelled_.store(true);
  write_done_.notify_all();
}

void DownloadReactor::OnDone() {
  cutoff_registration_.Drop();
  if (worker_.joinable()) {
    if (worker_.get_id() == std::this_thread::get_id()) {
      worker_.detach();  // the worker is returning from Finish; nothing of ours runs after
    } else {
      worker_.join();
    }
  }
  delete this;  // gives the slot back
}

absl::Status DownloadReactor::Send(const v1::DownloadResponse& message) {
  RETURN_IF_ERROR(EncodeMessage(message, &outgoing_));  // no write is in flight
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (write_failed_ || cancelled_.load()) {
      return absl::CancelledError("the client went away during the download");
    }
    write_in_flight_ = true;
  }
  StartWrite(&outgoing_);
  std::unique_lock<std::mutex> lock(mu_);
  // The write's OnWriteDone always comes, also after a cancellation (with ok = false), and
  // `outgoing_` must live until then.
  write_done_.wait(lock, [this] { return !write_in_flight_; });
  if (write_failed_ || cancelled_.load()) {
    return absl::CancelledError("the client went away during the download");
  }
  return absl::OkStatus();
}

namespace {

// FAILED_PRECONDITION when the request's if_match names another version of the object than
// the one opened (checked against the ETag of the response actually being read, so a
// replacement between two requests is caught too).
absl::Status CheckIfMatch(const v1::DownloadRequest& request, const DownloadInfo& info) {
  if (request.if_match().empty() || request.if_match() == info.etag) return absl::OkStatus();
  if (info.etag.empty()) {
    return MakeRichStatus(absl::StatusCode::kFailedPrecondition,
                          "the provider reports no ETag for \"" + request.key() +
                              "\", so the resumed download cannot be checked against the "
                              "version it started with; download the object whole instead",
                          "ETAG_UNAVAILABLE");
  }
  return MakeRichStatus(absl::StatusCode::kFailedPrecondition,
                        "\"" + request.key() + "\" changed since the download began (ETag \"" +
                            info.etag + "\", expected \"" + request.if_match() +
                            "\"); download it again from the start",
                        "OBJECT_CHANGED");
}

}  // namespace

void DownloadReactor::Run() {
  absl::Status status = Stream();
  if (cut_off_.load()) status = CutOffByShutdown(status);
  if (status.ok()) {
    LogInfo(kComponent, "sent storage=", request_.storage(), " bucket=", request_.bucket(),
            " key=", request_.key(), " offset=", request_.offset(),
            " elapsed=", absl::FormatDuration(absl::Now() - start_time_));
  } else {
    LogWarning(kComponent, "download failed (", absl::StatusCodeToString(status.code()),
               "): ", status.message());
  }
  if (!metric_provider_.empty()) {
    StorageMetricsInstance()
        .downloads.With({metric_provider_, metric_storage_, OutcomeLabel(status)})
        .Add();
  }
  Finish(ToGrpcStatus(status));
}

absl::Status DownloadReactor::Stream() {
  RETURN_IF_ERROR(CheckDownloadRequest(request_));
  ASSIGN_OR_RETURN(ResolvedStorage storage, registry_->Resolve(request_.storage()));
  metric_provider_ = storage.provider->id();
  metric_storage_ = storage.name;
  Counter& bytes_metric = StorageMetricsInstance().download_bytes.With({metric_provider_});
  const DownloadSpec spec = SpecFromRequest(request_);
  ASSIGN_OR_RETURN(std::unique_ptr<ProviderDownload> download,
                   storage.provider->OpenDownload(storage.config, spec, &cancelled_));
  const DownloadInfo& info = download->info();
  RETURN_IF_ERROR(CheckIfMatch(request_, info));
  const bool full_object = spec.offset == 0 && info.content_length == info.object_size;
  // The provider's own MD5 needs no record; look one up only when it could serve.
  std::optional<ObjectRecord> record;
  if (full_object && !info.stored_md5.has_value()) {
    record = records_->Matching(storage.id, spec.bucket, spec.key, info.etag, info.object_size);
  }
  const ExpectedDigest expected = ExpectedDigest::Choose(info, full_object, record);

  v1::DownloadResponse message;
  {
    v1::DownloadInfo* out = message.mutable_info();
    out->set_object_size(static_cast<int64_t>(info.object_size));
    out->set_etag(info.etag);
    out->set_offset(static_cast<int64_t>(spec.offset));
    out->set_length(static_cast<int64_t>(info.content_length));
    if (info.stored_md5) {
      out->set_stored_md5_hex(absl::BytesToHexString(*info.stored_md5));
    } else if (record && !record->md5.empty()) {
      out->set_stored_md5_hex(absl::BytesToHexString(record->md5));
    }
    if (record && !record->sha256.empty()) {
      out->set_recorded_sha256_hex(absl::BytesToHexString(record->sha256));
    }
    out->set_verified(expected.verifies());
    out->set_verified_against(expected.source);
    out->set_storage_id(storage.id);
  }
  RETURN_IF_ERROR(Send(message));

  StreamDigest digest(/*with_md5=*/!expected.md5.empty(), /*with_sha256=*/!expected.sha256.empty());
  uint64_t sent = 0;
  std::string* data = message.mutable_data();  // one buffer, reused for every chunk
  while (true) {
    if (cancelled_.load()) return absl::CancelledError("the client cancelled the download");
    data->resize(kDownloadChunkBytes);
    // Fill the chunk (a provider may return less than asked), so messages stay large.
    size_t filled = 0;
    bool end = false;
    while (filled < kDownloadChunkBytes) {
      ASSIGN_OR_RETURN(size_t n, download->Read(reinterpret_cast<uint8_t*>(&(*data)[filled]),
                                                kDownloadChunkBytes - filled));
      if (n == 0) {
        end = true;
        break;
      }
      filled += n;
    }
    if (filled > 0) {
      data->resize(filled);
      digest.Update(data->data(), filled);
      RETURN_IF_ERROR(Send(message));
      sent += filled;
      bytes_metric.Add(filled);
    }
    if (end) break;
  }

  digest.Final();
  RETURN_IF_ERROR(expected.Check(digest.md5(), digest.sha256(), sent, storage.provider->id()));
  return absl::OkStatus();
}

}  // namespace pluton::storage
