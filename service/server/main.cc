// pluton-storaged: the Pluton StorageService daemon.
//
//   pluton-storaged --listen=127.0.0.1:50051 --data_dir=/var/lib/pluton-storage
//
// With no flags it runs on its embedded defaults: 127.0.0.1:50051 (loopback only, no TLS and no
// authentication; other addresses need --tls_* and --auth_tokens_file or
// --allow_unauthenticated_remote), ./pluton-data for the SQLite
// registry and a generated master key, and the provider plugins beside the binary (the build
// tree's ../plugins, or ../lib/pluton/plugins when installed).
// SIGTERM or SIGINT shuts it down gracefully: a drain (--drain_seconds), then the listener
// closes and in-flight calls get --shutdown_grace_seconds.
#include <limits.h>
#include <malloc.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/log.h"
#include "server/grpc_log_bridge.h"
#include "server/process_hardening.h"
#include "server/repeated_flags.h"
#include "server/storage_server.h"
#include "store/data_dir_lock.h"
#include "store/master_key_check.h"
#include "store/master_key_rotation.h"
#include "store/sqlite_storage_store.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50051",
          "Address to serve gRPC on, host:port (port 0: any), or unix:PATH. Only loopback "
          "(127.0.0.0/8, [::1], localhost) or a unix: socket unless "
          "--allow_unauthenticated_remote.");
ABSL_FLAG(bool, allow_unauthenticated_remote, false,
          "Allow a --listen address other machines can reach (e.g. [::]:50051) without both TLS "
          "and authentication: with no --auth_tokens_file or --tls_client_ca_file anyone who "
          "can connect can read and write every storage; without TLS bearer tokens cross the "
          "network in plaintext. Use only behind a network policy or mesh that restricts who "
          "can call.");
// --- Transport security and access control (README "Security") ---
ABSL_FLAG(std::string, tls_cert_file, "",
          "PEM certificate chain to serve TLS with (with --tls_key_file). Re-read every "
          "--tls_reload_seconds: a rotated certificate is served to new connections without a "
          "restart.");
ABSL_FLAG(std::string, tls_key_file, "", "PEM private key of --tls_cert_file.");
ABSL_FLAG(std::string, tls_client_ca_file, "",
          "PEM CA bundle: clients must present a certificate it signed (mTLS). Without "
          "--auth_tokens_file every such client is admin; with it, only the certificates it "
          "lists, with their roles.");
ABSL_FLAG(int, tls_reload_seconds, 60, "How often the TLS files are checked for changes.");
ABSL_FLAG(std::string, auth_tokens_file, "",
          "Access file (JSON): bearer tokens as SHA-256 hashes (pluton-storage hash-token) and "
          "client certificates, each with a role (admin, agent, reader) and granted storages. "
          "Turns authentication on for every call but health checks; re-read when it changes.");
// --- end of transport security and access control ---
ABSL_FLAG(std::string, data_dir, "pluton-data",
          "Directory for the storage registry and, by default, the master key.");
ABSL_FLAG(std::string, database, "",
          "SQLite file of the storage registry (default: "
          "<data_dir>/storages.db).");
ABSL_FLAG(std::string, master_key_file, "",
          "File holding the 64-hex-digit key that encrypts secrets at rest. Default: "
          "<data_dir>/master.key, generated (mode 0600) only for a new data directory. An "
          "explicit path must exist (e.g. a mounted Kubernetes Secret). The start is refused "
          "when the key is not the one the database's secrets were sealed with, or the default "
          "key is missing while sealed secrets exist (README \"Secrets at rest\").");
ABSL_FLAG(bool, rotate_master_key, false,
          "Instead of serving: re-seal every storage's secrets under the key in "
          "--new_master_key_file (generated there if missing) in one transaction, then exit. "
          "Refused while a service runs on --data_dir (it holds the directory's lock): stop it "
          "first. README \"Secrets at rest\".");
ABSL_FLAG(std::string, new_master_key_file, "",
          "With --rotate_master_key: the new key. Default: <master_key_file>.new, which "
          "replaces --master_key_file once the database is committed to it; any other path is "
          "left for the operator to install (e.g. update a read-only Kubernetes Secret).");
