#include "metrics/storage_metrics.h"

namespace pluton::storage {

StorageMetrics::StorageMetrics(MetricsRegistry& r)
    : registry(r),
      grpc_calls(r.AddCounter("pluton_storage_grpc_calls_total",
                              "gRPC calls ended, by method and status code.", {"method", "code"})),
      inflight_calls(r.AddGauge("pluton_storage_inflight_calls",
                                "gRPC calls running now, by method.", {"method"})),
      uploads(r.AddCounter("pluton_storage_uploads_total",
                           "Uploads that reached a storage, by provider, storage and outcome.",
                           {"provider", "storage", "outcome"})),
      upload_bytes(r.AddCounter("pluton_storage_upload_bytes_total",
                                "Data bytes received in uploads, by provider.", {"provider"})),
      upload_parts(r.AddCounter("pluton_storage_upload_parts_total",
                                "Parts of the uploads stored, by provider.", {"provider"})),
      downloads(r.AddCounter("pluton_storage_downloads_total",
                             "Downloads that reached a storage, by provider, storage and outcome.",
                             {"provider", "storage", "outcome"})),
      download_bytes(r.AddCounter("pluton_storage_download_bytes_total",
                                  "Data bytes sent in downloads, by provider.", {"provider"})),
      test_connection(r.AddCounter("pluton_storage_test_connection_total",
                                   "Connection tests run, by provider, result and reason.",
                                   {"provider", "result", "reason"})),
      plugin_load_failures(r.AddCounter("pluton_storage_plugin_load_failures_total",
                                        "Plugin files refused or failed to load.")) {}

const char* OutcomeLabel(const absl::Status& status) {
  if (status.ok()) return "ok";
  return status.code() == absl::StatusCode::kCancelled ? "cancelled" : "error";
}

StorageMetrics& StorageMetricsInstance() {
  static auto* const metrics = new StorageMetrics(*new MetricsRegistry());
  return *metrics;
}

}  // namespace pluton::storage
