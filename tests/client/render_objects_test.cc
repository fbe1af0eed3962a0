// The text of the object commands: listing lines (unknown times, wide sizes, merge order),
// failures with their code names, incomplete uploads.
#include "client/cli/render_objects.h"

#include <gtest/gtest.h>

namespace pluton::storage::client {
namespace {

TEST(FormatObjectPageTest, MergesPrefixesAndObjectsInKeyOrder) {
  v1::ListObjectsResponse page;
  page.add_common_prefixes("a/");
  page.add_common_prefixes("c/");
  v1::ObjectInfo* b = page.add_objects();
  b->set_key("b");
  b->set_size(12345678901);
  b->mutable_modify_time()->set_seconds(1700000000);
  page.add_objects()->set_key("d");
  EXPECT_EQ(FormatObjectPage(page),
            "                           PRE a/\n"
            "2023-11-14 22:13:20 12345678901 b\n"
            "                           PRE c/\n"
            "-                            0 d\n");
}

TEST(FormatFailureTest, CodeNames) {
  v1::DeleteFailure failure;
  failure.set_key("k");
  failure.set_code(7);
  failure.set_message("denied");
  EXPECT_EQ(FormatFailure("delete", failure), "delete failed: k: PERMISSION_DENIED: denied\n");
  failure.set_code(99);
  EXPECT_EQ(FormatFailure("abort", failure), "abort failed: k: code 99: denied\n");
}

TEST(FormatObjectInfoTest, DashesForWhatIsUnknown) {
  v1::ObjectInfo info;
  info.set_key("k");
  EXPECT_EQ(FormatObjectInfo(info),
            "key:           k\n"
            "size:          0 bytes (0 B)\n"
            "modified:      -\n"
            "etag:          -\n"
            "md5:           -\n"
            "sha256:        -\n"
            "storage class: -\n"
            "content type:  -\n"
            "metadata:      (none)\n");
}

TEST(FormatCleanupResultTest, UnknownStartAndKey) {
  v1::CleanupIncompleteUploadsResponse response;
  response.add_aborted()->set_upload_id("u");
  EXPECT_EQ(FormatCleanupResult(response, false, "1d"),
            "aborted: - (upload u)\n"
            "aborted 1 incomplete upload; kept 0 started less than 1d ago or of unknown age\n");
}

}  // namespace
}  // namespace pluton::storage::client
