#include "metrics/metrics_http_server.h"

#include <civetweb.h>

#include <cstring>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "metrics/exposition.h"
#include "metrics/metrics_listen_address.h"

namespace pluton::storage {

absl::StatusOr<std::unique_ptr<MetricsHttpServer>> MetricsHttpServer::Start(
    const std::string& address, const MetricsRegistry* registry) {
  static std::once_flag library_once;
  std::call_once(library_once, [] { mg_init_library(0); });  // never undone: process-wide

  ASSIGN_OR_RETURN(const std::string ports, CivetwebListeningPort(address));
  std::unique_ptr<MetricsHttpServer> server(new MetricsHttpServer(registry));
  // No document_root: civetweb serves no files, only the handler below.
  const char* options[] = {
      "listening_ports", ports.c_str(),       "num_threads", "2",    "request_timeout_ms",
      "10000",           "enable_keep_alive", "no",          nullptr};
  mg_callbacks callbacks;
  std::memset(&callbacks, 0, sizeof(callbacks));
  // civetweb's own error lines (a bind failure) are replaced by the status below.
  callbacks.log_message = [](const ::mg_connection*, const char*) { return 1; };
  server->context_ = mg_start(&callbacks, server.get(), options);
  if (server->context_ == nullptr) {
    return absl::UnavailableError(
        absl::StrCat("cannot serve metrics on --metrics_listen ", address,
                     ": the address is not one of this host's or the port is in use"));
  }
  mg_set_request_handler(server->context_, "/", &MetricsHttpServer::HandleRequest, server.get());
  mg_server_port bound[1];
  if (mg_get_server_ports(server->context_, 1, bound) == 1) server->port_ = bound[0].port;
  return server;
}

MetricsHttpServer::~MetricsHttpServer() {
  if (context_ != nullptr) mg_stop(context_);
}

int MetricsHttpServer::HandleRequest(::mg_connection* connection, void* self) {
  const mg_request_info* request = mg_get_request_info(connection);
  if (request->local_uri == nullptr || std::strcmp(request->local_uri, "/metrics") != 0) {
    mg_send_http_error(connection, 404, "%s", "not found: the metrics are at /metrics\n");
    return 404;
  }
  if (std::strcmp(request->request_method, "GET") != 0) {
    mg_response_header_start(connection, 405);
    mg_response_header_add(connection, "Allow", "GET", -1);
    mg_response_header_add(connection, "Content-Length", "0", -1);
    mg_response_header_send(connection);
    return 405;
  }
  const std::string body = static_cast<MetricsHttpServer*>(self)->registry_->Expose();
  mg_send_http_ok(connection, kExpositionContentType, static_cast<long long>(body.size()));
  mg_write(connection, body.data(), body.size());
  return 200;
}

}  // namespace pluton::storage
