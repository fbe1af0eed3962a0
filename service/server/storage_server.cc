#include "server/storage_server.h"

#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "api/storage_service.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/health_check_service_interface.h"
#include "metrics/budget_metrics.h"
#include "metrics/call_metrics_interceptor.h"
#include "metrics/metrics_http_server.h"
#include "metrics/storage_metrics.h"
#include "plugin/host_services.h"
#include "plugin/plugin_files.h"
#include "plugin/plugin_loader.h"
#include "registry/storage_registry.h"
#include "server/health_only_server.h"
#include "server/memory_bound.h"
#include "server/reflection_option.h"
#include "server/server_security.h"
#include "store/data_dir_lock.h"
#include "store/master_key_check.h"
#include "store/secret_box.h"
#include "store/sqlite_storage_store.h"
#include "upload/dead_upload_sweeper.h"
#include "upload/upload_journal.h"

namespace pluton::storage {
namespace {

constexpr char kComponent[] = "server";
// How long the calls cut off at the end of a shutdown's grace period have to finish with
// CANCELLED (an upload aborts its provider upload first) before gRPC cancels what remains.
constexpr absl::Duration kCutoffMargin = absl::Seconds(2);

absl::Status EnsureDirectory(const std::string& path) {
  if (mkdir(path.c_str(), 0700) == 0 || errno == EEXIST) {
    struct stat st;
    if (stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return absl::OkStatus();
    return absl::FailedPreconditionError(
        absl::StrCat("--data_dir ", path, " exists but is not a directory"));
  }
  return absl::FailedPreconditionError(absl::StrCat("cannot create --data_dir ", path, ": ",
                                                    std::strerror(errno),
                                                    "; create it or pick another"));
}

// What the health service reports for this server: overall ("") and for StorageService by name
// (the name a client or a Kubernetes probe's `service` asks about).
void SetHealth(grpc::Server* server, bool serving) {
  if (server == nullptr) return;
  grpc::HealthCheckServiceInterface* health = server->GetHealthCheckService();
  for (const char* name : {"", v1::StorageService::service_full_name()}) {
    health->SetServingStatus(name, serving);
  }
}

std::string HostName() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0 || name[0] == '\0') return "localhost";
  return name;
}

// 16 random hex digits: this process's run in the upload records.
std::string RandomRunId() {
  unsigned char bytes[8];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) {
    const int64_t now = absl::ToUnixNanos(absl::Now());
    static_assert(sizeof(now) == sizeof(bytes));
    std::memcpy(bytes, &now, sizeof(bytes));
  }
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(bytes), sizeof(bytes)));
}

}  // namespace

// Everything the server owns, in construction order (destroyed in reverse).
struct StorageServer::Parts {
  std::optional<DataDirLock> data_dir_lock;  // first in, last out: held while anything runs
  std::unique_ptr<SecretBox> secret_box;
  std::unique_ptr<SqliteStorageStore> store;
  std::unique_ptr<HostServices> host;
  std::unique_ptr<PluginSet> plugins;
  std::unique_ptr<HostPolicy> policy;
  std::unique_ptr<StorageRegistry> registry;
  std::unique_ptr<ObjectRecords> records;
  std::unique_ptr<UploadJournal> journal;
  std::unique_ptr<DeadUploadSweeper> sweeper;  // stopped before the registry and store go
  std::unique_ptr<Authorizer> authorizer;      // who may call what (server/server_security.h)
  CallCutoff cutoff;  // the calls Shutdown ends itself when the grace period is over
  UploadEnvironment uploads;
  std::unique_ptr<StorageServiceImpl> service;
  // --- Metrics: the budget's gauges (while `host` lives) and the /metrics listener ---
  std::shared_ptr<void> budget_gauges;
  std::unique_ptr<MetricsHttpServer> metrics_http;
  // --- end of metrics ---
  std::unique_ptr<grpc::Server> server;
  int port = 0;
  std::unique_ptr<grpc::Server> health_server;  // null without --health_listen
  int health_port = 0;
  std::once_flag shutdown_once;
};

std::string MasterKeyPathOf(const ServerConfig& config) {
  return config.master_key_file.empty() ? absl::StrCat(config.data_dir, "/master.key")
                                        : config.master_key_file;
}

