// The local plugin's test_connection through the C ABI.
#include <atomic>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "local_plugin_test_util.h"

namespace pluton::local_test {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// A copied report (the plugin's is released at once).
struct Report {
  bool success = false;
  std::string reason;
  std::string message;
  struct Check {
    std::string name, description, detail;
    bool passed;
    uint64_t latency_us;
  };
  std::vector<Check> checks;
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const Check& c : checks) out.push_back(c.name + (c.passed ? ":pass" : ":FAIL"));
    return out;
  }
};

class LocalTestConnectionTest : public LocalPluginTest {
 protected:
  // Runs test_connection; fails the test on an error.
  Report Run(const std::string& bucket, bool read_only = false,
             const pluton_cancel_token* cancel = nullptr) {
    Report out;
    pluton_test_report* report = nullptr;
    const Error error = RunRaw(bucket, read_only, cancel, &report);
    EXPECT_TRUE(error.ok) << error;
    if (report == nullptr) return out;
    EXPECT_EQ(report->struct_size, sizeof(pluton_test_report));
    out.success = report->success != 0;
    out.reason = report->reason;
    out.message = report->message;
    for (size_t i = 0; i < report->check_count; ++i) {
      const pluton_test_check& c = report->checks[i];
      out.checks.push_back({c.name, c.description, c.detail, c.passed != 0, c.latency_us});
    }
    api_->test_report_destroy(report);
    return out;
  }
  Error RunRaw(const std::string& bucket, bool read_only, const pluton_cancel_token* cancel,
               pluton_test_report** report) {
    pluton_test_params params{};
    params.struct_size = sizeof(params);
    params.bucket = bucket.c_str();
    params.read_only = read_only ? 1 : 0;
    params.timeout_ms = 20000;
    params.cancel = cancel;
    return Check(api_->test_connection(config_.get(), &params, report));
  }
};

TEST_F(LocalTestConnectionTest, AllChecksPass) {
  fs::create_directory(root_ / "bucket");
  const Report report = Run("bucket");
  EXPECT_TRUE(report.success) << report.message;
  EXPECT_EQ(report.reason, "");
  EXPECT_EQ(report.message, "");
  EXPECT_THAT(report.names(),
              ElementsAre("root_directory:pass", "bucket_directory:pass", "write_probe:pass"));
  for (const auto& check : report.checks) {
    EXPECT_FALSE(check.description.empty()) << check.name;
    EXPECT_EQ(check.detail, "") << check.name;
    EXPECT_LT(check.latency_us, 20'000'000u) << check.name;
  }
  // The probe cleaned up after itself.
  EXPECT_THAT(List(Partial()), IsEmpty());
  EXPECT_THAT(List(root_ / "bucket"), IsEmpty());
}

TEST_F(LocalTestConnectionTest, WithoutBucketOnlyRootAndWrite) {
  const Report report = Run("");
  EXPECT_TRUE(report.success);
  EXPECT_THAT(report.names(), ElementsAre("root_directory:pass", "write_probe:pass"));
}

TEST_F(LocalTestConnectionTest, ReadOnlySkipsTheWriteProbe) {
  const Report report = Run("", /*read_only=*/true);
  EXPECT_TRUE(report.success);
  EXPECT_THAT(report.names(), ElementsAre("root_directory:pass"));
  EXPECT_FALSE(fs::exists(Partial())) << "read-only test wrote to root";
}

TEST_F(LocalTestConnectionTest, MissingBucketWillBeCreated) {
  const Report report = Run("newbucket");
  EXPECT_TRUE(report.success);
  ASSERT_EQ(report.checks.size(), 3u);
  EXPECT_EQ(report.checks[1].name, "bucket_directory");
  EXPECT_TRUE(report.checks[1].passed);
  EXPECT_EQ(report.checks[1].detail, "will be created on first upload");
  EXPECT_FALSE(fs::exists(root_ / "newbucket")) << "a test must not create buckets";
}

