// `stat`: every field in text and JSON, and the exit status that tells a missing object
// (4) from a missing storage or bucket (1).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli_fixture.h"
#include "nlohmann/json.hpp"

namespace pluton::storage::client {
namespace {

using ::testing::StartsWith;

class CliStatTest : public CliTest {
 protected:
  void SetUp() override { objects().objects = {{"docs/readme.md", "hello"}}; }
};

TEST_F(CliStatTest, PrintsEveryField) {
  EXPECT_EQ(Run({"stat", "disk", "bucket", "docs/readme.md"}), kExitOk) << err();
  EXPECT_EQ(out(),
            "key:           docs/readme.md\n"
            "size:          5 bytes (5 B)\n"
            "modified:      2023-11-14T22:13:20Z\n"
            "etag:          etag-5\n"
            "md5:           5d41402abc4b2a76b9719d911017c592\n"
            "sha256:        -\n"
            "storage class: STANDARD\n"
            "content type:  text/plain\n"
            "metadata:\n"
            "  build = 42\n"
            "  owner = me\n");
}

TEST_F(CliStatTest, Json) {
  EXPECT_EQ(Run({"stat", "disk", "bucket", "docs/readme.md", "--json"}), kExitOk) << err();
  // The printer's order of map entries is not specified: compare the documents.
  nlohmann::json printed = nlohmann::json::parse(out(), nullptr, /*allow_exceptions=*/false);
  EXPECT_EQ(printed, nlohmann::json::parse(R"({
    "key": "docs/readme.md",
    "size": "5",
    "modifyTime": "2023-11-14T22:13:20Z",
    "etag": "etag-5",
    "md5Hex": "5d41402abc4b2a76b9719d911017c592",
    "sha256Hex": "",
    "storageClass": "STANDARD",
    "contentType": "text/plain",
    "metadata": {"build": "42", "owner": "me"}
  })"))
      << out();
  EXPECT_THAT(out(), StartsWith("{\n \"key\": \"docs/readme.md\",\n"));
  EXPECT_EQ(out().back(), '\n');
}

TEST_F(CliStatTest, MissingObjectExitsFourOtherNotFoundsOne) {
  EXPECT_EQ(Run({"stat", "disk", "bucket", "nope"}), kExitNotFound);
  EXPECT_EQ(err(), "error: NOT_FOUND: no object \"nope\"\n");
  EXPECT_EQ(out(), "");
  EXPECT_EQ(Run({"stat", "disk", "nobucket", "nope"}), kExitFailure);
  EXPECT_EQ(err(), "error: NOT_FOUND: no bucket \"nobucket\"\n");
  EXPECT_EQ(Run({"stat", "missing", "bucket", "nope"}), kExitFailure);
  EXPECT_EQ(err(), "error: NOT_FOUND: no storage \"missing\"\n");
}

TEST_F(CliStatTest, FieldViolationsAndUsage) {
  EXPECT_EQ(Run({"stat", "disk", "bucket", ""}), kExitFailure);
  EXPECT_EQ(err(),
            "error: INVALID_ARGUMENT: the request is invalid\n"
            "  key: required\n");
  EXPECT_EQ(Run({"stat", "disk", "bucket"}), kExitUsage);
  EXPECT_EQ(err(),
            "error: missing KEY\n"
            "usage: pluton-storage stat STORAGE BUCKET KEY\n");
}

}  // namespace
}  // namespace pluton::storage::client
