#include "store/master_key.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/log.h"

namespace pluton::storage {
namespace {

constexpr absl::string_view kLogComponent = "master-key";
constexpr size_t kHexSize = 2 * kMasterKeySize;
// A key file is 65 bytes; anything much larger is not one.
constexpr size_t kMaxFileSize = 4096;
constexpr char kHexDigits[] = "0123456789abcdef";

// Wipes a string holding key material when the scope ends.
class Wiper {
 public:
  explicit Wiper(std::string* s) : s_(s) {}
  ~Wiper() { OPENSSL_cleanse(s_->data(), s_->size()); }
  Wiper(const Wiper&) = delete;
  Wiper& operator=(const Wiper&) = delete;

 private:
  std::string* s_;
};

// Closes a file descriptor when the scope ends.
class ScopedFd {
 public:
  explicit ScopedFd(int fd) : fd_(fd) {}
  ~ScopedFd() {
    if (fd_ >= 0) ::close(fd_);
  }
  ScopedFd(const ScopedFd&) = delete;
  ScopedFd& operator=(const ScopedFd&) = delete;
  int get() const { return fd_; }
  // Closes now, reporting the error close(2) returns (a deferred write error on some file
  // systems).
  int Close() {
    int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

std::string OctalMode(mode_t mode) {
  std::string octal(4, '0');
  for (int i = 3; i >= 0; --i, mode >>= 3) octal[i] = static_cast<char>('0' + (mode & 7));
  return octal;
}

std::string ErrnoText(int error) { return std::strerror(error); }

std::string ExpectedFormat() {
  return absl::StrCat(kHexSize, " lowercase hexadecimal characters (", kMasterKeySize,
                      " bytes), optionally followed by a newline, as written by "
                      "`openssl rand -hex 32`");
}

// "/a/b" for "/a/b/key", "/" for "/key", "" for "key".
std::string ParentDir(const std::string& path) {
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return "";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// mkdir -p with mode 0700 for the directories it creates.
absl::Status MakeDirs(const std::string& dir) {
  if (dir.empty()) return absl::OkStatus();
  struct stat st;
  if (::stat(dir.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return absl::OkStatus();
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create the master key file: \"", dir, "\" is not a directory"));
  }
  for (size_t end = dir.find('/', 1);; end = dir.find('/', end + 1)) {
    std::string prefix = dir.substr(0, end);
    if (::mkdir(prefix.c_str(), 0700) != 0 && errno != EEXIST) {
      int error = errno;
      return absl::Status(error == EACCES || error == EPERM || error == EROFS
                              ? absl::StatusCode::kPermissionDenied
                              : absl::StatusCode::kUnavailable,
                          absl::StrCat("cannot create directory \"", prefix,
                                       "\" for the master key file: ", ErrnoText(error)));
    }
    if (end == std::string::npos) break;
  }
  return absl::OkStatus();
}

// Decodes `text` (key file content) into raw key bytes.
absl::StatusOr<std::string> ParseKeyFile(const std::string& path, absl::string_view text) {
  size_t end = text.find_last_not_of(" \t\r\n\v\f");
  text = end == absl::string_view::npos ? absl::string_view() : text.substr(0, end + 1);
  auto malformed = [&](absl::string_view found) {
    return absl::FailedPreconditionError(absl::StrCat("the master key file \"", path,
                                                      "\" is malformed: expected ",
                                                      ExpectedFormat(), "; found ", found));
  };
  if (text.size() != kHexSize) {
    return malformed(absl::StrCat(text.size(), " characters"));
  }
  std::string key(kMasterKeySize, '\0');
  for (size_t i = 0; i < kHexSize; ++i) {
    char c = text[i];
    int nibble;
    if (c >= '0' && c <= '9') {
      nibble = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      nibble = c - 'a' + 10;
    } else {
      OPENSSL_cleanse(key.data(), key.size());
      return malformed(absl::StrCat("a character that is not lowercase hexadecimal at offset ", i));
    }
    key[i / 2] = static_cast<char>((key[i / 2] << 4) | nibble);
  }
  return key;
}

// The key in the existing file at `path`; NOT_FOUND (with an empty message, the caller
// words it) when there is no such file.
absl::StatusOr<std::string> LoadMasterKey(const std::string& path) {
  ScopedFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (fd.get() < 0) {
    int error = errno;
    if (error == ENOENT) return absl::NotFoundError("");
    return absl::Status(
        error == EACCES || error == EPERM ? absl::StatusCode::kPermissionDenied
                                          : absl::StatusCode::kUnavailable,
        absl::StrCat("cannot open the master key file \"", path, "\": ", ErrnoText(error)));
  }
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) {
    int error = errno;
    return absl::UnavailableError(
        absl::StrCat("cannot inspect the master key file \"", path, "\": ", ErrnoText(error)));
  }
  if (!S_ISREG(st.st_mode)) {
    return absl::FailedPreconditionError(
        absl::StrCat("the master key file \"", path, "\" is not a regular file"));
  }
  if ((st.st_mode & 077) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("the master key file \"", path, "\" is accessible by group or others (mode ",
                     OctalMode(st.st_mode), "); restrict it with `chmod 600 ", path,
                     "` (for a Kubernetes Secret volume, set defaultMode: 0400)"));
  }

