// pluton-storage against the real daemon with TLS and a bearer token: RunCli with the system
// environment's client (it dials --server like the installed tool) against a real
// StorageServer on 127.0.0.1:0 serving TLS from certificates the test makes, with an access
// file. Checks --tls-ca, --tls-cert/--tls-key (mTLS), the token from $PLUTON_STORAGE_TOKEN and
// --token-file, refusals as the CLI prints them (code, reason, exit status), hash-token against
// the access file, and the warning for a secret given with --set.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/byte_source.h"
#include "client/cli/cli.h"
#include "common/temp_dir.h"
#include "secure_server.h"
#include "server/storage_server.h"
#include "test_server_config.h"

namespace pluton::testing {
namespace {

namespace cli = ::pluton::storage::client;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr char kAdminToken[] = "cli-admin-token-0123456789abcdef";
constexpr char kAgentToken[] = "cli-agent-token-fedcba9876543210";

class CliSecureDaemonTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir_.Sub("plugins"));
    for (const std::string& plugin :
         {std::string(PLUTON_TEST_PLUGIN_DIR) + "/pluton_local.so",
          std::string(PLUTON_TEST_BROKEN_PLUGIN_DIR) + "/good_minimal.so"}) {
      std::filesystem::create_symlink(
          plugin, dir_.Sub("plugins/" + std::filesystem::path(plugin).filename().string()));
    }
    std::filesystem::create_directories(dir_.Sub("objects/b"));
    const PemPair server = ca_.Issue("server", {"DNS:localhost", "IP:127.0.0.1"});
    WriteFileAtomically(dir_.Sub("server.pem"), server.cert_pem);
    WriteFileAtomically(dir_.Sub("server.key"), server.key_pem);
    WriteFileAtomically(dir_.Sub("ca.pem"), ca_.cert_pem());
    WriteFileAtomically(dir_.Sub("agent.token"), std::string(kAgentToken) + "\n");
    WriteFileAtomically(dir_.Sub("access.json"),
                        nlohmann::json{{"tokens",
                                        {TokenEntry("ops", kAdminToken, "admin"),
                                         TokenEntry("agent-a", kAgentToken, "agent", {"backups"})}}}
                            .dump());

    env_ = cli::SystemCliEnvironment();
    env_.out = &out_;
    env_.err = &err_;
    env_.err_is_terminal = false;
    env_.input.getenv = [this](const std::string& name) -> std::optional<std::string> {
      auto it = vars_.find(name);
      if (it == vars_.end()) return std::nullopt;
      return it->second;
    };
    env_.open_stdin = [this]() -> std::unique_ptr<cli::ByteSource> {
      const std::string path = dir_.Sub("stdin");
      WriteFileAtomically(path, stdin_);
      return std::make_unique<cli::FdByteSource>(::open(path.c_str(), O_RDONLY | O_CLOEXEC),
                                                 "standard input", /*owned=*/true, -1);
    };
  }

  void StartServer(bool mutual_tls = false) {
    storage::ServerConfig config = TestServerConfig(dir_);
    config.tls_cert_file = dir_.Sub("server.pem");
    config.tls_key_file = dir_.Sub("server.key");
    if (mutual_tls) config.tls_client_ca_file = dir_.Sub("ca.pem");
    config.auth_tokens_file = dir_.Sub("access.json");
    auto server = storage::StorageServer::Start(config);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
  }

  // Runs `pluton-storage --server 127.0.0.1:PORT --tls-ca ca.pem ARGS`.
  int Run(std::vector<std::string> args) {
    args.insert(args.begin(), {"--server", absl::StrCat("127.0.0.1:", server_->port()), "--tls-ca",
                               dir_.Sub("ca.pem")});
    return RunPlain(args);
  }
  int RunPlain(const std::vector<std::string>& args) {
    out_.str("");
    err_.str("");
    return cli::RunCli(args, env_);
  }
  std::string out() const { return out_.str(); }
  std::string err() const { return err_.str(); }

  TempDir dir_;
  TestCa ca_{"cli test CA"};
  std::unique_ptr<storage::StorageServer> server_;
  cli::CliEnvironment env_;
  std::ostringstream out_;
  std::ostringstream err_;
  std::map<std::string, std::string> vars_;
  std::string stdin_;
};

