// The daemon's memory bound, as a formula of its configuration (README, "Memory bound").
//
//   peak RSS <= 64 MiB + upload_buffer_budget
//               + max_concurrent_uploads x (read_window + stream_window + 2 x max_message)
//
// 64 MiB: the daemon at rest with its plugins, SQLite, gRPC's threads and the unary calls.
// The budget: every upload's part buffers together (the provider's side). Per upload: the
// messages the service has queued (at most the read window plus the message that crossed it),
// the one message its worker is decoding and handing to the provider, and what HTTP/2 flow
// control lets the agent send before the service reads it (the stream window; BDP probing is
// off so it never grows). gRPC's own buffers are also capped by a grpc::ResourceQuota of the
// uploads' share plus the 64 MiB, so many connections or large unary calls cannot grow past it.
//
// Thread safety: pure functions.
#ifndef PLUTON_SERVICE_SERVER_MEMORY_BOUND_H_
#define PLUTON_SERVICE_SERVER_MEMORY_BOUND_H_

#include <cstdint>
#include <string>

namespace pluton::storage {

struct ServerConfig;

inline constexpr uint64_t kMemoryAtRestBytes = 64ull << 20;

// What one upload may hold beyond its part buffers.
uint64_t PerUploadBytes(const ServerConfig& config);

// The bound on the daemon's peak RSS.
uint64_t MemoryBoundBytes(const ServerConfig& config);

// The size of the grpc::ResourceQuota the server is built with.
uint64_t GrpcMemoryQuotaBytes(const ServerConfig& config);

// "64 MiB + 256 MiB budget + 64 uploads x 12 MiB = 1088 MiB", for the start-up log.
std::string DescribeMemoryBound(const ServerConfig& config);

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_SERVER_MEMORY_BOUND_H_
