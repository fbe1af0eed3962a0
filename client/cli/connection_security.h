// The CLI's connection security: --tls, --tls-ca, --tls-cert, --tls-key, and the bearer token
// from --token-file or $PLUTON_STORAGE_TOKEN, turned into the client's credentials
// (client/channel_security.h). The token never appears on the command line: a process list
// would show it.
//
// Thread safety: free functions, no shared state.
#ifndef PLUTON_CLIENT_CLI_CONNECTION_SECURITY_H_
#define PLUTON_CLIENT_CLI_CONNECTION_SECURITY_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "client/cli/arg_parser.h"
#include "client/cli/config_input.h"
#include "grpcpp/security/credentials.h"

namespace pluton::storage::client {

inline constexpr char kTokenEnvVar[] = "PLUTON_STORAGE_TOKEN";

// The options as given (paths; nothing read yet).
struct ConnectionOptions {
  bool tls = false;                       // --tls: TLS with the system's roots
  std::optional<std::string> tls_ca;      // --tls-ca FILE (implies TLS)
  std::optional<std::string> tls_cert;    // --tls-cert FILE (mTLS; implies TLS)
  std::optional<std::string> tls_key;     // --tls-key FILE
  std::optional<std::string> token_file;  // --token-file FILE
};

// What the client connects with.
struct ConnectionSecurity {
  std::shared_ptr<grpc::ChannelCredentials> credentials;  // null: plaintext
  std::string bearer_token;                               // "": none
};

// Declares the options above on `parser`.
void AddConnectionOptions(ArgParser& parser);
// Reads the options given on `parser` into `options` (keeping values not given).
void ApplyConnectionOptions(const ArgParser& parser, ConnectionOptions& options);

// Reads the files and the environment. INVALID_ARGUMENT naming the option when a file cannot be
// read, --tls-cert comes without --tls-key (or the reverse), or the token file is empty. The
// token file wins over $PLUTON_STORAGE_TOKEN (empty counts as unset); trailing newlines are
// removed.
absl::StatusOr<ConnectionSecurity> ResolveConnectionSecurity(const ConnectionOptions& options,
                                                             const InputEnv& env);

}  // namespace pluton::storage::client

#endif  // PLUTON_CLIENT_CLI_CONNECTION_SECURITY_H_
