// TLS and mTLS on the gRPC port through the real server, with certificates the test makes
// (tests/common/test_certificates.h): the certificate from the files is served, a certificate
// rotated on disk is served to the next connection without a restart, plaintext and unknown
// CAs fail, mTLS refuses clients without a certificate the CA signed, bad files stop the
// start naming the flag, and the listen address rules (server/server_security.h).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/raw_grpc_call.h"
#include "common/temp_dir.h"
#include "secure_server.h"
#include "server/storage_server.h"
#include "test_server_config.h"

namespace pluton::testing {
namespace {

using ::testing::HasSubstr;

class TlsApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir_.Sub("plugins"));
    std::filesystem::create_symlink(std::string(PLUTON_TEST_PLUGIN_DIR) + "/pluton_local.so",
                                    dir_.Sub("plugins/pluton_local.so"));
    WriteServerCertificate(ca_.Issue("server-1", {"DNS:localhost", "IP:127.0.0.1"}));
    WriteFileAtomically(dir_.Sub("client-ca.pem"), client_ca_.cert_pem());
  }

  void WriteServerCertificate(const PemPair& pair) {
    WriteFileAtomically(dir_.Sub("server.key"), pair.key_pem);
    WriteFileAtomically(dir_.Sub("server.pem"), pair.cert_pem);
  }

  storage::ServerConfig TlsConfig(const std::string& listen = "127.0.0.1:0") const {
    storage::ServerConfig config = TestServerConfig(dir_);
    config.listen_address = listen;
    config.tls_cert_file = dir_.Sub("server.pem");
    config.tls_key_file = dir_.Sub("server.key");
    config.tls_reload_interval = absl::Seconds(1);
    return config;
  }

  std::unique_ptr<storage::StorageServer> Start(const storage::ServerConfig& config) {
    auto server = storage::StorageServer::Start(config);
    EXPECT_TRUE(server.ok()) << server.status();
    return server.ok() ? std::move(*server) : nullptr;
  }

  static std::string Target(const storage::StorageServer& server) {
    return absl::StrCat("127.0.0.1:", server.port());
  }

  TempDir dir_;
  TestCa ca_{"pluton test server CA"};
  TestCa client_ca_{"pluton test client CA"};
};

TEST_F(TlsApiTest, ServesTheCertificateFromTheFiles) {
  auto server = Start(TlsConfig());
  ASSERT_NE(server, nullptr);
  std::string served;
  grpc::Status status = ListProvidersOn(SecureChannel(Target(*server), ca_.cert_pem()), &served);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(served, "server-1");
}

TEST_F(TlsApiTest, PlaintextToTheTlsPortFailsUnavailable) {
  auto server = Start(TlsConfig());
  ASSERT_NE(server, nullptr);
  const auto started = std::chrono::steady_clock::now();
  grpc::Status status =
      ListProvidersOn(grpc::CreateChannel(Target(*server), grpc::InsecureChannelCredentials()));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
  // Refused at the handshake, not left hanging until the deadline.
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
}

TEST_F(TlsApiTest, ACertificateFromAnotherCaIsRefusedByTheClient) {
  auto server = Start(TlsConfig());
  ASSERT_NE(server, nullptr);
  TestCa stranger("some other CA");
  grpc::Status status = ListProvidersOn(SecureChannel(Target(*server), stranger.cert_pem()));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
}

TEST_F(TlsApiTest, ARotatedCertificateIsServedToTheNextConnectionWithoutRestart) {
  auto server = Start(TlsConfig());
  ASSERT_NE(server, nullptr);
  const int port = server->port();
  std::string served;
  ASSERT_TRUE(ListProvidersOn(SecureChannel(Target(*server), ca_.cert_pem()), &served).ok());
  ASSERT_EQ(served, "server-1");

  WriteServerCertificate(ca_.Issue("server-2", {"DNS:localhost", "IP:127.0.0.1"}));
  // The provider re-reads the files every second (tls_reload_interval).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (served != "server-2" && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    grpc::Status status = ListProvidersOn(SecureChannel(Target(*server), ca_.cert_pem()), &served);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  EXPECT_EQ(served, "server-2");
  EXPECT_EQ(server->port(), port);  // the same server, never restarted
}

TEST_F(TlsApiTest, MutualTlsRequiresAClientCertificateTheCaSigned) {
  storage::ServerConfig config = TlsConfig();
  config.tls_client_ca_file = dir_.Sub("client-ca.pem");
  auto server = Start(config);
  ASSERT_NE(server, nullptr);

  EXPECT_EQ(ListProvidersOn(SecureChannel(Target(*server), ca_.cert_pem())).error_code(),
            grpc::StatusCode::UNAVAILABLE);  // no client certificate
  TestCa stranger("some other CA");
  const PemPair forged = stranger.Issue("ops", {});
  EXPECT_EQ(ListProvidersOn(SecureChannel(Target(*server), ca_.cert_pem(), &forged)).error_code(),
            grpc::StatusCode::UNAVAILABLE);  // signed by a CA the server does not trust

  // Without an access file every certificate the client CA signed is admin.
  const PemPair ops = client_ca_.Issue("ops", {});
  storage::client::ClientOptions options;
  options.credentials =
      storage::client::TlsChannelCredentials({ca_.cert_pem(), ops.cert_pem, ops.key_pem});
  storage::client::StorageClient client(Target(*server), options);
  v1::AddStorageRequest add;
  add.mutable_storage()->set_name("by-certificate");
  add.mutable_storage()->set_provider("local");
  (*add.mutable_storage()->mutable_config())["root"] = dir_.Sub("objects");
  auto added = client.AddStorage(add);
  ASSERT_TRUE(added.ok()) << added.status();
  EXPECT_EQ(added->name(), "by-certificate");
}

