// StorageClient against an in-process fake service: what goes on the wire for uploads
// (message sizes, header first, trailer last, digests), cancellation on a failing source,
// the service's early errors, and listing every page.
#include "client/storage_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "fake_storage_service.h"

namespace pluton::storage::client {
namespace {

using ::testing::ElementsAre;
using testing::FakeServer;
using ::testing::HasSubstr;
using ::testing::Pair;

std::string Pattern(size_t size) {
  std::string data(size, '\0');
  for (size_t i = 0; i < size; ++i) data[i] = static_cast<char>((i * 131 + 7) % 251);
  return data;
}

v1::UploadHeader Header(std::optional<int64_t> size) {
  v1::UploadHeader header;
  header.set_storage("disk");
  header.set_bucket("bucket");
  header.set_key("key");
  if (size) header.set_expected_size(*size);
  return header;
}

// Returns data in small, uneven pieces, like a pipe.
class TricklingSource : public ByteSource {
 public:
  explicit TricklingSource(std::string data) : data_(std::move(data)) {}
  absl::StatusOr<size_t> Read(char* buffer, size_t size) override {
    size_t n = std::min({size, data_.size() - offset_, size_t{1000}});
    std::memcpy(buffer, data_.data() + offset_, n);
    offset_ += n;
    return n;
  }

 private:
  std::string data_;
  size_t offset_ = 0;
};

class StorageClientTest : public ::testing::Test {
 protected:
  FakeServer server_;
  StorageClient client_{server_.channel()};
};

TEST_F(StorageClientTest, UploadSendsHeaderFullMessagesAndAnEmptyTrailer) {
  const std::string data = Pattern(10000);
  TricklingSource source(data);
  UploadOptions options;
  options.message_size = 4096;
  std::vector<std::pair<int64_t, int64_t>> progress;
  options.on_progress = [&](int64_t sent, int64_t total) { progress.emplace_back(sent, total); };

  auto response = client_.Upload(Header(10000), source, options);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->bytes_stored(), 10000);
  EXPECT_EQ(response->md5_hex(), testing::Md5Hex(data));

  auto record = server_.service().last_upload();
  EXPECT_TRUE(record.first_was_header);
  EXPECT_EQ(record.header.key(), "key");
  EXPECT_EQ(record.header.expected_size(), 10000);
  EXPECT_THAT(record.data_sizes, ElementsAre(4096, 4096, 1808));
  EXPECT_TRUE(record.data == data);
  EXPECT_TRUE(record.got_trailer);
  EXPECT_TRUE(record.trailer_was_last);
  EXPECT_EQ(record.trailer.md5(), "");
  EXPECT_EQ(record.trailer.sha256(), "");
  EXPECT_THAT(progress, ElementsAre(Pair(0, 10000), Pair(4096, 10000), Pair(8192, 10000),
                                    Pair(10000, 10000)));
}

TEST_F(StorageClientTest, UploadOfExactMultipleAndOfNothing) {
  const std::string exact_data = Pattern(8192);
  MemoryByteSource exact(exact_data);
  UploadOptions options;
  options.message_size = 4096;
  ASSERT_TRUE(client_.Upload(Header(std::nullopt), exact, options).ok());
  auto record = server_.service().last_upload();
  EXPECT_THAT(record.data_sizes, ElementsAre(4096, 4096));
  EXPECT_FALSE(record.header.has_expected_size());
  EXPECT_TRUE(record.got_trailer);

  MemoryByteSource empty("");
  std::vector<int64_t> totals;
  options.on_progress = [&](int64_t, int64_t total) { totals.push_back(total); };
  auto response = client_.Upload(Header(std::nullopt), empty, options);
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->bytes_stored(), 0);
  record = server_.service().last_upload();
  EXPECT_TRUE(record.data_sizes.empty());
  EXPECT_TRUE(record.got_trailer);
  EXPECT_THAT(totals, ElementsAre(-1));
}

