#include "part_buffer.h"

#include <algorithm>
#include <cstring>
#include <new>
#include <utility>

#include "absl/strings/str_cat.h"

namespace pluton::s3::internal {
namespace {

// `bytes` of uninitialized memory (new[] of a trivial type does not zero it), or nullptr.
std::unique_ptr<uint8_t[]> Allocate(uint64_t bytes) {
  if (bytes == 0) return nullptr;
  if (bytes > SIZE_MAX) return nullptr;
  return std::unique_ptr<uint8_t[]>(new (std::nothrow) uint8_t[static_cast<size_t>(bytes)]);
}

}  // namespace

absl::StatusOr<std::unique_ptr<PartBuffer>> PartBuffer::Create(BufferBudget* budget,
                                                               uint64_t capacity,
                                                               absl::Duration max_wait,
                                                               const CancelCheck& cancelled) {
  if (capacity > 0) {
    if (absl::Status s = budget->Reserve(capacity, max_wait, cancelled); !s.ok()) return s;
  }
  std::unique_ptr<uint8_t[]> data = Allocate(capacity);
  if (capacity > 0 && data == nullptr) {
    budget->Release(capacity);
    return absl::ResourceExhaustedError(
        absl::StrCat("cannot allocate an upload buffer of ", capacity, " bytes"));
  }
  return std::unique_ptr<PartBuffer>(new PartBuffer(budget, std::move(data), capacity));
}

PartBuffer::PartBuffer(BufferBudget* budget, std::unique_ptr<uint8_t[]> data, uint64_t capacity)
    : budget_(budget), data_(std::move(data)), capacity_(capacity) {}

PartBuffer::~PartBuffer() {
  data_.reset();
  if (capacity_ > 0) budget_->Release(capacity_);
}

size_t PartBuffer::Append(const uint8_t* data, size_t size) {
  const size_t n = static_cast<size_t>(std::min<uint64_t>(size, capacity_ - size_));
  if (n > 0) std::memcpy(data_.get() + size_, data, n);
  size_ += n;
  return n;
}

absl::Status PartBuffer::Grow(uint64_t new_capacity, absl::Duration max_wait,
                              const CancelCheck& cancelled) {
  if (new_capacity <= capacity_) return absl::OkStatus();
  const uint64_t extra = new_capacity - capacity_;
  if (absl::Status s = budget_->Reserve(extra, max_wait, cancelled); !s.ok()) return s;
  std::unique_ptr<uint8_t[]> data = Allocate(new_capacity);
  if (data == nullptr) {
    budget_->Release(extra);
    return absl::ResourceExhaustedError(
        absl::StrCat("cannot allocate an upload buffer of ", new_capacity, " bytes"));
  }
  if (size_ > 0) std::memcpy(data.get(), data_.get(), static_cast<size_t>(size_));
  data_ = std::move(data);
  capacity_ = new_capacity;
  return absl::OkStatus();
}

}  // namespace pluton::s3::internal
