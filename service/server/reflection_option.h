// Server reflection (grpc.reflection.v1alpha.ServerReflection) for one server, on or off.
//
// gRPC's reflection library registers its plugin for every ServerBuilder in the process as soon
// as it is loaded (a static initializer calls InitProtoReflectionServerBuilderPlugin), so
// linking it would turn reflection on everywhere. The option below takes that plugin out of the
// one builder it is set on and, when enabled, puts in a fresh one of its own.
//
// Ownership: the builder owns the option (ServerBuilder::SetOption). Thread safety: used by
// the builder's thread only, during BuildAndStart.
#ifndef PLUTON_SERVICE_SERVER_REFLECTION_OPTION_H_
#define PLUTON_SERVICE_SERVER_REFLECTION_OPTION_H_

#include <memory>

#include "grpcpp/impl/server_builder_option.h"

namespace pluton::storage {

// For ServerBuilder::SetOption: the built server serves reflection exactly when `enabled`.
std::unique_ptr<grpc::ServerBuilderOption> ReflectionOption(bool enabled);

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_SERVER_REFLECTION_OPTION_H_
