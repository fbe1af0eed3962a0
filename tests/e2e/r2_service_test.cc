// Cloudflare R2 through the whole service: the gRPC API, the registry, the real r2 plugin
// loaded with dlopen, and the strict R2 fake (botocore-verified signatures, R2's multipart
// rules) with faults injected. Uploads must arrive byte-exact despite 5xx and resets, and a
// failed or cancelled upload must leave no multipart upload and no object behind.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "absl/strings/escaping.h"
#include "client/error_details.h"
#include "grpcpp/grpcpp.h"
#include "r2fake_suite.h"
#include "s3core/r2fake_process.h"

namespace pluton::testing {
namespace {

using ::testing::HasSubstr;

constexpr int64_t kMiB = 1 << 20;
constexpr char kBucket[] = "backups";

class R2ServiceTest : public R2FakeSuite {
 protected:
  void SetUp() override {
    ASSERT_NE(fake_, nullptr);
    fake_->Reset();
    plugins_.push_back(std::string(PLUTON_TEST_PLUGIN_DIR) + "/pluton_r2.so");
    ServerFixture::SetUp();
    AddFakeStorage("r2", "r2");
  }

  absl::StatusOr<v1::UploadResponse> Upload(const std::string& key, const std::string& data,
                                            bool with_md5 = false) {
    v1::UploadHeader header = Header("r2", kBucket, key, static_cast<int64_t>(data.size()));
    if (with_md5) header.set_content_md5(Md5(data));
    storage::client::MemoryByteSource source(data);
    return client_->Upload(header, source);
  }

