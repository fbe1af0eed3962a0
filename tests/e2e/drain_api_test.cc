// StorageServer::Drain through the real server: the health service says NOT_SERVING, overall
// and for StorageService by name, while new calls are still served.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "common/raw_grpc_call.h"
#include "server_fixture.h"

namespace pluton::testing {
namespace {

constexpr char kStorageService[] = "pluton.storage.v1.StorageService";
constexpr int kServing = 1;     // grpc.health.v1.HealthCheckResponse.ServingStatus
constexpr int kNotServing = 2;  // (proto3 omits 0, UNKNOWN)

class DrainApiTest : public ServerFixture {
 protected:
  // grpc.health.v1.Health/Check for `service`: its status, or -1 when the call failed or the
  // response is not a one-field HealthCheckResponse. The request is built by hand
  // (HealthCheckRequest.service is field 1) as no generated health code is at hand.
  int HealthStatus(const std::string& service) { return HealthStatusAt(target(), service); }
  static int HealthStatusAt(const std::string& address, const std::string& service) {
    std::string request;
    if (!service.empty()) {
      request = std::string(1, '\x0a') + static_cast<char>(service.size()) + service;
    }
    const RawCallResult result =
        CallRaw(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()),
                "/grpc.health.v1.Health/Check", {request});
    if (!result.status.ok() || result.responses.size() != 1) return -1;
    const std::string& response = result.responses[0];
    if (response.size() != 2 || response[0] != '\x08') return -1;
    return response[1];
  }
};

TEST_F(DrainApiTest, ServingOverallAndByNameOnceStarted) {
  EXPECT_EQ(HealthStatus(""), kServing);
  EXPECT_EQ(HealthStatus(kStorageService), kServing);
}

TEST_F(DrainApiTest, DrainSaysNotServingAndStillServesNewCalls) {
  server_->Drain();
  EXPECT_EQ(HealthStatus(""), kNotServing);
  EXPECT_EQ(HealthStatus(kStorageService), kNotServing);

  auto providers = client_->ListProviders();
  ASSERT_TRUE(providers.ok()) << providers.status();
  EXPECT_GT(providers->providers_size(), 0);
  EXPECT_EQ(AddLocalStorage("during-drain").name(), "during-drain");

  server_->Drain();  // again: no change
  EXPECT_EQ(HealthStatus(kStorageService), kNotServing);
}

// --health_listen: a second plaintext port with the health service only, following the main
// port's status through the drain.
class HealthListenApiTest : public DrainApiTest {
 protected:
  void SetUp() override {
    health_listen_address_ = "127.0.0.1:0";
    DrainApiTest::SetUp();
  }
  std::string health_target() const { return absl::StrCat("127.0.0.1:", server_->health_port()); }
};

TEST_F(HealthListenApiTest, TheHealthPortFollowsTheServiceThroughTheDrain) {
  ASSERT_GT(server_->health_port(), 0);
  ASSERT_NE(server_->health_port(), server_->port());
  EXPECT_EQ(HealthStatusAt(health_target(), ""), kServing);
  EXPECT_EQ(HealthStatusAt(health_target(), kStorageService), kServing);
  server_->Drain();
  EXPECT_EQ(HealthStatusAt(health_target(), ""), kNotServing);
  EXPECT_EQ(HealthStatusAt(health_target(), kStorageService), kNotServing);
}

TEST_F(HealthListenApiTest, TheHealthPortServesNothingElse) {
  storage::client::StorageClient on_health_port(health_target());
  auto providers = on_health_port.ListProviders();
  EXPECT_EQ(providers.status().code(), absl::StatusCode::kUnimplemented) << providers.status();
}

}  // namespace
}  // namespace pluton::testing
