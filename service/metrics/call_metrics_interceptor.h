// A gRPC server interceptor: the one place every call (unary or streaming, of any service the
// server hosts) is counted, in pluton_storage_inflight_calls{method} while it runs and in
// pluton_storage_grpc_calls_total{method,code} when it ends.
//
// The method label is the StorageService method ("ListObjects") or "service/method" for the
// health and reflection services; any other name a caller sends counts as "unknown", so
// callers cannot grow the label set. A call that ends without sending a status (the client
// went away) counts as CANCELLED.
//
// Thread safety: the factory is thread-safe; gRPC runs each interceptor on one call.
#ifndef PLUTON_SERVICE_METRICS_CALL_METRICS_INTERCEPTOR_H_
#define PLUTON_SERVICE_METRICS_CALL_METRICS_INTERCEPTOR_H_

#include <memory>

#include "grpcpp/support/server_interceptor.h"

namespace pluton::storage {

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MakeCallMetricsInterceptorFactory();

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_METRICS_CALL_METRICS_INTERCEPTOR_H_
