// TestBudget: a BufferBudget of fixed capacity that records how it was used (peak bytes
// reserved, waits that timed out or were cancelled), for StreamingUpload tests.
#ifndef PLUTON_TESTS_S3CORE_TEST_BUDGET_H_
#define PLUTON_TESTS_S3CORE_TEST_BUDGET_H_

#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <mutex>

#include "absl/time/clock.h"
#include "pluton/s3/streaming_upload.h"

namespace pluton::s3::testing {

class TestBudget final : public BufferBudget {
 public:
  explicit TestBudget(uint64_t capacity) : capacity_(capacity) {}

  absl::Status Reserve(uint64_t bytes, absl::Duration max_wait,
                       const CancelCheck& cancelled) override {
    if (bytes > capacity_) return absl::ResourceExhaustedError("larger than the whole budget");
    const absl::Time deadline =
        max_wait == absl::InfiniteDuration() ? absl::InfiniteFuture() : absl::Now() + max_wait;
    std::unique_lock<std::mutex> lock(mu_);
    while (in_use_ + bytes > capacity_) {
      if (cancelled && cancelled()) {
        ++cancelled_waits_;
        return absl::CancelledError("budget wait cancelled");
      }
      if (absl::Now() >= deadline) {
        ++timed_out_waits_;
        return absl::DeadlineExceededError("budget wait timed out");
      }
      cv_.wait_for(lock, std::chrono::milliseconds(10));
    }
    in_use_ += bytes;
    peak_ = std::max(peak_, in_use_);
    ++reservations_;
    return absl::OkStatus();
  }

  void Release(uint64_t bytes) override {
    std::lock_guard<std::mutex> lock(mu_);
    in_use_ -= bytes;
    cv_.notify_all();
  }

  uint64_t in_use() const {
    std::lock_guard<std::mutex> lock(mu_);
    return in_use_;
  }
  uint64_t peak() const {
    std::lock_guard<std::mutex> lock(mu_);
    return peak_;
  }
  int reservations() const {
    std::lock_guard<std::mutex> lock(mu_);
    return reservations_;
  }
  int timed_out_waits() const {
    std::lock_guard<std::mutex> lock(mu_);
    return timed_out_waits_;
  }
  int cancelled_waits() const {
    std::lock_guard<std::mutex> lock(mu_);
    return cancelled_waits_;
  }

 private:
  const uint64_t capacity_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  uint64_t in_use_ = 0;
  uint64_t peak_ = 0;
  int reservations_ = 0;
  int timed_out_waits_ = 0;
  int cancelled_waits_ = 0;
};

}  // namespace pluton::s3::testing

#endif  // PLUTON_TESTS_S3CORE_TEST_BUDGET_H_
