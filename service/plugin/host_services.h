// The services the host offers plugins (pluton_host_api): logging and the service-wide
// upload buffer budget.
//
// Thread safety: all methods are thread-safe. The HostServices object must outlive every
// plugin loaded with its api().
#ifndef PLUTON_SERVICE_PLUGIN_HOST_SERVICES_H_
#define PLUTON_SERVICE_PLUGIN_HOST_SERVICES_H_

#include <condition_variable>
#include <cstdint>
#include <mutex>

#include "pluton/storage_plugin.h"

namespace pluton::storage {

// A counting budget of bytes. Reserve waits (polling the cancel token every 50 ms) until the
// bytes are free. Used for every large upload buffer, so memory stays bounded under load.
class MemoryBudget {
 public:
  explicit MemoryBudget(uint64_t capacity_bytes);
  // PLUTON_OK, PLUTON_CANCELLED, or PLUTON_RESOURCE_EXHAUSTED when bytes > capacity.
  int32_t Reserve(uint64_t bytes, const pluton_cancel_token* cancel);
  void Release(uint64_t bytes);
  uint64_t capacity() const { return capacity_; }
  uint64_t in_use() const;
  // How many Reserve calls are waiting for room right now.
  int waiters() const;

 private:
  const uint64_t capacity_;
  mutable std::mutex mu_;
  std::condition_variable freed_;
  uint64_t in_use_ = 0;
  int waiters_ = 0;
};

// Owns the pluton_host_api table handed to plugins. Only one HostServices may exist at a
// time in a process (the C table has no context pointer; it routes to this instance).
class HostServices {
 public:
  explicit HostServices(uint64_t upload_budget_bytes);
  ~HostServices();
  HostServices(const HostServices&) = delete;
  HostServices& operator=(const HostServices&) = delete;

  const pluton_host_api* api() const { return &api_; }
  MemoryBudget& budget() { return budget_; }

 private:
  MemoryBudget budget_;
  pluton_host_api api_;
};

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_PLUGIN_HOST_SERVICES_H_