ABSL_FLAG(std::string, plugin_dir, "",
          "Directory of provider plugins (*.so). Default: ../plugins next to this binary.");
ABSL_FLAG(bool, allow_plugins_owned_by_service_user, false,
          "Load plugins the service's own (non-root) user owns or can write. Plugins run as the "
          "service, so by default it refuses to start when they could be replaced by it; for a "
          "development build run by the user who built it.");
// List flags (std::vector<std::string>) defined here are repeatable: every occurrence counts
// (ListFlagNames, server/repeated_flags.h).
ABSL_FLAG(std::vector<std::string>, local_root, {},
          "Directories under which `local` storages may keep their root, e.g. /srv/backups; "
          "repeatable or comma-separated. None (the default): `local` storages cannot be added. "
          "The data directory, database, master key and plugin directory are never allowed.");
ABSL_FLAG(std::vector<std::string>, allowed_endpoint, {},
          "Host patterns an endpoint override (r2/s3 `endpoint`) may name: HOST, HOST:PORT, "
          "*.DOMAIN or *.DOMAIN:PORT, e.g. minio.internal:9000; repeatable or comma-separated. "
          "None (the default): only the endpoints providers derive themselves (R2 from the "
          "account id, AWS S3 from the region). Link-local and metadata addresses are reachable "
          "only if listed.");
ABSL_FLAG(int64_t, upload_buffer_budget_mib, 256,
          "Memory all uploads together may use for part buffers, in MiB. Uploads wait for room "
          "(backpressure) rather than fail.");
ABSL_FLAG(int64_t, upload_read_window_kib, 2048,
          "Stream bytes one upload may queue ahead of the provider, in KiB.");
ABSL_FLAG(int64_t, upload_stream_window_kib, 2048,
          "HTTP/2 flow-control window of each incoming stream, in KiB: what an agent may send "
          "before the service reads it. One stream's throughput is at most this per round trip "
          "(2 MiB over a 30 ms link: about 66 MiB/s).");
ABSL_FLAG(int, max_concurrent_uploads, 64, "Uploads beyond this are refused (RESOURCE_EXHAUSTED).");
ABSL_FLAG(int, max_concurrent_downloads, 64,
          "Downloads beyond this are refused (RESOURCE_EXHAUSTED).");
ABSL_FLAG(int, storage_share_percent, 50,
          "Percent of each pool of provider calls (object calls, connection tests, housekeeping "
          "calls, downloads) one storage may hold, so that a hanging provider cannot starve "
          "the other storages; 1 to 100 (100: no share). Beyond it: RESOURCE_EXHAUSTED.");
ABSL_FLAG(int, caller_share_percent, 50,
          "Percent of each pool of provider calls one caller (an access file entry; without "
          "authentication, a client address) may hold, so that it cannot starve the other "
          "callers; 1 to 100 (100: no share). Beyond it: RESOURCE_EXHAUSTED.");
ABSL_FLAG(int, drain_seconds, 5,
          "On SIGTERM, how long health says NOT_SERVING while new and running calls are still "
          "served, so that probes and load balancers send callers elsewhere before the "
          "listener closes. A second SIGTERM or SIGINT ends the drain at once.");
ABSL_FLAG(int, shutdown_grace_seconds, 30,
          "After the drain, how long in-flight calls may run before they are cancelled.");
ABSL_FLAG(std::string, health_listen, "",
          "Also serve grpc.health.v1.Health, and nothing else, in plaintext on this address "
          "(host:port), for probes that cannot use TLS or tokens (the kubelet's gRPC probes). "
          "It may listen on any address: it tells only whether the service is serving.");
ABSL_FLAG(bool, enable_reflection, false,
          "Serve gRPC server reflection (grpc.reflection.v1alpha.ServerReflection) for tools "
          "such as grpcurl. It describes every method to any caller; off by default.");
ABSL_FLAG(std::string, node_id, "",
          "Names this service instance in its records of uploads under way, so that after a "
          "crash its next start aborts the multipart uploads and temporary files the dead run "
          "left; empty: the host name. Keep it stable across restarts, and never shared by two "
          "services running at once.");
