// ConnectionTestReactor: one TestConnection call, run on a thread of its own because a
// provider's checks wait on the network for up to the test's timeout.
//
// Lifetime: deletes itself in OnDone after joining its thread. A cancelled call (client gone,
// deadline, shutdown) sets the cancel flag the plugin polls, so the test ends early.
#ifndef PLUTON_SERVICE_API_CONNECTION_TEST_REACTOR_H_
#define PLUTON_SERVICE_API_CONNECTION_TEST_REACTOR_H_

#include <atomic>
#include <thread>

#include "grpcpp/grpcpp.h"
#include "pluton/storage/v1/storage_service.pb.h"
#include "registry/storage_registry.h"

namespace pluton::storage {

class ConnectionTestReactor final : public grpc::ServerUnaryReactor {
 public:
  // `request` and `response` belong to gRPC and outlive the reactor; `registry` is borrowed.
  ConnectionTestReactor(StorageRegistry* registry, const v1::TestConnectionRequest* request,
                        v1::TestConnectionResponse* response);
  void OnCancel() override;
  void OnDone() override;

 private:
  ~ConnectionTestReactor() override = default;
  absl::Status Run();

  StorageRegistry* const registry_;
  const v1::TestConnectionRequest* const request_;
  v1::TestConnectionResponse* const response_;
  std::atomic<bool> cancelled_{false};
  std::thread worker_;
};

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_API_CONNECTION_TEST_REACTOR_H_