TEST_F(StorageClientTest, UploadComputesTrailerDigestsOnlyWhenAsked) {
  const std::string data = "hello world";
  MemoryByteSource source(data);
  UploadOptions options;
  options.send_md5_trailer = true;
  options.send_sha256_trailer = true;
  ASSERT_TRUE(client_.Upload(Header(11), source, options).ok());
  auto record = server_.service().last_upload();
  EXPECT_EQ(absl::BytesToHexString(record.trailer.md5()), "5eb63bbbe01eeed093cb22bb8f5acdc3");
  EXPECT_EQ(absl::BytesToHexString(record.trailer.sha256()),
            "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9");
}

TEST_F(StorageClientTest, UploadSendsAGivenTrailerWithComputedDigestsReplacingItsFields) {
  MemoryByteSource source("hello world");
  UploadOptions options;
  v1::UploadTrailer trailer;
  trailer.set_md5(std::string(16, 'm'));
  trailer.set_sha256(std::string(32, 's'));
  options.trailer = trailer;
  options.send_md5_trailer = true;
  ASSERT_TRUE(client_.Upload(Header(11), source, options).ok());
  auto record = server_.service().last_upload();
  EXPECT_EQ(absl::BytesToHexString(record.trailer.md5()), "5eb63bbbe01eeed093cb22bb8f5acdc3");
  EXPECT_EQ(record.trailer.sha256(), std::string(32, 's'));
}

