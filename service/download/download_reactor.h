// DownloadReactor: one server-streaming Download call, from the request to the last byte.
//
// The provider's reads block, so they run on a worker thread of the reactor's own; gRPC's
// threads only deliver OnWriteDone. One message is in flight at a time: the worker reads the
// next chunk from the provider only after the previous write completed, so a client that
// reads slowly holds the service (and, through the provider's own bounded buffers, the
// provider) back. Memory per download is one chunk plus the provider's buffer.
//
// The first message is the DownloadInfo, then data chunks. A full-object download is hashed
// as it is sent and compared with the MD5 the provider stored, else with the service's record
// of the upload (download/expected_digest.h); a mismatch ends the call with DATA_LOSS instead
// of OK.
//
// Cut off at the end of a shutdown's grace period (the limiter's CallCutoff), the download
// stops as if cancelled and finishes with CANCELLED naming the shutdown; a client that stopped
// reading cannot be told, as the status would queue behind the write it does not take.
//
// Lifetime: created by StorageServiceImpl::Download, deletes itself in OnDone after joining
// its worker. Thread safety: the gRPC callbacks and the worker share state under mu_.
#ifndef PLUTON_SERVICE_DOWNLOAD_DOWNLOAD_REACTOR_H_
#define PLUTON_SERVICE_DOWNLOAD_DOWNLOAD_REACTOR_H_

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "api/blocking_call_reactor.h"
#include "auth/authorizer.h"
#include "grpcpp/grpcpp.h"
#include "objects/object_records.h"
#include "pluton/storage/v1/storage_service.pb.h"
#include "registry/storage_registry.h"

namespace pluton::storage {

// Data bytes per DownloadResponse: well under the client's default 4 MiB receive limit.
inline constexpr size_t kDownloadChunkBytes = 1 << 20;

// Messages go out raw (the service is registered in raw form): the reactor decodes the request
// (INVALID_ARGUMENT when it is not a DownloadRequest) and encodes each response itself.
class DownloadReactor final : public grpc::ServerWriteReactor<grpc::ByteBuffer> {
 public:
  // Decodes the request, checks its storage with `access` (the admitted caller) and takes a
  // slot of `limiter` counted against that storage and the caller; then starts the worker.
  // Otherwise finishes at once: INVALID_ARGUMENT, PERMISSION_DENIED, or RESOURCE_EXHAUSTED
  // (TOO_MANY_DOWNLOADS, or a full share: api/blocking_call_limiter.h). `raw_request` belongs
  // to gRPC; `registry`, `records` and `limiter` must outlive the reactor.
  DownloadReactor(StorageRegistry* registry, ObjectRecords* records, BlockingCallLimiter* limiter,
                  const grpc::ByteBuffer* raw_request, CallAccess access);

  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

 private:
  ~DownloadReactor() override;

  // Constructor: the decoded request's slot, or why the call may not run.
  absl::StatusOr<CallSlot> Admit(const grpc::ByteBuffer& raw_request, BlockingCallLimiter* limiter);
  // Worker thread: streams the object and finishes the call.
  void Run();
  absl::Status Stream();
  // Writes `message` and waits for OnWriteDone. CANCELLED when the call went away.
  absl::Status Send(const v1::DownloadResponse& message);

  StorageRegistry* const registry_;
  ObjectRecords* const records_;
  const CallAccess access_;
  CallSlot slot_;  // empty when refused; given back when the reactor is deleted (OnDone)
  const absl::Time start_time_;
  // Metric labels (worker thread only), set once the storage is resolved.
  std::string metric_provider_;
  std::string metric_storage_;
  v1::DownloadRequest request_;  // decoded by the constructor, then read by the worker alone
  grpc::ByteBuffer outgoing_;    // the write in flight; guarded by write_in_flight_

  std::mutex mu_;
  std::condition_variable write_done_;
  bool write_in_flight_ = false;  // guarded by mu_
  bool write_failed_ = false;     // guarded by mu_: a write returned !ok (stream broken)
  std::atomic<bool> cancelled_{false};
  std::atomic<bool> cut_off_{false};
  CallCutoff::Registration cutoff_registration_;

  std::thread worker_;
};

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_DOWNLOAD_DOWNLOAD_REACTOR_H_
