#include "server/health_only_server.h"

#include "absl/strings/str_cat.h"
#include "grpcpp/generic/async_generic_service.h"
#include "server/reflection_option.h"

namespace pluton::storage {
namespace {

// Answers every method but the health service's with UNIMPLEMENTED. Being a callback service,
// it also makes the server a callback server, which needs no completion queue polled.
class UnimplementedReactor final : public grpc::ServerGenericBidiReactor {
 public:
  UnimplementedReactor() {
    Finish(grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                        "this port serves grpc.health.v1.Health only; call the service's --listen "
                        "port"));
  }
  void OnDone() override { delete this; }
};

class UnimplementedService final : public grpc::CallbackGenericService {
  grpc::ServerGenericBidiReactor* CreateReactor(
      grpc::GenericCallbackServerContext* /*context*/) override {
    return new UnimplementedReactor();
  }
};

}  // namespace

absl::StatusOr<std::unique_ptr<grpc::Server>> StartHealthOnlyServer(const std::string& address,
                                                                    int* port) {
  static UnimplementedService* const unimplemented = new UnimplementedService();
  grpc::ServerBuilder builder;
  builder.SetOption(ReflectionOption(false));
  builder.AddListeningPort(address, grpc::InsecureServerCredentials(), port);
  builder.RegisterCallbackGenericService(unimplemented);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || *port == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on --health_listen ", address,
                                               ": the address is invalid or in use"));
  }
  return server;
}

}  // namespace pluton::storage
