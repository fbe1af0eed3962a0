#include "plugin/host_services.h"

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/log.h"

namespace pluton::storage {
namespace {

// How often a waiting Reserve re-checks its cancel token.
constexpr std::chrono::milliseconds kCancelPollInterval(50);

// The HostServices whose budget the C table routes to. The table has no context pointer, so
// there can be only one (see HostServices).
std::atomic<HostServices*> g_live_host{nullptr};

bool IsCancelled(const pluton_cancel_token* cancel) {
  return cancel != nullptr && cancel->is_cancelled != nullptr &&
         cancel->is_cancelled(cancel->ctx) != 0;
}

// `level` is the raw value a plugin passed: a C plugin may pass any int as a pluton_log_level,
// and reading one outside the enumerators' range as the C++ enum type is undefined behaviour.
LogLevel ToLogLevel(int32_t level) {
  switch (level) {
    case PLUTON_LOG_DEBUG:
      return LogLevel::kDebug;
    case PLUTON_LOG_INFO:
      return LogLevel::kInfo;
    case PLUTON_LOG_WARNING:
      return LogLevel::kWarning;
    case PLUTON_LOG_ERROR:
      return LogLevel::kError;
  }
  return LogLevel::kInfo;  // A level from a future ABI minor.
}

// The functions of the pluton_host_api table. They are called from C frames, so nothing may
// throw out of them.

void HostLog(pluton_log_level level, const char* plugin_id, const char* message) noexcept {
  int32_t raw_level = 0;  // the bytes, not the enum: see ToLogLevel
  static_assert(sizeof(level) == sizeof(raw_level), "pluton_log_level is an int");
  std::memcpy(&raw_level, &level, sizeof(raw_level));
  try {
    std::string text = message != nullptr ? message : "";
    // One event, one line: a plugin cannot forge further log lines.
    for (char& c : text) {
      if (c == '\n' || c == '\r') c = ' ';
    }
    Log(ToLogLevel(raw_level),
        absl::StrCat("plugin:", plugin_id != nullptr && plugin_id[0] != '\0' ? plugin_id : "?"),
        text);
  } catch (...) {
    // Logging is best effort; out of memory here is not worth failing the plugin for.
  }
}

int32_t HostReserveBufferBudget(uint64_t bytes, const pluton_cancel_token* cancel) noexcept {
  HostServices* host = g_live_host.load(std::memory_order_acquire);
  if (host == nullptr) {
    // Only reachable if a plugin outlives the HostServices, which the contract forbids.
    return PLUTON_FAILED_PRECONDITION;
  }
  try {
    return host->budget().Reserve(bytes, cancel);
  } catch (...) {
    return PLUTON_INTERNAL;
  }
}

void HostReleaseBufferBudget(uint64_t bytes) noexcept {
  HostServices* host = g_live_host.load(std::memory_order_acquire);
  if (host == nullptr) return;
  try {
    host->budget().Release(bytes);
  } catch (...) {
  }
}

}  // namespace

MemoryBudget::MemoryBudget(uint64_t capacity_bytes) : capacity_(capacity_bytes) {}

int32_t MemoryBudget::Reserve(uint64_t bytes, const pluton_cancel_token* cancel) {
  if (bytes > capacity_) return PLUTON_RESOURCE_EXHAUSTED;
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    // in_use_ <= capacity_ always holds, so the subtraction cannot wrap.
    if (bytes <= capacity_ - in_use_) {
      in_use_ += bytes;
      return PLUTON_OK;
    }
    // The token is foreign code: never call it with the lock held.
    lock.unlock();
    const bool cancelled = IsCancelled(cancel);
    lock.lock();
    if (cancelled) return PLUTON_CANCELLED;
    if (bytes <= capacity_ - in_use_) continue;
    ++waiters_;
    freed_.wait_for(lock, kCancelPollInterval);
    --waiters_;
  }
}

void MemoryBudget::Release(uint64_t bytes) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (bytes > in_use_) {
      LogError("plugins", "buffer budget: released ", bytes, " bytes but only ", in_use_,
               " are reserved; a plugin releases more than it reserved");
      in_use_ = 0;
    } else {
      in_use_ -= bytes;
    }
  }
  // Waiters want different amounts: wake them all and let each re-check.
  freed_.notify_all();
}

uint64_t MemoryBudget::in_use() const {
  std::lock_guard<std::mutex> lock(mu_);
  return in_use_;
}

int MemoryBudget::waiters() const {
  std::lock_guard<std::mutex> lock(mu_);
  return waiters_;
}

HostServices::HostServices(uint64_t upload_budget_bytes) : budget_(upload_budget_bytes), api_{} {
  api_.struct_size = sizeof(pluton_host_api);
  api_.abi_major = PLUTON_PLUGIN_ABI_MAJOR;
  api_.abi_minor = PLUTON_PLUGIN_ABI_MINOR;
  api_.log = &HostLog;
  api_.reserve_buffer_budget = &HostReserveBufferBudget;
  api_.release_buffer_budget = &HostReleaseBufferBudget;

  HostServices* expected = nullptr;
  if (!g_live_host.compare_exchange_strong(expected, this, std::memory_order_acq_rel)) {
    // A programming error: plugins would silently draw from the other instance's budget.
    LogError("plugins",
             "a second HostServices was created while another is alive; only one may exist "
             "per process");
    std::abort();
  }
}

HostServices::~HostServices() {
  HostServices* expected = this;
  g_live_host.compare_exchange_strong(expected, nullptr, std::memory_order_acq_rel);
}

}  // namespace pluton::storage
