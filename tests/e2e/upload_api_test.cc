// Upload end to end through the local provider: bytes compared with what lands on disk, and
// every way a stream can go wrong leaves no object and no partial file behind.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <thread>

#include "absl/strings/escaping.h"
#include "client/error_details.h"
#include "grpcpp/grpcpp.h"
#include "server_fixture.h"

namespace pluton::testing {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;

std::string Digest(const EVP_MD* md, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), out, &size, md, nullptr);
  return std::string(reinterpret_cast<const char*>(out), size);
}

class UploadApiTest : public ServerFixture {
 protected:
  void SetUp() override {
    ServerFixture::SetUp();
    storage_id_ = AddLocalStorage("disk").id();
  }

  absl::StatusOr<v1::UploadResponse> UploadBytes(const std::string& key, const std::string& data,
                                                 bool announce_size = true,
                                                 storage::client::UploadOptions options = {}) {
    storage::client::MemoryByteSource source(data);
    return client_->Upload(
        Header("disk", "bucket", key, announce_size ? static_cast<int64_t>(data.size()) : -1),
        source, options);
  }

  // A raw stream for protocol-level tests the client library would never send.
  struct RawStream {
    grpc::ClientContext context;
    v1::UploadResponse response;
    std::unique_ptr<grpc::ClientWriter<v1::UploadRequest>> writer;
  };
  std::unique_ptr<RawStream> OpenRaw() {
    auto raw = std::make_unique<RawStream>();
    channel_ = grpc::CreateChannel(target(), grpc::InsecureChannelCredentials());
    stub_ = v1::StorageService::NewStub(channel_);
    raw->writer = stub_->Upload(&raw->context, &raw->response);
    return raw;
  }
  static bool SendData(RawStream& raw, const std::string& data) {
    v1::UploadRequest request;
    request.set_data(data);
    return raw.writer->Write(request);
  }
  static bool SendHeader(RawStream& raw, const v1::UploadHeader& header) {
    v1::UploadRequest request;
    *request.mutable_header() = header;
    return raw.writer->Write(request);
  }

  void ExpectNothingStored(const std::string& key) {
    EXPECT_FALSE(std::filesystem::exists(ObjectPath("bucket", key))) << key;
    EXPECT_EQ(PartialFileCount(), 0u);
  }

  std::string storage_id_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::StorageService::Stub> stub_;
};

TEST_F(UploadApiTest, StoresObjectsOfEverySizeByteForByte) {
  const struct {
    const char* key;
    size_t size;
  } cases[] = {{"empty", 0}, {"one", 1}, {"dir/few-kib", 5 * 1024 + 3}, {"big/64mib", 64 << 20}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.key);
    const std::string data = PatternBytes(c.size, static_cast<uint32_t>(c.size));
    auto response = UploadBytes(c.key, data);
    ASSERT_TRUE(response.ok()) << response.status();
    EXPECT_EQ(response->bytes_stored(), static_cast<int64_t>(c.size));
    EXPECT_EQ(response->md5_hex(), absl::BytesToHexString(Digest(EVP_md5(), data)));
    EXPECT_EQ(response->sha256_hex(), "") << "SHA-256 is computed only when asked for";
    EXPECT_EQ(response->storage_id(), storage_id_);
    EXPECT_EQ(response->key(), c.key);
    EXPECT_TRUE(ReadFileBytes(ObjectPath("bucket", c.key)) == data) << "stored bytes differ";
  }
  EXPECT_EQ(PartialFileCount(), 0u);
}

TEST_F(UploadApiTest, UnknownSizeStreamWithTrailerDigestsIsStored) {
  const std::string data = PatternBytes(3 << 20, 7);
  storage::client::UploadOptions options;
  options.send_md5_trailer = true;
  options.send_sha256_trailer = true;
  options.message_size = 100 * 1024;
  auto response = UploadBytes("streamed", data, /*announce_size=*/false, options);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_TRUE(ReadFileBytes(ObjectPath("bucket", "streamed")) == data);
  // The SHA-256 trailer made the client ask the service to compute it.
  EXPECT_EQ(response->sha256_hex(), absl::BytesToHexString(Digest(EVP_sha256(), data)));
  EXPECT_EQ(response->md5_hex(), absl::BytesToHexString(Digest(EVP_md5(), data)));
}

TEST_F(UploadApiTest, WrongTrailerDigestIsDataLossAndStoresNothing) {
  storage::client::UploadOptions options;
  v1::UploadTrailer trailer;
  trailer.set_sha256(std::string(32, 'x'));
  options.trailer = trailer;
  auto response = UploadBytes("corrupt", PatternBytes(1000), true, options);
  EXPECT_EQ(response.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(response.status().message()), HasSubstr("trailer.sha256"));
  ExpectNothingStored("corrupt");
}

