// The r2 plugin's Test Connection against the strict R2 fake, through the real pluton_r2.so:
// success paths, and each Common Issue with its reason and message.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "plugin_harness.h"

namespace pluton::r2_test {
namespace {

using ::testing::AnyOf;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr char kProbePrefix[] = ".pluton-connection-test/";

// A local port nothing listens on: bound, then closed.
int ClosedPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

class R2TestConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const LoadedPlugin& plugin = LoadedPlugin::Get("pluton_r2.so");
    ASSERT_NE(plugin.api, nullptr) << plugin.load_error;
    api_ = plugin.api;
    ASSERT_TRUE(SharedFake().ok()) << SharedFake().status();
    fake().Reset();
  }

  static R2FakeProcess& fake() { return **SharedFake(); }
  static Config WithToken(const std::string& key_id, const std::string& secret) {
    return Config{{"account_id", kAccountId},
                  {"access_key_id", key_id},
                  {"secret_access_key", secret},
                  {"endpoint", fake().endpoint()}};
  }
  static Config Admin() { return WithToken(kAdminKeyId, kAdminSecret); }
  static Config Scoped() { return WithToken(kScopedKeyId, kScopedSecret); }

  Report Run(const Config& config, const std::string& bucket, bool read_only = false,
             uint32_t timeout_ms = 20000, const pluton_cancel_token* cancel = nullptr) const {
    return RunTest(api_, config, bucket, read_only, timeout_ms, cancel);
  }

  const pluton_plugin_api* api_ = nullptr;
};

TEST_F(R2TestConnectionTest, AdminTokenWithoutBucketListsBuckets) {
  const Report report = Run(Admin(), "");
  ASSERT_TRUE(report.error.ok) << report;
  EXPECT_TRUE(report.success) << report;
  EXPECT_EQ(report.reason, "");
  ASSERT_EQ(report.checks.size(), 1u) << report;
  EXPECT_EQ(report.checks[0].name, "list_buckets");
  EXPECT_TRUE(report.checks[0].passed);
  EXPECT_FALSE(report.checks[0].description.empty());
  EXPECT_GT(report.checks[0].latency_us, 0u);
}

TEST_F(R2TestConnectionTest, BucketTestListsWritesAndDeletesAProbe) {
  const Report report = Run(Admin(), "backups");
  ASSERT_TRUE(report.success) << report;
  ASSERT_EQ(report.checks.size(), 3u) << report;
  EXPECT_EQ(report.checks[0].name, "list_objects");
  EXPECT_EQ(report.checks[1].name, "write_probe");
  EXPECT_EQ(report.checks[2].name, "delete_probe");
  for (const Report::Check& check : report.checks) {
    EXPECT_TRUE(check.passed) << check.name;
    EXPECT_EQ(check.detail, "") << check.name;
  }
  // The probe went under the reserved prefix, with Content-MD5, and is gone afterwards.
  const nlohmann::json puts = fake().Requests("PutObject");
  ASSERT_EQ(puts.size(), 1u) << puts.dump();
  EXPECT_THAT(puts[0]["key"].get<std::string>(), StartsWith(kProbePrefix));
  EXPECT_EQ(puts[0]["status"], 200);
  EXPECT_EQ(puts[0]["has_content_md5"], true);
  const nlohmann::json deletes = fake().Requests("DeleteObject");
  ASSERT_EQ(deletes.size(), 1u);
  EXPECT_EQ(deletes[0]["key"], puts[0]["key"]);
  EXPECT_EQ(fake().Objects("backups", kProbePrefix), nlohmann::json::array());
  EXPECT_EQ(fake().Objects("backups"), nlohmann::json::array());
  // ListObjectsV2 asked for one key only.
  const nlohmann::json lists = fake().Requests("ListObjectsV2");
  ASSERT_EQ(lists.size(), 1u);
  EXPECT_EQ(lists[0]["params"]["max-keys"], "1");
}

TEST_F(R2TestConnectionTest, ProbeNamesAreRandom) {
  ASSERT_TRUE(Run(Admin(), "backups").success);
  ASSERT_TRUE(Run(Admin(), "backups").success);
  const nlohmann::json puts = fake().Requests("PutObject");
  ASSERT_EQ(puts.size(), 2u);
  EXPECT_NE(puts[0]["key"], puts[1]["key"]);
}

