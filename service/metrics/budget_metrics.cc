#include "metrics/budget_metrics.h"

#include <vector>

namespace pluton::storage {

std::shared_ptr<void> ExportBufferBudget(MetricsRegistry& registry, const MemoryBudget& budget) {
  const MemoryBudget* b = &budget;
  auto handles = std::make_shared<std::vector<std::shared_ptr<void>>>();
  handles->push_back(
      registry.AddCallbackGauge("pluton_storage_buffer_budget_bytes",
                                "The upload buffer budget (--upload_buffer_budget_mib).",
                                [b] { return static_cast<double>(b->capacity()); }));
  handles->push_back(registry.AddCallbackGauge("pluton_storage_buffer_budget_in_use_bytes",
                                               "Bytes of the upload buffer budget reserved now.",
                                               [b] { return static_cast<double>(b->in_use()); }));
  handles->push_back(
      registry.AddCallbackGauge("pluton_storage_buffer_budget_waiters",
                                "Uploads waiting for room in the upload buffer budget now.",
                                [b] { return static_cast<double>(b->waiters()); }));
  return handles;
}

}  // namespace pluton::storage