  std::string content(kMaxFileSize + 1, '\0');
  Wiper wipe_content(&content);
  size_t size = 0;
  while (size < content.size()) {
    ssize_t n = ::read(fd.get(), content.data() + size, content.size() - size);
    if (n < 0) {
      if (errno == EINTR) continue;
      int error = errno;
      return absl::UnavailableError(
          absl::StrCat("cannot read the master key file \"", path, "\": ", ErrnoText(error)));
    }
    if (n == 0) break;
    size += static_cast<size_t>(n);
  }
  if (size > kMaxFileSize) {
    return absl::FailedPreconditionError(
        absl::StrCat("the master key file \"", path, "\" is malformed: expected ", ExpectedFormat(),
                     "; found more than ", kMaxFileSize, " bytes"));
  }
  return ParseKeyFile(path, absl::string_view(content.data(), size));
}

absl::Status WriteAll(int fd, absl::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return absl::ErrnoToStatus(errno, "write");
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

// Flushes the directory entry of a newly published file.
absl::Status SyncDir(const std::string& dir) {
  ScopedFd fd(::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return absl::ErrnoToStatus(errno, "open");
  if (::fsync(fd.get()) != 0 && errno != EINVAL && errno != ENOTSUP) {
    return absl::ErrnoToStatus(errno, "fsync");
  }
  return absl::OkStatus();
}

// Publishes `from` as `to` unless `to` exists (then fails with EEXIST). Returns 0 or errno.
int RenameNoReplace(const std::string& from, const std::string& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) {
    return 0;
  }
  int error = errno;
  if (error != EINVAL && error != ENOSYS && error != ENOTSUP) return error;
  // The file system does not support RENAME_NOREPLACE: link(2) never replaces either.
  if (::link(from.c_str(), to.c_str()) != 0) return errno;
  ::unlink(from.c_str());
  return 0;
}

// Writes a fresh key to `path`, which did not exist. If another process creates it first,
// returns the key that process wrote.
absl::StatusOr<std::string> CreateMasterKey(const std::string& path) {
  std::string dir = ParentDir(path);
  if (absl::Status status = MakeDirs(dir); !status.ok()) return status;

  std::string key(kMasterKeySize, '\0');
  Wiper wipe_key(&key);
  unsigned char suffix[8];
  if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), kMasterKeySize) != 1 ||
      RAND_bytes(suffix, sizeof(suffix)) != 1) {
    ERR_clear_error();
    return absl::InternalError("the random number generator failed to produce a master key");
  }
  std::string hex;
  Wiper wipe_hex(&hex);
  hex.reserve(kHexSize + 1);
  for (char byte : key) {
    hex.push_back(kHexDigits[(static_cast<unsigned char>(byte) >> 4) & 0xf]);
    hex.push_back(kHexDigits[static_cast<unsigned char>(byte) & 0xf]);
  }
  hex.push_back('\n');

  std::string temp_path = absl::StrCat(path, ".tmp-");
  for (unsigned char byte : suffix) {
    temp_path.push_back(kHexDigits[byte >> 4]);
    temp_path.push_back(kHexDigits[byte & 0xf]);
  }
  ScopedFd fd(
      ::open(temp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (fd.get() < 0) {
    int error = errno;
    return absl::Status(
        error == EACCES || error == EPERM || error == EROFS ? absl::StatusCode::kPermissionDenied
                                                            : absl::StatusCode::kUnavailable,
        absl::StrCat("cannot create the master key file \"", path, "\": ", ErrnoText(error)));
  }
  absl::Status written = WriteAll(fd.get(), hex);
  if (written.ok() && ::fsync(fd.get()) != 0) written = absl::ErrnoToStatus(errno, "fsync");
  if (written.ok() && fd.Close() != 0) written = absl::ErrnoToStatus(errno, "close");
  if (!written.ok()) {
    ::unlink(temp_path.c_str());
    return absl::UnavailableError(
        absl::StrCat("cannot write the master key file \"", temp_path, "\": ", written.message()));
  }

  int error = RenameNoReplace(temp_path, path);
  if (error != 0) {
    ::unlink(temp_path.c_str());
    if (error == EEXIST) {
      // Another process created the key meanwhile: use that one.
      return LoadMasterKey(path);
    }
    return absl::UnavailableError(
        absl::StrCat("cannot publish the master key file \"", path, "\": ", ErrnoText(error)));
  }
  if (absl::Status synced = SyncDir(dir); !synced.ok()) {
    // The file's content is durable; only its directory entry might not survive a crash.
    // Removing the file now could race with another process already using it, so go on.
    LogWarning(kLogComponent, "could not flush the directory of ", path, ": ", synced.message());
  }
  LogInfo(kLogComponent, "generated a new master key at ", path,
          "; back it up: secrets sealed with it cannot be recovered without it");
  return std::string(key);
}

}  // namespace

absl::StatusOr<std::string> LoadOrCreateMasterKey(const std::string& path, bool create_if_missing) {
  if (path.empty()) {
    return absl::InvalidArgumentError("no master key file given: set --master_key_file");
  }
  absl::StatusOr<std::string> key = LoadMasterKey(path);
  if (!absl::IsNotFound(key.status())) return key;
  if (!create_if_missing) {
    return absl::NotFoundError(
        absl::StrCat("the master key file \"", path,
                     "\" (--master_key_file) does not exist; create one with "
                     "`umask 077; openssl rand -hex 32 > ",
                     path, "` or point --master_key_file at the existing key"));
  }
  return CreateMasterKey(path);
}

}  // namespace pluton::storage
