// The --metrics_listen endpoint: civetweb (Debian libcivetweb) serving GET /metrics with the
// text exposition of a MetricsRegistry. Every other path is 404, every other method on
// /metrics 405. It serves no secrets and no per-object data, so it may listen on any address
// (the Kubernetes manifests use [::]:9090, served on IPv4: metrics/metrics_listen_address.h);
// it has no TLS and no authentication.
//
// Ownership: the registry must outlive the server. Thread safety: civetweb's worker threads
// call Expose() concurrently (the registry is thread-safe); Start and the destructor (which
// stops the listener and waits for running requests) run on one thread.
#ifndef PLUTON_SERVICE_METRICS_METRICS_HTTP_SERVER_H_
#define PLUTON_SERVICE_METRICS_METRICS_HTTP_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "metrics/metrics_registry.h"

struct mg_context;
struct mg_connection;

namespace pluton::storage {

class MetricsHttpServer {
 public:
  // `address`: "host:port" or "[::]:port" (port 0 picks a free one). UNAVAILABLE naming
  // --metrics_listen when it cannot listen there.
  static absl::StatusOr<std::unique_ptr<MetricsHttpServer>> Start(const std::string& address,
                                                                  const MetricsRegistry* registry);
  ~MetricsHttpServer();
  MetricsHttpServer(const MetricsHttpServer&) = delete;
  MetricsHttpServer& operator=(const MetricsHttpServer&) = delete;

  int port() const { return port_; }

 private:
  explicit MetricsHttpServer(const MetricsRegistry* registry) : registry_(registry) {}
  static int HandleRequest(::mg_connection* connection, void* self);

  const MetricsRegistry* const registry_;
  mg_context* context_ = nullptr;
  int port_ = 0;
};

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_METRICS_METRICS_HTTP_SERVER_H_
