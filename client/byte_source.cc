#include "client/byte_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"

namespace pluton::storage::client {
namespace {

// Size of the regular file behind `fd`, or -1 for anything else (pipe, terminal, socket).
int64_t RegularFileSize(int fd) {
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return -1;
  return static_cast<int64_t>(st.st_size);
}

}  // namespace

absl::StatusOr<std::unique_ptr<FdByteSource>> FdByteSource::OpenFile(const std::string& path) {
  int fd;
  do {
    fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    int err = errno;
    return absl::ErrnoToStatus(err, absl::StrCat("cannot open ", path));
  }
  struct stat st;
  if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    close(fd);
    return absl::InvalidArgumentError(absl::StrCat(path, " is a directory"));
  }
  return std::make_unique<FdByteSource>(fd, path, /*owned=*/true, RegularFileSize(fd));
}

std::unique_ptr<FdByteSource> FdByteSource::Stdin() {
  return std::make_unique<FdByteSource>(STDIN_FILENO, "standard input", /*owned=*/false, -1);
}

FdByteSource::FdByteSource(int fd, std::string name, bool owned, int64_t size)
    : fd_(fd), name_(std::move(name)), owned_(owned), size_(size) {}

FdByteSource::~FdByteSource() {
  if (owned_ && fd_ >= 0) close(fd_);
}

absl::StatusOr<size_t> FdByteSource::Read(char* buffer, size_t size) {
  while (true) {
    ssize_t n = read(fd_, buffer, size);
    if (n >= 0) return static_cast<size_t>(n);
    if (errno == EINTR) continue;
    int err = errno;
    return absl::ErrnoToStatus(err, absl::StrCat("cannot read ", name_));
  }
}

absl::StatusOr<size_t> MemoryByteSource::Read(char* buffer, size_t size) {
  size_t n = std::min(size, data_.size() - offset_);
  if (n > 0) std::memcpy(buffer, data_.data() + offset_, n);
  offset_ += n;
  return n;
}

}  // namespace pluton::storage::client
