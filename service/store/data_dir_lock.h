// DataDirLock: one process at a time uses a data directory -- a serving pluton-storaged or a
// --rotate_master_key run -- so two never write its SQLite registry and master key at once.
//
//   ASSIGN_OR_RETURN(DataDirLock lock, DataDirLock::Acquire(config.data_dir));
//   ... open the store; keep `lock` for as long as the directory is used.
//
// The lock is an exclusive flock() on <data_dir>/pluton-storaged.lock (created mode 0600 and
// kept), which holds the owner's pid for the message a refused process gives. The kernel drops
// the lock when the owner's descriptor closes: on exit, and on a crash or kill -9 alike, so a
// dead owner never leaves a stale lock (the pid left in the file then means nothing).
//
// Contract:
// - Precondition: `data_dir` exists (Acquire does not create it).
// - Acquire never waits. A held lock is FAILED_PRECONDITION naming the data directory, the lock
//   file and the pid holding it; other failures name the lock file and the system's reason.
// - The lock belongs to the open file, so a second Acquire in the same process is refused too.
// - Advisory: it keeps out only processes that take it (every pluton-storaged does, before it
//   opens the database). Its descriptor is close-on-exec; a forked child would share it.
// Ownership and thread safety: move-only; destroying the owning object releases the lock.
// Acquire may be called from any thread.
#ifndef PLUTON_SERVICE_STORE_DATA_DIR_LOCK_H_
#define PLUTON_SERVICE_STORE_DATA_DIR_LOCK_H_

#include <string>

#include "absl/status/statusor.h"

namespace pluton::storage {

// The lock file of `data_dir`.
std::string DataDirLockPath(const std::string& data_dir);

class DataDirLock {
 public:
  static absl::StatusOr<DataDirLock> Acquire(const std::string& data_dir);

  DataDirLock(DataDirLock&& other) noexcept;
  DataDirLock& operator=(DataDirLock&& other) noexcept;
  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;
  ~DataDirLock();

 private:
  explicit DataDirLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_STORE_DATA_DIR_LOCK_H_
