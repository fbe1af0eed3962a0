// UploadJournal: this run's uploads, recorded in the store while they are under way
// (store/upload_record_store.h), so that the next start can clean up after a crash
// (upload/dead_upload_sweeper.h).
//
//   ASSIGN_OR_RETURN(UploadJournal::Entry entry, journal.Record(storage_id, bucket, key));
//   spec.on_pending = entry.PendingHook();  // the provider reports its pending state here
//   ... BeginUpload, Write, Finish or Abort ...
//   // the entry's destruction removes the record: declare it before the upload, so that it
//   // outlives the upload's abort
//
// A record whose removal fails stays behind and is handled at the next start like a crashed
// upload's (aborting a committed upload's id does nothing), so it is only logged.
//
// Thread safety: UploadJournal is thread-safe and borrows the store, which must outlive it and
// every Entry. An Entry belongs to one upload; its hook is called on that upload's thread.
#ifndef PLUTON_SERVICE_UPLOAD_UPLOAD_JOURNAL_H_
#define PLUTON_SERVICE_UPLOAD_UPLOAD_JOURNAL_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "plugin/provider.h"
#include "store/upload_record_store.h"

namespace pluton::storage {

class UploadJournal {
 public:
  // `node` names this service instance across restarts; `run` this process (unique per start).
  UploadJournal(UploadRecordStore* store, std::string node, std::string run);

  class Entry {
   public:
    Entry(Entry&& other) noexcept;
    Entry& operator=(Entry&&) = delete;
    Entry(const Entry&) = delete;
    ~Entry();  // removes the record

    // Records the provider's pending state id on this entry's record. Valid while the entry
    // lives.
    PendingUploadHook PendingHook() const;

   private:
    friend class UploadJournal;
    Entry(UploadRecordStore* store, int64_t id, std::string what);

    UploadRecordStore* store_;  // null once moved from
    int64_t id_;
    std::string what_;  // "storage ID bucket/key", for log lines
  };

  // Records an upload about to start. UNAVAILABLE (or the store's error) when it cannot be
  // recorded: the upload must then not start, since nothing could clean up after a crash.
  absl::StatusOr<Entry> Record(const std::string& storage_id, const std::string& bucket,
                               const std::string& key) const;

  const std::string& node() const { return node_; }
  const std::string& run() const { return run_; }

 private:
  UploadRecordStore* const store_;
  const std::string node_;
  const std::string run_;
};

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_UPLOAD_UPLOAD_JOURNAL_H_
