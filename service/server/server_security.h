// The security flags of ServerConfig turned into the server's parts, and the rules about how
// they combine with the listen address (README "Security"):
//
//   - TLS (--tls_cert_file, --tls_key_file) and authentication (--auth_tokens_file and/or
//     --tls_client_ca_file) together: any listen address.
//   - Anything less on an address other machines can reach (IsLocalOnlyListenAddress) needs
//     --allow_unauthenticated_remote, which logs what it exposes: no authentication at all, or
//     bearer tokens crossing the network in plaintext.
//   - Nothing configured: loopback only, every caller may do everything (the demo).
//   - --enable_reflection is refused with authentication: reflection is served to any caller.
//
// Thread safety: free functions, no shared state.
#ifndef PLUTON_SERVICE_SERVER_SERVER_SECURITY_H_
#define PLUTON_SERVICE_SERVER_SERVER_SECURITY_H_

#include <memory>

#include "absl/status/statusor.h"
#include "auth/authorizer.h"
#include "auth/tls_credentials.h"
#include "registry/storage_registry.h"
#include "server/storage_server.h"

namespace pluton::storage {

// Whether `config` turns authentication on.
bool AuthenticationConfigured(const ServerConfig& config);

// The rules above, checked before anything is opened. FAILED_PRECONDITION naming the flags.
absl::Status CheckSecurityConfig(const ServerConfig& config);

// The TLS files of `config`.
TlsFiles TlsFilesOf(const ServerConfig& config);

// The authorizer `config` asks for, resolving storages through `registry` (borrowed; must
// outlive the authorizer). Errors name --auth_tokens_file.
absl::StatusOr<std::unique_ptr<Authorizer>> MakeAuthorizer(const ServerConfig& config,
                                                           StorageRegistry* registry);

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_SERVER_SERVER_SECURITY_H_
