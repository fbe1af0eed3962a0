// Uploads through the real pluton_r2.so (upload_begin/write/finish/abort/destroy) into the
// strict R2 fake: single PUT and multipart, the md5chksum metadata, headers from the
// configuration, abort and cancel leaving nothing behind, error mapping, budget accounting.
#include <openssl/evp.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "common/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "plugin_harness.h"

namespace pluton::r2_test {
namespace {

using ::pluton::testing::PatternBytes;
using ::testing::EndsWith;
using ::testing::HasSubstr;

constexpr uint64_t kMiB = 1024 * 1024;

std::string Md5(const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), digest, &size, EVP_md5(), nullptr);
  return std::string(reinterpret_cast<char*>(digest), size);
}

// What one upload is given beyond its bytes.
struct UploadSpec {
  std::string bucket = "backups";
  std::string key = "host/2024/backup.tar";
  int64_t expected_size = -1;
  std::string content_type = "application/x-tar";
  std::vector<std::pair<std::string, std::string>> metadata;
  bool with_md5 = true;
  bool stream_md5 = false;    // upload_set_stream_md5 before upload_finish, as the service does
  size_t piece = 256 * 1024;  // bytes per upload_write
};

struct UploadOutcome {
  Error error;
  std::string etag;
  uint64_t bytes_stored = 0;
  uint32_t part_count = 0;
  uint64_t part_size = 0;
};

class R2UploadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const LoadedPlugin& plugin = LoadedPlugin::Get("pluton_r2.so");
    ASSERT_NE(plugin.api, nullptr) << plugin.load_error;
    api_ = plugin.api;
    ASSERT_TRUE(SharedFake().ok()) << SharedFake().status();
    fake().Reset();
    TestHost::capacity = INT64_MAX;
    TestHost::budget_peak = 0;
    TestHost::budget_waits = 0;
    config_ = Config{{"account_id", kAccountId},
                     {"access_key_id", kAdminKeyId},
                     {"secret_access_key", kAdminSecret},
                     {"endpoint", fake().endpoint()},
                     {"upload_cutoff", "5MiB"}};
  }
  void TearDown() override {
    EXPECT_EQ(TestHost::budget_in_use.load(), 0) << "budget reservations leaked";
    TestHost::capacity = INT64_MAX;
  }

  static R2FakeProcess& fake() { return **SharedFake(); }

  // Begins an upload; the params' strings live in `spec` (and `md5`), which must outlive it.
  Error Begin(const UploadSpec& spec, const std::string& md5, pluton_upload** upload,
              const pluton_cancel_token* cancel = nullptr) {
    kvs_.clear();
    for (const auto& [k, v] : spec.metadata) kvs_.push_back({k.c_str(), v.c_str()});
    pluton_upload_params params{};
    params.struct_size = sizeof(params);
    params.bucket = spec.bucket.c_str();
    params.key = spec.key.c_str();
    params.expected_size = spec.expected_size;
    params.content_type = spec.content_type.c_str();
    params.metadata_count = kvs_.size();
    params.metadata = kvs_.empty() ? nullptr : kvs_.data();
    params.content_md5 = spec.with_md5 ? reinterpret_cast<const uint8_t*>(md5.data()) : nullptr;
    params.cancel = cancel;
    return Take(api_, api_->upload_begin(config_.get(), &params, upload));
  }

  UploadOutcome Upload(const std::string& data, const UploadSpec& spec = {}) {
    UploadOutcome outcome;
    const std::string md5 = Md5(data);
    pluton_upload* upload = nullptr;
    outcome.error = Begin(spec, md5, &upload);
    if (!outcome.error.ok) return outcome;
    for (size_t offset = 0; offset < data.size(); offset += spec.piece) {
      const size_t n = std::min(spec.piece, data.size() - offset);
      outcome.error = Take(
          api_,
          api_->upload_write(upload, reinterpret_cast<const uint8_t*>(data.data()) + offset, n));
      if (!outcome.error.ok) break;
    }
    if (outcome.error.ok && spec.stream_md5) {
      outcome.error = Take(
          api_, api_->upload_set_stream_md5(upload, reinterpret_cast<const uint8_t*>(md5.data())));
    }
    if (outcome.error.ok) {
      pluton_upload_result result{};
      result.struct_size = sizeof(result);
      outcome.error = Take(api_, api_->upload_finish(upload, &result));
      if (outcome.error.ok) {
        outcome.etag = result.etag;
        outcome.bytes_stored = result.bytes_stored;
        outcome.part_count = result.part_count;
        outcome.part_size = result.part_size;
      }
    }
    if (!outcome.error.ok) api_->upload_abort(upload);
    api_->upload_destroy(upload);
    return outcome;
  }

  nlohmann::json OnlyObject(const std::string& bucket = "backups") {
    const nlohmann::json objects = fake().Objects(bucket);
    EXPECT_EQ(objects.size(), 1u) << objects.dump();
    return objects.empty() ? nlohmann::json::object() : objects[0];
  }

  const pluton_plugin_api* api_ = nullptr;
  Config config_;
  std::vector<pluton_kv> kvs_;
};

