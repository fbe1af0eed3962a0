#include "pluton/s3provider/upload.h"

#include <map>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/string_view.h"
#include "pluton/s3/http_headers.h"
#include "pluton/s3provider/config_checks.h"
#include "pluton/s3provider/failure.h"
#include "pluton/s3provider/shared_transport.h"
#include "pluton/sdk/abi_util.h"
#include "pluton/sdk/errors.h"

namespace pluton::s3provider {
namespace {

// rclone's metadata key for the whole-object MD5 (sent as X-Amz-Meta-Md5chksum).
constexpr char kMd5MetadataKey[] = "md5chksum";

std::string Lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Checks the per-upload params and builds the object's target; appends violations.
s3::StreamingUploadTarget BuildTarget(const ResolvedConfig& config,
                                      const pluton_upload_params* params,
                                      std::vector<plugin_sdk::Violation>* violations) {
  s3::StreamingUploadTarget target;
  target.bucket = std::string(plugin_sdk::View(params->bucket));
  target.key = std::string(plugin_sdk::View(params->key));
  const std::string bucket_problem = CheckBucketName(target.bucket);
  if (!bucket_problem.empty())
    violations->emplace_back("bucket", "the bucket name " + bucket_problem);
  if (target.key.empty()) violations->emplace_back("key", "is empty; name the object");

  target.options = config.object_options;
  if (PLUTON_SDK_HAS_FIELD(params, pluton_upload_params, expected_size)) {
    target.expected_size = params->expected_size < 0 ? -1 : params->expected_size;
  }
  if (PLUTON_SDK_HAS_FIELD(params, pluton_upload_params, content_type)) {
    const std::string type(plugin_sdk::View(params->content_type));
    if (!s3::IsValidHeaderValue(type)) {
      violations->emplace_back("content_type", "contains a line break or NUL character");
    } else {
      target.options.content_type = type;
    }
  }
  if (PLUTON_SDK_HAS_FIELD(params, pluton_upload_params, metadata) && params->metadata_count > 0) {
    if (params->metadata == nullptr) {
      violations->emplace_back("metadata", "the host passed entries but no array; host bug");
    } else {
      for (size_t i = 0; i < params->metadata_count; ++i) {
        const std::string key = Lowercase(plugin_sdk::View(params->metadata[i].key));
        const std::string value(plugin_sdk::View(params->metadata[i].value));
        const std::string field = "metadata[" + Quote(key) + "]";
        if (key.empty() || !s3::IsValidHeaderName("x-amz-meta-" + key)) {
          violations->emplace_back(
              field,
              "is not a valid metadata key: S3 sends keys as HTTP header names, which are ASCII; "
              "use ASCII letters, digits and '-' (values may be any text)");
        } else if (!s3::IsValidHeaderValue(value)) {
          violations->emplace_back(field, "has a value with a line break or NUL character");
        } else if (!target.options.metadata.emplace(key, value).second) {
          violations->emplace_back(field, "is set more than once (keys are case-insensitive)");
        }
      }
    }
  }
  const uint8_t* md5 = nullptr;
  if (PLUTON_SDK_HAS_FIELD(params, pluton_upload_params, content_md5)) md5 = params->content_md5;
  if (md5 != nullptr && !config.disable_checksum) {
    target.options.metadata[kMd5MetadataKey] =
        absl::Base64Escape(absl::string_view(reinterpret_cast<const char*>(md5), 16));
  }
  return target;
}

}  // namespace

ProviderUpload::ProviderUpload(const Provider& provider) : provider_(provider) {}

ProviderUpload::~ProviderUpload() { Abort(); }

std::string ProviderUpload::Describe() const { return "\"" + bucket_ + "/" + key_ + "\""; }

pluton_error* ProviderUpload::Begin(const Provider& provider, const pluton_config* config,
                                    const pluton_upload_params* params,
                                    std::unique_ptr<ProviderUpload>* out) {
  if (!PLUTON_SDK_HAS_FIELD(params, pluton_upload_params, key)) {
    return plugin_sdk::MakeError(PLUTON_INVALID_ARGUMENT, "INVALID_ARGUMENT",
                                 "upload_begin needs pluton_upload_params with bucket and key; "
                                 "this is a host bug");
  }
  std::unique_ptr<ProviderUpload> upload(new ProviderUpload(provider));
  if (pluton_error* error = ResolveConfig(provider, config, &upload->config_)) return error;
  std::vector<plugin_sdk::Violation> violations;
  s3::StreamingUploadTarget target = BuildTarget(upload->config_, params, &violations);
  if (!violations.empty()) return plugin_sdk::InvalidArgumentError(std::move(violations));
  upload->bucket_ = target.bucket;
  upload->key_ = target.key;
  upload->expected_size_ = target.expected_size;
  if (PLUTON_SDK_HAS_FIELD(params, pluton_upload_params, cancel)) upload->cancel_ = params->cancel;
  if (plugin_sdk::CancelToken::Cancelled(upload->cancel_)) {
    return plugin_sdk::MakeError(PLUTON_CANCELLED, "CANCELLED",
                                 "the upload was cancelled by the service; nothing was stored");
  }

  absl::StatusOr<s3::HttpTransport*> transport = SharedTransport(provider);
  if (!transport.ok()) {
    return plugin_sdk::MakeError(
        PLUTON_INTERNAL, "TRANSPORT_UNAVAILABLE",
        "the plugin cannot make HTTP requests: " + std::string(transport.status().message()));
  }
  upload->client_ = std::make_unique<s3::S3Client>(upload->config_.endpoint,
                                                   upload->config_.credentials, *transport);
  upload->budget_ = std::make_unique<HostBudget>(provider.host());
  if (upload->config_.md5_after_upload && !upload->config_.disable_checksum) {
    upload->config_.upload.md5_metadata_key = kMd5MetadataKey;
  }
  const plugin_sdk::UploadTracker tracker(params);
  ProviderUpload* self = upload.get();
  target.on_multipart_created = [tracker, self](const std::string& upload_id) {
    if (tracker.Pending(upload_id.c_str())) return absl::OkStatus();
    self->not_recorded_ = true;
    return absl::UnavailableError("the host could not record multipart upload " + upload_id);
  };
  const pluton_cancel_token* cancel = upload->cancel_;
  upload->upload_ = std::make_unique<s3::StreamingUpload>(
      upload->client_.get(), upload->budget_.get(), upload->config_.upload, std::move(target),
      [cancel] { return plugin_sdk::CancelToken::Cancelled(cancel); });
  *out = std::move(upload);
  return nullptr;
}

pluton_error* ProviderUpload::Fail(pluton_error* error) {
  state_ = State::kFailed;
  return error;
}

pluton_error* ProviderUpload::ErrorFor(const absl::Status& status) const {
  if (not_recorded_) return plugin_sdk::UploadNotRecordedError(Describe());
  const Failure failure = Classify(status);
  if (failure.kind == FailureKind::kCancelled) {
    return plugin_sdk::MakeError(
        PLUTON_CANCELLED, "CANCELLED",
        "the upload of " + Describe() + " was cancelled by the service; nothing was stored");
  }
  FailureContext context;
  context.operation = Operation::kUpload;
  context.bucket = bucket_;
  context.key = key_;
  context.config = &config_;
  Explanation explanation = provider_.Explain(failure, context);
  std::string message = "uploading " + Describe() + " failed: " + explanation.message;
  if (failure.kind != FailureKind::kOther && !failure.detail.empty()) {
    message += " (" + failure.detail + ")";
  }
  return plugin_sdk::MakeError(CodeFor(failure), std::move(explanation.reason), std::move(message));
}

pluton_error* ProviderUpload::Write(const uint8_t* data, size_t size) {
  if (state_ != State::kOpen) {
    return plugin_sdk::MakeError(PLUTON_FAILED_PRECONDITION, "UPLOAD_NOT_OPEN",
                                 "upload_write on an upload that already " +
                                     std::string(state_ == State::kFailed ? "failed" : "ended") +
                                     "; start a new upload");
  }
  if (data == nullptr && size > 0) {
    return Fail(plugin_sdk::MakeError(PLUTON_INVALID_ARGUMENT, "INVALID_ARGUMENT",
                                      "upload_write got NULL data with a nonzero size; this is "
                                      "a host bug"));
  }
  if (expected_size_ >= 0 && size > static_cast<uint64_t>(expected_size_) - bytes_written_) {
    return Fail(plugin_sdk::MakeError(PLUTON_FAILED_PRECONDITION, "SIZE_MISMATCH",
                                      "received more than the declared expected_size of " +
                                          std::to_string(expected_size_) + " bytes for " +
                                          Describe() + "; nothing was stored"));
  }
  if (size == 0) return nullptr;
  const absl::Status status = upload_->Write(data, size);
  if (!status.ok()) return Fail(ErrorFor(status));
  bytes_written_ += size;
  return nullptr;
}

pluton_error* ProviderUpload::SetStreamMd5(const uint8_t* md5) {
  if (state_ != State::kOpen) {
    return plugin_sdk::MakeError(PLUTON_FAILED_PRECONDITION, "UPLOAD_NOT_OPEN",
                                 "upload_set_stream_md5 on an upload that is not open");
  }
  if (md5 == nullptr) {
    return plugin_sdk::MakeError(PLUTON_INVALID_ARGUMENT, "INVALID_ARGUMENT",
                                 "upload_set_stream_md5 needs 16 bytes; this is a host bug");
  }
  upload_->SetObjectMd5(absl::string_view(reinterpret_cast<const char*>(md5), 16));
  return nullptr;
}

pluton_error* ProviderUpload::Finish(pluton_upload_result* result) {
  if (state_ != State::kOpen) {
    return plugin_sdk::MakeError(PLUTON_FAILED_PRECONDITION, "UPLOAD_NOT_OPEN",
                                 "upload_finish on an upload that already " +
                                     std::string(state_ == State::kFailed ? "failed" : "ended") +
                                     "; start a new upload");
  }
  if (result == nullptr) {
    return Fail(plugin_sdk::MakeError(PLUTON_INVALID_ARGUMENT, "INVALID_ARGUMENT",
                                      "upload_finish needs a result struct; this is a host bug"));
  }
  if (expected_size_ >= 0 && bytes_written_ != static_cast<uint64_t>(expected_size_)) {
    return Fail(plugin_sdk::MakeError(PLUTON_FAILED_PRECONDITION, "SIZE_MISMATCH",
                                      "received " + std::to_string(bytes_written_) + " bytes for " +
                                          Describe() + " but the declared expected_size is " +
                                          std::to_string(expected_size_) + "; nothing was stored"));
  }
  absl::StatusOr<s3::StreamingUploadResult> done = upload_->Finish();
  if (!done.ok()) return Fail(ErrorFor(done.status()));
  state_ = State::kFinished;
  etag_ = done->etag;
  if (!done->md5_metadata_status.ok()) {
    plugin_sdk::GuardVoid([&] {
      provider_.host().Log(PLUTON_LOG_WARNING,
                           "the upload of " + Describe() +
                               " is complete and stored, but its MD5 could not be added as "
                               "metadata (md5chksum), so rclone check cannot verify it: " +
                               std::string(done->md5_metadata_status.message()));
    });
  }
  if (PLUTON_SDK_HAS_FIELD(result, pluton_upload_result, bytes_stored)) {
    result->bytes_stored = done->bytes;
  }
  if (PLUTON_SDK_HAS_FIELD(result, pluton_upload_result, etag)) result->etag = etag_.c_str();
  if (PLUTON_SDK_HAS_FIELD(result, pluton_upload_result, part_count)) {
    result->part_count = done->part_count;
  }
  if (PLUTON_SDK_HAS_FIELD(result, pluton_upload_result, part_size)) {
    result->part_size = done->part_size;
  }
  return nullptr;
}

void ProviderUpload::Abort() noexcept {
  if (state_ == State::kFinished || state_ == State::kAborted) return;
  state_ = State::kAborted;
  if (upload_ == nullptr) return;
  absl::Status status = absl::UnknownError("aborting threw an exception");
  plugin_sdk::GuardVoid([&] { status = upload_->Abort(); });
  if (!status.ok()) {
    plugin_sdk::GuardVoid([&] {
      provider_.host().Log(PLUTON_LOG_WARNING,
                           "aborting the upload of " + Describe() +
                               " did not complete: " + std::string(status.message()));
    });
  }
}

}  // namespace pluton::s3provider
