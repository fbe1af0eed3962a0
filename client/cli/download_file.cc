#include "client/cli/download_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "absl/strings/str_cat.h"

namespace pluton::storage::client {
namespace {

int OpenRetrying(const std::string& path, int flags) {
  int fd;
  do {
    fd = ::open(path.c_str(), flags, 0644);
  } while (fd < 0 && errno == EINTR);
  return fd;
}

}  // namespace

DownloadFile::~DownloadFile() { (void)Close(); }

absl::Status DownloadFile::Open(const std::string& path, bool append) {
  path_ = path;
  const int base = O_WRONLY | O_CLOEXEC;
  // Create it exclusively first, so a file that existed is never taken for ours.
  fd_ = OpenRetrying(path, base | O_CREAT | O_EXCL);
  created_ = fd_ >= 0;
  // It exists (O_CREAT again only for a dangling symlink, which O_EXCL refuses).
  if (fd_ < 0 && errno == EEXIST) {
    fd_ = OpenRetrying(path, base | O_CREAT | (append ? O_APPEND : O_TRUNC));
  }
  if (fd_ < 0) return absl::ErrnoToStatus(errno, absl::StrCat("cannot open ", path));
  struct stat st;
  if (::fstat(fd_, &st) != 0) return absl::ErrnoToStatus(errno, absl::StrCat("stat ", path));
  initial_size_ = static_cast<int64_t>(st.st_size);
  return absl::OkStatus();
}

absl::Status DownloadFile::Write(absl::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd_, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return absl::ErrnoToStatus(errno, absl::StrCat("cannot write ", path_));
    data.remove_prefix(static_cast<size_t>(n));
    bytes_written_ += n;
  }
  return absl::OkStatus();
}

absl::Status DownloadFile::Close() {
  const int fd = fd_;
  fd_ = -1;
  if (fd >= 0 && ::close(fd) != 0) {
    return absl::ErrnoToStatus(errno, absl::StrCat("cannot close ", path_));
  }
  return absl::OkStatus();
}

bool DownloadFile::DiscardIfCreated() {
  (void)Close();
  if (!created_) return false;
  created_ = false;
  return ::unlink(path_.c_str()) == 0;
}

}  // namespace pluton::storage::client
