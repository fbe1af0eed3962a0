// DeadUploadSweeper: cleans up after earlier runs of this node that died mid-upload.
//
// It reads the upload records (store/upload_record_store.h) of this node written by other runs
// (any such run is over: one node runs one process at a time) and, for each:
//   - with a pending id: aborts it through the storage's provider (abort_incomplete_upload:
//     an S3 multipart upload, a local temporary file); one already gone counts as aborted;
//   - without one (the run died before the provider reported it, or a plugin older than ABI
//     1.3): lists the incomplete uploads of that key and aborts those initiated since the
//     record was written (less kClockSkew, as the destination's clock is not ours);
// then removes the record, with a log line for each upload aborted. A storage deleted meanwhile
// took its records with it; a provider without incomplete-upload support, or a storage the
// host policy no longer allows, cannot be cleaned: logged, and the record removed. Any other
// failure (the destination unreachable) keeps the record for the next pass.
//
// Start() runs a pass at once on a thread of its own, so the service serves while an
// unreachable destination times out, and repeats it every `retry_interval` while records are
// left. Only this node's dead uploads are touched; any others are left to cleanup.
//
// Thread safety: SweepOnce is for tests and must not run beside Start's thread. The store and
// registry are borrowed and must outlive the sweeper; the destructor stops and joins the thread
// (a provider call in progress is cancelled).
#ifndef PLUTON_SERVICE_UPLOAD_DEAD_UPLOAD_SWEEPER_H_
#define PLUTON_SERVICE_UPLOAD_DEAD_UPLOAD_SWEEPER_H_

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "registry/storage_registry.h"
#include "store/upload_record_store.h"

namespace pluton::storage {

class DeadUploadSweeper {
 public:
  // How far before a record's start time an upload without a recorded id may have been
  // initiated by the destination's clock and still be taken as the record's.
  static constexpr absl::Duration kClockSkew = absl::Minutes(5);

  DeadUploadSweeper(UploadRecordStore* store, StorageRegistry* registry, std::string node,
                    std::string run, absl::Duration retry_interval = absl::Minutes(5));
  ~DeadUploadSweeper();
  DeadUploadSweeper(const DeadUploadSweeper&) = delete;
  DeadUploadSweeper& operator=(const DeadUploadSweeper&) = delete;

  void Start();
  // One pass over the dead records; returns how many are left for a later pass.
  size_t SweepOnce();

 private:
  // Aborts what `record` names. OK when the record can go.
  absl::Status Sweep(const UploadRecord& record);
  absl::Status AbortUnrecordedUploads(const ResolvedStorage& storage, const UploadRecord& record);
  void Loop();

  UploadRecordStore* const store_;
  StorageRegistry* const registry_;
  const std::string node_;
  const std::string run_;
  const absl::Duration retry_interval_;
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::condition_variable wake_;
  std::thread thread_;
};

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_UPLOAD_DEAD_UPLOAD_SWEEPER_H_
