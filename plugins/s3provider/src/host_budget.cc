#include "pluton/s3provider/host_budget.h"

#include <string>

#include "pluton/storage_plugin.h"

namespace pluton::s3provider {
namespace {

// What the token handed to the host looks at. Lives on Reserve's stack for the call.
struct WaitLimit {
  const s3::CancelCheck* cancelled;
  bool has_deadline;
  absl::Time deadline;
  bool caller_cancelled = false;  // set when the caller's check fired

  // The host calls this from C: nothing may throw out of it.
  static int IsCancelled(void* ctx) noexcept {
    auto* self = static_cast<WaitLimit*>(ctx);
    try {
      if (*self->cancelled && (*self->cancelled)()) {
        self->caller_cancelled = true;
        return 1;
      }
    } catch (...) {
      self->caller_cancelled = true;  // a throwing check cannot tell us to go on
      return 1;
    }
    return self->has_deadline && absl::Now() >= self->deadline ? 1 : 0;
  }
};

}  // namespace

absl::Status HostBudget::Reserve(uint64_t bytes, absl::Duration max_wait,
                                 const s3::CancelCheck& cancelled) {
  WaitLimit limit{&cancelled, max_wait != absl::InfiniteDuration(), absl::InfiniteFuture()};
  if (limit.has_deadline) limit.deadline = absl::Now() + max_wait;
  const pluton_cancel_token token{&WaitLimit::IsCancelled, &limit};
  const int32_t code = host_.ReserveBudget(bytes, &token);
  switch (code) {
    case PLUTON_OK:
      return absl::OkStatus();
    case PLUTON_CANCELLED:
      if (limit.caller_cancelled || !limit.has_deadline) {
        return absl::CancelledError("the upload was cancelled while waiting for buffer memory");
      }
      return absl::DeadlineExceededError("no upload buffer memory became free within " +
                                         absl::FormatDuration(max_wait));
    case PLUTON_RESOURCE_EXHAUSTED:
      return absl::ResourceExhaustedError(
          "a part buffer of " + std::to_string(bytes) +
          " bytes is larger than the service's whole upload buffer budget; lower chunk_size "
          "(and upload_concurrency) in the storage configuration, or raise the service's "
          "upload memory limit");
    default:
      return absl::InternalError("the host's reserve_buffer_budget answered code " +
                                 std::to_string(code));
  }
}

void HostBudget::Release(uint64_t bytes) { host_.ReleaseBudget(bytes); }

}  // namespace pluton::s3provider
