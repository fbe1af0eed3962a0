#include "common/dont_dump_bytes.h"

#include <openssl/crypto.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace pluton::storage {

absl::StatusOr<std::unique_ptr<DontDumpBytes>> DontDumpBytes::Create(size_t size) {
  if (size == 0) return absl::InvalidArgumentError("DontDumpBytes: size must be at least 1");
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  const size_t mapped = (size + page - 1) / page * page;
  void* pages = mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (pages == MAP_FAILED) {
    return absl::InternalError(
        absl::StrCat("mmap of ", mapped, " bytes for key material: ", std::strerror(errno)));
  }
  if (madvise(pages, mapped, MADV_DONTDUMP) != 0) {
    const int error = errno;
    munmap(pages, mapped);
    return absl::InternalError(
        absl::StrCat("madvise(MADV_DONTDUMP) for key material: ", std::strerror(error)));
  }
  const bool locked = mlock(pages, mapped) == 0;
  return std::unique_ptr<DontDumpBytes>(new DontDumpBytes(pages, size, mapped, locked));
}

DontDumpBytes::~DontDumpBytes() {
  OPENSSL_cleanse(pages_, mapped_);
  if (locked_) munlock(pages_, mapped_);
  munmap(pages_, mapped_);
}

}  // namespace pluton::storage