TEST_F(LocalTestConnectionTest, MissingBucketWithoutCreateBucketsFails) {
  config_.Set("create_buckets", "false");
  const Report report = Run("nobucket");
  EXPECT_FALSE(report.success);
  EXPECT_EQ(report.reason, "NOT_FOUND");
  EXPECT_THAT(report.message,
              AllOf(HasSubstr((root_ / "nobucket").string()), HasSubstr("create_buckets=true")));
  EXPECT_THAT(report.names(), ElementsAre("root_directory:pass", "bucket_directory:FAIL"));
}

TEST_F(LocalTestConnectionTest, BucketThatIsAFileFails) {
  WriteFile(root_ / "filebucket", "x");
  const Report report = Run("filebucket");
  EXPECT_FALSE(report.success);
  EXPECT_EQ(report.reason, "NOT_A_DIRECTORY");
  EXPECT_THAT(report.names(), ElementsAre("root_directory:pass", "bucket_directory:FAIL"));
}

TEST_F(LocalTestConnectionTest, MissingRootIsNotFound) {
  const fs::path missing = tmp_ / "missing";
  config_.Set("root", missing.string());
  const Report report = Run("bucket");
  EXPECT_FALSE(report.success);
  EXPECT_EQ(report.reason, "NOT_FOUND");
  EXPECT_THAT(report.message,
              AllOf(HasSubstr(missing.string()), HasSubstr("create it or fix config.root")));
  ASSERT_THAT(report.names(), ElementsAre("root_directory:FAIL"));
  EXPECT_THAT(report.checks[0].detail, HasSubstr("No such file or directory"));
  EXPECT_FALSE(fs::exists(missing));
}

TEST_F(LocalTestConnectionTest, RootThatIsAFileFails) {
  WriteFile(tmp_ / "file", "x");
  config_.Set("root", (tmp_ / "file").string());
  const Report report = Run("");
  EXPECT_FALSE(report.success);
  EXPECT_EQ(report.reason, "NOT_A_DIRECTORY");
  EXPECT_THAT(report.message, AllOf(HasSubstr((tmp_ / "file").string()), HasSubstr("config.root")));
  EXPECT_THAT(report.names(), ElementsAre("root_directory:FAIL"));
}

TEST_F(LocalTestConnectionTest, WriteProbeFailureIsReported) {
  // Tests run as root in CI, so break the write path structurally instead of with permissions.
  WriteFile(Partial(), "a file where the uploads directory belongs");
  const Report report = Run("");
  EXPECT_FALSE(report.success);
  EXPECT_EQ(report.reason, "UNAVAILABLE");
  EXPECT_THAT(report.message,
              AllOf(HasSubstr("cannot write under root"), HasSubstr(".pluton-partial")));
  ASSERT_THAT(report.names(), ElementsAre("root_directory:pass", "write_probe:FAIL"));
  EXPECT_THAT(report.checks[1].detail, HasSubstr("Not a directory"));
}

TEST_F(LocalTestConnectionTest, InvalidBucketIsAnError) {
  pluton_test_report* report = nullptr;
  const Error error = RunRaw("../etc", false, nullptr, &report);
  EXPECT_EQ(error.code, PLUTON_INVALID_ARGUMENT) << error;
  EXPECT_THAT(error.violations, ElementsAre(::testing::Pair("bucket", HasSubstr("bucket name"))));
  EXPECT_EQ(report, nullptr);
}

TEST_F(LocalTestConnectionTest, CancelledIsAnError) {
  const pluton_cancel_token token = {[](void*) { return 1; }, nullptr};
  pluton_test_report* report = nullptr;
  const Error error = RunRaw("", false, &token, &report);
  EXPECT_EQ(error.code, PLUTON_CANCELLED) << error;
  EXPECT_EQ(report, nullptr);
}

TEST_F(LocalTestConnectionTest, NullParamsUseDefaults) {
  pluton_test_report* report = nullptr;
  ASSERT_TRUE(Check(api_->test_connection(config_.get(), nullptr, &report)).ok);
  ASSERT_NE(report, nullptr);
  EXPECT_EQ(report->success, 1);
  EXPECT_EQ(report->check_count, 2u);  // root_directory, write_probe
  api_->test_report_destroy(report);
  EXPECT_EQ(Check(api_->test_connection(config_.get(), nullptr, nullptr)).code,
            PLUTON_INVALID_ARGUMENT);
}

}  // namespace
}  // namespace pluton::local_test
