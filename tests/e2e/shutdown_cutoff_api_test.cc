// The end of a shutdown's grace period, through the real server: the calls still running are
// ended by the service itself with CANCELLED naming the shutdown (reason
// SERVICE_SHUTTING_DOWN), not gRPC's UNAVAILABLE "Cancelling all calls", and an upload cut off
// so leaves nothing behind.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <future>
#include <string>
#include <thread>

#include "client/error_details.h"
#include "google/protobuf/util/time_util.h"
#include "grpcpp/create_channel.h"
#include "pluton/storage/v1/storage_service.grpc.pb.h"
#include "server_fixture.h"
#include "silent_endpoint.h"

namespace pluton::testing {
namespace {

using ::testing::HasSubstr;

class ShutdownCutoffApiTest : public ServerFixture {
 protected:
  ShutdownCutoffApiTest() {
    plugins_.push_back(std::string(PLUTON_TEST_PLUGIN_DIR) + "/pluton_r2.so");
  }

  // A connection test stuck at the silent endpoint until its 60 s timeout.
  absl::Status HangingConnectionTestStatus() {
    storage::client::StorageClient client(target());
    return client.TestConnection(HangingConnectionTest(endpoint_.port(), 60)).status();
  }

  static void ExpectCutOff(const absl::Status& status) {
    EXPECT_EQ(status.code(), absl::StatusCode::kCancelled) << status;
    EXPECT_THAT(status.message(), HasSubstr("the service is shutting down"));
    EXPECT_EQ(storage::client::GetErrorDetails(status).reason, "SERVICE_SHUTTING_DOWN");
  }

  size_t PartialFiles() const {
    const std::filesystem::path partial = std::filesystem::path(objects_root()) / ".pluton-partial";
    if (!std::filesystem::exists(partial)) return 0;
    size_t count = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(partial)) {
      count += entry.is_regular_file() ? 1 : 0;
    }
    return count;
  }

  // Opens an Upload call and sends its header.
  std::unique_ptr<grpc::ClientWriter<v1::UploadRequest>> StartUpload(const std::string& key,
                                                                     int64_t size) {
    stub_ = v1::StorageService::NewStub(
        grpc::CreateChannel(target(), grpc::InsecureChannelCredentials()));
    auto writer = stub_->Upload(&upload_context_, &upload_response_);
    v1::UploadRequest message;
    *message.mutable_header() = Header("disk", "bucket", key, size);
    EXPECT_TRUE(writer->Write(message));
    return writer;
  }

  void WaitForPartialFile() const {
    for (int i = 0; i < 1000 && PartialFiles() == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_EQ(PartialFiles(), 1u) << "the upload never started";
  }

  SilentServer endpoint_;
  std::unique_ptr<v1::StorageService::Stub> stub_;
  grpc::ClientContext upload_context_;
  v1::UploadResponse upload_response_;
};

TEST_F(ShutdownCutoffApiTest, CallsStillRunningAtTheEndOfTheGracePeriodAreCancelled) {
  AddLocalStorage("disk");
  // An upload that sent its header and 1 MiB, and then nothing more.
  auto writer = StartUpload("cut-off", -1);
  v1::UploadRequest message;
  message.set_data(std::string(1 << 20, 'x'));
  ASSERT_TRUE(writer->Write(message));
  // And a connection test stuck on an endpoint that never answers.
  auto connection_test =
      std::async(std::launch::async, [this] { return HangingConnectionTestStatus(); });
  ASSERT_TRUE(endpoint_.WaitForConnections(1, std::chrono::seconds(30)))
      << "the connection test never reached its endpoint";
  WaitForPartialFile();

  server_->Shutdown(absl::Seconds(1));

  ExpectCutOff(connection_test.get());
  const grpc::Status upload = writer->Finish();
  ExpectCutOff(storage::client::FromGrpcStatus(upload));
  EXPECT_THAT(upload.error_message(), HasSubstr("nothing was stored"));
  EXPECT_FALSE(std::filesystem::exists(std::filesystem::path(objects_root()) / "bucket/cut-off"));
  EXPECT_EQ(PartialFiles(), 0u) << "the cut-off upload left its temporary file";
}

TEST_F(ShutdownCutoffApiTest, CallsThatEndWithinTheGracePeriodAreNotCutOff) {
  AddLocalStorage("disk");
  auto writer = StartUpload("in-grace", 3);
  WaitForPartialFile();
  auto shutdown = std::async(std::launch::async, [this] { server_->Shutdown(absl::Seconds(30)); });
  v1::UploadRequest message;
  message.set_data("abc");
  ASSERT_TRUE(writer->Write(message));
  writer->WritesDone();
  const grpc::Status upload = writer->Finish();
  EXPECT_TRUE(upload.ok()) << upload.error_message();
  EXPECT_EQ(upload_response_.bytes_stored(), 3);
  shutdown.get();  // returns once the last call ended, long before the 30 s
}

}  // namespace
}  // namespace pluton::testing
