// UploadReactor: one client-streaming Upload call, from the header to the commit.
//
// gRPC's callback API delivers messages on its own threads, which must never block. The
// reactor therefore queues each message and hands it to a worker thread of its own, which
// runs the blocking work: resolving the storage, hashing, and the provider's writes. The
// queue is bounded by `read_window_bytes`: when it is full the reactor stops calling StartRead,
// HTTP/2 flow control stops the agent, and reading resumes as the worker drains the queue.
// This is the service's backpressure; with the provider's own bounded buffers it caps the
// memory one upload can hold.
//
// Messages arrive raw (the service is registered in raw form) and the worker decodes them, so
// a malformed message is an error (INVALID_ARGUMENT naming it), never mistaken for the end of
// the stream. Nothing is committed unless the stream ends deliberately: a half-close after the
// announced size, or after an UploadTrailer when the size is unknown, with every digest
// matching; the service then records what it computed (objects/object_records.h). While it
// runs, the upload is recorded in the journal (upload/upload_journal.h), with the provider's
// pending state, so a crash of the service leaves nothing the next start does not abort. Every
// other end (malformed message, no trailer, failure, cancellation, deadline,
// shutdown) aborts the provider's upload, which leaves no object and no multipart upload.
// Cut off at the end of a shutdown's grace period (env->cutoff), the upload is cancelled that
// way and finishes with CANCELLED naming the shutdown.
//
// Lifetime: created by StorageServiceImpl::Upload, deletes itself in OnDone after joining
// its worker. Thread safety: the gRPC callbacks and the worker share state under mu_.
#ifndef PLUTON_SERVICE_UPLOAD_UPLOAD_REACTOR_H_
#define PLUTON_SERVICE_UPLOAD_UPLOAD_REACTOR_H_

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "api/call_cutoff.h"
#include "auth/authorizer.h"
#include "grpcpp/grpcpp.h"
#include "metrics/metrics_registry.h"
#include "objects/object_records.h"
#include "pluton/storage/v1/storage_service.pb.h"
#include "registry/storage_registry.h"
#include "upload/upload_journal.h"

namespace pluton::storage {

// What every upload shares. Borrowed by reactors; must outlive all of them.
struct UploadEnvironment {
  StorageRegistry* registry = nullptr;
  ObjectRecords* records = nullptr;        // where completed uploads are recorded
  const UploadJournal* journal = nullptr;  // where uploads under way are recorded
  CallCutoff* cutoff = nullptr;            // where uploads register for a shutdown's cut-off
  size_t read_window_bytes = 4 << 20;      // queued, unprocessed stream bytes per upload
  int max_concurrent_uploads = 64;
  std::atomic<int> active_uploads{0};
};

class UploadReactor final : public grpc::ServerReadReactor<grpc::ByteBuffer> {
 public:
  // Starts reading at once. `context` and `raw_response` belong to gRPC and outlive the
  // reactor; the UploadResponse is encoded into `raw_response` before an OK finish. `access`
  // (the admitted caller) checks the header's storage before anything else happens.
  UploadReactor(UploadEnvironment* env, grpc::CallbackServerContext* context,
                grpc::ByteBuffer* raw_response, CallAccess access);

  void OnReadDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

 private:
  ~UploadReactor() override;

  // Worker thread: processes the stream and finishes the call.
  void Run();
  absl::Status Process();
  absl::Status ReceiveObject(const v1::UploadHeader& header);
  // Takes the next message from the queue and decodes it, waiting for one. False at the end
  // of the stream, on cancellation, and when the message does not decode (then
  // stream_error_ says why). Worker thread only.
  bool Next(v1::UploadRequest& out);
  // Starts the next read unless one is in flight, the stream ended, or the window is full.
  void MaybeStartRead();

  UploadEnvironment* const env_;
  grpc::CallbackServerContext* const context_;
  grpc::ByteBuffer* const raw_response_;
  const CallAccess access_;
  const absl::Time start_time_;
  v1::UploadResponse response_;  // worker thread only
  absl::Status stream_error_;    // worker thread only: why Next() returned false early
  int messages_taken_ = 0;       // worker thread only
  // Metrics (worker thread only), set once the storage is resolved: its labels and the
  // provider's byte counter, looked up once per upload.
  std::string metric_provider_;
  std::string metric_storage_;
  Counter* bytes_metric_ = nullptr;

  std::mutex mu_;
  std::condition_variable queue_changed_;
  std::deque<grpc::ByteBuffer> queue_;  // guarded by mu_
  size_t queued_bytes_ = 0;             // guarded by mu_
  bool read_in_flight_ = false;         // guarded by mu_
  bool stream_ended_ = false;           // guarded by mu_: no more messages will come
  bool finishing_ = false;              // guarded by mu_: Finish called, read no more
  std::atomic<bool> cancelled_{false};
  std::atomic<bool> cut_off_{false};
  CallCutoff::Registration cutoff_registration_;
  grpc::ByteBuffer incoming_;  // target of the read in flight

  std::thread worker_;
};

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_UPLOAD_UPLOAD_REACTOR_H_
