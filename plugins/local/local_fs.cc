#include "local_fs.h"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "pluton/sdk/errors.h"

namespace pluton::local_provider {
namespace {

// strerror_r is the GNU (char*) or the XSI (int) variant depending on feature macros.
[[maybe_unused]] const char* StrerrorResult(int result, const char* buffer) {
  return result == 0 ? buffer : "unknown error";
}
[[maybe_unused]] const char* StrerrorResult(const char* result, const char*) { return result; }

constexpr size_t kMaxWriteChunk = size_t{1} << 30;

}  // namespace

UniqueFd::~UniqueFd() { Close(); }

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) {
    Close();
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

int UniqueFd::Close() {
  if (fd_ < 0) return 0;
  // Never retry close on EINTR (Linux has released the descriptor already).
  const int result = ::close(fd_);
  fd_ = -1;
  return result == 0 || errno == EINTR ? 0 : errno;
}

std::string ErrnoText(int err) {
  char buffer[256] = {0};
  return StrerrorResult(strerror_r(err, buffer, sizeof(buffer)), buffer);
}

int WriteAll(int fd, const uint8_t* data, size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size < kMaxWriteChunk ? size : kMaxWriteChunk);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (n == 0) return EIO;  // no progress on a regular file: treat as an I/O error
    data += n;
    size -= static_cast<size_t>(n);
  }
  return 0;
}

int Fsync(int fd) {
  while (::fsync(fd) != 0) {
    if (errno != EINTR) return errno;
  }
  return 0;
}

int MakeDirAt(int dir_fd, const char* name, bool* created) {
  *created = false;
  if (::mkdirat(dir_fd, name, 0750) == 0) {
    *created = true;
    return 0;
  }
  return errno == EEXIST ? 0 : errno;
}

int OpenDirAt(int dir_fd, const char* name) {
  return ::openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

int64_t ModifiedUnixMs(const struct stat& st) {
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 +
         static_cast<int64_t>(st.st_mtim.tv_nsec) / 1000000;
}

std::string RandomHex() {
  unsigned char bytes[16];
  size_t got = 0;
  while (got < sizeof(bytes)) {
    const ssize_t n = ::getrandom(bytes + got, sizeof(bytes) - got, GRND_NONBLOCK);
    if (n <= 0) {
      if (n < 0 && errno == EINTR) continue;
      break;
    }
    got += static_cast<size_t>(n);
  }
  if (got < sizeof(bytes)) {  // no entropy yet (early boot): O_EXCL still keeps names unique
    uint64_t mix =
        static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) ^
        reinterpret_cast<uintptr_t>(&got) ^ static_cast<uint64_t>(::getpid()) << 32;
    for (size_t i = got; i < sizeof(bytes); ++i) {
      mix = mix * 6364136223846793005ULL + 1442695040888963407ULL;
      bytes[i] = static_cast<unsigned char>(mix >> 56);
    }
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 0xf];
  }
  return out;
}

pluton_error* ErrnoError(int err, const std::string& what, const std::string& root) {
  const std::string text = what + ": " + ErrnoText(err);
  const std::string quoted_root = "\"" + root + "\"";
  switch (err) {
    case ENOSPC:
    case EDQUOT:
      return plugin_sdk::MakeError(PLUTON_RESOURCE_EXHAUSTED, "NO_SPACE",
                                   text + "; the filesystem holding root " + quoted_root +
                                       " is full (or over quota); free space there or move "
                                       "config.root");
    case EACCES:
    case EPERM:
      return plugin_sdk::MakeError(PLUTON_PERMISSION_DENIED, "PERMISSION_DENIED",
                                   text +
                                       "; give the service's user read and write access "
                                       "to root " +
                                       quoted_root);
    case EROFS:
      return plugin_sdk::MakeError(PLUTON_FAILED_PRECONDITION, "READ_ONLY_FILESYSTEM",
                                   text + "; root " + quoted_root +
                                       " is on a read-only filesystem; remount it "
                                       "read-write or move config.root");
    case EMFILE:
    case ENFILE:
      return plugin_sdk::MakeError(PLUTON_RESOURCE_EXHAUSTED, "TOO_MANY_OPEN_FILES",
                                   text +
                                       "; raise the service's open file limit or lower "
                                       "its upload concurrency");
    case ENAMETOOLONG:
      return plugin_sdk::MakeError(PLUTON_INVALID_ARGUMENT, "NAME_TOO_LONG",
                                   text + "; use shorter keys or a shorter config.root");
    case EIO:
      return plugin_sdk::MakeError(
          PLUTON_UNAVAILABLE, "IO_ERROR",
          text + "; check the disk holding root " + quoted_root + " (kernel log) and retry");
    case ENOENT:
      return plugin_sdk::MakeError(
          PLUTON_NOT_FOUND, "NOT_FOUND",
          text + "; check that root " + quoted_root + " exists and is not being removed");
    default:
      return plugin_sdk::MakeError(
          PLUTON_UNKNOWN, "IO_ERROR",
          text + " (errno " + std::to_string(err) + ") under root " + quoted_root);
  }
}

}  // namespace pluton::local_provider
