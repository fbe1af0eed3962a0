// The daemon's metrics (the pluton_storage_* names of deploy/monitoring/metric-names.txt), in
// one process-wide registry: a process runs one StorageServer (HostServices allows only one
// per process), and in-process tests that start several share the counts.
//
// Only metrics the service really measures are registered; the others of metric-names.txt are
// left out rather than exported as zeros.
//
// Thread safety: StorageMetricsInstance() is created on first use and never destroyed; the
// families are thread-safe (metrics/metrics_registry.h).
#ifndef PLUTON_SERVICE_METRICS_STORAGE_METRICS_H_
#define PLUTON_SERVICE_METRICS_STORAGE_METRICS_H_

#include "absl/status/status.h"
#include "metrics/metrics_registry.h"

namespace pluton::storage {

struct StorageMetrics {
  explicit StorageMetrics(MetricsRegistry& registry);

  MetricsRegistry& registry;
  // Every gRPC call, as it ends: method, status code name ("OK", "NOT_FOUND").
  Family<Counter>& grpc_calls;    // {method, code}
  Family<Gauge>& inflight_calls;  // {method}
  // Uploads and downloads that reached a storage: provider id, storage name, outcome
  // ("ok", "cancelled", "error").
  Family<Counter>& uploads;         // {provider, storage, outcome}
  Family<Counter>& upload_bytes;    // {provider}: data bytes received from callers
  Family<Counter>& upload_parts;    // {provider}: parts of the uploads stored
  Family<Counter>& downloads;       // {provider, storage, outcome}
  Family<Counter>& download_bytes;  // {provider}: data bytes sent to callers
  // Connection tests that ran: result "success"/"failure", the provider's reason code.
  Family<Counter>& test_connection;  // {provider, result, reason}
  Family<Counter>& plugin_load_failures;
};

// The outcome label of a finished upload or download: "ok", "cancelled" or "error".
const char* OutcomeLabel(const absl::Status& status);

// The daemon's registry and families.
StorageMetrics& StorageMetricsInstance();

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_METRICS_STORAGE_METRICS_H_