TEST_F(R2UploadTest, SmallObjectIsOnePutWithMd5MetadataAndHeaders) {
  const std::string data = "a small backup\n";
  UploadSpec spec;
  spec.expected_size = static_cast<int64_t>(data.size());
  spec.metadata = {{"Host-Name", "db1"}};
  const UploadOutcome outcome = Upload(data, spec);
  ASSERT_TRUE(outcome.error.ok) << outcome.error;
  EXPECT_EQ(outcome.bytes_stored, data.size());
  EXPECT_EQ(outcome.part_count, 0u);
  EXPECT_EQ(outcome.etag, absl::BytesToHexString(Md5(data)));

  EXPECT_EQ(fake().ObjectBytes("backups", spec.key).value_or(""), data);
  const nlohmann::json object = OnlyObject();
  EXPECT_EQ(object["multipart"], false);
  EXPECT_EQ(object["content_type"], "application/x-tar");
  EXPECT_EQ(object["metadata"]["md5chksum"], absl::Base64Escape(Md5(data)));
  EXPECT_EQ(object["metadata"]["host-name"], "db1");
  const nlohmann::json puts = fake().Requests("PutObject");
  ASSERT_EQ(puts.size(), 1u);
  EXPECT_EQ(puts[0]["has_content_md5"], true);
  EXPECT_FALSE(puts[0]["headers"].contains("x-amz-storage-class"));
  EXPECT_FALSE(puts[0]["headers"].contains("x-amz-server-side-encryption"));
}

TEST_F(R2UploadTest, NonAsciiMetadataIsSentAsAnEncodedWordAndNonAsciiKeysAreRefused) {
  UploadSpec spec;
  spec.metadata = {{"city", "Zürich ☃"}, {"host", "db1"}};
  const UploadOutcome outcome = Upload("data", spec);
  ASSERT_TRUE(outcome.error.ok) << outcome.error;
  const nlohmann::json object = OnlyObject();
  EXPECT_EQ(object["metadata"]["city"], "=?UTF-8?B?WsO8cmljaCDimIM=?=");
  EXPECT_EQ(object["metadata"]["host"], "db1");

  UploadSpec bad_key;
  bad_key.key = "other";
  bad_key.metadata = {{"größe", "1"}};
  const UploadOutcome refused = Upload("data", bad_key);
  EXPECT_EQ(refused.error.code, PLUTON_INVALID_ARGUMENT);
  EXPECT_TRUE(refused.error.HasViolation("metadata[\"größe\"]")) << refused.error;
  EXPECT_THAT(refused.error.message, HasSubstr("HTTP header names, which are ASCII"));
  EXPECT_EQ(fake().Objects("backups").size(), 1u);
}

