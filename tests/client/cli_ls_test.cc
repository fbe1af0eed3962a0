// `ls`: the request (delimiter, prefix, page size), every page followed, the aws-style text
// lines, JSON Lines, and errors.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "cli_fixture.h"

namespace pluton::storage::client {
namespace {

using ::testing::ElementsAre;
using ::testing::StartsWith;

class CliLsTest : public CliTest {
 protected:
  void SetUp() override {
    objects().objects = {{"a.txt", "hello"},      {"docs/readme.md", "12345678901"},
                         {"docs/sub/x", "x"},     {"photos/1.jpg", "12"},
                         {"photos/2.jpg", "123"}, {"z", ""}};
  }
  std::vector<std::string> Tokens() {
    std::vector<std::string> tokens;
    for (const auto& request : objects().list_requests()) tokens.push_back(request.page_token());
    return tokens;
  }
};

TEST_F(CliLsTest, RollsUpAtSlashAndFollowsEveryPage) {
  EXPECT_EQ(Run({"ls", "disk", "bucket", "--page-size", "2"}), kExitOk) << err();
  EXPECT_EQ(out(),
            "2023-11-14 22:13:20          5 a.txt\n"
            "                           PRE docs/\n"
            "                           PRE photos/\n"
            "2023-11-14 22:13:20          0 z\n");
  EXPECT_EQ(err(), "");
  auto requests = objects().list_requests();
  ASSERT_EQ(requests.size(), 2u);
  for (const auto& request : requests) {
    EXPECT_EQ(request.storage(), "disk");
    EXPECT_EQ(request.bucket(), "bucket");
    EXPECT_EQ(request.prefix(), "");
    EXPECT_EQ(request.delimiter(), "/");
    EXPECT_EQ(request.page_size(), 2);
  }
  EXPECT_THAT(Tokens(), ElementsAre("", "2"));
}

TEST_F(CliLsTest, PrefixWithoutRecursiveListsOneLevel) {
  EXPECT_EQ(Run({"ls", "disk", "bucket", "docs/"}), kExitOk) << err();
  EXPECT_EQ(out(),
            "2023-11-14 22:13:20         11 docs/readme.md\n"
            "                           PRE docs/sub/\n");
  EXPECT_EQ(objects().list_requests()[0].prefix(), "docs/");
  EXPECT_EQ(objects().list_requests()[0].page_size(), 0) << "the service's default";
}

TEST_F(CliLsTest, RecursiveListsEveryKeyWithoutDelimiter) {
  EXPECT_EQ(Run({"ls", "disk", "bucket", "docs/", "--recursive"}), kExitOk) << err();
  EXPECT_EQ(out(),
            "2023-11-14 22:13:20         11 docs/readme.md\n"
            "2023-11-14 22:13:20          1 docs/sub/x\n");
  EXPECT_EQ(objects().list_requests()[0].delimiter(), "");
}

TEST_F(CliLsTest, AnEmptyPageWithATokenDoesNotEndTheListing) {
  objects().empty_first_page = true;
  EXPECT_EQ(Run({"ls", "disk", "bucket", "--recursive"}), kExitOk) << err();
  EXPECT_EQ(std::vector<std::string>(absl::StrSplit(out(), '\n', absl::SkipEmpty())).size(), 6u);
  EXPECT_THAT(Tokens(), ElementsAre("", "0"));
}

TEST_F(CliLsTest, ThousandsOfKeysComeInSeveralPagesAtTheDefaultSize) {
  objects().objects.clear();
  for (int i = 0; i < 2500; ++i) objects().objects[absl::StrFormat("k%05d", i)] = "";
  EXPECT_EQ(Run({"ls", "disk", "bucket"}), kExitOk) << err();
  std::vector<std::string> lines = absl::StrSplit(out(), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 2500u);
  EXPECT_EQ(lines.front(), "2023-11-14 22:13:20          0 k00000");
  EXPECT_EQ(lines.back(), "2023-11-14 22:13:20          0 k02499");
  EXPECT_THAT(Tokens(), ElementsAre("", "1000", "2000"));
}

TEST_F(CliLsTest, JsonLinesOneRecordPerEntry) {
  EXPECT_EQ(Run({"ls", "disk", "bucket", "--json", "--page-size", "3"}), kExitOk) << err();
  EXPECT_EQ(out(),
            "{\"key\":\"a.txt\",\"size\":\"5\",\"etag\":\"etag-5\",\"md5Hex\":\"\","
            "\"storageClass\":\"STANDARD\",\"contentType\":\"\",\"metadata\":{},"
            "\"sha256Hex\":\"\",\"modifyTime\":\"2023-11-14T22:13:20Z\"}\n"
            "{\"prefix\":\"docs/\"}\n"
            "{\"prefix\":\"photos/\"}\n"
            "{\"key\":\"z\",\"size\":\"0\",\"etag\":\"etag-0\",\"md5Hex\":\"\","
            "\"storageClass\":\"STANDARD\",\"contentType\":\"\",\"metadata\":{},"
            "\"sha256Hex\":\"\",\"modifyTime\":\"2023-11-14T22:13:20Z\"}\n");
  EXPECT_EQ(objects().list_requests().size(), 2u);
}

TEST_F(CliLsTest, EmptyListingPrintsNothing) {
  EXPECT_EQ(Run({"ls", "disk", "bucket", "nothing/"}), kExitOk);
  EXPECT_EQ(out(), "");
  EXPECT_EQ(Run({"ls", "disk", "bucket", "nothing/", "--json"}), kExitOk);
  EXPECT_EQ(out(), "");
}

TEST_F(CliLsTest, AFailingPageKeepsWhatWasPrintedAndExitsOne) {
  objects().fail_list_page_token = "2";
  EXPECT_EQ(Run({"ls", "disk", "bucket", "--page-size", "2"}), kExitFailure);
  EXPECT_EQ(out(),
            "2023-11-14 22:13:20          5 a.txt\n"
            "                           PRE docs/\n");
  EXPECT_EQ(err(), "error: UNAVAILABLE: the provider did not answer\n");
}

TEST_F(CliLsTest, UsageAndServiceErrors) {
  EXPECT_EQ(Run({"ls", "disk"}), kExitUsage);
  EXPECT_EQ(err(),
            "error: missing BUCKET\n"
            "usage: pluton-storage ls STORAGE BUCKET [PREFIX] [--recursive] [--page-size N]\n");
  EXPECT_EQ(Run({"ls", "disk", "bucket", "--page-size", "1001"}), kExitUsage);
  EXPECT_THAT(err(), StartsWith("error: --page-size: expected a number from 1 to 1000, got "
                                "\"1001\"\n"));
  EXPECT_EQ(Run({"ls", "disk", "bucket", "--page-size", "0"}), kExitUsage);
  EXPECT_EQ(Run({"ls", "disk", "bucket", "a", "b"}), kExitUsage);
  EXPECT_THAT(err(), StartsWith("error: unexpected argument 'b'\n"));
  EXPECT_TRUE(objects().list_requests().empty()) << "usage errors call nothing";

  EXPECT_EQ(Run({"ls", "disk", "nobucket"}), kExitFailure);
  EXPECT_EQ(err(), "error: NOT_FOUND: no bucket \"nobucket\"\n");
  EXPECT_EQ(out(), "");
}

}  // namespace
}  // namespace pluton::storage::client
