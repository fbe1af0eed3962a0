#include "server/memory_bound.h"

#include "absl/strings/str_cat.h"
#include "server/storage_server.h"

namespace pluton::storage {
namespace {

uint64_t Mib(uint64_t bytes) { return (bytes + (1ull << 20) - 1) >> 20; }

}  // namespace

uint64_t PerUploadBytes(const ServerConfig& config) {
  return config.upload_read_window_bytes + config.upload_stream_window_bytes +
         2 * static_cast<uint64_t>(config.max_message_bytes);
}

uint64_t MemoryBoundBytes(const ServerConfig& config) {
  return kMemoryAtRestBytes + config.upload_buffer_budget_bytes +
         static_cast<uint64_t>(config.max_concurrent_uploads) * PerUploadBytes(config);
}

uint64_t GrpcMemoryQuotaBytes(const ServerConfig& config) {
  return kMemoryAtRestBytes +
         static_cast<uint64_t>(config.max_concurrent_uploads) *
             (config.upload_read_window_bytes + config.upload_stream_window_bytes +
              static_cast<uint64_t>(config.max_message_bytes));
}

std::string DescribeMemoryBound(const ServerConfig& config) {
  return absl::StrCat(Mib(kMemoryAtRestBytes), " MiB + ", Mib(config.upload_buffer_budget_bytes),
                      " MiB budget + ", config.max_concurrent_uploads, " uploads x ",
                      Mib(PerUploadBytes(config)), " MiB = ", Mib(MemoryBoundBytes(config)),
                      " MiB");
}

}  // namespace pluton::storage
