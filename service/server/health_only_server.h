// The plaintext health-only gRPC server of --health_listen: grpc.health.v1.Health (gRPC's
// default health service) and nothing else; any other method is UNIMPLEMENTED.
//
// Thread safety: the returned server is gRPC's (thread-safe); Start may be called from any
// thread once grpc::EnableDefaultHealthCheckService(true) has been called.
#ifndef PLUTON_SERVICE_SERVER_HEALTH_ONLY_SERVER_H_
#define PLUTON_SERVICE_SERVER_HEALTH_ONLY_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/grpcpp.h"

namespace pluton::storage {

// A running server on `address` ("host:port", port 0: any); the bound port in `*port`.
// UNAVAILABLE naming --health_listen when the address is invalid or in use.
absl::StatusOr<std::unique_ptr<grpc::Server>> StartHealthOnlyServer(const std::string& address,
                                                                    int* port);

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_SERVER_HEALTH_ONLY_SERVER_H_
