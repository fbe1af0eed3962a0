// What the TLS and access control tests share: PEM files written (and rotated) atomically, an
// access file built from tokens, channels with TLS and a bearer token, and the certificate a
// server presented to a call.
//
// Thread safety: free functions; each test owns its files.
#ifndef PLUTON_TESTS_E2E_SECURE_SERVER_H_
#define PLUTON_TESTS_E2E_SECURE_SERVER_H_

#include <openssl/sha.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "client/channel_security.h"
#include "client/storage_client.h"
#include "common/test_certificates.h"
#include "grpcpp/grpcpp.h"
#include "nlohmann/json.hpp"
#include "pluton/storage/v1/storage_service.grpc.pb.h"

namespace pluton::testing {

namespace v1 = ::pluton::storage::v1;

// Writes `content` to `path` the way cert-manager and Kubernetes do: a new file renamed over
// the old one, so a reader sees the old or the new version, never a mix.
inline void WriteFileAtomically(const std::string& path, const std::string& content) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << content;
  }
  std::rename(tmp.c_str(), path.c_str());
}

inline std::string TokenSha256Hex(const std::string& token) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), digest);
  return absl::BytesToHexString(std::string(reinterpret_cast<const char*>(digest), sizeof(digest)));
}

// One token line of an access file.
inline nlohmann::json TokenEntry(const std::string& name, const std::string& token,
                                 const std::string& role,
                                 const std::vector<std::string>& storages = {}) {
  nlohmann::json entry = {{"name", name}, {"sha256", TokenSha256Hex(token)}, {"role", role}};
  if (!storages.empty()) entry["storages"] = storages;
  return entry;
}

// A channel of its own (no connection shared with other channels, so a new channel means a new
// TLS handshake) to `target` with TLS trusting `ca_pem`, an optional client certificate and an
// optional bearer token.
inline std::shared_ptr<grpc::Channel> SecureChannel(const std::string& target,
                                                    const std::string& ca_pem,
                                                    const PemPair* client_cert = nullptr) {
  storage::client::TlsPems pems;
  pems.ca_pem = ca_pem;
  if (client_cert != nullptr) {
    pems.cert_pem = client_cert->cert_pem;
    pems.key_pem = client_cert->key_pem;
  }
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(target, storage::client::TlsChannelCredentials(pems), args);
}

// ListProviders on `channel`: the status, and in `peer_common_name` (may be null) the CN of the
// certificate the server presented.
inline grpc::Status ListProvidersOn(const std::shared_ptr<grpc::Channel>& channel,
                                    std::string* peer_common_name = nullptr) {
  auto stub = storage::v1::StorageService::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  storage::v1::ListProvidersRequest request;
  storage::v1::ListProvidersResponse response;
  grpc::Status status = stub->ListProviders(&context, request, &response);
  if (peer_common_name != nullptr) {
    peer_common_name->clear();
    if (std::shared_ptr<const grpc::AuthContext> auth = context.auth_context()) {
      for (const grpc::string_ref& cn : auth->FindPropertyValues("x509_common_name")) {
        peer_common_name->assign(cn.data(), cn.size());
      }
    }
  }
  return status;
}

}  // namespace pluton::testing

#endif  // PLUTON_TESTS_E2E_SECURE_SERVER_H_