TEST_F(R2UploadTest, LargeObjectIsMultipartWithEqualPartsAndMd5Metadata) {
  const std::string data = PatternBytes(12 * kMiB + 123, 7);
  const UploadOutcome outcome = Upload(data);
  ASSERT_TRUE(outcome.error.ok) << outcome.error;
  EXPECT_EQ(outcome.bytes_stored, data.size());
  EXPECT_EQ(outcome.part_count, 3u);
  EXPECT_EQ(outcome.part_size, 5 * kMiB);
  EXPECT_THAT(outcome.etag, EndsWith("-3"));

  const nlohmann::json object = OnlyObject();
  EXPECT_EQ(object["multipart"], true);
  EXPECT_EQ(object["part_sizes"], nlohmann::json::array({5 * kMiB, 5 * kMiB, 2 * kMiB + 123}));
  EXPECT_EQ(object["metadata"]["md5chksum"], absl::Base64Escape(Md5(data)));
  EXPECT_EQ(fake().ObjectBytes("backups", UploadSpec{}.key).value_or(""), data);
  EXPECT_EQ(fake().Uploads("backups"), nlohmann::json::array());
  EXPECT_GT(TestHost::budget_reservations.load(), 0) << "part buffers come from the host budget";
}

TEST_F(R2UploadTest, ChunkSizeAndConcurrencyComeFromTheConfig) {
  config_.Set("chunk_size", "6MiB").Set("upload_concurrency", "1").Set("upload_cutoff", "6MiB");
  const std::string data = PatternBytes(13 * kMiB, 3);
  const UploadOutcome outcome = Upload(data);
  ASSERT_TRUE(outcome.error.ok) << outcome.error;
  EXPECT_EQ(outcome.part_size, 6 * kMiB);
  EXPECT_EQ(outcome.part_count, 3u);
  EXPECT_EQ(OnlyObject()["part_sizes"], nlohmann::json::array({6 * kMiB, 6 * kMiB, 1 * kMiB}));
}

TEST_F(R2UploadTest, DisableChecksumStoresNoMd5Metadata) {
  config_.Set("disable_checksum", "true");
  ASSERT_TRUE(Upload(PatternBytes(6 * kMiB, 1)).error.ok);
  EXPECT_FALSE(OnlyObject()["metadata"].contains("md5chksum"));
}

TEST_F(R2UploadTest, WithoutAnMd5UpFrontNoMd5MetadataIsStored) {
  UploadSpec spec;
  spec.with_md5 = false;
  ASSERT_TRUE(Upload("data", spec).error.ok);
  EXPECT_FALSE(OnlyObject()["metadata"].contains("md5chksum"));
}

// The main backup case: a stream of unknown size whose MD5 the service learns only at its end.
UploadSpec StreamOfUnknownSize() {
  UploadSpec spec;
  spec.with_md5 = false;
  spec.stream_md5 = true;
  spec.metadata = {{"Host-Name", "db1"}};
  return spec;
}

TEST_F(R2UploadTest, StreamedMultipartGetsItsMd5AfterUploadAndTheFinalEtag) {
  const std::string data = PatternBytes(11 * kMiB, 31);
  const UploadOutcome outcome = Upload(data, StreamOfUnknownSize());
  ASSERT_TRUE(outcome.error.ok) << outcome.error;
  const nlohmann::json object = OnlyObject();
  EXPECT_EQ(object["metadata"]["md5chksum"], absl::Base64Escape(Md5(data)));
  EXPECT_EQ(object["metadata"]["host-name"], "db1");
  EXPECT_EQ(object["content_type"], "application/x-tar");
  EXPECT_EQ(object["etag"], outcome.etag) << "the ETag of the object as finally stored";
  EXPECT_EQ(fake().Requests("CopyObject").size(), 1u);
  EXPECT_EQ(outcome.part_count, 3u);
}

