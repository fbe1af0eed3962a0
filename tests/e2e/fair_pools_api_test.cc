// A hanging provider cannot starve the other calls: connection tests against an endpoint that
// accepts connections and never answers fill their own pool, and ListObjects on another storage
// still answers at once. Inside a pool, calls hanging on one storage fill only that storage's
// share, and one caller's calls only that caller's share (api/blocking_call_limiter.h); a
// cancelled call gives its place back.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "api/storage_service.h"
#include "client/error_details.h"
#include "google/protobuf/util/time_util.h"
#include "secure_server.h"
#include "server_fixture.h"
#include "silent_endpoint.h"

namespace pluton::testing {
namespace {

using ::testing::HasSubstr;

class FairPoolsApiTest : public ServerFixture {
 protected:
  FairPoolsApiTest() {
    plugins_.push_back(std::string(PLUTON_TEST_PLUGIN_DIR) + "/pluton_r2.so");
    // The pool alone: every hanging test is of the same unsaved configuration and caller.
    storage_share_percent_ = 100;
    caller_share_percent_ = 100;
  }

  // A connection test of an unsaved r2 storage at the silent endpoint, which gives up after
  // its own timeout of `seconds` with a failed report.
  absl::StatusOr<v1::TestConnectionResponse> HangingTest(int seconds) {
    storage::client::StorageClient client(target());
    return client.TestConnection(HangingConnectionTest(listener_.port(), seconds));
  }

  SilentServer listener_;
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

constexpr char kAdminToken[] = "admin-token-5e4d3c2b1a09f8e7d6c5";
constexpr char kAgentXToken[] = "agent-x-token-0a1b2c3d4e5f6a7b8c9d";
constexpr char kAgentYToken[] = "agent-y-token-9f8e7d6c5b4a39281706";

// A ListObjects held open by a provider that never answers, until it is cancelled.
struct HeldCall {
  std::unique_ptr<grpc::ClientContext> context;
  std::future<absl::Status> status;
};

// A server with authentication (an admin and the agents agent-x and agent-y, granted every
// storage), small shares, the local storage "disk" and the r2 storage "hanging" whose endpoint
// never answers.
class FairSharesApiTest : public ::testing::Test {
 protected:
  void Start(int storage_share_percent, int caller_share_percent) {
    std::filesystem::create_directories(dir_.Sub("plugins"));
    for (const char* plugin : {"pluton_local.so", "pluton_r2.so"}) {
      std::filesystem::create_symlink(std::string(PLUTON_TEST_PLUGIN_DIR) + "/" + plugin,
                                      dir_.Sub(std::string("plugins/") + plugin));
    }
    std::filesystem::create_directories(dir_.Sub("objects/bucket"));
    const nlohmann::json access = {{"tokens",
                                    {TokenEntry("ops", kAdminToken, "admin"),
                                     TokenEntry("agent-x", kAgentXToken, "agent", {"*"}),
                                     TokenEntry("agent-y", kAgentYToken, "agent", {"*"})}}};
    WriteFileAtomically(dir_.Sub("access.json"), access.dump());
    storage::ServerConfig config = TestServerConfig(dir_);
    config.auth_tokens_file = dir_.Sub("access.json");
    config.storage_share_percent = storage_share_percent;
    config.caller_share_percent = caller_share_percent;
    auto server = storage::StorageServer::Start(config);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    stub_ = v1::StorageService::NewStub(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", server_->port()), grpc::InsecureChannelCredentials()));

    v1::AddStorageRequest disk;
    disk.mutable_storage()->set_name("disk");
    disk.mutable_storage()->set_provider("local");
    (*disk.mutable_storage()->mutable_config())["root"] = dir_.Sub("objects");
    ASSERT_TRUE(Add(disk).ok());
    v1::AddStorageRequest hanging;
    hanging.mutable_storage()->set_name("hanging");
    hanging.mutable_storage()->set_provider("r2");
    SetSilentR2Config(listener_.port(), hanging.mutable_storage()->mutable_config());
    absl::StatusOr<v1::Storage> added = Add(hanging);
    ASSERT_TRUE(added.ok()) << added.status();
    hanging_id_ = added->id();
  }

  void TearDown() override {
    if (server_) server_->Shutdown(absl::ZeroDuration());
  }

  absl::StatusOr<v1::Storage> Add(const v1::AddStorageRequest& request) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", absl::StrCat("Bearer ", kAdminToken));
    v1::Storage response;
    grpc::Status status = stub_->AddStorage(&context, request, &response);
    if (!status.ok()) return storage::client::FromGrpcStatus(status);
    return response;
  }

  // ListObjects on `storage` as the caller of `token`, running until it ends or is cancelled.
  HeldCall List(const std::string& token, const std::string& storage) {
    HeldCall call;
    call.context = std::make_unique<grpc::ClientContext>();
    call.context->AddMetadata("authorization", absl::StrCat("Bearer ", token));
    call.context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    grpc::ClientContext* context = call.context.get();
    v1::StorageService::Stub* stub = stub_.get();
    call.status = std::async(std::launch::async, [stub, context, storage] {
      v1::ListObjectsRequest request;
      request.set_storage(storage);
      request.set_bucket("bucket");
      v1::ListObjectsResponse response;
      return storage::client::FromGrpcStatus(stub->ListObjects(context, request, &response));
    });
    return call;
  }

