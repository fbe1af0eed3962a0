#include "client/cli/connection_security.h"

#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "client/channel_security.h"

namespace pluton::storage::client {
namespace {

absl::StatusOr<std::string> ReadOptionFile(const InputEnv& env, absl::string_view option,
                                           const std::string& path) {
  absl::StatusOr<std::string> text = env.read_file(path);
  if (!text.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(option, ": ", text.status().message()));
  }
  return text;
}

absl::StatusOr<std::string> ReadToken(const ConnectionOptions& options, const InputEnv& env) {
  std::string token;
  absl::string_view source;
  if (options.token_file) {
    absl::StatusOr<std::string> text = ReadOptionFile(env, "--token-file", *options.token_file);
    if (!text.ok()) return text.status();
    token = TrimTrailingNewlines(*std::move(text));
    source = "--token-file";
  } else if (std::optional<std::string> value = env.getenv(kTokenEnvVar);
             value && !value->empty()) {
    token = TrimTrailingNewlines(*std::move(value));
    source = kTokenEnvVar;
  } else {
    return std::string();  // unset or empty: no token
  }
  if (token.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(source, ": the token is empty"));
  }
  return token;
}

}  // namespace

void AddConnectionOptions(ArgParser& parser) {
  parser.AddSwitch("tls", "connect with TLS, trusting the system's CA certificates")
      .AddOption("tls-ca", "FILE", "connect with TLS, trusting the CA certificates in FILE (PEM)")
      .AddOption("tls-cert", "FILE", "client certificate (PEM) for mTLS; needs --tls-key")
      .AddOption("tls-key", "FILE", "private key (PEM) of --tls-cert")
      .AddOption("token-file", "FILE",
                 absl::StrCat("bearer token to authenticate with (default: $", kTokenEnvVar, ")"));
}

void ApplyConnectionOptions(const ArgParser& parser, ConnectionOptions& options) {
  if (parser.Has("tls")) options.tls = true;
  for (auto [name, field] :
       {std::pair{"tls-ca", &options.tls_ca}, std::pair{"tls-cert", &options.tls_cert},
        std::pair{"tls-key", &options.tls_key}, std::pair{"token-file", &options.token_file}}) {
    if (std::optional<std::string> value = parser.Get(name)) *field = *std::move(value);
  }
}

absl::StatusOr<ConnectionSecurity> ResolveConnectionSecurity(const ConnectionOptions& options,
                                                             const InputEnv& env) {
  ConnectionSecurity security;
  absl::StatusOr<std::string> token = ReadToken(options, env);
  if (!token.ok()) return token.status();
  security.bearer_token = *std::move(token);
  if (options.tls_cert.has_value() != options.tls_key.has_value()) {
    return absl::InvalidArgumentError(
        "--tls-cert and --tls-key go together: give the client certificate and its key");
  }
  if (!options.tls && !options.tls_ca && !options.tls_cert) return security;
  TlsPems pems;
  for (auto [option, path, pem] : {std::tuple{"--tls-ca", &options.tls_ca, &pems.ca_pem},
                                   std::tuple{"--tls-cert", &options.tls_cert, &pems.cert_pem},
                                   std::tuple{"--tls-key", &options.tls_key, &pems.key_pem}}) {
    if (!path->has_value()) continue;
    absl::StatusOr<std::string> text = ReadOptionFile(env, option, **path);
    if (!text.ok()) return text.status();
    *pem = *std::move(text);
  }
  security.credentials = TlsChannelCredentials(pems);
  return security;
}

}  // namespace pluton::storage::client