TEST_F(R2UploadTest, Md5AfterUploadOffOrDisableChecksumMakeNoCopy) {
  const std::string data = PatternBytes(11 * kMiB, 32);
  config_.Set("md5_after_upload", "false");
  ASSERT_TRUE(Upload(data, StreamOfUnknownSize()).error.ok);
  EXPECT_FALSE(OnlyObject()["metadata"].contains("md5chksum"));
  fake().Reset();
  config_.Set("md5_after_upload", "true").Set("disable_checksum", "true");
  ASSERT_TRUE(Upload(data, StreamOfUnknownSize()).error.ok);
  EXPECT_FALSE(OnlyObject()["metadata"].contains("md5chksum"));
  EXPECT_TRUE(fake().Requests("CopyObject").empty()) << fake().Requests().dump();
}

TEST_F(R2UploadTest, AFailedMd5CopyIsAWarningNotAFailure) {
  fake().AddFault({{"operation", "CopyObject"}, {"status", 403}, {"code", "AccessDenied"}});
  const size_t logged_before = TestHost::Logs().size();
  const std::string data = PatternBytes(11 * kMiB, 33);
  const UploadOutcome outcome = Upload(data, StreamOfUnknownSize());
  ASSERT_TRUE(outcome.error.ok) << outcome.error;
  const nlohmann::json object = OnlyObject();
  EXPECT_FALSE(object["metadata"].contains("md5chksum"));
  EXPECT_EQ(object["etag"], outcome.etag) << "the uploaded object's ETag";
  EXPECT_EQ(fake().ObjectBytes("backups", "host/2024/backup.tar").value_or(""), data);
  const std::vector<std::string> logs = TestHost::Logs();
  ASSERT_GT(logs.size(), logged_before);
  EXPECT_THAT(logs.back(), HasSubstr("could not be added as metadata"));
  EXPECT_THAT(logs.back(), HasSubstr("AccessDenied"));
  EXPECT_THAT(logs.back(), ::testing::Not(HasSubstr(kAdminSecret)));
}

TEST_F(R2UploadTest, SseCAndStorageClassGoOnTheRightRequests) {
  config_.Set("server_side_encryption", "SSE-C")
      .Set("sse_customer_key", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
      .Set("storage_class", "STANDARD_IA");
  ASSERT_TRUE(Upload(PatternBytes(11 * kMiB, 9)).error.ok);
  const nlohmann::json object = OnlyObject();
  EXPECT_EQ(object["storage_class"], "STANDARD_IA");
  EXPECT_FALSE(object["sse_c_key_md5"].is_null());
  for (const char* operation : {"CreateMultipartUpload", "UploadPart"}) {
    SCOPED_TRACE(operation);
    const nlohmann::json requests = fake().Requests(operation);
    ASSERT_FALSE(requests.empty());
    for (const nlohmann::json& request : requests) {
      EXPECT_EQ(request["headers"]["x-amz-server-side-encryption-customer-algorithm"], "AES256");
    }
  }
  EXPECT_EQ(fake().Requests("CreateMultipartUpload")[0]["headers"]["x-amz-storage-class"],
            "STANDARD_IA");
}

TEST_F(R2UploadTest, AbortLeavesNoObjectAndNoPendingUpload) {
  const std::string data = PatternBytes(11 * kMiB, 5);
  const std::string md5 = Md5(data);
  UploadSpec spec;
  pluton_upload* upload = nullptr;
  ASSERT_TRUE(Begin(spec, md5, &upload).ok);
  ASSERT_TRUE(Take(api_, api_->upload_write(upload, reinterpret_cast<const uint8_t*>(data.data()),
                                            data.size()))
                  .ok);
  api_->upload_abort(upload);
  api_->upload_abort(upload);  // idempotent
  api_->upload_destroy(upload);
  EXPECT_EQ(fake().Objects("backups"), nlohmann::json::array());
  EXPECT_EQ(fake().Uploads("backups"), nlohmann::json::array());
  EXPECT_FALSE(fake().Requests("CreateMultipartUpload").empty());
  EXPECT_FALSE(fake().Requests("AbortMultipartUpload").empty());
}

TEST_F(R2UploadTest, DestroyWithoutFinishAborts) {
  const std::string data = PatternBytes(7 * kMiB, 6);
  const std::string md5 = Md5(data);
  pluton_upload* upload = nullptr;
  ASSERT_TRUE(Begin(UploadSpec{}, md5, &upload).ok);
  ASSERT_TRUE(Take(api_, api_->upload_write(upload, reinterpret_cast<const uint8_t*>(data.data()),
                                            data.size()))
                  .ok);
  api_->upload_destroy(upload);
  EXPECT_EQ(fake().Objects("backups"), nlohmann::json::array());
  EXPECT_EQ(fake().Uploads("backups"), nlohmann::json::array());
}

TEST_F(R2UploadTest, CancelStopsTheUploadAndAbortStillCleansUp) {
  fake().AddFault(
      {{"operation", "UploadPart"}, {"action", "delay"}, {"delay_ms", 30000}, {"times", -1}});
  TestCancel cancel;
  const std::string data = PatternBytes(30 * kMiB, 8);
  const std::string md5 = Md5(data);
  pluton_upload* upload = nullptr;
  ASSERT_TRUE(Begin(UploadSpec{}, md5, &upload, &cancel.token).ok);
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    cancel.cancelled = true;
  });
  const auto start = std::chrono::steady_clock::now();
  Error error;
  for (size_t offset = 0; offset < data.size() && error.ok; offset += kMiB) {
    error = Take(api_, api_->upload_write(
                           upload, reinterpret_cast<const uint8_t*>(data.data()) + offset, kMiB));
  }
  canceller.join();
  EXPECT_EQ(error.code, PLUTON_CANCELLED) << error;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30))
      << "the upload waited for the delayed part";
  api_->upload_abort(upload);
  api_->upload_destroy(upload);
  EXPECT_EQ(fake().Uploads("backups"), nlohmann::json::array()) << "aborted despite the cancel";
  EXPECT_EQ(fake().Objects("backups"), nlohmann::json::array());
}

