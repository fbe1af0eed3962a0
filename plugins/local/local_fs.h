// POSIX helpers for the local provider: an owning file descriptor, EINTR-safe writes, errno
// messages and the mapping from errno to pluton errors.
//
// Thread safety: every function is thread-safe (strerror_r, no shared state). A UniqueFd is
// used by one thread at a time.
#ifndef PLUTON_PLUGINS_LOCAL_LOCAL_FS_H_
#define PLUTON_PLUGINS_LOCAL_LOCAL_FS_H_

#include <sys/stat.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "pluton/storage_plugin.h"

namespace pluton::local_provider {

// Owns a file descriptor; closes it on destruction (ignoring errors: call Close() to see them).
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd();
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  // Gives up ownership: returns the descriptor (or -1) without closing it.
  int release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }
  // Closes now; returns 0 or the errno of close(2). Idempotent (0 when already closed).
  int Close();

 private:
  int fd_ = -1;
};

// strerror_r text for `err`, e.g. "No space left on device".
std::string ErrnoText(int err);

// Writes all `size` bytes, retrying short writes and EINTR. Returns 0 or an errno.
int WriteAll(int fd, const uint8_t* data, size_t size);

// fsync(2), retrying EINTR. Returns 0 or an errno.
int Fsync(int fd);

// mkdirat(2) that treats an existing entry as success. Returns 0, or an errno. Sets *created
// when this call made the directory.
int MakeDirAt(int dir_fd, const char* name, bool* created);

// Opens `name` under `dir_fd` as a directory without following a symlink at `name`
// (O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC). Returns the fd, or -1 with errno set.
int OpenDirAt(int dir_fd, const char* name);

// A file's modification time (st_mtim) in milliseconds since the Unix epoch.
int64_t ModifiedUnixMs(const struct stat& st);

// A random 32-hex-digit name part (getrandom; falls back to time and address entropy).
std::string RandomHex();

// Maps an errno from a filesystem call to an error. `what` says what was being done
// ("writing the upload's temporary file"); `root` is config.root, named in the fix:
//   ENOSPC/EDQUOT -> RESOURCE_EXHAUSTED "NO_SPACE"      EACCES/EPERM -> PERMISSION_DENIED
//   EROFS -> FAILED_PRECONDITION "READ_ONLY_FILESYSTEM" EMFILE/ENFILE -> RESOURCE_EXHAUSTED
//   ENAMETOOLONG -> INVALID_ARGUMENT                    EIO -> UNAVAILABLE "IO_ERROR"
//   ENOENT -> NOT_FOUND                                 others -> UNKNOWN "IO_ERROR"
// The message always carries strerror's text. Never returns NULL.
pluton_error* ErrnoError(int err, const std::string& what, const std::string& root);

}  // namespace pluton::local_provider

#endif  // PLUTON_PLUGINS_LOCAL_LOCAL_FS_H_
