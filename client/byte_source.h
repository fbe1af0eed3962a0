// ByteSource: where the bytes of an upload come from. StorageClient::Upload reads from it
// straight into the buffer of the message it sends next, so a source never allocates.
//
//   ASSIGN_OR_RETURN(std::unique_ptr<FdByteSource> file, FdByteSource::OpenFile(path));
//   client.Upload(header, *file, options);
//
// Thread safety: a source is used by one thread at a time.
#ifndef PLUTON_CLIENT_BYTE_SOURCE_H_
#define PLUTON_CLIENT_BYTE_SOURCE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace pluton::storage::client {

class ByteSource {
 public:
  virtual ~ByteSource() = default;

  // Reads up to `size` bytes into `buffer` and returns how many were read: 0 only at the end
  // of the data, possibly fewer than `size` before it. An error means the data cannot be
  // read completely; the upload is then cancelled.
  virtual absl::StatusOr<size_t> Read(char* buffer, size_t size) = 0;

  // Total size in bytes when known in advance (a regular file), otherwise -1.
  virtual int64_t size() const { return -1; }
};

// Reads a file descriptor: a file, a pipe, stdin. Retries on EINTR.
class FdByteSource : public ByteSource {
 public:
  // Opens `path` read-only. size() is the file's size when it is a regular file.
  static absl::StatusOr<std::unique_ptr<FdByteSource>> OpenFile(const std::string& path);

  // Reads standard input (not closed on destruction). size() is -1: a caller that knows the
  // size says so in the upload header.
  static std::unique_ptr<FdByteSource> Stdin();

  // Reads `fd`; `name` appears in error messages; the descriptor is closed on destruction
  // when `owned`. `size` is the known size or -1.
  FdByteSource(int fd, std::string name, bool owned, int64_t size);
  ~FdByteSource() override;
  FdByteSource(const FdByteSource&) = delete;
  FdByteSource& operator=(const FdByteSource&) = delete;

  absl::StatusOr<size_t> Read(char* buffer, size_t size) override;
  int64_t size() const override { return size_; }

 private:
  int fd_;
  std::string name_;
  bool owned_;
  int64_t size_;
};

// Reads from memory. The data is not copied and must outlive the source. Useful for tests
// and for callers that already hold the object in memory.
class MemoryByteSource : public ByteSource {
 public:
  explicit MemoryByteSource(absl::string_view data) : data_(data) {}
  // A temporary string would dangle: the source does not copy.
  explicit MemoryByteSource(std::string&&) = delete;
  // String literals live for the whole program.
  template <size_t N>
  explicit MemoryByteSource(const char (&literal)[N]) : data_(literal, N - 1) {}

  absl::StatusOr<size_t> Read(char* buffer, size_t size) override;
  int64_t size() const override { return static_cast<int64_t>(data_.size()); }

 private:
  absl::string_view data_;
  size_t offset_ = 0;
};

}  // namespace pluton::storage::client

#endif  // PLUTON_CLIENT_BYTE_SOURCE_H_
