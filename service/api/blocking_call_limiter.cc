#include "api/blocking_call_limiter.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/rich_status.h"

namespace pluton::storage {
namespace {

constexpr char kStorageShareFlag[] = "--storage_share_percent";
constexpr char kCallerShareFlag[] = "--caller_share_percent";

// `percent` of `pool`, rounded up, at least one call.
int ShareOf(int pool, int percent) { return std::max(1, (pool * percent + 99) / 100); }

absl::Status Refusal(absl::string_view message, absl::string_view reason) {
  return MakeRichStatus(absl::StatusCode::kResourceExhausted, message, reason);
}

// Whether `key` (counted when not empty) holds `share` calls already.
bool Holds(const absl::flat_hash_map<std::string, int>& counts, const std::string& key, int share) {
  if (key.empty()) return false;
  auto it = counts.find(key);
  return it != counts.end() && it->second >= share;
}

void Decrement(absl::flat_hash_map<std::string, int>& counts, const std::string& key) {
  if (key.empty()) return;
  auto it = counts.find(key);
  if (it != counts.end() && --it->second <= 0) counts.erase(it);
}

}  // namespace

CallSlot::CallSlot(CallSlot&& other) noexcept
    : limiter_(std::exchange(other.limiter_, nullptr)), keys_(std::move(other.keys_)) {}

CallSlot& CallSlot::operator=(CallSlot&& other) noexcept {
  if (this != &other) {
    Reset();
    limiter_ = std::exchange(other.limiter_, nullptr);
    keys_ = std::move(other.keys_);
  }
  return *this;
}

void CallSlot::Reset() {
  if (limiter_ == nullptr) return;
  std::exchange(limiter_, nullptr)->Release(keys_);
}

BlockingCallLimiter::BlockingCallLimiter(CallPoolSpec spec, FairShares shares, CallCutoff* cutoff)
    : spec_(std::move(spec)),
      storage_share_(ShareOf(spec_.max_calls, shares.storage_percent)),
      caller_share_(ShareOf(spec_.max_calls, shares.caller_percent)),
      cutoff_(cutoff) {}

absl::StatusOr<CallSlot> BlockingCallLimiter::TryAcquire(const CallShareKeys& keys) {
  std::lock_guard<std::mutex> lock(mu_);
  if (running_ >= spec_.max_calls) {
    const std::string size = spec_.size_flag.empty()
                                 ? absl::StrCat(spec_.max_calls)
                                 : absl::StrCat(spec_.max_calls, ", ", spec_.size_flag);
    return Refusal(absl::StrCat("the service is running as many ", spec_.kind, " as it allows (",
                                size, "); retry shortly"),
                   spec_.full_reason);
  }
  if (Holds(by_storage_, keys.storage, storage_share_)) {
    return ShareRefusal(absl::StrCat("storage \"", keys.storage_label, "\""), "storage",
                        storage_share_, kStorageShareFlag, "TOO_MANY_CALLS_ON_STORAGE");
  }
  if (Holds(by_caller_, keys.caller, caller_share_)) {
    return ShareRefusal(absl::StrCat("caller \"", keys.caller, "\""), "caller", caller_share_,
                        kCallerShareFlag, "TOO_MANY_CALLS_FROM_CALLER");
  }
  ++running_;
  if (!keys.storage.empty()) ++by_storage_[keys.storage];
  if (!keys.caller.empty()) ++by_caller_[keys.caller];
  return CallSlot(this, keys);
}

absl::Status BlockingCallLimiter::ShareRefusal(absl::string_view who, absl::string_view what,
                                               int share, absl::string_view flag,
                                               absl::string_view reason) const {
  return Refusal(absl::StrCat(who, " has as many ", spec_.kind, " running as one ", what, " may (",
                              share, " of ", spec_.max_calls, ", ", flag,
                              "), so that it cannot starve the others; retry shortly"),
                 reason);
}

int BlockingCallLimiter::running() const {
  std::lock_guard<std::mutex> lock(mu_);
  return running_;
}

void BlockingCallLimiter::Release(const CallShareKeys& keys) {
  std::lock_guard<std::mutex> lock(mu_);
  --running_;
  Decrement(by_storage_, keys.storage);
  Decrement(by_caller_, keys.caller);
}

}  // namespace pluton::storage
