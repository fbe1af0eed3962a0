#include "local_xattr.h"

#include <sys/types.h>
#include <sys/xattr.h>

#include <cerrno>
#include <utility>

namespace pluton::local_provider {
namespace {

// Attributes may change between asking for the size and reading: retry that many times.
constexpr int kSizeRetries = 4;

}  // namespace

int ReadXattr(int fd, const char* name, std::string* value) {
  for (int attempt = 0; attempt < kSizeRetries; ++attempt) {
    const ssize_t size = ::fgetxattr(fd, name, nullptr, 0);
    if (size < 0) return errno;
    std::string buffer(static_cast<size_t>(size), '\0');
    const ssize_t got = ::fgetxattr(fd, name, buffer.data(), buffer.size());
    if (got < 0) {
      if (errno == ERANGE) continue;  // grew in between
      return errno;
    }
    buffer.resize(static_cast<size_t>(got));
    *value = std::move(buffer);
    return 0;
  }
  return ERANGE;
}

int WriteXattr(int fd, const std::string& name, std::string_view value) {
  return ::fsetxattr(fd, name.c_str(), value.data(), value.size(), 0) == 0 ? 0 : errno;
}

int ListXattrNames(int fd, std::vector<std::string>* names) {
  names->clear();
  for (int attempt = 0; attempt < kSizeRetries; ++attempt) {
    const ssize_t size = ::flistxattr(fd, nullptr, 0);
    if (size < 0) return errno;
    std::string buffer(static_cast<size_t>(size), '\0');
    const ssize_t got = ::flistxattr(fd, buffer.data(), buffer.size());
    if (got < 0) {
      if (errno == ERANGE) continue;
      return errno;
    }
    // NUL-terminated names, one after the other.
    size_t start = 0;
    while (start < static_cast<size_t>(got)) {
      size_t end = buffer.find('\0', start);
      if (end == std::string::npos || end > static_cast<size_t>(got))
        end = static_cast<size_t>(got);
      if (end > start) names->push_back(buffer.substr(start, end - start));
      start = end + 1;
    }
    return 0;
  }
  return ERANGE;
}

std::string ReadStoredMd5(int fd) {
  char md5[16];
  const ssize_t got = ::fgetxattr(fd, kMd5Xattr, md5, sizeof(md5));
  if (got != static_cast<ssize_t>(sizeof(md5))) return "";
  return std::string(md5, sizeof(md5));
}

std::string HexOf(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    out += kHex[b >> 4];
    out += kHex[b & 0xf];
  }
  return out;
}

}  // namespace pluton::local_provider
