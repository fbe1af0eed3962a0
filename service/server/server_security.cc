#include "server/server_security.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "server/listen_address.h"

namespace pluton::storage {
namespace {

constexpr char kComponent[] = "server";

bool TlsConfigured(const ServerConfig& config) {
  return !config.tls_cert_file.empty() || !config.tls_key_file.empty();
}

// What a remote caller could do or see, for the refusal and the warning.
std::string RemoteExposure(const ServerConfig& config) {
  if (!AuthenticationConfigured(config)) {
    return "the service has no authentication (no --auth_tokens_file or --tls_client_ca_file): "
           "anyone who can connect can read, write and delete every storage";
  }
  return "bearer tokens would cross the network in plaintext (no --tls_cert_file and "
         "--tls_key_file): anyone on the path can read and replay them";
}

absl::Status CheckListenAddress(const ServerConfig& config) {
  if (IsLocalOnlyListenAddress(config.listen_address)) return absl::OkStatus();
  if (TlsConfigured(config) && AuthenticationConfigured(config)) return absl::OkStatus();
  if (config.allow_unauthenticated_remote) {
    LogWarning(kComponent, "--allow_unauthenticated_remote: ", config.listen_address,
               " is reachable from other machines and ", RemoteExposure(config));
    return absl::OkStatus();
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "--listen ", config.listen_address, " is reachable from other machines and ",
      RemoteExposure(config),
      ". Configure TLS (--tls_cert_file, --tls_key_file) and authentication "
      "(--auth_tokens_file or --tls_client_ca_file), listen on loopback (127.0.0.1, [::1], "
      "localhost) or a unix: socket, or pass --allow_unauthenticated_remote if a network "
      "policy or mesh restricts who can connect"));
}

}  // namespace

bool AuthenticationConfigured(const ServerConfig& config) {
  return !config.auth_tokens_file.empty() || !config.tls_client_ca_file.empty();
}

absl::Status CheckSecurityConfig(const ServerConfig& config) {
  if (config.enable_reflection && AuthenticationConfigured(config)) {
    return absl::FailedPreconditionError(
        "--enable_reflection serves the API's description to any caller, unauthenticated; it "
        "cannot be combined with --auth_tokens_file or --tls_client_ca_file (use the .proto "
        "files with grpcurl instead)");
  }
  return CheckListenAddress(config);
}

TlsFiles TlsFilesOf(const ServerConfig& config) {
  TlsFiles files;
  files.cert_file = config.tls_cert_file;
  files.key_file = config.tls_key_file;
  files.client_ca_file = config.tls_client_ca_file;
  files.reload_interval = config.tls_reload_interval;
  return files;
}

absl::StatusOr<std::unique_ptr<Authorizer>> MakeAuthorizer(const ServerConfig& config,
                                                           StorageRegistry* registry) {
  StorageLookup lookup = [registry](const std::string& ref) -> absl::StatusOr<StorageIdentity> {
    ASSIGN_OR_RETURN(StorageView view, registry->Get(ref));
    return StorageIdentity{view.id, view.name};
  };
  if (!AuthenticationConfigured(config)) return Authorizer::Open(std::move(lookup));
  std::unique_ptr<AccessFileWatcher> access_file;
  if (!config.auth_tokens_file.empty()) {
    ASSIGN_OR_RETURN(access_file, AccessFileWatcher::Open(config.auth_tokens_file,
                                                          config.auth_file_check_interval));
  } else {
    LogWarning(kComponent,
               "no --auth_tokens_file: every client certificate signed by "
               "--tls_client_ca_file ",
               config.tls_client_ca_file, " is admin");
  }
  return Authorizer::Enforcing(std::move(access_file), !config.tls_client_ca_file.empty(),
                               std::move(lookup));
}

}  // namespace pluton::storage
