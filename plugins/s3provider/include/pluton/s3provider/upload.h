// One plugin upload (pluton_upload) on top of s3::StreamingUpload.
//
// Begin resolves the configuration and builds, for this upload only, an S3Client (over the
// plugin's shared transport), a HostBudget over the host's buffer budget and the
// StreamingUpload with:
//   settings  chunk_size, upload_cutoff, upload_concurrency from the configuration
//   options   content_type and metadata (x-amz-meta-<key>, keys lowercased) from the params;
//             storage class and encryption (SSE / SSE-C) from the configuration; and, unless
//             disable_checksum, metadata md5chksum = base64(params->content_md5) when the
//             agent gave the MD5 up front (rclone's X-Amz-Meta-Md5chksum, which rclone
//             check / md5sum read for multipart objects). The host verifies the streamed
//             bytes against content_md5 before it calls Finish, so the stored value is true.
//   md5       unless disable_checksum or md5_after_upload=false, md5_metadata_key md5chksum:
//             a multipart upload whose MD5 came only through SetStreamMd5 gets it added after
//             completion by a server-side copy. Finish returns the ETag of the object as
//             finally stored; when that copy fails (or is cancelled) the upload still
//             succeeds with the uploaded ETag and a warning is logged through the host.
//   tracker   params->tracker (ABI 1.3) hears of every multipart upload created, before its
//             first part; when the host cannot record it, the upload fails with UNAVAILABLE
//             "UPLOAD_NOT_RECORDED" and the multipart upload is aborted.
//   cancel    params->cancel, polled by every wait of the upload (network, budget) from the
//             writer and the sender threads (the host's token is thread-safe).
// Write/Finish/Abort forward to it; failures are classified and explained by the provider
// (reason and message) with the provider's answer appended. Abort is not cut short by the
// host's cancel (StreamingUpload bounds it by its abort_timeout, 30 s), so a cancelled upload
// still leaves no pending multipart upload; a failure to abort is logged through the host.
//
// Thread safety: one ProviderUpload is used by one thread at a time (the ABI's upload handle
// rule); distinct uploads are independent. The Provider must outlive it.
#ifndef PLUTON_PLUGINS_S3PROVIDER_UPLOAD_H_
#define PLUTON_PLUGINS_S3PROVIDER_UPLOAD_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "pluton/s3/s3_client.h"
#include "pluton/s3/streaming_upload.h"
#include "pluton/s3provider/host_budget.h"
#include "pluton/s3provider/provider.h"
#include "pluton/storage_plugin.h"

namespace pluton::s3provider {

class ProviderUpload {
 public:
  // Validates config and params (bucket name, metadata keys and values) and prepares the
  // upload; nothing is sent before the first part is full or Finish. On success returns NULL
  // and sets *out. `params->cancel` must stay valid until the upload is destroyed (ABI).
  static pluton_error* Begin(const Provider& provider, const pluton_config* config,
                             const pluton_upload_params* params,
                             std::unique_ptr<ProviderUpload>* out);

  ~ProviderUpload();  // aborts unless finished
  ProviderUpload(const ProviderUpload&) = delete;
  ProviderUpload& operator=(const ProviderUpload&) = delete;

  // Appends bytes (`data` may be NULL only when size is 0). After an error the upload is dead.
  pluton_error* Write(const uint8_t* data, size_t size);
  // Takes the stream's MD5 from the host (16 raw bytes) for the Content-MD5 of a single PUT,
  // so the body is not hashed twice.
  pluton_error* SetStreamMd5(const uint8_t* md5);
  // Commits the object and fills the fields of *result its struct_size covers; the etag
  // string lives until this object is destroyed.
  pluton_error* Finish(pluton_upload_result* result);
  // Discards everything: no object and no pending multipart upload remain. Idempotent; a
  // no-op after a successful Finish. Cleanup failures are logged through the host.
  void Abort() noexcept;

 private:
  enum class State { kOpen, kFailed, kFinished, kAborted };

  explicit ProviderUpload(const Provider& provider);
  pluton_error* Fail(pluton_error* error);
  // The provider's explanation of `status` as an error about this upload.
  pluton_error* ErrorFor(const absl::Status& status) const;
  std::string Describe() const;  // "bucket/key", quoted, for messages

  const Provider& provider_;
  ResolvedConfig config_;
  std::string bucket_;
  std::string key_;
  int64_t expected_size_ = -1;
  uint64_t bytes_written_ = 0;
  const pluton_cancel_token* cancel_ = nullptr;
  std::string etag_;
  State state_ = State::kOpen;
  bool not_recorded_ = false;  // the host's tracker refused a multipart upload id

  // Declared last: the StreamingUpload borrows the client and budget, so it is destroyed
  // first.
  std::unique_ptr<s3::S3Client> client_;
  std::unique_ptr<HostBudget> budget_;
  std::unique_ptr<s3::StreamingUpload> upload_;
};

}  // namespace pluton::s3provider

#endif  // PLUTON_PLUGINS_S3PROVIDER_UPLOAD_H_
