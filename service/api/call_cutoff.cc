#include "api/call_cutoff.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/rich_status.h"

namespace pluton::storage {

CallCutoff::Registration::Registration(Registration&& other) noexcept
    : owner_(std::exchange(other.owner_, nullptr)), id_(other.id_) {}

CallCutoff::Registration& CallCutoff::Registration::operator=(Registration&& other) noexcept {
  if (this != &other) {
    Drop();
    owner_ = std::exchange(other.owner_, nullptr);
    id_ = other.id_;
  }
  return *this;
}

void CallCutoff::Registration::Drop() {
  if (owner_ != nullptr) std::exchange(owner_, nullptr)->Unregister(id_);
}

CallCutoff::Registration CallCutoff::Register(std::function<void()> on_cut_off) {
  std::lock_guard<std::mutex> lock(mu_);
  if (cut_off_) on_cut_off();
  const uint64_t id = next_id_++;
  calls_.emplace(id, std::move(on_cut_off));
  return Registration(this, id);
}

void CallCutoff::Unregister(uint64_t id) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    calls_.erase(id);
  }
  calls_changed_.notify_all();
}

void CallCutoff::CutOffAll() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (cut_off_) return;
    cut_off_ = true;
    for (auto& [id, on_cut_off] : calls_) on_cut_off();
  }
  calls_changed_.notify_all();
}

bool CallCutoff::WaitUntilNoCallsOrCutOff(absl::Time deadline) {
  std::unique_lock<std::mutex> lock(mu_);
  calls_changed_.wait_until(lock, absl::ToChronoTime(deadline),
                            [this] { return calls_.empty() || cut_off_; });
  return calls_.empty() || cut_off_;
}

bool CallCutoff::cut_off() const {
  std::lock_guard<std::mutex> lock(mu_);
  return cut_off_;
}

absl::Status CutOffByShutdown(const absl::Status& cause) {
  if (cause.ok()) return cause;
  return MakeRichStatus(absl::StatusCode::kCancelled,
                        absl::StrCat("the service is shutting down and its grace period ended "
                                     "before this call finished; retry (another replica, or this "
                                     "one once restarted, will serve it): ",
                                     cause.message()),
                        "SERVICE_SHUTTING_DOWN");
}

}  // namespace pluton::storage
