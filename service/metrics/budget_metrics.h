// Exports the host's upload buffer budget (plugin/host_services.h) as the gauges
// pluton_storage_buffer_budget_bytes, _in_use_bytes and _waiters, read at scrape time.
//
// Ownership: the budget must outlive the returned handle; the gauges disappear with it.
// Thread safety: MemoryBudget's accessors are thread-safe.
#ifndef PLUTON_SERVICE_METRICS_BUDGET_METRICS_H_
#define PLUTON_SERVICE_METRICS_BUDGET_METRICS_H_

#include <memory>

#include "metrics/metrics_registry.h"
#include "plugin/host_services.h"

namespace pluton::storage {

[[nodiscard]] std::shared_ptr<void> ExportBufferBudget(MetricsRegistry& registry,
                                                       const MemoryBudget& budget);

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_METRICS_BUDGET_METRICS_H_