TEST_F(CliSecureDaemonTest, AdminTokenFromTheEnvironmentOverTls) {
  StartServer();
  vars_["PLUTON_STORAGE_TOKEN"] = kAdminToken;
  ASSERT_EQ(Run({"add", "backups", "--provider", "local", "--set", "root=" + dir_.Sub("objects")}),
            cli::kExitOk)
      << err();
  EXPECT_THAT(out(), HasSubstr("added storage backups"));
  ASSERT_EQ(Run({"--json", "list"}), cli::kExitOk) << err();
  const nlohmann::json listed = nlohmann::json::parse(out());
  ASSERT_EQ(listed["storages"].size(), 1u);
  EXPECT_EQ(listed["storages"][0]["name"], "backups");
}

TEST_F(CliSecureDaemonTest, AgentTokenFromAFileUploadsAndIsRefusedTheRest) {
  StartServer();
  vars_["PLUTON_STORAGE_TOKEN"] = kAdminToken;
  ASSERT_EQ(Run({"add", "backups", "--provider", "local", "--set", "root=" + dir_.Sub("objects")}),
            cli::kExitOk)
      << err();
  vars_.clear();

  const std::string data = PatternBytes(200000, 3);
  WriteFileAtomically(dir_.Sub("payload"), data);
  ASSERT_EQ(Run({"--token-file", dir_.Sub("agent.token"), "upload", "backups", "b", "night-1",
                 dir_.Sub("payload")}),
            cli::kExitOk)
      << err();
  EXPECT_EQ(ReadFileBytes(dir_.Sub("objects/b/night-1")), data);

  ASSERT_EQ(Run({"--token-file", dir_.Sub("agent.token"), "download", "backups", "b", "night-1",
                 dir_.Sub("restored")}),
            cli::kExitOk)
      << err();
  EXPECT_EQ(ReadFileBytes(dir_.Sub("restored")), data);

  EXPECT_EQ(Run({"--token-file", dir_.Sub("agent.token"), "delete", "backups"}), cli::kExitFailure);
  EXPECT_THAT(err(), HasSubstr("PERMISSION_DENIED"));
  EXPECT_THAT(err(), HasSubstr("\"agent-a\" (agent) may not call DeleteStorage"));
  EXPECT_THAT(err(), Not(HasSubstr(kAgentToken)));
  EXPECT_TRUE(std::filesystem::exists(dir_.Sub("objects/b/night-1")));
}

TEST_F(CliSecureDaemonTest, MissingOrWrongTokenAndPlaintextFailClearly) {
  StartServer();
  EXPECT_EQ(Run({"list"}), cli::kExitFailure);
  EXPECT_THAT(err(), HasSubstr("UNAUTHENTICATED"));
  EXPECT_THAT(err(), HasSubstr("requires authentication"));

  vars_["PLUTON_STORAGE_TOKEN"] = "not-a-known-token-at-all-xxxxxxxx";
  EXPECT_EQ(Run({"list"}), cli::kExitFailure);
  EXPECT_THAT(err(), HasSubstr("the bearer token is not one this service knows"));
  EXPECT_THAT(err(), Not(HasSubstr("not-a-known-token-at-all")));

  vars_["PLUTON_STORAGE_TOKEN"] = kAdminToken;
  EXPECT_EQ(RunPlain({"--server", absl::StrCat("127.0.0.1:", server_->port()), "list"}),
            cli::kExitFailure);  // no --tls-ca: plaintext to the TLS port
  EXPECT_THAT(err(), HasSubstr("UNAVAILABLE"));

  EXPECT_EQ(Run({"--token-file", dir_.Sub("absent.token"), "list"}), cli::kExitUsage);
  EXPECT_THAT(err(), HasSubstr("--token-file"));
  EXPECT_EQ(Run({"--tls-cert", dir_.Sub("server.pem"), "list"}), cli::kExitUsage);
  EXPECT_THAT(err(), HasSubstr("--tls-key"));
}