TEST_F(R2UploadTest, WrongSecretFailsWithTheSameReasonAsTestConnection) {
  config_.Set("secret_access_key", kScopedSecret);
  const UploadOutcome outcome = Upload("data");
  EXPECT_EQ(outcome.error.code, PLUTON_UNAUTHENTICATED) << outcome.error;
  EXPECT_EQ(outcome.error.reason, "SIGNATURE_MISMATCH");
  EXPECT_THAT(outcome.error.message, HasSubstr("uploading \"backups/host/2024/backup.tar\""));
  EXPECT_THAT(outcome.error.message, HasSubstr("Secret Access Key is wrong"));
  EXPECT_THAT(outcome.error.message, ::testing::Not(HasSubstr(kScopedSecret)));
}

TEST_F(R2UploadTest, MissingBucketIsNotFound) {
  UploadSpec spec;
  spec.bucket = "missing";
  const UploadOutcome outcome = Upload("data", spec);
  EXPECT_EQ(outcome.error.code, PLUTON_NOT_FOUND) << outcome.error;
  EXPECT_EQ(outcome.error.reason, "NO_SUCH_BUCKET");
  EXPECT_THAT(outcome.error.message, HasSubstr("jurisdiction"));
}

TEST_F(R2UploadTest, ScopedTokenOnAnotherBucketIsPermissionDenied) {
  config_.Set("access_key_id", kScopedKeyId).Set("secret_access_key", kScopedSecret);
  UploadSpec spec;
  spec.bucket = "other";
  const UploadOutcome outcome = Upload("data", spec);
  EXPECT_EQ(outcome.error.code, PLUTON_PERMISSION_DENIED) << outcome.error;
  EXPECT_EQ(outcome.error.reason, "ACCESS_DENIED");
}

TEST_F(R2UploadTest, PartFailuresAreRetried) {
  fake().AddFault({{"operation", "UploadPart"}, {"status", 503}, {"times", 2}});
  const std::string data = PatternBytes(11 * kMiB, 4);
  ASSERT_TRUE(Upload(data).error.ok);
  EXPECT_EQ(fake().ObjectBytes("backups", UploadSpec{}.key).value_or(""), data);
}

