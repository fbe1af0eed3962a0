// A hanging provider cannot starve the other calls: connection tests against an endpoint that
// accepts connections and never answers fill their own pool, and ListObjects on another storage
// still answers at once.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <future>
#include <vector>

#include "api/storage_service.h"
#include "client/error_details.h"
#include "google/protobuf/util/time_util.h"
#include "server_fixture.h"

namespace pluton::testing {
namespace {

using ::testing::HasSubstr;

// A TCP listener on loopback that never accepts: the kernel completes connections into its
// backlog, requests are sent, and no answer ever comes.
class SilentListener {
 public:
  SilentListener() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
    EXPECT_EQ(listen(fd_, 512), 0);
    socklen_t size = sizeof(address);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &size);
    port_ = ntohs(address.sin_port);
  }
  ~SilentListener() { close(fd_); }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

class FairPoolsApiTest : public ServerFixture {
 protected:
  FairPoolsApiTest() { plugins_.push_back(std::string(PLUTON_TEST_PLUGIN_DIR) + "/pluton_r2.so"); }

  // A connection test of an unsaved r2 storage at the silent endpoint, which gives up after
  // its own timeout of `seconds` with a failed report.
  absl::StatusOr<v1::TestConnectionResponse> HangingTest(int seconds) {
    storage::client::StorageClient client(target());
    v1::TestConnectionRequest request;
    request.mutable_unsaved()->set_provider("r2");
    auto& config = *request.mutable_unsaved()->mutable_config();
    config["account_id"] = "0123456789abcdef0123456789abcdef";
    config["access_key_id"] = "0123456789abcdef0123456789abcdef";
    config["secret_access_key"] = std::string(64, 'a');
    config["endpoint"] = absl::StrCat("http://127.0.0.1:", listener_.port());
    request.set_bucket("bucket");
    *request.mutable_timeout() = google::protobuf::util::TimeUtil::SecondsToDuration(seconds);
    return client.TestConnection(request);
  }

  SilentListener listener_;
};

TEST_F(FairPoolsApiTest, HangingConnectionTestsDoNotStopObjectCallsOnAnotherStorage) {
  AddLocalStorage("disk");
  constexpr int kHanging = 64;
  std::vector<std::future<absl::StatusOr<v1::TestConnectionResponse>>> tests;
  for (int i = 0; i < kHanging; ++i) {
    tests.push_back(std::async(std::launch::async, [this] { return HangingTest(10); }));
  }
  // Those beyond the pool are refused at once, naming it.
  int refused = 0;
  const auto refusals_due = std::chrono::steady_clock::now() + std::chrono::seconds(4);
  for (auto& test : tests) {
    if (test.wait_until(refusals_due) != std::future_status::ready) continue;
    const absl::Status status = test.get().status();
    ASSERT_EQ(status.code(), absl::StatusCode::kResourceExhausted) << status;
    EXPECT_THAT(status.message(), HasSubstr("connection tests as it allows (16)"));
    EXPECT_EQ(storage::client::GetErrorDetails(status).reason, "TOO_MANY_CALLS");
    ++refused;
  }
  EXPECT_EQ(refused, kHanging - storage::StorageServiceImpl::kMaxConnectionTests);

  // The pool of object calls is untouched: ListObjects answers while 16 tests hang.
  for (int i = 0; i < 8; ++i) {
    v1::ListObjectsRequest list;
    list.set_storage("disk");
    list.set_bucket("bucket");
    const absl::Time start = absl::Now();
    auto listed = client_->ListObjects(list);
    EXPECT_TRUE(listed.ok() || absl::IsNotFound(listed.status())) << listed.status();
    EXPECT_LT(absl::Now() - start, absl::Seconds(5)) << "ListObjects waited on the hanging tests";
  }
  for (auto& test : tests) {
    if (!test.valid()) continue;
    const auto report = test.get();
    ASSERT_TRUE(report.ok()) << report.status();
    EXPECT_FALSE(report->success()) << "a silent endpoint passed its connection test";
  }
}

}  // namespace
}  // namespace pluton::testing