std::string DatabasePathOf(const ServerConfig& config) {
  return config.database_path.empty() ? absl::StrCat(config.data_dir, "/storages.db")
                                      : config.database_path;
}

absl::StatusOr<std::unique_ptr<StorageServer>> StorageServer::Start(const ServerConfig& config) {
  RETURN_IF_ERROR(CheckSecurityConfig(config));
  ASSIGN_OR_RETURN(std::shared_ptr<grpc::ServerCredentials> credentials,
                   MakeServerCredentials(TlsFilesOf(config)));
  auto parts = std::make_unique<Parts>();
  RETURN_IF_ERROR(EnsureDirectory(config.data_dir));
  // One service per data directory: taken before the store or the key file is touched.
  ASSIGN_OR_RETURN(parts->data_dir_lock, DataDirLock::Acquire(config.data_dir));

  const bool default_key = config.master_key_file.empty();
  const std::string key_path = MasterKeyPathOf(config);
  const std::string db_path = DatabasePathOf(config);
  ASSIGN_OR_RETURN(parts->store, SqliteStorageStore::Open(db_path));

  // The key must be the one the database's secrets were sealed with (its check value). Only
  // the embedded default is created, and only for a database with nothing sealed: an
  // operator's explicit path that is missing is a mistake (an unmounted secret), and a fresh
  // key would make stored secrets unreadable.
  ASSIGN_OR_RETURN(SecretBox box, LoadCheckedMasterKey(*parts->store, key_path, default_key));
  parts->secret_box = std::make_unique<SecretBox>(std::move(box));

  parts->host = std::make_unique<HostServices>(config.upload_buffer_budget_bytes);
  RETURN_IF_ERROR(CheckPluginFilesTrusted(config.plugin_dir, geteuid(),
                                          config.allow_plugins_owned_by_service_user));
  ASSIGN_OR_RETURN(parts->plugins, PluginSet::Load(config.plugin_dir, parts->host->api()));
  // --- Metrics ---
  StorageMetrics& metrics = StorageMetricsInstance();
  metrics.plugin_load_failures.With({}).Add(parts->plugins->rejected().size());
  parts->budget_gauges = ExportBufferBudget(metrics.registry, parts->host->budget());
  if (!config.metrics_listen_address.empty()) {
    ASSIGN_OR_RETURN(parts->metrics_http,
                     MetricsHttpServer::Start(config.metrics_listen_address, &metrics.registry));
    LogInfo(kComponent, "serving GET /metrics on ", config.metrics_listen_address, " (port ",
            parts->metrics_http->port(), ")");
  }
  // --- end of metrics ---
  if (parts->plugins->providers().empty()) {
    LogWarning(kComponent, "no provider plugin loaded from ", config.plugin_dir);
  }

  // The service's own files are never reachable through a storage.
  ASSIGN_OR_RETURN(HostPolicy policy,
                   HostPolicy::Create(config.local_roots,
                                      {config.data_dir, db_path, key_path, config.plugin_dir},
                                      config.allowed_endpoints));
  parts->policy = std::make_unique<HostPolicy>(std::move(policy));
  parts->registry = std::make_unique<StorageRegistry>(
      parts->store.get(), parts->secret_box.get(), parts->plugins.get(),
      config.upload_buffer_budget_bytes, parts->policy.get());
  parts->records = std::make_unique<ObjectRecords>(parts->store.get());
  parts->uploads.registry = parts->registry.get();
  parts->uploads.records = parts->records.get();
  const std::string node = config.node_id.empty() ? HostName() : config.node_id;
  const std::string run = RandomRunId();
  parts->journal = std::make_unique<UploadJournal>(parts->store.get(), node, run);
  parts->uploads.journal = parts->journal.get();
  parts->uploads.cutoff = &parts->cutoff;
  parts->sweeper = std::make_unique<DeadUploadSweeper>(
      parts->store.get(), parts->registry.get(), node, run, config.dead_upload_retry_interval);
  parts->sweeper->Start();
  parts->uploads.read_window_bytes = config.upload_read_window_bytes;
  parts->uploads.max_concurrent_uploads = config.max_concurrent_uploads;
  ASSIGN_OR_RETURN(parts->authorizer, MakeAuthorizer(config, parts->registry.get()));
  parts->service = std::make_unique<StorageServiceImpl>(
      parts->registry.get(), parts->plugins.get(), &parts->uploads, parts->records.get(),
      config.max_concurrent_downloads,
      FairShares{config.storage_share_percent, config.caller_share_percent},
      parts->authorizer.get(), &parts->cutoff);

  grpc::EnableDefaultHealthCheckService(true);
  grpc::ServerBuilder builder;
  builder.SetOption(ReflectionOption(config.enable_reflection));
  builder.AddListeningPort(config.listen_address, credentials, &parts->port);
  builder.SetMaxReceiveMessageSize(config.max_message_bytes);
  // Bounded memory (server/memory_bound.h): a fixed stream window instead of one BDP probing
  // grows to many MiB per stream, and a quota on everything gRPC buffers.
  builder.AddChannelArgument(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES,
                             static_cast<int>(config.upload_stream_window_bytes));
  grpc::ResourceQuota quota("pluton-storaged");
  quota.Resize(GrpcMemoryQuotaBytes(config));
  builder.SetResourceQuota(quota);
  builder.RegisterService(parts->service.get());
  // --- Metrics: every call counted in one place ---
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(MakeCallMetricsInterceptorFactory());
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  parts->server = builder.BuildAndStart();
  if (!parts->server || parts->port == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on --listen ", config.listen_address,
                                               ": the address is invalid or in use"));
  }
  if (!config.health_listen_address.empty()) {
    ASSIGN_OR_RETURN(parts->health_server,
                     StartHealthOnlyServer(config.health_listen_address, &parts->health_port));
    LogInfo(kComponent, "serving grpc.health.v1.Health (plaintext, nothing else) on port ",
            parts->health_port);
  }
  SetHealth(parts->server.get(), true);
  SetHealth(parts->health_server.get(), true);
  LogInfo(kComponent, "serving pluton.storage.v1.StorageService on port ", parts->port,
          config.tls_cert_file.empty() ? " (plaintext" : " (TLS",
          parts->authorizer->enabled() ? ", authenticated)" : ", no authentication)", " with ",
          parts->plugins->providers().size(), " provider(s); database ", db_path, "; memory bound ",
          DescribeMemoryBound(config), "; node ", node, ", run ", run);
  return std::unique_ptr<StorageServer>(new StorageServer(std::move(parts)));
}

