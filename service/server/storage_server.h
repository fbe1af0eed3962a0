// StorageServer: the whole service assembled — master key, SQLite store, plugins, registry,
// the gRPC server with health checking and, when enabled, reflection — behind Start and Shutdown.
// pluton-storaged is a thin main around it; tests run it in-process on port 0.
//
// Thread safety: Start, then Drain and Shutdown (once) from any thread; Wait may run
// concurrently.
#ifndef PLUTON_SERVICE_SERVER_STORAGE_SERVER_H_
#define PLUTON_SERVICE_SERVER_STORAGE_SERVER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace pluton::storage {

struct ServerConfig {
  std::string listen_address = "127.0.0.1:50051";  // "host:port"; port 0 picks a free one
  // Created (0700) if missing. Start takes its lock (store/data_dir_lock.h), held until the
  // StorageServer is destroyed: a second server on the same directory is refused.
  std::string data_dir = "pluton-data";
  std::string database_path;    // "" = <data_dir>/storages.db
  std::string master_key_file;  // "" = <data_dir>/master.key, created for a new data dir
  std::string plugin_dir;       // required
  // Plugins run as the service, so Start refuses a plugin directory or file others can change
  // (plugin/plugin_files.h), including the service's own (non-root) user unless this is set:
  // a development build run by the user who built it.
  bool allow_plugins_owned_by_service_user = false;
  // What storages may name on this host (registry/host_policy.h): directories local storages
  // may use (none: local storages cannot be added), and endpoint host patterns an endpoint
  // override may name (none: only endpoints plugins derive themselves).
  std::vector<std::string> local_roots;
  std::vector<std::string> allowed_endpoints;
  // Without TLS and authentication (below) Start refuses a listen address other machines can
  // reach (IsLocalOnlyListenAddress) unless this is set, for a deployment whose network policy
  // or mesh restricts who may call (server/server_security.h).
  bool allow_unauthenticated_remote = false;
  // --- Transport security and access control (server/server_security.h, auth/) ---
  std::string tls_cert_file;       // PEM certificate chain; with tls_key_file: TLS
  std::string tls_key_file;        // PEM private key of the certificate
  std::string tls_client_ca_file;  // PEM CA bundle: clients must present a cert it signed (mTLS)
  absl::Duration tls_reload_interval = absl::Seconds(60);  // how often the TLS files are re-read
  std::string auth_tokens_file;  // access file (auth/access_file.h): tokens, certificates, roles
  absl::Duration auth_file_check_interval = absl::Seconds(1);  // how often it is re-stat'ed
  // --- end of transport security and access control ---
  // A second, plaintext port serving only grpc.health.v1.Health ("" = none), for probes that
  // cannot speak TLS or send tokens (the kubelet's gRPC probes). It reports what the main port's
  // health service reports, drain included, and carries nothing else, so it may listen on any
  // address.
  std::string health_listen_address;
  // Serve grpc.reflection.v1alpha.ServerReflection (for tools such as grpcurl): it tells any
  // caller every method and message, so it is off unless asked for. Per server, not per process.
  bool enable_reflection = false;
  // Memory: the daemon's peak is bounded by a formula of these (server/memory_bound.h).
  uint64_t upload_buffer_budget_bytes = 256ull << 20;
  uint64_t upload_read_window_bytes = 2ull << 20;  // queued, unprocessed bytes per upload
  // HTTP/2 flow-control window of each stream the service receives (fixed: no BDP probing).
  uint64_t upload_stream_window_bytes = 2ull << 20;
  int max_concurrent_uploads = 64;
  int max_concurrent_downloads = 64;
  // Percent of each pool of provider calls (and of the downloads) one storage, and one caller,
  // may hold (api/blocking_call_limiter.h); 1 to 100.
  int storage_share_percent = 50;
  int caller_share_percent = 50;
  int max_message_bytes = 4 << 20;  // the largest message the service accepts
  // Names this service instance in its records of uploads under way, so that a restart aborts
  // what the run before it left (upload/dead_upload_sweeper.h); "" = the host name. Two
  // services running at once must not share one.
  std::string node_id;
  // How often uploads left by a dead run that could not be aborted yet are tried again.
  absl::Duration dead_upload_retry_interval = absl::Minutes(5);
  // --- Metrics (metrics/) ---
  // "host:port" serving GET /metrics (Prometheus text format); "" = off. It carries no
  // secrets and no per-object data, so any address is allowed, also a non-loopback one.
  std::string metrics_listen_address;
  // --- end of metrics ---
};

// The master key file and database `config` names, defaults applied.
std::string MasterKeyPathOf(const ServerConfig& config);
std::string DatabasePathOf(const ServerConfig& config);

class StorageServer {
 public:
  // Opens everything and starts serving. Errors name the flag to fix: FAILED_PRECONDITION
  // naming --allow_unauthenticated_remote for a remote-reachable address it does not allow,
  // the TLS or access file flag whose file is unusable, or the --data_dir another process
  // (another server, a key rotation) holds, with that process's pid.
  static absl::StatusOr<std::unique_ptr<StorageServer>> Start(const ServerConfig& config);
  ~StorageServer();  // shuts down with no grace if still running

  int port() const;
  int health_port() const;  // 0 without a health_listen_address
  // --- Metrics --- The port serving /metrics (0 when --metrics_listen is off).
  int metrics_port() const;
  // The drain before Shutdown: the health service answers NOT_SERVING, overall ("") and for
  // pluton.storage.v1.StorageService, while new and running calls are still served, so that
  // probes and load balancers send callers elsewhere before the listener closes. Calling it
  // again, or after Shutdown, changes nothing.
  void Drain();
  // Marks the health service NOT_SERVING, stops accepting calls, lets in-flight calls run
  // for `grace`, then cancels the rest (uploads abort: nothing half-written) and returns
  // when every call has ended.
  void Shutdown(absl::Duration grace);
  // Blocks until the server has shut down.
  void Wait();

 private:
  struct Parts;
  explicit StorageServer(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_SERVER_STORAGE_SERVER_H_
