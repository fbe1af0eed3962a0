// DontDumpBytes: a small fixed-size buffer for key material, on pages of its own that are
// marked MADV_DONTDUMP (left out of every core dump, also one taken of a dumpable process, e.g.
// by gcore as root) and locked in memory where the limit allows (mlock: never written to
// swap). Wiped (OPENSSL_cleanse) and unmapped when destroyed.
//
//   ASSIGN_OR_RETURN(std::unique_ptr<DontDumpBytes> key, DontDumpBytes::Create(32));
//   std::copy(raw.begin(), raw.end(), key->data());
//
// The process is non-dumpable as well (server/process_hardening.h); this keeps the keys out of
// a dump when that is undone or bypassed. Other secrets (a storage's plaintext credentials
// while in use) live in ordinary memory.
//
// Thread safety: the buffer is plain memory: concurrent reads are safe, writes need the
// owner's synchronization. Not copyable or movable (callers hold it by pointer).
#ifndef PLUTON_SERVICE_COMMON_DONT_DUMP_BYTES_H_
#define PLUTON_SERVICE_COMMON_DONT_DUMP_BYTES_H_

#include <cstddef>
#include <memory>

#include "absl/status/statusor.h"

namespace pluton::storage {

class DontDumpBytes {
 public:
  // `size` zeroed bytes (1 or more). INTERNAL naming the call when mmap or madvise fails; an
  // mlock refused by RLIMIT_MEMLOCK is not an error (the pages may then be swapped).
  static absl::StatusOr<std::unique_ptr<DontDumpBytes>> Create(size_t size);
  ~DontDumpBytes();
  DontDumpBytes(const DontDumpBytes&) = delete;
  DontDumpBytes& operator=(const DontDumpBytes&) = delete;

  unsigned char* data() { return static_cast<unsigned char*>(pages_); }
  const unsigned char* data() const { return static_cast<const unsigned char*>(pages_); }
  size_t size() const { return size_; }
  bool locked() const { return locked_; }

 private:
  DontDumpBytes(void* pages, size_t size, size_t mapped, bool locked)
      : pages_(pages), size_(size), mapped_(mapped), locked_(locked) {}

  void* const pages_;
  const size_t size_;
  const size_t mapped_;  // whole pages
  const bool locked_;
};

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_COMMON_DONT_DUMP_BYTES_H_
