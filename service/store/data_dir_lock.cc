#include "store/data_dir_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace pluton::storage {
namespace {

// "process 1234", from the pid the holder wrote into the lock file.
std::string HolderOf(int fd) {
  char text[32] = {};
  const ssize_t n = pread(fd, text, sizeof(text) - 1, 0);
  int64_t pid = 0;
  if (n > 0 && absl::SimpleAtoi(absl::StripAsciiWhitespace(absl::string_view(text, n)), &pid)) {
    return absl::StrCat("process ", pid);
  }
  return "another process (its pid not written yet)";
}

// Replaces the file's content with this process's pid. Written before the truncation, so a
// reader never sees an empty file.
bool WriteOwnPid(int fd) {
  const std::string pid = absl::StrCat(getpid(), "\n");
  return pwrite(fd, pid.data(), pid.size(), 0) == static_cast<ssize_t>(pid.size()) &&
         ftruncate(fd, static_cast<off_t>(pid.size())) == 0;
}

}  // namespace

std::string DataDirLockPath(const std::string& data_dir) {
  return absl::StrCat(data_dir, "/pluton-storaged.lock");
}

absl::StatusOr<DataDirLock> DataDirLock::Acquire(const std::string& data_dir) {
  const std::string path = DataDirLockPath(data_dir);
  const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    return absl::FailedPreconditionError(absl::StrCat("cannot open the lock file ", path,
                                                      " of --data_dir ", data_dir, ": ",
                                                      std::strerror(errno)));
  }
  DataDirLock lock(fd);
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK) {
      return absl::FailedPreconditionError(absl::StrCat("cannot lock ", path, " of --data_dir ",
                                                        data_dir, ": ", std::strerror(errno)));
    }
    return absl::FailedPreconditionError(absl::StrCat(
        "--data_dir ", data_dir, " is in use: ", HolderOf(fd), " holds its lock file ", path,
        " (a pluton-storaged serving it, or rotating its master key); stop it first"));
  }
  if (!WriteOwnPid(fd)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot write this process's pid into the lock file ", path, ": ", std::strerror(errno)));
  }
  return lock;
}

DataDirLock::DataDirLock(DataDirLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

DataDirLock& DataDirLock::operator=(DataDirLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

DataDirLock::~DataDirLock() {
  if (fd_ >= 0) close(fd_);  // closing the file releases the lock
}

}  // namespace pluton::storage