TEST_F(R2TestConnectionTest, BucketScopedTokenPassesOnItsBucket) {
  const Report report = Run(Scoped(), "backups");
  EXPECT_TRUE(report.success) << report;
  EXPECT_EQ(report.checks.size(), 3u);
}

TEST_F(R2TestConnectionTest, ReadOnlyTestSkipsTheWriteProbe) {
  const Report report = Run(Admin(), "backups", /*read_only=*/true);
  ASSERT_TRUE(report.success) << report;
  ASSERT_EQ(report.checks.size(), 1u);
  EXPECT_EQ(report.checks[0].name, "list_objects");
  EXPECT_EQ(fake().Requests("PutObject"), nlohmann::json::array());
}

TEST_F(R2TestConnectionTest, ProbeUsesTheConfiguredStorageClassAndSseC) {
  Config config = Admin();
  config.Set("storage_class", "STANDARD_IA")
      .Set("server_side_encryption", "SSE-C")
      .Set("sse_customer_key", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
  ASSERT_TRUE(Run(config, "backups").success);
  const nlohmann::json puts = fake().Requests("PutObject");
  ASSERT_EQ(puts.size(), 1u);
  const nlohmann::json& headers = puts[0]["headers"];
  EXPECT_EQ(headers["x-amz-storage-class"], "STANDARD_IA");
  EXPECT_EQ(headers["x-amz-server-side-encryption-customer-algorithm"], "AES256");
  EXPECT_FALSE(headers.contains("x-amz-server-side-encryption"));
}

TEST_F(R2TestConnectionTest, DefaultsSendNoEncryptionOrStorageClassHeader) {
  ASSERT_TRUE(Run(Admin(), "backups").success);
  const nlohmann::json puts = fake().Requests("PutObject");
  ASSERT_EQ(puts.size(), 1u);
  const nlohmann::json& headers = puts[0]["headers"];
  EXPECT_FALSE(headers.contains("x-amz-storage-class")) << headers.dump();
  EXPECT_FALSE(headers.contains("x-amz-server-side-encryption")) << headers.dump();
}

TEST_F(R2TestConnectionTest, WrongSecretIsSignatureMismatch) {
  const Report report = Run(WithToken(kAdminKeyId, kScopedSecret), "backups");
  ASSERT_TRUE(report.error.ok) << report;
  EXPECT_FALSE(report.success);
  EXPECT_EQ(report.reason, "SIGNATURE_MISMATCH") << report;
  EXPECT_THAT(report.message, HasSubstr("Secret Access Key is wrong"));
  EXPECT_THAT(report.message, HasSubstr("shown only once"));
  EXPECT_THAT(report.message, HasSubstr("create a new API token"));
  EXPECT_THAT(report.message, Not(HasSubstr(kScopedSecret)));
  ASSERT_EQ(report.checks.size(), 1u);
  EXPECT_FALSE(report.checks[0].passed);
  EXPECT_THAT(report.checks[0].detail, HasSubstr("SignatureDoesNotMatch"));
  EXPECT_THAT(report.checks[0].detail, Not(HasSubstr(kScopedSecret)));
}

TEST_F(R2TestConnectionTest, UnknownKeyIsInvalidAccessKeyId) {
  const Report report = Run(WithToken("unknownkey0000000000000000000000", kAdminSecret), "");
  EXPECT_EQ(report.reason, "INVALID_ACCESS_KEY_ID") << report;
  EXPECT_THAT(report.message, HasSubstr("does not know this Access Key ID"));
  EXPECT_THAT(report.message, HasSubstr("Account ID (not a Zone ID)"));
}

TEST_F(R2TestConnectionTest, NonAdminTokenCannotListBuckets) {
  const Report report = Run(Scoped(), "");
  EXPECT_FALSE(report.success);
  EXPECT_EQ(report.reason, "ACCESS_DENIED") << report;
  EXPECT_THAT(report.message, HasSubstr("Object Read & Write"));
  EXPECT_THAT(report.message, HasSubstr("cannot call ListBuckets"));
  EXPECT_THAT(report.message, HasSubstr("Give a bucket"));
  ASSERT_EQ(report.checks.size(), 1u);
  EXPECT_EQ(report.checks[0].name, "list_buckets");
  EXPECT_FALSE(report.checks[0].passed);
}

TEST_F(R2TestConnectionTest, ScopedTokenOnAnotherBucketIsAccessDenied) {
  const Report report = Run(Scoped(), "other");
  EXPECT_EQ(report.reason, "ACCESS_DENIED") << report;
  EXPECT_THAT(report.message, HasSubstr("bucket \"other\""));
  EXPECT_THAT(report.message, HasSubstr("restricted to other buckets"));
  ASSERT_EQ(report.checks.size(), 1u);
  EXPECT_EQ(report.checks[0].name, "list_objects");
}

TEST_F(R2TestConnectionTest, ReadOnlyTokenFailsTheWriteProbe) {
  const Report report = Run(WithToken(kReadOnlyKeyId, kReadOnlySecret), "backups");
  EXPECT_EQ(report.reason, "ACCESS_DENIED") << report;
  EXPECT_THAT(report.message, HasSubstr("Object Read & Write"));
  ASSERT_EQ(report.checks.size(), 2u);
  EXPECT_TRUE(report.checks[0].passed);
  EXPECT_EQ(report.checks[1].name, "write_probe");
  EXPECT_FALSE(report.checks[1].passed);
  // ... and passes a read-only test.
  EXPECT_TRUE(Run(WithToken(kReadOnlyKeyId, kReadOnlySecret), "backups", true).success);
}

TEST_F(R2TestConnectionTest, MissingBucketIsNoSuchBucketAndMentionsJurisdiction) {
  const Report report = Run(Admin(), "missing");
  EXPECT_EQ(report.reason, "NO_SUCH_BUCKET") << report;
  EXPECT_THAT(report.message, HasSubstr("bucket \"missing\""));
  EXPECT_THAT(report.message, HasSubstr("a bucket created in the EU jurisdiction is only "
                                        "reachable with jurisdiction=eu"));
}

TEST_F(R2TestConnectionTest, EuBucketThroughTheDefaultJurisdictionIsNoSuchBucket) {
  EXPECT_EQ(Run(Admin(), "eu-backups").reason, "NO_SUCH_BUCKET");
}

TEST_F(R2TestConnectionTest, ClockSkewIsReported) {
  fake().SetSettings({{"clock_offset_seconds", 16 * 60}});
  const Report report = Run(Admin(), "backups");
  EXPECT_EQ(report.reason, "CLOCK_SKEW") << report;
  EXPECT_THAT(report.message, HasSubstr("clock"));
  EXPECT_THAT(report.message, HasSubstr("NTP"));
}

TEST_F(R2TestConnectionTest, NotEntitledIsR2NotEnabled) {
  fake().AddFault({{"operation", "ListBuckets"},
                   {"status", 403},
                   {"code", "NotEntitled"},
                   {"message", "Please enable R2 through the Cloudflare Dashboard."}});
  const Report report = Run(Admin(), "");
  EXPECT_EQ(report.reason, "R2_NOT_ENABLED") << report;
  EXPECT_THAT(report.message, HasSubstr("R2 is not enabled"));
  EXPECT_THAT(report.message, HasSubstr("Account ID (not a Zone ID)"));
}

TEST_F(R2TestConnectionTest, Status401IsUnauthorized) {
  fake().AddFault({{"operation", "ListObjectsV2"}, {"status", 401}, {"code", "Unauthorized"}});
  const Report report = Run(Admin(), "backups");
  EXPECT_EQ(report.reason, "UNAUTHORIZED") << report;
  EXPECT_THAT(report.message, HasSubstr("Account ID (not a Zone ID)"));
}

TEST_F(R2TestConnectionTest, ServerErrorsAreRetriedThenReported) {
  fake().AddFault({{"operation", "ListObjectsV2"}, {"status", 503}, {"times", 1}});
  EXPECT_TRUE(Run(Admin(), "backups").success) << "one 503 is retried";
  fake().AddFault({{"operation", "ListObjectsV2"}, {"status", 503}, {"times", -1}});
  const Report report = Run(Admin(), "backups");
  EXPECT_EQ(report.reason, "SERVICE_UNAVAILABLE") << report;
}

TEST_F(R2TestConnectionTest, FailedDeleteNamesTheProbeLeftBehind) {
  fake().AddFault({{"operation", "DeleteObject"}, {"status", 403}, {"code", "AccessDenied"}});
  const Report report = Run(Admin(), "backups");
  EXPECT_EQ(report.reason, "ACCESS_DENIED") << report;
  ASSERT_EQ(report.checks.size(), 3u);
  EXPECT_FALSE(report.checks[2].passed);
  EXPECT_THAT(report.message, HasSubstr(kProbePrefix));
}

TEST_F(R2TestConnectionTest, UnresolvableAccountEndpointNamesTheAccountId) {
  // No endpoint override: https://<account>.r2.cloudflarestorage.com, which cannot resolve in
  // this sandbox (no network; a proxy, if any, cannot connect either).
  Config config{{"account_id", "00000000000000000000000000000000"},
                {"access_key_id", kAdminKeyId},
                {"secret_access_key", kAdminSecret}};
  const auto start = std::chrono::steady_clock::now();
  const Report report = Run(config, "", false, 10000);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(11));
  ASSERT_TRUE(report.error.ok) << report;
  EXPECT_FALSE(report.success);
  EXPECT_THAT(report.reason, AnyOf("INVALID_ACCOUNT_ID", "ENDPOINT_UNREACHABLE")) << report;
  EXPECT_THAT(report.message, HasSubstr("Account ID (not a Zone ID)"));
  EXPECT_THAT(report.message,
              HasSubstr("00000000000000000000000000000000.r2.cloudflarestorage.com"));
}

