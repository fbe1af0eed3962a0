// StorageServer::Start and the listen address: without TLS and authentication an address other
// machines can reach is refused unless the config allows it (with both: tls_api_test.cc).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "client/storage_client.h"
#include "common/temp_dir.h"
#include "server/storage_server.h"

namespace pluton::testing {
namespace {

using ::testing::AnyOf;
using ::testing::HasSubstr;

// A config with an empty plugin directory: enough to start and answer ListProviders.
storage::ServerConfig ConfigIn(const TempDir& dir, const std::string& listen) {
  std::filesystem::create_directories(dir.Sub("plugins"));
  storage::ServerConfig config;
  config.listen_address = listen;
  config.data_dir = dir.Sub("data");
  config.plugin_dir = dir.Sub("plugins");
  return config;
}

TEST(ListenPolicyApiTest, DefaultListenAddressIsLoopback) {
  EXPECT_EQ(storage::ServerConfig().listen_address, "127.0.0.1:50051");
  EXPECT_FALSE(storage::ServerConfig().allow_unauthenticated_remote);
}

TEST(ListenPolicyApiTest, EveryInterfaceIsRefusedByDefaultNamingTheFlag) {
  TempDir dir;
  for (const std::string listen : {"0.0.0.0:0", "[::]:0"}) {
    auto server = storage::StorageServer::Start(ConfigIn(dir, listen));
    ASSERT_FALSE(server.ok()) << listen;
    EXPECT_THAT(server.status().code(),
                AnyOf(absl::StatusCode::kFailedPrecondition, absl::StatusCode::kInvalidArgument));
    EXPECT_THAT(server.status().message(), HasSubstr("--allow_unauthenticated_remote"));
    EXPECT_THAT(server.status().message(), HasSubstr(absl::StrCat("--listen ", listen)));
    EXPECT_EQ(server.status().message().find('\n'), std::string::npos);  // one line
  }
  // Refused before anything is opened or created.
  EXPECT_FALSE(std::filesystem::exists(dir.Sub("data")));
}

TEST(ListenPolicyApiTest, EveryInterfaceIsServedWhenAllowed) {
  TempDir dir;
  storage::ServerConfig config = ConfigIn(dir, "0.0.0.0:0");
  config.allow_unauthenticated_remote = true;
  auto server = storage::StorageServer::Start(config);
  ASSERT_TRUE(server.ok()) << server.status();
  ASSERT_GT((*server)->port(), 0);
  storage::client::StorageClient client(absl::StrCat("127.0.0.1:", (*server)->port()));
  auto providers = client.ListProviders();
  EXPECT_TRUE(providers.ok()) << providers.status();
  (*server)->Shutdown(absl::ZeroDuration());
}

TEST(ListenPolicyApiTest, LoopbackNeedsNoPermission) {
  TempDir dir;
  for (const std::string listen : {"127.0.0.1:0", "localhost:0"}) {
    auto server = storage::StorageServer::Start(ConfigIn(dir, listen));
    ASSERT_TRUE(server.ok()) << listen << ": " << server.status();
    storage::client::StorageClient client(absl::StrCat("127.0.0.1:", (*server)->port()));
    EXPECT_TRUE(client.ListProviders().ok()) << listen;
  }
}

}  // namespace
}  // namespace pluton::testing