ABSL_FLAG(int, dead_upload_retry_seconds, 300,
          "How often uploads left by a crashed run that could not be aborted yet (the "
          "destination unreachable) are tried again.");
ABSL_FLAG(std::string, port_file, "", "Write the port being served to this file once ready.");
ABSL_FLAG(bool, verbose, false, "Log debug lines.");
ABSL_FLAG(std::string, log_format, "text",
          "How log lines on stderr look: text (one line per event, for people) or json (one "
          "JSON object per line with time, level, component and message, for log collectors). "
          "gRPC's own lines take the same format.");
// --- Metrics ---
ABSL_FLAG(std::string, metrics_listen, "",
          "HOST:PORT serving GET /metrics (Prometheus text format), e.g. [::]:9090; empty: off. "
          "It carries no secrets and no per-object data, so any address is allowed.");

namespace {

// The plugins beside the binary: <bin>/../plugins in the build tree, or the installed layout's
// <bin>/PLUTON_INSTALLED_PLUGIN_DIR_FROM_BIN (e.g. /usr/bin -> /usr/lib/pluton/plugins).
std::string DefaultPluginDir() {
  char exe[PATH_MAX];
  const ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
  if (n <= 0) return "plugins";
  std::string path(exe, static_cast<size_t>(n));
  const std::string bin_dir = path.substr(0, path.rfind('/'));
  const std::string build_tree = absl::StrCat(bin_dir, "/../plugins");
  struct stat info;
  if (stat(build_tree.c_str(), &info) == 0 && S_ISDIR(info.st_mode)) return build_tree;
  return absl::StrCat(bin_dir, "/", PLUTON_INSTALLED_PLUGIN_DIR_FROM_BIN);
}

// Waits out the drain: returns after `drain`, or at once when one of `signals` (blocked in every
// thread) arrives.
void WaitOutDrain(const sigset_t& signals, absl::Duration drain) {
  const absl::Time end = absl::Now() + drain;
  for (absl::Duration left = drain; left > absl::ZeroDuration(); left = end - absl::Now()) {
    const timespec timeout = absl::ToTimespec(left);
    if (sigtimedwait(&signals, nullptr, &timeout) > 0) {
      pluton::storage::LogInfo("main", "second signal: drain cut short");
      return;
    }
    // -1: EAGAIN when the time is up (the loop ends), EINTR when interrupted (waits again).
  }
}

// Every list flag defined in this file: each may be given any number of times.
std::vector<std::string> ListFlagNames() {
  // absl reports a flag's file normalized (by default without its leading slashes), so both
  // sides are compared without them: an absolute __FILE__ (a plain build) or a relative one (a
  // ccache build with a base directory) both match.
  auto without_leading_slashes = [](absl::string_view file) {
    file.remove_prefix(std::min(file.find_first_not_of("\\/"), file.size()));
    return file;
  };
  const absl::string_view this_file = without_leading_slashes(__FILE__);
  std::vector<std::string> names;
  for (const auto& [name, flag] : absl::GetAllFlags()) {
    if (without_leading_slashes(flag->Filename()) == this_file &&
        flag->IsOfType<std::vector<std::string>>()) {
      names.emplace_back(name);
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

// absl::ParseCommandLine, after every occurrence of each list flag is gathered into one
// (absl would keep only the last). False, with the reason logged, for a command line it refuses.
bool ParseCommandLineWithRepeatedListFlags(int argc, char** argv) {
  absl::StatusOr<std::vector<std::string>> args = pluton::storage::GatherListFlags(
      std::vector<std::string>(argv, argv + argc), ListFlagNames());
  if (!args.ok()) {
    pluton::storage::LogError("main", args.status().message());
    return false;
  }
  std::vector<char*> gathered_argv;
  for (std::string& arg : *args) gathered_argv.push_back(arg.data());
  gathered_argv.push_back(nullptr);
  absl::ParseCommandLine(static_cast<int>(args->size()), gathered_argv.data());
  return true;
}

// --rotate_master_key: re-seals every secret under the new key (store/master_key_rotation.h),
// holding the data directory's lock, so never while a service runs on it.
int RotateMasterKeyCommand(const pluton::storage::ServerConfig& config) {
  namespace ps = ::pluton::storage;
  const std::string key_path = ps::MasterKeyPathOf(config);
  std::string new_key_path = absl::GetFlag(FLAGS_new_master_key_file);
  if (new_key_path.empty()) new_key_path = ps::PendingKeyPath(key_path);
  absl::StatusOr<ps::DataDirLock> lock = ps::DataDirLock::Acquire(config.data_dir);
  if (!lock.ok()) {
    ps::LogError("main", "cannot rotate the master key: ", lock.status().message());
    return 1;
  }
  auto store = ps::SqliteStorageStore::Open(ps::DatabasePathOf(config));
  if (!store.ok()) {
    ps::LogError("main", "cannot rotate the master key: ", store.status().message());
    return 1;
  }
  absl::StatusOr<size_t> resealed = ps::RotateMasterKey(**store, key_path, new_key_path);
  if (!resealed.ok()) {
    ps::LogError("main", "cannot rotate the master key: ", resealed.status().message());
    return 1;
  }
  ps::LogInfo("main", "master key rotated: ", *resealed, " storage(s) re-sealed");
  return 0;
}

bool WritePortFile(const std::string& path, int port) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << port << "\n";
    if (!out) return false;
  }
  return std::rename(tmp.c_str(), path.c_str()) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  // gRPC's many threads each get a glibc malloc arena by default, and every arena keeps the
  // 1 MiB message buffers it once held: two arenas keep peak memory near the live data
  // (measured with a 1 GiB upload: 104 MiB peak RSS by default, 75 MiB with two arenas, no
  // CPU cost). Set before any thread starts.
  mallopt(M_ARENA_MAX, 2);
  absl::SetProgramUsageMessage("Pluton StorageService daemon. Flags: --help.");
  if (!ParseCommandLineWithRepeatedListFlags(argc, argv)) return 2;
  using pluton::storage::LogError;
  using pluton::storage::LogInfo;
  if (absl::GetFlag(FLAGS_verbose))
    pluton::storage::SetMinLogLevel(pluton::storage::LogLevel::kDebug);
  const std::string log_format = absl::GetFlag(FLAGS_log_format);
  if (log_format != "text" && log_format != "json") {
    LogError("main", "--log_format must be text or json, not \"", log_format, "\"");
    return 2;
  }
  if (log_format == "json") pluton::storage::SetLogFormat(pluton::storage::LogFormat::kJson);
  pluton::storage::RouteGrpcLogsThroughServiceLog();
  // Before any secret is read: a core dump would hold them all in plaintext.
  if (absl::Status hardened = pluton::storage::KeepSecretsOutOfDumps(); !hardened.ok()) {
    LogError("main", "cannot keep secrets out of core dumps: ", hardened.message());
    return 1;
  }

  // Block the shutdown signals in every thread (gRPC's included); one thread waits for them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  pluton::storage::ServerConfig config;
  config.listen_address = absl::GetFlag(FLAGS_listen);
  config.allow_unauthenticated_remote = absl::GetFlag(FLAGS_allow_unauthenticated_remote);
  config.data_dir = absl::GetFlag(FLAGS_data_dir);
  config.database_path = absl::GetFlag(FLAGS_database);
  config.master_key_file = absl::GetFlag(FLAGS_master_key_file);
  config.plugin_dir = absl::GetFlag(FLAGS_plugin_dir);
  if (config.plugin_dir.empty()) config.plugin_dir = DefaultPluginDir();
  config.allow_plugins_owned_by_service_user =
      absl::GetFlag(FLAGS_allow_plugins_owned_by_service_user);
  config.local_roots = absl::GetFlag(FLAGS_local_root);
  config.allowed_endpoints = absl::GetFlag(FLAGS_allowed_endpoint);
  const int drain_seconds = absl::GetFlag(FLAGS_drain_seconds);
  const int grace_seconds = absl::GetFlag(FLAGS_shutdown_grace_seconds);
  if (drain_seconds < 0 || grace_seconds < 0) {
    LogError("main", "--drain_seconds and --shutdown_grace_seconds must not be negative");
    return 2;
  }
  const int64_t budget_mib = absl::GetFlag(FLAGS_upload_buffer_budget_mib);
  const int64_t window_kib = absl::GetFlag(FLAGS_upload_read_window_kib);
  const int64_t stream_window_kib = absl::GetFlag(FLAGS_upload_stream_window_kib);
  if (budget_mib < 16 || window_kib < 64 || stream_window_kib < 64 ||
      stream_window_kib > (1 << 20)) {
    LogError("main",
             "--upload_buffer_budget_mib must be at least 16, --upload_read_window_kib at "
             "least 64 and --upload_stream_window_kib between 64 and 1048576");
    return 2;
  }
  config.upload_buffer_budget_bytes = static_cast<uint64_t>(budget_mib) << 20;
  config.upload_read_window_bytes = static_cast<uint64_t>(window_kib) << 10;
  config.upload_stream_window_bytes = static_cast<uint64_t>(stream_window_kib) << 10;
  config.max_concurrent_uploads = absl::GetFlag(FLAGS_max_concurrent_uploads);
  config.max_concurrent_downloads = absl::GetFlag(FLAGS_max_concurrent_downloads);
  if (config.max_concurrent_uploads < 1 || config.max_concurrent_downloads < 1) {
    LogError("main", "--max_concurrent_uploads and --max_concurrent_downloads must be at least 1");
    return 2;
  }
  config.storage_share_percent = absl::GetFlag(FLAGS_storage_share_percent);
  config.caller_share_percent = absl::GetFlag(FLAGS_caller_share_percent);
  if (config.storage_share_percent < 1 || config.storage_share_percent > 100 ||
      config.caller_share_percent < 1 || config.caller_share_percent > 100) {
    LogError("main", "--storage_share_percent and --caller_share_percent must be 1 to 100");
    return 2;
  }
  config.enable_reflection = absl::GetFlag(FLAGS_enable_reflection);
  config.health_listen_address = absl::GetFlag(FLAGS_health_listen);
  // Transport security and access control.
  config.tls_cert_file = absl::GetFlag(FLAGS_tls_cert_file);
  config.tls_key_file = absl::GetFlag(FLAGS_tls_key_file);
  config.tls_client_ca_file = absl::GetFlag(FLAGS_tls_client_ca_file);
  config.auth_tokens_file = absl::GetFlag(FLAGS_auth_tokens_file);
  const int tls_reload_seconds = absl::GetFlag(FLAGS_tls_reload_seconds);
  if (tls_reload_seconds < 1) {
    LogError("main", "--tls_reload_seconds must be at least 1");
    return 2;
  }
  config.tls_reload_interval = absl::Seconds(tls_reload_seconds);
  config.metrics_listen_address = absl::GetFlag(FLAGS_metrics_listen);  // --- Metrics ---
  config.node_id = absl::GetFlag(FLAGS_node_id);
  const int dead_upload_retry_seconds = absl::GetFlag(FLAGS_dead_upload_retry_seconds);
  if (dead_upload_retry_seconds < 1) {
    LogError("main", "--dead_upload_retry_seconds must be at least 1");
    return 2;
  }
  config.dead_upload_retry_interval = absl::Seconds(dead_upload_retry_seconds);

  if (absl::GetFlag(FLAGS_rotate_master_key)) return RotateMasterKeyCommand(config);

  auto server = pluton::storage::StorageServer::Start(config);
  if (!server.ok()) {
    LogError("main", "cannot start: ", server.status().message());
    return 1;
  }
  const std::string port_file = absl::GetFlag(FLAGS_port_file);
  if (!port_file.empty() && !WritePortFile(port_file, (*server)->port())) {
    LogError("main", "cannot write --port_file ", port_file);
    return 1;
  }

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  LogInfo("main", "received ", signal_number == SIGTERM ? "SIGTERM" : "SIGINT", "; draining for ",
          drain_seconds, " s, then in-flight calls get ", grace_seconds, " s");
  (*server)->Drain();
  WaitOutDrain(signals, absl::Seconds(drain_seconds));
  (*server)->Shutdown(absl::Seconds(grace_seconds));
  (*server)->Wait();
  return 0;
}
