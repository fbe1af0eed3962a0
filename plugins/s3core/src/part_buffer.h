// PartBuffer: one part's bytes, in memory reserved from a BufferBudget for as long as the
// buffer lives. StreamingUpload fills it (the one copy of the data), then hands its span to
// UploadPart or PutObject, then clears and reuses it.
//
//   absl::StatusOr<std::unique_ptr<PartBuffer>> buffer =
//       PartBuffer::Create(budget, 5 << 20, absl::Milliseconds(200), cancelled);
//   size_t taken = (*buffer)->Append(data, size);   // up to the free capacity
//   client.UploadPart(..., {(*buffer)->bytes()}, ...);
//   (*buffer)->Clear();                              // reuse for the next part
//
// The memory is left uninitialized (no zeroing pass) and never exposed beyond size().
//
// Thread safety: none; one owner at a time (the writer, then one sender thread). The budget
// is borrowed and must outlive the buffer.
#ifndef PLUTON_PLUGINS_S3CORE_SRC_PART_BUFFER_H_
#define PLUTON_PLUGINS_S3CORE_SRC_PART_BUFFER_H_

#include <cstddef>
#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "pluton/s3/http_transport.h"
#include "pluton/s3/streaming_upload.h"

namespace pluton::s3::internal {

class PartBuffer {
 public:
  // Reserves `capacity` bytes from `budget` (BufferBudget::Reserve's statuses pass through),
  // then allocates them; RESOURCE_EXHAUSTED if the allocation fails (the reservation is
  // returned).
  static absl::StatusOr<std::unique_ptr<PartBuffer>> Create(BufferBudget* budget, uint64_t capacity,
                                                            absl::Duration max_wait,
                                                            const CancelCheck& cancelled);
  ~PartBuffer();  // frees the memory and releases the reservation
  PartBuffer(const PartBuffer&) = delete;
  PartBuffer& operator=(const PartBuffer&) = delete;

  // Copies min(size, capacity() - size()) bytes of `data` to the end; returns that count.
  size_t Append(const uint8_t* data, size_t size);

  // Grows the capacity to `new_capacity` (> capacity()), keeping the content: reserves the
  // difference first (same statuses as Create), then moves to a new allocation.
  absl::Status Grow(uint64_t new_capacity, absl::Duration max_wait, const CancelCheck& cancelled);

  // Forgets the content (the memory and reservation stay, for the next part).
  void Clear() { size_ = 0; }

  absl::Span<const uint8_t> bytes() const { return {data_.get(), static_cast<size_t>(size_)}; }
  uint64_t size() const { return size_; }
  uint64_t capacity() const { return capacity_; }
  bool full() const { return size_ == capacity_; }

 private:
  PartBuffer(BufferBudget* budget, std::unique_ptr<uint8_t[]> data, uint64_t capacity);

  BufferBudget* const budget_;
  std::unique_ptr<uint8_t[]> data_;
  uint64_t capacity_ = 0;  // bytes allocated and reserved
  uint64_t size_ = 0;      // bytes filled
};

}  // namespace pluton::s3::internal

#endif  // PLUTON_PLUGINS_S3CORE_SRC_PART_BUFFER_H_