  // Waits until `count` of `calls` have ended (the refused ones: the others hang) and returns
  // their statuses in `ended`; the calls left are those still running. Fails after 30 s.
  static void WaitForEnded(std::vector<HeldCall>* calls, size_t count,
                           std::vector<absl::Status>* ended) {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (ended->size() < count && std::chrono::steady_clock::now() < give_up) {
      for (auto it = calls->begin(); it != calls->end();) {
        if (it->status.wait_for(std::chrono::milliseconds(0)) == std::future_status::ready) {
          ended->push_back(it->status.get());
          it = calls->erase(it);
        } else {
          ++it;
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_EQ(ended->size(), count) << "fewer calls were refused than expected";
  }

  // Cancels the held calls and expects each to end CANCELLED (it was running, not refused).
  static void CancelAll(std::vector<HeldCall>* calls) {
    for (HeldCall& call : *calls) call.context->TryCancel();
    for (HeldCall& call : *calls) {
      const absl::Status status = call.status.get();
      EXPECT_EQ(status.code(), absl::StatusCode::kCancelled) << status;
    }
    calls->clear();
  }

  // Whether `extra` more calls than `share` on "hanging" by agent-x see exactly `extra`
  // refusals: the share is whole again. Cancels every call it started.
  bool ShareIsWhole(int share, int extra) {
    std::vector<HeldCall> calls;
    for (int i = 0; i < share + extra; ++i) calls.push_back(List(kAgentXToken, "hanging"));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    for (HeldCall& call : calls) call.context->TryCancel();
    int refused = 0;
    for (HeldCall& call : calls) refused += absl::IsResourceExhausted(call.status.get());
    return refused == extra;
  }

  TempDir dir_;
  SilentServer listener_;
  std::unique_ptr<storage::StorageServer> server_;
  std::unique_ptr<v1::StorageService::Stub> stub_;
  std::string hanging_id_;
};

TEST_F(FairSharesApiTest, CallsHangingOnOneStorageFillOnlyItsShare) {
  Start(/*storage_share_percent=*/5, /*caller_share_percent=*/100);  // 4 of the 64 object calls
  constexpr int kShare = 4;
  // Twice the share, by name and by id: one storage however it is named.
  std::vector<HeldCall> calls;
  for (int i = 0; i < kShare; ++i) {
    calls.push_back(List(kAgentXToken, "hanging"));
    calls.push_back(List(kAgentXToken, hanging_id_));
  }
  std::vector<absl::Status> refused;
  WaitForEnded(&calls, kShare, &refused);
  for (const absl::Status& status : refused) {
    ASSERT_EQ(status.code(), absl::StatusCode::kResourceExhausted) << status;
    EXPECT_EQ(storage::client::GetErrorDetails(status).reason, "TOO_MANY_CALLS_ON_STORAGE");
    EXPECT_THAT(std::string(status.message()),
                ::testing::AnyOf(HasSubstr("storage \"hanging\" has as many object calls"),
                                 HasSubstr("storage \"" + hanging_id_ + "\" has as many")));
    EXPECT_THAT(std::string(status.message()), HasSubstr("(4 of 64, --storage_share_percent)"));
  }

  // The same caller is still served on another storage, while A's share hangs.
  HeldCall other = List(kAgentXToken, "disk");
  const absl::Status listed = other.status.get();
  EXPECT_TRUE(listed.ok()) << listed;

  // Cancelled calls give their places back: the share is whole again.
  CancelAll(&calls);
  bool whole = false;
  for (int attempt = 0; attempt < 20 && !whole; ++attempt) whole = ShareIsWhole(kShare, 1);
  EXPECT_TRUE(whole) << "the cancelled calls did not give their places back";
}

TEST_F(FairSharesApiTest, OneCallerBeyondItsShareIsRefusedWhileAnotherIsServed) {
  Start(/*storage_share_percent=*/100, /*caller_share_percent=*/5);  // 4 of the 64 object calls
  constexpr int kShare = 4;
  std::vector<HeldCall> calls;
  for (int i = 0; i < kShare + 2; ++i) calls.push_back(List(kAgentXToken, "hanging"));
  std::vector<absl::Status> refused;
  WaitForEnded(&calls, 2, &refused);
  for (const absl::Status& status : refused) {
    ASSERT_EQ(status.code(), absl::StatusCode::kResourceExhausted) << status;
    EXPECT_EQ(storage::client::GetErrorDetails(status).reason, "TOO_MANY_CALLS_FROM_CALLER");
    EXPECT_THAT(std::string(status.message()),
                HasSubstr("caller \"agent-x\" has as many object calls running as one caller "
                          "may (4 of 64, --caller_share_percent)"));
  }
  // agent-x is refused on every storage now; agent-y is served, on the hanging storage too.
  HeldCall x_on_disk = List(kAgentXToken, "disk");
  EXPECT_EQ(x_on_disk.status.get().code(), absl::StatusCode::kResourceExhausted);
  HeldCall y_on_disk = List(kAgentYToken, "disk");
  const absl::Status listed = y_on_disk.status.get();
  EXPECT_TRUE(listed.ok()) << listed;
  std::vector<HeldCall> y_hanging;
  y_hanging.push_back(List(kAgentYToken, "hanging"));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  CancelAll(&y_hanging);  // it was running (CANCELLED), not refused
  CancelAll(&calls);
}

}  // namespace
}  // namespace pluton::testing
