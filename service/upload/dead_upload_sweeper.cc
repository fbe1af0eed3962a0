#include "upload/dead_upload_sweeper.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log.h"
#include "common/status_macros.h"

namespace pluton::storage {
namespace {

constexpr char kComponent[] = "upload";

// "storage \"name\" (id) bucket/key, started <time> by run <run>", for log lines; without
// the name when it is not known ("").
std::string Describe(const UploadRecord& record, const std::string& storage_name) {
  const std::string storage =
      storage_name.empty() ? record.storage_id
                           : absl::StrCat("\"", storage_name, "\" (", record.storage_id, ")");
  return absl::StrCat("storage ", storage, " ", record.bucket, "/", record.key, ", started ",
                      absl::FormatTime(record.start_time), " by run ", record.run);
}

}  // namespace

DeadUploadSweeper::DeadUploadSweeper(UploadRecordStore* store, StorageRegistry* registry,
                                     std::string node, std::string run,
                                     absl::Duration retry_interval)
    : store_(store),
      registry_(registry),
      node_(std::move(node)),
      run_(std::move(run)),
      retry_interval_(retry_interval) {}

DeadUploadSweeper::~DeadUploadSweeper() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void DeadUploadSweeper::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void DeadUploadSweeper::Loop() {
  while (SweepOnce() > 0) {
    std::unique_lock<std::mutex> lock(mu_);
    if (wake_.wait_for(lock, absl::ToChronoSeconds(retry_interval_),
                       [this] { return stopping_.load(); })) {
      return;
    }
  }
}

size_t DeadUploadSweeper::SweepOnce() {
  absl::StatusOr<std::vector<UploadRecord>> records = store_->ListDeadUploadRecords(node_, run_);
  if (!records.ok()) {
    LogWarning(kComponent, "cannot read the records of uploads interrupted by an earlier run: ",
               records.status().message());
    return 1;
  }
  size_t left = 0;
  for (const UploadRecord& record : *records) {
    if (stopping_) return records->size();
    const absl::Status swept = Sweep(record);
    if (!swept.ok()) {
      ++left;
      LogWarning(kComponent, "upload ", record.upload_id.empty() ? "" : record.upload_id + " ",
                 "interrupted by an earlier run (", Describe(record, ""),
                 ") could not be cleaned up yet, trying again in ",
                 absl::FormatDuration(retry_interval_), ": ", swept.message());
      continue;
    }
    const absl::Status removed = store_->DeleteUploadRecord(record.id);
    if (!removed.ok()) {
      ++left;
      LogWarning(kComponent,
                 "could not remove the record of an interrupted upload: ", removed.message());
    }
  }
  return left;
}

absl::Status DeadUploadSweeper::Sweep(const UploadRecord& record) {
  absl::StatusOr<ResolvedStorage> storage = registry_->Resolve(record.storage_id);
  if (absl::IsNotFound(storage.status())) return absl::OkStatus();  // deleted: nothing to do
  RETURN_IF_ERROR(storage.status());
  const Provider& provider = *storage->provider;
  if (record.upload_id.empty()) return AbortUnrecordedUploads(*storage, record);
  const absl::Status aborted = provider.AbortIncompleteUpload(
      storage->config, record.bucket, record.key, record.upload_id, &stopping_);
  if (absl::IsUnimplemented(aborted)) {
    LogWarning(kComponent, "upload ", record.upload_id, " interrupted by an earlier run (",
               Describe(record, storage->name), ") cannot be aborted by provider \"", provider.id(),
               "\": ", aborted.message());
    return absl::OkStatus();
  }
  RETURN_IF_ERROR(aborted);
  LogInfo(kComponent, "aborted upload ", record.upload_id, " interrupted by an earlier run (",
          Describe(record, storage->name), ")");
  return absl::OkStatus();
}

absl::Status DeadUploadSweeper::AbortUnrecordedUploads(const ResolvedStorage& storage,
                                                       const UploadRecord& record) {
  const Provider& provider = *storage.provider;
  ListSpec spec;
  spec.bucket = record.bucket;
  spec.prefix = record.key;
  std::vector<std::string> found;
  do {
    absl::StatusOr<IncompleteUploadListing> page =
        provider.ListIncompleteUploads(storage.config, spec, &stopping_);
    if (absl::IsUnimplemented(page.status()) || absl::IsNotFound(page.status())) {
      return absl::OkStatus();  // nothing can be pending: no such capability, or no bucket
    }
    RETURN_IF_ERROR(page.status());
    for (const IncompleteUploadInfo& upload : page->uploads) {
      if (upload.key == record.key && upload.initiated.has_value() &&
          *upload.initiated >= record.start_time - kClockSkew) {
        found.push_back(upload.upload_id);
      }
    }
    spec.page_token = page->next_page_token;
  } while (!spec.page_token.empty() && !stopping_);
  // A listing cut short may have missed the upload: keep the record for the next start.
  if (stopping_) return absl::CancelledError("the service is stopping");
  for (const std::string& upload_id : found) {
    RETURN_IF_ERROR(provider.AbortIncompleteUpload(storage.config, record.bucket, record.key,
                                                   upload_id, &stopping_));
    LogInfo(kComponent, "aborted upload ", upload_id, " interrupted by an earlier run before it ",
            "was recorded (", Describe(record, storage.name), ")");
  }
  return absl::OkStatus();
}

}  // namespace pluton::storage
