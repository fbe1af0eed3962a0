// UploadRecordStore: the uploads this service has under way, so that a run that dies
// mid-upload (kill -9, a lost node) can be cleaned up after.
//
// An upload is recorded before the provider is asked to start it, with the node and the run
// (one process lifetime) that own it, and the provider's id of the pending state it leaves at
// the destination (a multipart upload id, a temporary file's name) as soon as the provider
// reports one. The record is removed when the upload is committed or aborted. At start, a run
// finds the records of its node left by earlier runs and aborts what they name
// (upload/dead_upload_sweeper.h); records of other nodes are theirs.
//
// Thread safety: every method of every implementation may be called concurrently.
#ifndef PLUTON_SERVICE_STORE_UPLOAD_RECORD_STORE_H_
#define PLUTON_SERVICE_STORE_UPLOAD_RECORD_STORE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace pluton::storage {

struct UploadRecord {
  int64_t id = 0;  // assigned by AddUploadRecord
  std::string node;
  std::string run;
  std::string storage_id;
  std::string bucket;
  std::string key;
  std::string upload_id;  // "" until the provider reports its pending state
  absl::Time start_time;  // when the upload was recorded, before the provider started it
};

class UploadRecordStore {
 public:
  virtual ~UploadRecordStore() = default;

  // Adds `record` (its id is ignored) and returns the id assigned to it.
  // FAILED_PRECONDITION when no storage has record.storage_id.
  virtual absl::StatusOr<int64_t> AddUploadRecord(const UploadRecord& record) = 0;

  // Sets the provider's id of the record's pending state, replacing an earlier one.
  // NOT_FOUND when there is no record `id`.
  virtual absl::Status SetPendingUploadId(int64_t id, const std::string& upload_id) = 0;

  // Removes record `id`; an absent record is not an error.
  virtual absl::Status DeleteUploadRecord(int64_t id) = 0;

  // The records of `node` written by any run other than `run`, oldest first.
  virtual absl::StatusOr<std::vector<UploadRecord>> ListDeadUploadRecords(
      const std::string& node, const std::string& run) = 0;
};

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_STORE_UPLOAD_RECORD_STORE_H_