StorageServer::StorageServer(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

StorageServer::~StorageServer() { Shutdown(absl::ZeroDuration()); }

int StorageServer::port() const { return parts_->port; }

int StorageServer::health_port() const { return parts_->health_port; }
// --- Metrics ---
int StorageServer::metrics_port() const {
  return parts_->metrics_http ? parts_->metrics_http->port() : 0;
}

void StorageServer::Drain() {
  SetHealth(parts_->server.get(), false);
  SetHealth(parts_->health_server.get(), false);
  LogInfo(kComponent, "draining: health says NOT_SERVING; calls are still served");
}

void StorageServer::Shutdown(absl::Duration grace) {
  std::call_once(parts_->shutdown_once, [this, grace] {
    LogInfo(kComponent, "shutting down; in-flight calls have ", absl::FormatDuration(grace),
            " to finish");
    parts_->server->GetHealthCheckService()->SetServingStatus(false);
    if (parts_->health_server)
      parts_->health_server->GetHealthCheckService()->SetServingStatus(false);
    // New calls are refused from now on. The calls in flight get `grace`; those still running
    // then are cut off (CANCELLED, naming the shutdown) and get kCutoffMargin to finish so
    // before gRPC cancels what remains (UNAVAILABLE).
    const absl::Time grace_end = absl::Now() + grace;
    std::thread cutter([this, grace_end] {
      if (!parts_->cutoff.WaitUntilNoCallsOrCutOff(grace_end)) {
        LogInfo(kComponent, "the grace period is over; cancelling the calls still in flight");
        parts_->cutoff.CutOffAll();
      }
    });
    parts_->server->Shutdown(absl::ToChronoTime(grace_end + kCutoffMargin));
    parts_->cutoff.CutOffAll();  // when Shutdown returned early: no call may still register
    cutter.join();
    // Probes see NOT_SERVING until the last call has ended.
    if (parts_->health_server) parts_->health_server->Shutdown();
    LogInfo(kComponent, "stopped");
  });
}

void StorageServer::Wait() { parts_->server->Wait(); }

}  // namespace pluton::storage
