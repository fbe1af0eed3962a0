// How a client reaches a secured StorageService: a channel with TLS credentials (optional
// client certificate for mTLS) and a bearer token sent as `authorization: Bearer <token>` on
// every call (README "Security").
//
//   ClientOptions options;
//   options.credentials = TlsChannelCredentials({.ca_pem = ca, .cert_pem = c, .key_pem = k});
//   options.bearer_token = token;
//   StorageClient client("storage.example:50051", options);
//
// The token travels as call metadata through a client interceptor, so it is sent on plaintext
// channels too (a service on loopback); over a network use TLS, or anyone on the path reads it.
//
// Thread safety: free functions; the channels they make are thread-safe.
#ifndef PLUTON_CLIENT_CHANNEL_SECURITY_H_
#define PLUTON_CLIENT_CHANNEL_SECURITY_H_

#include <memory>
#include <string>

#include "grpcpp/channel.h"
#include "grpcpp/security/credentials.h"

namespace pluton::storage::client {

struct TlsPems {
  std::string ca_pem;    // roots the server's certificate must chain to; "" = system roots
  std::string cert_pem;  // client certificate chain for mTLS; "" = none
  std::string key_pem;   // its private key
};

// TLS channel credentials from PEM text.
std::shared_ptr<grpc::ChannelCredentials> TlsChannelCredentials(const TlsPems& pems);

// A channel to `target` with `credentials` (insecure when null) that sends `bearer_token`
// (when not empty) on every call.
std::shared_ptr<grpc::Channel> CreateStorageChannel(
    const std::string& target, std::shared_ptr<grpc::ChannelCredentials> credentials,
    const std::string& bearer_token);

}  // namespace pluton::storage::client

#endif  // PLUTON_CLIENT_CHANNEL_SECURITY_H_
