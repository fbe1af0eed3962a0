// `rm`: one key is one DeleteObject, several go in DeleteObjects batches of at most 1000,
// keys from the command line, a file and standard input, per-key failures, exit codes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "cli_fixture.h"

namespace pluton::storage::client {
namespace {

using ::testing::ElementsAre;
using ::testing::StartsWith;

class CliRmTest : public CliTest {
 protected:
  void SetUp() override { objects().objects = {{"a", "1"}, {"b", "2"}, {"locked", "3"}}; }
};

TEST_F(CliRmTest, OneKeyIsOneDeleteObject) {
  EXPECT_EQ(Run({"rm", "disk", "bucket", "a"}), kExitOk) << err();
  EXPECT_EQ(out(), "delete: a\n");
  auto requests = objects().delete_requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].storage(), "disk");
  EXPECT_EQ(requests[0].bucket(), "bucket");
  EXPECT_EQ(requests[0].key(), "a");
  EXPECT_TRUE(objects().batch_requests().empty());
  EXPECT_FALSE(objects().objects.count("a"));
}

TEST_F(CliRmTest, OneKeyErrorsShowViolationsAndExitOne) {
  objects().undeletable = {"locked"};
  EXPECT_EQ(Run({"rm", "disk", "bucket", "locked"}), kExitFailure);
  EXPECT_EQ(err(), "error: PERMISSION_DENIED: access denied\n");
  EXPECT_EQ(out(), "");
  EXPECT_EQ(Run({"rm", "disk", "bucket", ""}), kExitFailure);
  EXPECT_EQ(err(),
            "error: INVALID_ARGUMENT: the request is invalid\n"
            "  key: required\n");
}

TEST_F(CliRmTest, SeveralKeysGoInOneBatchAndFailuresAreReported) {
  objects().undeletable = {"locked"};
  EXPECT_EQ(Run({"rm", "disk", "bucket", "a", "locked", "b", "a"}), kExitFailure);
  EXPECT_EQ(out(), "delete: a\ndelete: b\n");
  EXPECT_EQ(err(), "delete failed: locked: PERMISSION_DENIED: access denied\n");
  auto batches = objects().batch_requests();
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_THAT(batches[0].keys(), ElementsAre("a", "locked", "b")) << "duplicates sent once";
  EXPECT_TRUE(objects().delete_requests().empty());
}

TEST_F(CliRmTest, MoreThanAThousandKeysGoInSeveralBatches) {
  std::string list;
  for (int i = 0; i < 2500; ++i) absl::StrAppend(&list, "k", i, "\n");
  files_["keys.txt"] = list;
  EXPECT_EQ(Run({"rm", "disk", "bucket", "--from-file", "keys.txt"}), kExitOk) << err();
  auto batches = objects().batch_requests();
  ASSERT_EQ(batches.size(), 3u);
  EXPECT_EQ(batches[0].keys_size(), 1000);
  EXPECT_EQ(batches[1].keys_size(), 1000);
  EXPECT_EQ(batches[2].keys_size(), 500);
  EXPECT_EQ(batches[0].keys(0), "k0");
  EXPECT_EQ(batches[1].keys(0), "k1000");
  EXPECT_EQ(batches[2].keys(499), "k2499");
  std::vector<std::string> lines = absl::StrSplit(out(), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 2500u);
  EXPECT_EQ(lines[1234], "delete: k1234");
}

TEST_F(CliRmTest, KeysFromStandardInputAndTheCommandLine) {
  stdin_ = "b\r\n\nwith space \n";
  EXPECT_EQ(Run({"rm", "disk", "bucket", "a", "--stdin"}), kExitOk) << err();
  EXPECT_EQ(out(), "delete: a\ndelete: b\ndelete: with space \n");
  ASSERT_EQ(objects().batch_requests().size(), 1u);
  EXPECT_THAT(objects().batch_requests()[0].keys(), ElementsAre("a", "b", "with space "));
}

TEST_F(CliRmTest, EmptyStandardInputDeletesNothing) {
  EXPECT_EQ(Run({"rm", "disk", "bucket", "--stdin"}), kExitOk) << err();
  EXPECT_EQ(out(), "");
  EXPECT_TRUE(objects().batch_requests().empty());
  EXPECT_TRUE(objects().delete_requests().empty());
}

TEST_F(CliRmTest, JsonSummarisesEveryBatch) {
  objects().undeletable = {"locked"};
  EXPECT_EQ(Run({"rm", "disk", "bucket", "a", "locked", "--json"}), kExitFailure);
  EXPECT_EQ(out(),
            "{\n"
            " \"deletedCount\": 1,\n"
            " \"failures\": [\n"
            "  {\n"
            "   \"key\": \"locked\",\n"
            "   \"code\": 7,\n"
            "   \"message\": \"access denied\"\n"
            "  }\n"
            " ]\n"
            "}\n");
  EXPECT_EQ(err(), "");
  EXPECT_EQ(Run({"rm", "disk", "bucket", "b", "--json"}), kExitOk);
  EXPECT_EQ(out(),
            "{\n"
            " \"deletedCount\": 1,\n"
            " \"failures\": []\n"
            "}\n");
}

TEST_F(CliRmTest, AFailedCallStopsAndSaysWhatWasNotAttempted) {
  EXPECT_EQ(Run({"rm", "missing", "bucket", "a", "b"}), kExitFailure);
  EXPECT_EQ(out(), "");
  EXPECT_EQ(err(),
            "error: NOT_FOUND: no storage \"missing\"\n"
            "stopped: 2 of 2 keys were not attempted\n");
}

TEST_F(CliRmTest, ALaterBatchFailingKeepsTheEarlierOnesAndShowsViolations) {
  std::vector<std::string> args = {"rm", "disk", "bucket"};
  for (int i = 0; i < 1000; ++i) args.push_back(absl::StrCat("k", i));
  args.push_back("");
  EXPECT_EQ(Run(args), kExitFailure);
  std::vector<std::string> lines = absl::StrSplit(out(), '\n', absl::SkipEmpty());
  EXPECT_EQ(lines.size(), 1000u);
  EXPECT_EQ(err(),
            "error: INVALID_ARGUMENT: the request is invalid\n"
            "  keys[0]: required\n"
            "stopped: 1 of 1001 keys were not attempted\n");
  EXPECT_EQ(objects().batch_requests().size(), 2u);
}

TEST_F(CliRmTest, UsageErrors) {
  EXPECT_EQ(Run({"rm", "disk", "bucket"}), kExitUsage);
  EXPECT_EQ(err(),
            "error: give the KEY to delete, or --stdin or --from-file\n"
            "usage: pluton-storage rm STORAGE BUCKET KEY... [--stdin] [--from-file FILE]\n");
  EXPECT_EQ(Run({"rm", "disk", "bucket", "--from-file", "nope.txt"}), kExitUsage);
  EXPECT_EQ(err(), "error: --from-file: cannot read nope.txt\n");
  EXPECT_TRUE(objects().batch_requests().empty());
  EXPECT_TRUE(objects().delete_requests().empty());
}

TEST_F(CliRmTest, HelpShowsTheKeyList) {
  EXPECT_EQ(Run({"rm", "--help"}), kExitOk);
  EXPECT_THAT(out(), StartsWith("usage: pluton-storage rm STORAGE BUCKET KEY... [--stdin] "
                                "[--from-file FILE]\n\nDelete objects.\n"));
  EXPECT_THAT(out(), ::testing::HasSubstr("  KEY...              object keys to delete "
                                          "(optional)\n"));
}

}  // namespace
}  // namespace pluton::storage::client