TEST_F(StorageClientTest, FailingSourceCancelsTheCallAndReturnsTheLocalError) {
  class FailingSource : public ByteSource {
   public:
    absl::StatusOr<size_t> Read(char* buffer, size_t size) override {
      if (reads_++ >= 3) return absl::DataLossError("cannot read disk.img: Input/output error");
      std::memset(buffer, 'x', size);
      return size;
    }
    int reads_ = 0;
  } source;
  UploadOptions options;
  options.message_size = 1024;
  auto response = client_.Upload(Header(std::nullopt), source, options);
  EXPECT_EQ(response.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(response.status().message(), "cannot read disk.img: Input/output error");
  server_.service().WaitForUploads(1);
  auto record = server_.service().last_upload();
  EXPECT_TRUE(record.cancelled);
  EXPECT_FALSE(record.got_trailer);
  EXPECT_EQ(record.data.size(), 3072u);
}

TEST_F(StorageClientTest, CancellationHookCancelsTheCall) {
  const std::string data = Pattern(100000);
  MemoryByteSource source(data);
  UploadOptions options;
  options.message_size = 1000;
  int64_t sent_so_far = 0;
  options.on_progress = [&](int64_t sent, int64_t) { sent_so_far = sent; };
  options.is_cancelled = [&] { return sent_so_far >= 5000; };
  auto response = client_.Upload(Header(100000), source, options);
  EXPECT_EQ(response.status().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(response.status().message(), "upload cancelled");
  server_.service().WaitForUploads(1);
  auto record = server_.service().last_upload();
  EXPECT_TRUE(record.cancelled);
  EXPECT_FALSE(record.got_trailer);
}

TEST_F(StorageClientTest, ServiceErrorMidStreamIsReturnedWithDetails) {
  server_.service().fail_upload_after_bytes = 10;
  const std::string data = Pattern(1 << 20);
  MemoryByteSource source(data);
  UploadOptions options;
  options.message_size = 64;
  auto response = client_.Upload(Header(10), source, options);
  EXPECT_EQ(response.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(response.status().message(), "stream longer than announced");
  ErrorDetails details = GetErrorDetails(response.status());
  EXPECT_EQ(details.reason, "SIZE_MISMATCH");
  EXPECT_THAT(details.field_violations,
              ElementsAre(FieldViolation{"header.expected_size", "is 10"}));
}

TEST_F(StorageClientTest, RejectsMessageSizesOutOfRange) {
  MemoryByteSource source("x");
  UploadOptions options;
  options.message_size = 0;
  EXPECT_EQ(client_.Upload(Header(1), source, options).status().message(),
            "message size must be between 1 and 4193280 bytes, not 0");
  options.message_size = kMaxUploadMessageSize + 1;
  EXPECT_EQ(client_.Upload(Header(1), source, options).status().code(),
            absl::StatusCode::kInvalidArgument);
  options.message_size = kMaxUploadMessageSize;
  EXPECT_TRUE(client_.Upload(Header(1), source, options).ok());
}

TEST_F(StorageClientTest, LargestMessageSizeFitsTheDefaultReceiveLimit) {
  const std::string data = Pattern(2 * kMaxUploadMessageSize + 5);
  MemoryByteSource source(data);
  UploadOptions options;
  options.message_size = kMaxUploadMessageSize;
  auto response = client_.Upload(Header(static_cast<int64_t>(data.size())), source, options);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_THAT(server_.service().last_upload().data_sizes,
              ElementsAre(kMaxUploadMessageSize, kMaxUploadMessageSize, 5));
}

TEST_F(StorageClientTest, ListAllStoragesFollowsEveryPage) {
  server_.service().storage_count = 7;
  v1::ListStoragesRequest request;
  request.set_page_size(3);
  request.set_provider("local");
  auto all = client_.ListAllStorages(request);
  ASSERT_TRUE(all.ok()) << all.status();
  std::vector<std::string> names;
  for (const auto& s : *all) names.push_back(s.name());
  EXPECT_THAT(names, ElementsAre("s0", "s1", "s2", "s3", "s4", "s5", "s6"));
  auto requests = server_.service().list_requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].page_token(), "");
  EXPECT_EQ(requests[1].page_token(), "3");
  EXPECT_EQ(requests[2].page_token(), "6");
  for (const auto& r : requests) {
    EXPECT_EQ(r.page_size(), 3);
    EXPECT_EQ(r.provider(), "local");
  }
}

TEST_F(StorageClientTest, UnaryErrorsCarryDetails) {
  v1::GetStorageRequest request;
  request.set_storage("missing");
  auto storage = client_.GetStorage(request);
  EXPECT_EQ(storage.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(storage.status().message(), "no storage \"missing\"");
  EXPECT_EQ(GetErrorDetails(storage.status()).reason, "STORAGE_NOT_FOUND");
}

TEST(StorageClientTargetTest, UnreachableTargetIsUnavailableWithinTheDeadline) {
  ClientOptions options;
  options.timeout = absl::Seconds(60);
  StorageClient client("127.0.0.1:1", options);
  const absl::Time start = absl::Now();
  auto providers = client.ListProviders();
  const absl::Duration elapsed = absl::Now() - start;
  // A refused connection fails the call at once: it does not wait out the deadline (which
  // would end as DEADLINE_EXCEEDED after the whole minute).
  EXPECT_EQ(providers.status().code(), absl::StatusCode::kUnavailable) << providers.status();
  EXPECT_LT(elapsed, options.timeout);
}

TEST(StorageClientTargetTest, TargetStringConnectsOverTcp) {
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  testing::FakeStorageService service;
  builder.RegisterService(&service);
  auto server = builder.BuildAndStart();
  ASSERT_NE(server, nullptr);
  StorageClient client(absl::StrCat("127.0.0.1:", port));
  auto providers = client.ListProviders();
  ASSERT_TRUE(providers.ok()) << providers.status();
  EXPECT_EQ(providers->providers(0).id(), "local");
  server->Shutdown();
}

TEST(StorageClientDeadlineTest, UnaryCallsUseTheTimeout) {
  FakeServer server;
  server.service().rpc_delay = absl::Milliseconds(700);
  ClientOptions options;
  options.timeout = absl::Milliseconds(200);
  StorageClient client(server.channel(), options);
  EXPECT_EQ(client.ListProviders().status().code(), absl::StatusCode::kDeadlineExceeded);
}

TEST(StorageClientDeadlineTest, TestConnectionGetsAtLeastItsOwnTimeout) {
  FakeServer server;
  server.service().rpc_delay = absl::Milliseconds(700);
  ClientOptions options;
  options.timeout = absl::Milliseconds(200);
  StorageClient client(server.channel(), options);
  v1::TestConnectionRequest request;
  request.set_storage("disk");
  request.mutable_timeout()->set_seconds(1);
  auto result = client.TestConnection(request);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(result->success());
}

}  // namespace
}  // namespace pluton::storage::client
