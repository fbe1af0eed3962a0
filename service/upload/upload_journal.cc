#include "upload/upload_journal.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log.h"
#include "common/rich_status.h"

namespace pluton::storage {
namespace {

constexpr char kComponent[] = "upload";

}  // namespace

UploadJournal::UploadJournal(UploadRecordStore* store, std::string node, std::string run)
    : store_(store), node_(std::move(node)), run_(std::move(run)) {}

absl::StatusOr<UploadJournal::Entry> UploadJournal::Record(const std::string& storage_id,
                                                           const std::string& bucket,
                                                           const std::string& key) const {
  UploadRecord record;
  record.node = node_;
  record.run = run_;
  record.storage_id = storage_id;
  record.bucket = bucket;
  record.key = key;
  record.start_time = absl::Now();
  absl::StatusOr<int64_t> id = store_->AddUploadRecord(record);
  if (!id.ok()) {
    return MakeRichStatus(
        id.status().code() == absl::StatusCode::kFailedPrecondition
            ? id.status().code()
            : absl::StatusCode::kUnavailable,
        absl::StrCat("the upload was not started: the service could not record it in its "
                     "database, so it could not clean up after a crash (",
                     id.status().message(), "); nothing was stored, retry"),
        "UPLOAD_NOT_RECORDED");
  }
  return Entry(store_, *id, absl::StrCat("storage ", storage_id, " ", bucket, "/", key));
}

UploadJournal::Entry::Entry(UploadRecordStore* store, int64_t id, std::string what)
    : store_(store), id_(id), what_(std::move(what)) {}

UploadJournal::Entry::Entry(Entry&& other) noexcept
    : store_(std::exchange(other.store_, nullptr)), id_(other.id_), what_(std::move(other.what_)) {}

UploadJournal::Entry::~Entry() {
  if (store_ == nullptr) return;
  const absl::Status removed = store_->DeleteUploadRecord(id_);
  if (!removed.ok()) {
    LogWarning(kComponent, "could not remove the record of the upload to ", what_,
               " (the next start will check it as if this run had crashed): ", removed.message());
  }
}

PendingUploadHook UploadJournal::Entry::PendingHook() const {
  return [store = store_, id = id_, what = what_](const std::string& upload_id) {
    absl::Status recorded = store->SetPendingUploadId(id, upload_id);
    if (!recorded.ok()) {
      LogWarning(kComponent, "could not record pending upload ", upload_id, " of ", what,
                 "; the upload is refused: ", recorded.message());
    }
    return recorded;
  };
}

}  // namespace pluton::storage