TEST_F(R2UploadTest, MoreBytesThanExpectedIsRefused) {
  UploadSpec spec;
  spec.expected_size = 3;
  const UploadOutcome outcome = Upload("four", spec);
  EXPECT_EQ(outcome.error.code, PLUTON_FAILED_PRECONDITION) << outcome.error;
  EXPECT_EQ(outcome.error.reason, "SIZE_MISMATCH");
  EXPECT_EQ(fake().Objects("backups"), nlohmann::json::array());
}

TEST_F(R2UploadTest, BadParamsAndConfigAreRefusedAtBegin) {
  UploadSpec bad_bucket;
  bad_bucket.bucket = "a/b";
  const UploadOutcome bucket = Upload("x", bad_bucket);
  EXPECT_EQ(bucket.error.code, PLUTON_INVALID_ARGUMENT);
  EXPECT_TRUE(bucket.error.HasViolation("bucket")) << bucket.error;

  UploadSpec bad_metadata;
  bad_metadata.metadata = {{"bad key", "v"}, {"ok", "line\nbreak"}};
  const UploadOutcome metadata = Upload("x", bad_metadata);
  EXPECT_EQ(metadata.error.code, PLUTON_INVALID_ARGUMENT);
  EXPECT_EQ(metadata.error.violations.size(), 2u) << metadata.error;

  config_.Set("chunk_size", "1MiB");
  EXPECT_EQ(Upload("x").error.reason, "INVALID_CONFIG");
  EXPECT_EQ(fake().Requests("PutObject"), nlohmann::json::array());
}

TEST_F(R2UploadTest, BudgetSmallerThanAPartIsResourceExhausted) {
  TestHost::capacity = 4 * kMiB;
  const UploadOutcome outcome = Upload(PatternBytes(6 * kMiB, 2));
  EXPECT_EQ(outcome.error.code, PLUTON_RESOURCE_EXHAUSTED) << outcome.error;
  EXPECT_THAT(outcome.error.message, HasSubstr("chunk_size"));
  EXPECT_EQ(fake().Objects("backups"), nlohmann::json::array());
}

TEST_F(R2UploadTest, TightBudgetSlowsTheUploadButItCompletes) {
  TestHost::capacity = 11 * kMiB;  // two part buffers, though four parts may be in flight
  const std::string data = PatternBytes(23 * kMiB, 12);
  const UploadOutcome outcome = Upload(data);
  ASSERT_TRUE(outcome.error.ok) << outcome.error;
  EXPECT_LE(TestHost::budget_peak.load(), static_cast<int64_t>(11 * kMiB));
  EXPECT_EQ(fake().ObjectBytes("backups", UploadSpec{}.key).value_or(""), data);
}

TEST_F(R2UploadTest, CancelWhileWaitingForTheBudget) {
  TestHost::capacity = 5 * kMiB;  // one buffer: the writer waits while its part is sent
  fake().AddFault(
      {{"operation", "UploadPart"}, {"action", "delay"}, {"delay_ms", 30000}, {"times", -1}});
  TestCancel cancel;
  const std::string data = PatternBytes(12 * kMiB, 13);
  const std::string md5 = Md5(data);
  pluton_upload* upload = nullptr;
  ASSERT_TRUE(Begin(UploadSpec{}, md5, &upload, &cancel.token).ok);
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    cancel.cancelled = true;
  });
  const auto start = std::chrono::steady_clock::now();
  const Error error = Take(
      api_, api_->upload_write(upload, reinterpret_cast<const uint8_t*>(data.data()), data.size()));
  canceller.join();
  EXPECT_EQ(error.code, PLUTON_CANCELLED) << error;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30))
      << "the upload waited for the delayed part";
  api_->upload_abort(upload);
  api_->upload_destroy(upload);
  EXPECT_EQ(fake().Uploads("backups"), nlohmann::json::array());
}

}  // namespace
}  // namespace pluton::r2_test