  // Waits until the fake has no multipart upload in progress; false if one remains.
  bool NoUploadsRemain() {
    for (int i = 0; i < 100; ++i) {
      if (fake_->Uploads(kBucket).empty()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }
};

TEST_F(R2ServiceTest, TestConnectionThroughTheServiceReportsEveryCheck) {
  v1::TestConnectionRequest request;
  request.set_storage("r2");
  request.set_bucket(kBucket);
  auto result = client_->TestConnection(request);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(result->success()) << result->reason() << ": " << result->message();
  EXPECT_GE(result->checks_size(), 3);

  // A wrong secret, changed without re-sending anything else.
  v1::UpdateStorageRequest update;
  update.set_storage("r2");
  (*update.mutable_update()->mutable_config())["secret_access_key"] = std::string(64, 'a');
  update.mutable_update_mask()->add_paths("config.secret_access_key");
  ASSERT_TRUE(client_->UpdateStorage(update).ok());
  auto wrong = client_->TestConnection(request);
  ASSERT_TRUE(wrong.ok()) << wrong.status();
  EXPECT_FALSE(wrong->success());
  EXPECT_EQ(wrong->reason(), "SIGNATURE_MISMATCH");
  EXPECT_THAT(wrong->message(), HasSubstr("Secret Access Key"));
  EXPECT_THAT(wrong->DebugString(), ::testing::Not(HasSubstr(std::string(64, 'a'))));
}

TEST_F(R2ServiceTest, SizesAroundChunkAndCutoffArriveByteExact) {
  for (int64_t size : {int64_t{0}, int64_t{1}, 5 * kMiB - 1, 5 * kMiB + 1, 6 * kMiB - 1, 6 * kMiB,
                       6 * kMiB + 1, 17 * kMiB + 3}) {
    SCOPED_TRACE(size);
    const std::string key = "sizes/" + std::to_string(size);
    const std::string data = PatternBytes(static_cast<size_t>(size), static_cast<uint32_t>(size));
    auto response = Upload(key, data);
    ASSERT_TRUE(response.ok()) << response.status();
    EXPECT_EQ(response->bytes_stored(), size);
    EXPECT_EQ(response->md5_hex(), absl::BytesToHexString(Md5(data)));
    if (size >= 6 * kMiB) {
      EXPECT_EQ(response->part_size(), 5 * kMiB);
      EXPECT_EQ(response->part_count(), (size + 5 * kMiB - 1) / (5 * kMiB));
      // Uploaded in parts without an up-front MD5, then given its md5chksum by a self-copy
      // (md5_after_upload): the ETag is the copied object's, which the fake makes its MD5.
      EXPECT_EQ(response->etag(), absl::BytesToHexString(Md5(data)));
    } else {
      EXPECT_EQ(response->part_count(), 0);
      EXPECT_EQ(response->etag(), absl::BytesToHexString(Md5(data)));
    }
    auto stored = fake_->ObjectBytes(kBucket, key);
    ASSERT_TRUE(stored.ok()) << stored.status();
    EXPECT_TRUE(*stored == data) << "stored bytes differ";
  }
}

TEST_F(R2ServiceTest, AnUpFrontMd5IsStoredAsRcloneMetadata) {
  const std::string data = PatternBytes(12 * kMiB, 9);
  auto response = Upload("with-md5", data, /*with_md5=*/true);
  ASSERT_TRUE(response.ok()) << response.status();
  bool found = false;
  for (const auto& object : fake_->Objects(kBucket)) {
    if (object["key"] != "with-md5") continue;
    found = true;
    EXPECT_EQ(object["metadata"].value("md5chksum", ""), absl::Base64Escape(Md5(data)));
  }
  EXPECT_TRUE(found);
}

TEST_F(R2ServiceTest, InjectedServerErrorsAndResetsStillGiveAnExactObject) {
  fake_->AddFault({{"operation", "UploadPart"},
                   {"action", "status"},
                   {"status", 503},
                   {"code", "SlowDown"},
                   {"times", 2}});
  fake_->AddFault({{"operation", "UploadPart"},
                   {"part_number", 3},
                   {"action", "reset"},
                   {"after_bytes", 1000},
                   {"times", 1}});
  fake_->AddFault({{"operation", "UploadPart"},
                   {"part_number", 2},
                   {"action", "delay"},
                   {"delay_ms", 300},
                   {"times", 1}});
  fake_->AddFault({{"operation", "CompleteMultipartUpload"},
                   {"action", "status"},
                   {"status", 500},
                   {"code", "InternalError"},
                   {"times", 1}});
  const std::string data = PatternBytes(23 * kMiB + 17, 4);
  auto response = Upload("faulty", data);
  ASSERT_TRUE(response.ok()) << response.status();
  auto stored = fake_->ObjectBytes(kBucket, "faulty");
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_TRUE(*stored == data) << "stored bytes differ";
  EXPECT_TRUE(NoUploadsRemain());
  // Every injected fault really happened (2 + 1 + 1 + 1 firings).
  int fired = 0;
  for (const auto& rule : fake_->Json("GET", "faults")) fired += rule.value("fired", 0);
  EXPECT_EQ(fired, 5) << fake_->Json("GET", "faults").dump();
}

TEST_F(R2ServiceTest, AFailedUploadLeavesNoMultipartUploadBehind) {
  fake_->AddFault({{"operation", "UploadPart"},
                   {"part_number", 2},
                   {"action", "status"},
                   {"status", 403},
                   {"code", "AccessDenied"},
                   {"times", 100}});
  auto response = Upload("denied", PatternBytes(16 * kMiB, 5));
  EXPECT_EQ(response.status().code(), absl::StatusCode::kPermissionDenied) << response.status();
  EXPECT_TRUE(NoUploadsRemain()) << fake_->Uploads(kBucket).dump();
  EXPECT_FALSE(fake_->ObjectBytes(kBucket, "denied").ok());
}

// disable_checksum=true: the service computes no MD5, so a trailer.md5 cannot be checked. It
// is refused (before, a wrong one was silently ignored and the object committed); an MD5 sent
// up front is still verified, stored and returned.
TEST_F(R2ServiceTest, WithChecksumsDisabledATrailerMd5IsRefusedNotIgnored) {
  v1::UpdateStorageRequest update;
  update.set_storage("r2");
  (*update.mutable_update()->mutable_config())["disable_checksum"] = "true";
  update.mutable_update_mask()->add_paths("config.disable_checksum");
  ASSERT_TRUE(client_->UpdateStorage(update).ok());

  const std::string data = PatternBytes(7 * kMiB, 4);
  for (const bool right : {false, true}) {
    SCOPED_TRACE(right ? "right md5" : "wrong md5");
    const std::string key = right ? "trailer-right" : "trailer-wrong";
    storage::client::UploadOptions options;
    v1::UploadTrailer trailer;
    trailer.set_md5(right ? Md5(data) : std::string(16, 'w'));
    options.trailer = trailer;
    storage::client::MemoryByteSource source(data);
    auto response = client_->Upload(Header("r2", kBucket, key, -1), source, options);
    EXPECT_EQ(response.status().code(), absl::StatusCode::kInvalidArgument) << response.status();
    EXPECT_THAT(std::string(response.status().message()), HasSubstr("disable_checksum=true"));
    EXPECT_FALSE(fake_->ObjectBytes(kBucket, key).ok());
  }
  EXPECT_TRUE(NoUploadsRemain()) << fake_->Uploads(kBucket).dump();

  auto upfront = Upload("upfront", data, /*with_md5=*/true);
  ASSERT_TRUE(upfront.ok()) << upfront.status();
  EXPECT_EQ(upfront->md5_hex(), absl::BytesToHexString(Md5(data)));
  auto plain = Upload("plain", data);
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_EQ(plain->md5_hex(), "") << "no MD5 is computed when checksums are disabled";
}

// A multipart stream of unknown size whose connection ends between two messages, without a
// trailer: the multipart upload is aborted and no object appears.
TEST_F(R2ServiceTest, AStreamCutWithoutTrailerLeavesNoObjectAndNoMultipartUpload) {
  grpc::ClientContext context;
  v1::UploadResponse response;
  auto channel = grpc::CreateChannel(target(), grpc::InsecureChannelCredentials());
  auto stub = v1::StorageService::NewStub(channel);
  auto writer = stub->Upload(&context, &response);
  v1::UploadRequest message;
  *message.mutable_header() = Header("r2", kBucket, "cut", -1);
  ASSERT_TRUE(writer->Write(message));
  message.set_data(PatternBytes(1 * kMiB, 8));
  for (int i = 0; i < 13; ++i) ASSERT_TRUE(writer->Write(message));  // two parts and more
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ABORTED) << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr("without an UploadTrailer"));
  EXPECT_TRUE(NoUploadsRemain()) << fake_->Uploads(kBucket).dump();
  EXPECT_FALSE(fake_->ObjectBytes(kBucket, "cut").ok());
}

TEST_F(R2ServiceTest, AClientCancellingMidStreamLeavesNothingBehind) {
  auto channel = grpc::CreateChannel(target(), grpc::InsecureChannelCredentials());
  auto stub = v1::StorageService::NewStub(channel);
  grpc::ClientContext context;
  v1::UploadResponse response;
  auto writer = stub->Upload(&context, &response);
  v1::UploadRequest request;
  *request.mutable_header() = Header("r2", kBucket, "cancelled", -1);
  ASSERT_TRUE(writer->Write(request));
  request.set_data(PatternBytes(kMiB, 6));
  for (int i = 0; i < 16; ++i) ASSERT_TRUE(writer->Write(request));
  // Wait until the service has a multipart upload in progress at the fake.
  bool started = false;
  for (int i = 0; i < 100 && !started; ++i) {
    started = !fake_->Uploads(kBucket).empty();
    if (!started) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(started) << "no multipart upload started";
  context.TryCancel();
  EXPECT_EQ(writer->Finish().error_code(), grpc::StatusCode::CANCELLED);
  EXPECT_TRUE(NoUploadsRemain()) << fake_->Uploads(kBucket).dump();
  EXPECT_FALSE(fake_->ObjectBytes(kBucket, "cancelled").ok());
}

// Load: 32 uploads of unknown size at once, against a fake that fails 5% of parts (500 and
// 503), resets 2% of all requests mid-body and delays 10% of parts. Every object must arrive
// byte-exact and no multipart upload may be left. The faults are drawn from seeded generators
// whose first firings come within the first few matching requests, so each kind surely fires.
TEST_F(R2ServiceTest, ThirtyTwoConcurrentUploadsUnderPartErrorsResetsAndSlowPartsAllArrive) {
  fake_->AddFault({{"operation", "UploadPart"},
                   {"times", -1},
                   {"probability", 0.03},
                   {"seed", 3},
                   {"status", 500}});
  fake_->AddFault({{"operation", "UploadPart"},
                   {"times", -1},
                   {"probability", 0.02},
                   {"seed", 6},
                   {"status", 503},
                   {"code", "SlowDown"}});
  fake_->AddFault({{"operation", "*"},
                   {"times", -1},
                   {"probability", 0.02},
                   {"seed", 9},
                   {"action", "reset"},
                   {"after_bytes", 65536}});
  fake_->AddFault({{"operation", "UploadPart"},
                   {"times", -1},
                   {"probability", 0.1},
                   {"seed", 2},
                   {"action", "delay"},
                   {"delay_ms", 400}});

  constexpr int kUploads = 32;
  // Single PUTs (1 MiB) and 2, 3 and 4 parts of 5 MiB, none a whole number of parts.
  auto size_of = [](int i) {
    return static_cast<size_t>((i % 4 == 0 ? kMiB : (i % 4) * 5 * kMiB + 2 * kMiB) + i * 4099);
  };
  std::vector<absl::StatusOr<v1::UploadResponse>> responses(kUploads,
                                                            absl::UnknownError("not run"));
  std::vector<std::thread> uploads;
  for (int i = 0; i < kUploads; ++i) {
    uploads.emplace_back([&, i] {
      const std::string data = PatternBytes(size_of(i), static_cast<uint32_t>(i));
      storage::client::MemoryByteSource source(data);
      responses[i] =
          client_->Upload(Header("r2", kBucket, "load/" + std::to_string(i), -1), source);
    });
  }
  for (std::thread& upload : uploads) upload.join();
  const nlohmann::json rules = fake_->Json("GET", "faults");
  fake_->Json("DELETE", "faults");

  for (int i = 0; i < kUploads; ++i) {
    SCOPED_TRACE(i);
    ASSERT_TRUE(responses[i].ok()) << responses[i].status();
    const std::string data = PatternBytes(size_of(i), static_cast<uint32_t>(i));
    EXPECT_EQ(responses[i]->bytes_stored(), static_cast<int64_t>(data.size()));
    EXPECT_EQ(responses[i]->md5_hex(), absl::BytesToHexString(Md5(data)));
    auto stored = fake_->ObjectBytes(kBucket, "load/" + std::to_string(i));
    ASSERT_TRUE(stored.ok()) << stored.status();
    EXPECT_TRUE(*stored == data) << "stored bytes differ";
  }
  EXPECT_TRUE(fake_->Uploads(kBucket).empty()) << fake_->Uploads(kBucket).dump();
  ASSERT_EQ(rules.size(), 4u);
  for (const nlohmann::json& rule : rules) {
    EXPECT_GT(rule.value("fired", 0), 0) << rule.dump();
  }
}

}  // namespace
}  // namespace pluton::testing
