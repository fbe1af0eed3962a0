// The generic s3 plugin's Test Connection, through the real pluton_s3.so, against the R2 fake
// used as a plain S3-compatible server on http://127.0.0.1 (region us-east-1, path style).
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "plugin_harness.h"

namespace pluton::r2_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class S3TestConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const LoadedPlugin& plugin = LoadedPlugin::Get("pluton_s3.so");
    ASSERT_NE(plugin.api, nullptr) << plugin.load_error;
    api_ = plugin.api;
    ASSERT_TRUE(SharedFake().ok()) << SharedFake().status();
    fake().Reset();
  }
  static R2FakeProcess& fake() { return **SharedFake(); }
  static Config WithToken(const std::string& key_id, const std::string& secret) {
    return Config{
        {"endpoint", fake().endpoint()}, {"access_key_id", key_id}, {"secret_access_key", secret}};
  }
  static Config Admin() { return WithToken(kAdminKeyId, kAdminSecret); }
  Report Run(const Config& config, const std::string& bucket) const {
    return RunTest(api_, config, bucket, false, 20000, nullptr);
  }

  const pluton_plugin_api* api_ = nullptr;
};

TEST_F(S3TestConnectionTest, HttpEndpointWorksWithAndWithoutBucket) {
  const Report buckets = Run(Admin(), "");
  EXPECT_TRUE(buckets.success) << buckets;
  const Report report = Run(Admin(), "backups");
  ASSERT_TRUE(report.success) << report;
  ASSERT_EQ(report.checks.size(), 3u);
  EXPECT_EQ(fake().Objects("backups"), nlohmann::json::array());
  // Signed for the configured region.
  const nlohmann::json lists = fake().Requests("ListObjectsV2");
  ASSERT_EQ(lists.size(), 1u);
  EXPECT_EQ(lists[0]["region"], "us-east-1");
}

TEST_F(S3TestConnectionTest, WrongSecretIsSignatureMismatch) {
  const Report report = Run(WithToken(kAdminKeyId, kScopedSecret), "backups");
  EXPECT_EQ(report.reason, "SIGNATURE_MISMATCH") << report;
  EXPECT_THAT(report.message, HasSubstr("Secret Access Key is wrong"));
  EXPECT_THAT(report.message, Not(HasSubstr("Zone ID")));  // S3 words, not R2's
}

TEST_F(S3TestConnectionTest, UnknownKeyIsInvalidAccessKeyId) {
  EXPECT_EQ(Run(WithToken("unknownkey0000000000000000000000", kAdminSecret), "").reason,
            "INVALID_ACCESS_KEY_ID");
}

TEST_F(S3TestConnectionTest, KeyThatMayNotListBucketsIsAskedForABucket) {
  const Report report = Run(WithToken(kScopedKeyId, kScopedSecret), "");
  EXPECT_EQ(report.reason, "ACCESS_DENIED") << report;
  EXPECT_THAT(report.message, HasSubstr("Give a bucket"));
}

TEST_F(S3TestConnectionTest, MissingBucketIsNoSuchBucket) {
  const Report report = Run(Admin(), "missing");
  EXPECT_EQ(report.reason, "NO_SUCH_BUCKET") << report;
  EXPECT_THAT(report.message, HasSubstr("region"));
}

TEST_F(S3TestConnectionTest, WrongRegionIsReported) {
  Config config = Admin();
  config.Set("region", "eu-west-1");
  const Report report = Run(config, "backups");
  EXPECT_EQ(report.reason, "WRONG_REGION") << report;
  EXPECT_THAT(report.message, HasSubstr("eu-west-1"));
}

TEST_F(S3TestConnectionTest, EncryptionHeaderTheServerLacksShowsInTheWriteProbe) {
  // The R2 fake, like R2, answers 501 to x-amz-server-side-encryption: the s3 plugin sends it
  // when asked, and the probe surfaces the refusal before any backup runs.
  Config config = Admin();
  config.Set("server_side_encryption", "AES256");
  const Report report = Run(config, "backups");
  EXPECT_EQ(report.reason, "NOT_IMPLEMENTED") << report;
  EXPECT_THAT(report.message, HasSubstr("server-side encryption"));
  ASSERT_EQ(report.checks.size(), 2u);
  EXPECT_EQ(report.checks[1].name, "write_probe");
  const nlohmann::json puts = fake().Requests("PutObject");
  ASSERT_EQ(puts.size(), 1u);
  EXPECT_EQ(puts[0]["headers"]["x-amz-server-side-encryption"], "AES256");
}

TEST_F(S3TestConnectionTest, ClockSkewIsReported) {
  fake().SetSettings({{"clock_offset_seconds", -20 * 60}});
  EXPECT_EQ(Run(Admin(), "backups").reason, "CLOCK_SKEW");
}

}  // namespace
}  // namespace pluton::r2_test
