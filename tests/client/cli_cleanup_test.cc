// `cleanup`: listing incomplete uploads over several pages, aborting by age (default, days,
// minutes), dry runs, failures, JSON, and usage errors.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli_fixture.h"

namespace pluton::storage::client {
namespace {

using ::testing::StartsWith;

constexpr int64_t kYear2100 = 4102444800;  // "young" whatever the date of the test run

v1::IncompleteUpload Upload(const std::string& key, const std::string& id, int64_t started) {
  v1::IncompleteUpload upload;
  upload.set_key(key);
  upload.set_upload_id(id);
  if (started != 0) upload.mutable_initiate_time()->set_seconds(started);
  return upload;
}

class CliCleanupTest : public CliTest {
 protected:
  void SetUp() override {
    objects().incomplete = {Upload("backups/old.tar", "u1", testing::kFakeObjectTime),
                            Upload("backups/new.tar", "u2", kYear2100),
                            Upload("other/x", "u3", testing::kFakeObjectTime), Upload("", "u4", 0)};
  }
};

TEST_F(CliCleanupTest, ListFollowsEveryPage) {
  objects().incomplete_page_size = 3;
  EXPECT_EQ(Run({"cleanup", "disk", "bucket", "--list"}), kExitOk) << err();
  EXPECT_EQ(out(),
            "2023-11-14 22:13:20  backups/old.tar  u1\n"
            "2100-01-01 00:00:00  backups/new.tar  u2\n"
            "2023-11-14 22:13:20  other/x  u3\n"
            "-" +
                std::string(20, ' ') + "-  u4\n");
  auto requests = objects().incomplete_requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[1].page_token(), "3");
  EXPECT_TRUE(objects().cleanup_requests().empty()) << "--list aborts nothing";
}

TEST_F(CliCleanupTest, ListUnderAPrefixAsJsonLines) {
  EXPECT_EQ(Run({"cleanup", "disk", "bucket", "--list", "--prefix", "backups/", "--json"}), kExitOk)
      << err();
  EXPECT_EQ(out(),
            "{\"key\":\"backups/old.tar\",\"uploadId\":\"u1\","
            "\"initiateTime\":\"2023-11-14T22:13:20Z\"}\n"
            "{\"key\":\"backups/new.tar\",\"uploadId\":\"u2\","
            "\"initiateTime\":\"2100-01-01T00:00:00Z\"}\n");
  EXPECT_EQ(objects().incomplete_requests()[0].prefix(), "backups/");
}

TEST_F(CliCleanupTest, ListOfNothing) {
  objects().incomplete.clear();
  EXPECT_EQ(Run({"cleanup", "disk", "bucket", "--list"}), kExitOk);
  EXPECT_EQ(out(), "no incomplete uploads\n");
}

TEST_F(CliCleanupTest, AbortsWithTheServiceDefaultAge) {
  EXPECT_EQ(Run({"cleanup", "disk", "bucket", "--prefix", "backups/"}), kExitOk) << err();
  EXPECT_EQ(out(),
            "aborted: backups/old.tar (upload u1, started 2023-11-14 22:13:20)\n"
            "aborted 1 incomplete upload; kept 1 started less than 24h ago or of unknown age\n");
  auto requests = objects().cleanup_requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].prefix(), "backups/");
  EXPECT_FALSE(requests[0].has_older_than()) << "unset: the service's default";
  EXPECT_FALSE(requests[0].dry_run());
}

TEST_F(CliCleanupTest, DryRunWithDays) {
  EXPECT_EQ(Run({"cleanup", "disk", "bucket", "--older-than", "7d", "--dry-run"}), kExitOk)
      << err();
  EXPECT_EQ(out(),
            "would abort: backups/old.tar (upload u1, started 2023-11-14 22:13:20)\n"
            "would abort: other/x (upload u3, started 2023-11-14 22:13:20)\n"
            "dry run: would abort 2 incomplete uploads; kept 2 started less than 7d ago or of "
            "unknown age\n");
  auto request = objects().cleanup_requests()[0];
  EXPECT_TRUE(request.dry_run());
  EXPECT_EQ(request.older_than().seconds(), 7 * 86400);
  EXPECT_EQ(objects().incomplete.size(), 4u) << "a dry run aborts nothing";
}

TEST_F(CliCleanupTest, AgesInMinutesAndCombined) {
  EXPECT_EQ(Run({"cleanup", "disk", "bucket", "--older-than", "90m", "--dry-run"}), kExitOk);
  EXPECT_EQ(objects().cleanup_requests().back().older_than().seconds(), 5400);
  EXPECT_THAT(out(), ::testing::HasSubstr("started less than 90m ago"));
  EXPECT_EQ(Run({"cleanup", "disk", "bucket", "--older-than", "1d12h", "--dry-run"}), kExitOk);
  EXPECT_EQ(objects().cleanup_requests().back().older_than().seconds(), 129600);
}

TEST_F(CliCleanupTest, FailedAbortsGoToStderrAndExitOne) {
  objects().unabortable = {"other/x"};
  EXPECT_EQ(Run({"cleanup", "disk", "bucket", "--older-than", "7d"}), kExitFailure);
  EXPECT_EQ(out(),
            "aborted: backups/old.tar (upload u1, started 2023-11-14 22:13:20)\n"
            "aborted 1 incomplete upload; kept 2 started less than 7d ago or of unknown age\n");
  EXPECT_EQ(err(), "abort failed: other/x: UNAVAILABLE: the provider did not answer\n");
}

TEST_F(CliCleanupTest, Json) {
  EXPECT_EQ(Run({"cleanup", "disk", "bucket", "--prefix", "other/", "--json"}), kExitOk) << err();
  EXPECT_EQ(out(),
            "{\n"
            " \"aborted\": [\n"
            "  {\n"
            "   \"key\": \"other/x\",\n"
            "   \"uploadId\": \"u3\",\n"
            "   \"initiateTime\": \"2023-11-14T22:13:20Z\"\n"
            "  }\n"
            " ],\n"
            " \"keptCount\": 0,\n"
            " \"failures\": []\n"
            "}\n");
}

TEST_F(CliCleanupTest, UsageErrors) {
  EXPECT_EQ(Run({"cleanup", "disk", "bucket", "--older-than", "soon"}), kExitUsage);
  EXPECT_EQ(err(),
            "error: --older-than: expected an age such as 24h, 90m or 7d (units d, h, m, s), got "
            "\"soon\"\n"
            "usage: pluton-storage cleanup STORAGE BUCKET [--prefix P] [--older-than AGE] "
            "[--dry-run] [--list]\n");
  EXPECT_EQ(Run({"cleanup", "disk", "bucket", "--older-than=-1h"}), kExitUsage);
  EXPECT_EQ(Run({"cleanup", "disk", "bucket", "--list", "--dry-run"}), kExitUsage);
  EXPECT_THAT(err(),
              StartsWith("error: --list only lists: it takes no --older-than or --dry-run\n"));
  EXPECT_TRUE(objects().cleanup_requests().empty());
  EXPECT_TRUE(objects().incomplete_requests().empty());
  EXPECT_EQ(Run({"cleanup", "missing", "bucket"}), kExitFailure);
  EXPECT_EQ(err(), "error: NOT_FOUND: no storage \"missing\"\n");
}

}  // namespace
}  // namespace pluton::storage::client
