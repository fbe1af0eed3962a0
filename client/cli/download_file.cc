#include "client/cli/download_file.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <vector>

#include "absl/strings/escaping.h"
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

// The filesystem (or the file) takes no user xattrs: there is simply no record.
bool NoUserXattrs(int error) { return error == ENOTSUP || error == EOPNOTSUPP; }

struct EvpMdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

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
  regular_ = S_ISREG(st.st_mode);
  return absl::OkStatus();
}

absl::StatusOr<std::string> DownloadFile::RecordedEtag() const {
  if (!regular_) return std::string();
  // The value may be replaced between asking its size and reading it: ERANGE, ask again.
  for (int attempt = 0; attempt < 3; ++attempt) {
    const ssize_t size = ::fgetxattr(fd_, kEtagXattr, nullptr, 0);
    if (size < 0 && (errno == ENODATA || NoUserXattrs(errno))) return std::string();
    if (size < 0) break;
    std::vector<char> value(static_cast<size_t>(size));
    const ssize_t n = ::fgetxattr(fd_, kEtagXattr, value.data(), value.size());
    if (n >= 0) return std::string(value.data(), static_cast<size_t>(n));
    if (errno == ENODATA) return std::string();
    if (errno != ERANGE) break;
  }
  return absl::ErrnoToStatus(errno, absl::StrCat("cannot read ", kEtagXattr, " of ", path_));
}

absl::Status DownloadFile::RecordEtag(const std::string& etag) {
  if (!regular_) return absl::OkStatus();
  const int result = etag.empty()
                         ? ::fremovexattr(fd_, kEtagXattr)
                         : ::fsetxattr(fd_, kEtagXattr, etag.data(), etag.size(), /*flags=*/0);
  if (result == 0 || NoUserXattrs(errno) || (etag.empty() && errno == ENODATA)) {
    return absl::OkStatus();
  }
  return absl::ErrnoToStatus(
      errno, absl::StrCat("cannot record the object's ETag on ", path_, " (", kEtagXattr, ")"));
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

absl::StatusOr<std::string> FileMd5Hex(const std::string& path) {
  const int fd = OpenRetrying(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return absl::ErrnoToStatus(errno, absl::StrCat("cannot open ", path));
  struct FdCloser {
    int fd;
    ~FdCloser() { ::close(fd); }
  } closer{fd};
  std::unique_ptr<EVP_MD_CTX, EvpMdCtxFree> ctx(EVP_MD_CTX_new());
  if (ctx == nullptr || EVP_DigestInit_ex(ctx.get(), EVP_md5(), nullptr) != 1) {
    return absl::InternalError("cannot start an MD5 digest (OpenSSL)");
  }
  std::vector<char> buffer(kFileHashBufferSize);
  while (true) {
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return absl::ErrnoToStatus(errno, absl::StrCat("cannot read ", path));
    if (n == 0) break;
    if (EVP_DigestUpdate(ctx.get(), buffer.data(), static_cast<size_t>(n)) != 1) {
      return absl::InternalError("MD5 digest failed (OpenSSL)");
    }
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_DigestFinal_ex(ctx.get(), digest, &size) != 1) {
    return absl::InternalError("MD5 digest failed (OpenSSL)");
  }
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), static_cast<size_t>(size)));
}

}  // namespace pluton::storage::client