TEST_F(TlsApiTest, UnusableFilesStopTheStartNamingTheFlag) {
  struct Case {
    std::string what;
    std::function<void(storage::ServerConfig&)> change;
    std::string flag;
  };
  WriteFileAtomically(dir_.Sub("other.key"), ca_.Issue("other", {}).key_pem);
  WriteFileAtomically(dir_.Sub("garbage.pem"), "not a certificate\n");
  const std::vector<Case> cases = {
      {"missing certificate", [&](auto& c) { c.tls_cert_file = dir_.Sub("none.pem"); },
       "--tls_cert_file"},
      {"not PEM", [&](auto& c) { c.tls_cert_file = dir_.Sub("garbage.pem"); }, "--tls_cert_file"},
      {"key of another certificate", [&](auto& c) { c.tls_key_file = dir_.Sub("other.key"); },
       "--tls_key_file"},
      {"certificate without key", [&](auto& c) { c.tls_key_file.clear(); }, "--tls_key_file"},
      {"client CA without TLS",
       [&](auto& c) {
         c.tls_cert_file.clear();
         c.tls_key_file.clear();
         c.tls_client_ca_file = dir_.Sub("client-ca.pem");
       },
       "--tls_client_ca_file"},
      {"client CA not PEM", [&](auto& c) { c.tls_client_ca_file = dir_.Sub("garbage.pem"); },
       "--tls_client_ca_file"},
  };
  for (const Case& c : cases) {
    storage::ServerConfig config = TlsConfig();
    c.change(config);
    auto server = storage::StorageServer::Start(config);
    ASSERT_FALSE(server.ok()) << c.what;
    EXPECT_EQ(server.status().code(), absl::StatusCode::kFailedPrecondition) << c.what;
    EXPECT_THAT(server.status().message(), HasSubstr(c.flag)) << c.what;
  }
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("data")));  // refused before anything opened
}

TEST_F(TlsApiTest, TlsWithAuthenticationMayListenBeyondLoopback) {
  WriteFileAtomically(
      dir_.Sub("tokens.json"),
      nlohmann::json{{"tokens", {TokenEntry("ops", "ops-token-0123456789abcdef", "admin")}}}
          .dump());
  storage::ServerConfig config = TlsConfig("0.0.0.0:0");
  config.auth_tokens_file = dir_.Sub("tokens.json");
  auto server = Start(config);
  ASSERT_NE(server, nullptr);
  storage::client::ClientOptions options;
  options.credentials = storage::client::TlsChannelCredentials({ca_.cert_pem(), "", ""});
  options.bearer_token = "ops-token-0123456789abcdef";
  storage::client::StorageClient client(Target(*server), options);
  auto providers = client.ListProviders();
  EXPECT_TRUE(providers.ok()) << providers.status();
}

TEST_F(TlsApiTest, LessThanTlsWithAuthenticationBeyondLoopbackIsRefused) {
  WriteFileAtomically(dir_.Sub("tokens.json"), R"({"tokens": []})");
  struct Case {
    std::string what;
    bool tls;
    bool tokens;
    std::string says;
  };
  for (const Case& c : std::vector<Case>{
           {"tokens without TLS", false, true, "plaintext"},
           {"TLS without authentication", true, false, "no authentication"},
       }) {
    storage::ServerConfig config = TlsConfig("[::]:0");
    if (!c.tls) config.tls_cert_file = config.tls_key_file = "";
    if (c.tokens) config.auth_tokens_file = dir_.Sub("tokens.json");
    auto server = storage::StorageServer::Start(config);
    ASSERT_FALSE(server.ok()) << c.what;
    EXPECT_EQ(server.status().code(), absl::StatusCode::kFailedPrecondition) << c.what;
    EXPECT_THAT(server.status().message(), HasSubstr("--allow_unauthenticated_remote")) << c.what;
    EXPECT_THAT(server.status().message(), HasSubstr(c.says)) << c.what;

    config.allow_unauthenticated_remote = true;  // the loud flag still allows it
    auto allowed = storage::StorageServer::Start(config);
    EXPECT_TRUE(allowed.ok()) << c.what << ": " << allowed.status();
  }
}

TEST_F(TlsApiTest, ReflectionIsRefusedWithAuthentication) {
  WriteFileAtomically(dir_.Sub("tokens.json"), R"({"tokens": []})");
  storage::ServerConfig config = TlsConfig();
  config.auth_tokens_file = dir_.Sub("tokens.json");
  config.enable_reflection = true;
  auto server = storage::StorageServer::Start(config);
  ASSERT_FALSE(server.ok());
  EXPECT_EQ(server.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(server.status().message(), HasSubstr("--enable_reflection"));
}

}  // namespace
}  // namespace pluton::testing