TEST_F(CliSecureDaemonTest, ClientCertificateWithMutualTls) {
  const PemPair client = ca_.Issue("ops-laptop", {});
  WriteFileAtomically(dir_.Sub("client.pem"), client.cert_pem);
  WriteFileAtomically(dir_.Sub("client.key"), client.key_pem);
  StartServer(/*mutual_tls=*/true);
  vars_["PLUTON_STORAGE_TOKEN"] = kAdminToken;
  EXPECT_EQ(Run({"providers"}), cli::kExitFailure);  // TLS handshake refused: no certificate
  EXPECT_THAT(err(), HasSubstr("UNAVAILABLE"));
  EXPECT_EQ(
      Run({"--tls-cert", dir_.Sub("client.pem"), "--tls-key", dir_.Sub("client.key"), "providers"}),
      cli::kExitOk)
      << err();
  EXPECT_THAT(out(), HasSubstr("local"));
}

TEST_F(CliSecureDaemonTest, HashTokenPrintsWhatTheAccessFileNeeds) {
  stdin_ = std::string(kAgentToken) + "\n";
  ASSERT_EQ(RunPlain({"hash-token"}), cli::kExitOk) << err();
  EXPECT_EQ(out(), TokenSha256Hex(kAgentToken) + "\n");
  EXPECT_THAT(err(), IsEmpty());

  ASSERT_EQ(RunPlain({"--json", "hash-token", "--generate"}), cli::kExitOk) << err();
  const nlohmann::json generated = nlohmann::json::parse(out());
  const std::string token = generated["token"];
  EXPECT_GE(token.size(), 40u);
  EXPECT_EQ(generated["sha256"], TokenSha256Hex(token));

  // The generated token, hashed into an access file, authenticates against the daemon.
  WriteFileAtomically(dir_.Sub("access.json"), nlohmann::json{{"tokens",
                                                               {{{"name", "fresh"},
                                                                 {"sha256", generated["sha256"]},
                                                                 {"role", "reader"},
                                                                 {"storages", {"*"}}}}}}
                                                   .dump());
  StartServer();
  vars_["PLUTON_STORAGE_TOKEN"] = token;
  EXPECT_EQ(Run({"list"}), cli::kExitOk) << err();

  stdin_ = "short";
  ASSERT_EQ(RunPlain({"hash-token"}), cli::kExitOk);
  EXPECT_THAT(err(), HasSubstr("warning"));
  stdin_ = "";
  EXPECT_EQ(RunPlain({"hash-token"}), cli::kExitUsage);
}

TEST_F(CliSecureDaemonTest, ASecretGivenWithSetIsWarnedAbout) {
  StartServer();
  vars_["PLUTON_STORAGE_TOKEN"] = kAdminToken;
  // The minimal test plugin's "token" field is secret; its other fields are not.
  ASSERT_EQ(Run({"providers", "minimal", "--json"}), cli::kExitOk) << err();
  bool token_is_secret = false;
  const nlohmann::json provider = nlohmann::json::parse(out());
  for (const auto& field : provider["configFields"]) {
    if (field["name"] == "token") token_is_secret = field.value("secret", false);
  }
  ASSERT_TRUE(token_is_secret) << out();

  Run({"add", "with-secret", "--provider", "minimal", "--set", "token=s3cr3t-value",
       "--validate-only"});
  EXPECT_THAT(err(), HasSubstr("warning: --set token=... puts a secret on the command line"));
  EXPECT_THAT(err(), HasSubstr("--secret-env token=ENVVAR"));
  EXPECT_THAT(err(), Not(HasSubstr("s3cr3t-value")));

  vars_["MINIMAL_TOKEN"] = "s3cr3t-value";
  Run({"add", "with-secret", "--provider", "minimal", "--secret-env", "token=MINIMAL_TOKEN",
       "--validate-only"});
  EXPECT_THAT(err(), Not(HasSubstr("warning")));
}

}  // namespace
}  // namespace pluton::testing
