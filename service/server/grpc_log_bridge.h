// Routes gRPC's own log lines (handshake failures, transport errors) through the service's
// logger, so that they carry its format (text or JSON) and a collector parsing the daemon's
// stderr sees one format only.
//
// Thread safety: call once from main before the first server starts; the route then applies
// to every thread.
#ifndef PLUTON_SERVICE_SERVER_GRPC_LOG_BRIDGE_H_
#define PLUTON_SERVICE_SERVER_GRPC_LOG_BRIDGE_H_

namespace pluton::storage {

// gRPC's DEBUG, INFO and ERROR lines become the service's debug, info and error lines of
// component "grpc". gRPC's own verbosity setting (GRPC_VERBOSITY) still decides which it emits.
void RouteGrpcLogsThroughServiceLog();

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_SERVER_GRPC_LOG_BRIDGE_H_
