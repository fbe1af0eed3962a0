// The host services a plugin received in its entry function (pluton_host_api): logging and the
// service-wide upload buffer budget.
//
// Lifetime: the host table lives until the plugin is unloaded (ABI contract), so a
// HostContext that stores it is valid for as long as the plugin's code runs.
// Thread safety: Set() is meant to be called once, from the entry function, before the table
// is returned; it is nevertheless atomic, so every other method may run concurrently with it
// and with each other. The host functions themselves are thread-safe (ABI contract).
#ifndef PLUTON_PLUGINS_SDK_HOST_CONTEXT_H_
#define PLUTON_PLUGINS_SDK_HOST_CONTEXT_H_

#include <atomic>
#include <cstdint>
#include <string>

#include "pluton/storage_plugin.h"

namespace pluton::plugin_sdk {

class HostContext {
 public:
  // `plugin_id` is passed to host->log; it must have static lifetime (a string literal).
  explicit constexpr HostContext(const char* plugin_id) noexcept : plugin_id_(plugin_id) {}
  HostContext(const HostContext&) = delete;
  HostContext& operator=(const HostContext&) = delete;

  // Whether a plugin built against this SDK speaks `host`'s ABI: non-NULL, large enough to
  // hold abi_major, and abi_major == PLUTON_PLUGIN_ABI_MAJOR. The entry function returns NULL
  // when this is false (and must not call into a host of another major: its layout may differ).
  static bool Compatible(const pluton_host_api* host) noexcept;

  // Stores the host table (may be NULL: then every service below is a no-op).
  void Set(const pluton_host_api* host) noexcept { host_.store(host, std::memory_order_release); }
  const pluton_host_api* host() const noexcept { return host_.load(std::memory_order_acquire); }
  const char* plugin_id() const noexcept { return plugin_id_; }

  // Writes a log line through the host. No-op when there is no host or no log function.
  // `message` must not contain secrets. Never throws.
  void Log(pluton_log_level level, const std::string& message) const noexcept;
  void Log(pluton_log_level level, const char* message) const noexcept;

  // Reserves `bytes` of the upload buffer budget, waiting while it is exhausted and polling
  // `cancel` (may be NULL). Returns PLUTON_OK, PLUTON_CANCELLED or PLUTON_RESOURCE_EXHAUSTED
  // (bytes > the whole budget). Without a host budget function, returns PLUTON_OK (nothing is
  // accounted). Every PLUTON_OK must be matched by ReleaseBudget(bytes); prefer
  // BudgetReservation, which does that.
  int32_t ReserveBudget(uint64_t bytes, const pluton_cancel_token* cancel) const noexcept;
  // Returns bytes reserved earlier. No-op without a host budget function.
  void ReleaseBudget(uint64_t bytes) const noexcept;

 private:
  const char* const plugin_id_;
  std::atomic<const pluton_host_api*> host_{nullptr};
};

// A held budget reservation, released on destruction (RAII). Move-only. Not thread-safe: one
// owner at a time. The HostContext must outlive it.
class BudgetReservation {
 public:
  BudgetReservation() noexcept = default;
  ~BudgetReservation() { Release(); }
  BudgetReservation(BudgetReservation&& other) noexcept;
  BudgetReservation& operator=(BudgetReservation&& other) noexcept;
  BudgetReservation(const BudgetReservation&) = delete;
  BudgetReservation& operator=(const BudgetReservation&) = delete;

  // Releases any bytes held, then reserves `bytes` (see HostContext::ReserveBudget). On a code
  // other than PLUTON_OK nothing is held.
  int32_t Reserve(const HostContext& host, uint64_t bytes,
                  const pluton_cancel_token* cancel) noexcept;
  // Returns the bytes held, if any. Idempotent.
  void Release() noexcept;
  uint64_t bytes() const noexcept { return bytes_; }

 private:
  const HostContext* host_ = nullptr;
  uint64_t bytes_ = 0;
};

}  // namespace pluton::plugin_sdk

#endif  // PLUTON_PLUGINS_SDK_HOST_CONTEXT_H_