TEST_F(R2TestConnectionTest, ClosedPortIsEndpointUnreachable) {
  Config config = Admin();
  config.Set("endpoint", "http://127.0.0.1:" + std::to_string(ClosedPort()));
  const Report report = Run(config, "backups", false, 10000);
  EXPECT_EQ(report.reason, "ENDPOINT_UNREACHABLE") << report;
  EXPECT_THAT(report.message, HasSubstr("cannot connect"));
}

TEST_F(R2TestConnectionTest, SlowAnswerIsTimeoutWithinTheDeadline) {
  fake().AddFault(
      {{"operation", "ListObjectsV2"}, {"action", "delay"}, {"delay_ms", 30000}, {"times", -1}});
  const auto start = std::chrono::steady_clock::now();
  const Report report = Run(Admin(), "backups", false, /*timeout_ms=*/1000);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(report.reason, "TIMEOUT") << report;
  EXPECT_THAT(report.message, HasSubstr("1000 ms"));
  EXPECT_GE(elapsed, std::chrono::milliseconds(900));
  EXPECT_LT(elapsed, std::chrono::seconds(30)) << "the test waited for the slow answer";
  ASSERT_EQ(report.checks.size(), 1u);
  EXPECT_FALSE(report.checks[0].passed);
}

TEST_F(R2TestConnectionTest, CancelStopsTheTestPromptly) {
  fake().AddFault(
      {{"operation", "ListObjectsV2"}, {"action", "delay"}, {"delay_ms", 30000}, {"times", -1}});
  TestCancel cancel;
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    cancel.cancelled = true;
  });
  const auto start = std::chrono::steady_clock::now();
  const Report report = Run(Admin(), "backups", false, 20000, &cancel.token);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  canceller.join();
  EXPECT_FALSE(report.error.ok);
  EXPECT_EQ(report.error.code, PLUTON_CANCELLED) << report;
  EXPECT_LT(elapsed, std::chrono::seconds(30)) << "the test waited for the slow answer";
}

TEST_F(R2TestConnectionTest, InvalidConfigOrBucketIsAnError) {
  Config config = Admin();
  config.Set("account_id", "me@example.com");
  const Report bad_config = Run(config, "");
  EXPECT_EQ(bad_config.error.code, PLUTON_INVALID_ARGUMENT);
  EXPECT_EQ(bad_config.error.reason, "INVALID_CONFIG");
  const Report bad_bucket = Run(Admin(), "a/b");
  EXPECT_EQ(bad_bucket.error.code, PLUTON_INVALID_ARGUMENT);
  EXPECT_TRUE(bad_bucket.error.HasViolation("bucket")) << bad_bucket;
}

}  // namespace
}  // namespace pluton::r2_test