TEST_F(UploadApiTest, HeaderMd5IsVerifiedBeforeTheCommit) {
  const std::string data = PatternBytes(70000, 3);
  v1::UploadHeader header = Header("disk", "bucket", "md5-ok", -1);
  header.set_content_md5(Digest(EVP_md5(), data));
  storage::client::MemoryByteSource good(data);
  auto stored = client_->Upload(header, good);
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_TRUE(ReadFileBytes(ObjectPath("bucket", "md5-ok")) == data);

  std::string wrong = Digest(EVP_md5(), data);
  wrong[0] ^= 1;
  header.set_key("md5-wrong");
  header.set_content_md5(wrong);
  storage::client::MemoryByteSource bad(data);
  auto refused = client_->Upload(header, bad);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("header.content_md5"));
  EXPECT_EQ(storage::client::GetErrorDetails(refused.status()).reason, "CHECKSUM_MISMATCH");
  ExpectNothingStored("md5-wrong");
}

TEST_F(UploadApiTest, SizeDifferentFromAnnouncedIsRejected) {
  const std::string data = PatternBytes(1000);
  storage::client::MemoryByteSource longer(data);
  auto too_long = client_->Upload(Header("disk", "bucket", "long", 999), longer);
  EXPECT_EQ(too_long.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(too_long.status().message()), HasSubstr("expected_size"));
  ExpectNothingStored("long");

  storage::client::MemoryByteSource shorter(data);
  auto too_short = client_->Upload(Header("disk", "bucket", "short", 1001), shorter);
  EXPECT_EQ(too_short.status().code(), absl::StatusCode::kInvalidArgument);
  ExpectNothingStored("short");
}

TEST_F(UploadApiTest, UnknownStorageIsNotFound) {
  storage::client::MemoryByteSource source("abc");
  auto response = client_->Upload(Header("nowhere", "bucket", "k", 3), source);
  EXPECT_EQ(response.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(response.status().message()), HasSubstr("nowhere"));
}

TEST_F(UploadApiTest, UnsafeKeysAreRejectedNamingTheField) {
  const std::string nul_key("a\0b", 3);
  for (const std::string& key :
       {std::string("../escape"), std::string("a/../../b"), std::string("/abs"),
        std::string("a/./b"), nul_key, std::string("")}) {
    SCOPED_TRACE(key);
    storage::client::MemoryByteSource source("abc");
    auto response = client_->Upload(Header("disk", "bucket", key, 3), source);
    ASSERT_EQ(response.status().code(), absl::StatusCode::kInvalidArgument);
    bool names_key = false;
    for (const auto& v : storage::client::GetErrorDetails(response.status()).field_violations) {
      names_key |= v.field == "header.key";
    }
    EXPECT_TRUE(names_key) << response.status();
  }
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("escape")));
  EXPECT_EQ(PartialFileCount(), 0u);
}

TEST_F(UploadApiTest, FirstMessageMustBeTheHeader) {
  auto raw = OpenRaw();
  SendData(*raw, "data first");
  raw->writer->WritesDone();
  grpc::Status status = raw->writer->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("first message"));
}

TEST_F(UploadApiTest, SecondHeaderAbortsTheUpload) {
  auto raw = OpenRaw();
  SendHeader(*raw, Header("disk", "bucket", "twice", -1));
  SendData(*raw, "some bytes");
  SendHeader(*raw, Header("disk", "bucket", "twice", -1));
  raw->writer->WritesDone();
  grpc::Status status = raw->writer->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("second header"));
  ExpectNothingStored("twice");
}

TEST_F(UploadApiTest, ClientCancellingMidStreamLeavesNothingBehind) {
  auto raw = OpenRaw();
  ASSERT_TRUE(SendHeader(*raw, Header("disk", "bucket", "cancelled", -1)));
  const std::string chunk = PatternBytes(256 * 1024);
  for (int i = 0; i < 8; ++i) ASSERT_TRUE(SendData(*raw, chunk));
  // Let the service start writing the object before the client goes away.
  for (int i = 0; i < 100 && PartialFileCount() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(PartialFileCount(), 1u) << "the upload should be staged while in flight";
  raw->context.TryCancel();
  grpc::Status status = raw->writer->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::CANCELLED);
  // The service aborts asynchronously; give it a moment.
  for (int i = 0; i < 100 && PartialFileCount() != 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ExpectNothingStored("cancelled");
}

TEST_F(UploadApiTest, ClientSourceFailureCancelsAndStoresNothing) {
  class FailingSource : public storage::client::ByteSource {
   public:
    absl::StatusOr<size_t> Read(char* buffer, size_t size) override {
      if (reads_++ >= 3) return absl::DataLossError("disk read error");
      std::memset(buffer, 'x', size);
      return size;
    }
    int reads_ = 0;
  } source;
  auto response = client_->Upload(Header("disk", "bucket", "failing", -1), source);
  EXPECT_FALSE(response.ok());
  EXPECT_THAT(std::string(response.status().message()), HasSubstr("disk read error"));
  for (int i = 0; i < 100 && PartialFileCount() != 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ExpectNothingStored("failing");
}

}  // namespace
}  // namespace pluton::testing
