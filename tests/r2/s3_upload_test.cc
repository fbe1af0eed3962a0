// Uploads through the real pluton_s3.so: the same shared upload path as r2, with the generic
// plugin's settings (region, encryption headers), against the R2 fake as an S3 server.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "plugin_harness.h"

namespace pluton::r2_test {
namespace {

using ::testing::HasSubstr;

class S3UploadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const LoadedPlugin& plugin = LoadedPlugin::Get("pluton_s3.so");
    ASSERT_NE(plugin.api, nullptr) << plugin.load_error;
    api_ = plugin.api;
    ASSERT_TRUE(SharedFake().ok()) << SharedFake().status();
    fake().Reset();
    config_ = Config{{"endpoint", fake().endpoint()},
                     {"access_key_id", kAdminKeyId},
                     {"secret_access_key", kAdminSecret},
                     {"upload_cutoff", "5MiB"}};
  }
  void TearDown() override { EXPECT_EQ(TestHost::budget_in_use.load(), 0); }
  static R2FakeProcess& fake() { return **SharedFake(); }

  // Uploads `data` in 1 MiB writes; returns the error and the part count.
  Error Upload(const std::string& data, uint32_t* part_count = nullptr) {
    const std::string bucket = "backups";
    const std::string key = "s3/object.bin";
    pluton_upload_params params{};
    params.struct_size = sizeof(params);
    params.bucket = bucket.c_str();
    params.key = key.c_str();
    params.expected_size = static_cast<int64_t>(data.size());
    params.content_type = "application/octet-stream";
    pluton_upload* upload = nullptr;
    Error error = Take(api_, api_->upload_begin(config_.get(), &params, &upload));
    if (!error.ok) return error;
    for (size_t offset = 0; offset < data.size() && error.ok; offset += 1 << 20) {
      const size_t n = std::min<size_t>(1 << 20, data.size() - offset);
      error = Take(api_, api_->upload_write(
                             upload, reinterpret_cast<const uint8_t*>(data.data()) + offset, n));
    }
    if (error.ok) {
      pluton_upload_result result{};
      result.struct_size = sizeof(result);
      error = Take(api_, api_->upload_finish(upload, &result));
      if (error.ok && part_count != nullptr) *part_count = result.part_count;
    }
    if (!error.ok) api_->upload_abort(upload);
    api_->upload_destroy(upload);
    return error;
  }

  const pluton_plugin_api* api_ = nullptr;
  Config config_;
};

TEST_F(S3UploadTest, SingleAndMultipartUploadsStoreTheBytes) {
  ASSERT_TRUE(Upload("small").ok);
  EXPECT_EQ(fake().ObjectBytes("backups", "s3/object.bin").value_or(""), "small");
  std::string big(11 << 20, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 131 + (i >> 20));
  uint32_t parts = 0;
  ASSERT_TRUE(Upload(big, &parts).ok);
  EXPECT_EQ(parts, 3u);
  EXPECT_EQ(fake().ObjectBytes("backups", "s3/object.bin").value_or(""), big);
  for (const nlohmann::json& request : fake().Requests("UploadPart")) {
    EXPECT_EQ(request["region"], "us-east-1");
  }
}

TEST_F(S3UploadTest, RefusedEncryptionHeaderIsAClearError) {
  config_.Set("server_side_encryption", "aws:kms").Set("sse_kms_key_id", "alias/backups");
  const Error error = Upload("data");
  EXPECT_EQ(error.reason, "NOT_IMPLEMENTED") << error;
  EXPECT_EQ(error.code, PLUTON_FAILED_PRECONDITION);
  EXPECT_THAT(error.message, HasSubstr("server-side encryption"));
  const nlohmann::json puts = fake().WaitForRequests("PutObject", 1);
  ASSERT_EQ(puts.size(), 1u);
  EXPECT_EQ(puts[0]["headers"]["x-amz-server-side-encryption"], "aws:kms");
  EXPECT_EQ(puts[0]["headers"]["x-amz-server-side-encryption-aws-kms-key-id"], "alias/backups");
}

}  // namespace
}  // namespace pluton::r2_test
