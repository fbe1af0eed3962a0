// list_incomplete_uploads and abort_incomplete_upload of the local plugin, through its C ABI:
// the temporary files of uploads in progress, and what happens to an upload aborted this way.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "local_plugin_housekeeping_util.h"

namespace pluton::local_test {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;
using ::testing::Pair;

class LocalIncompleteUploadsTest : public LocalHousekeepingTest {
 protected:
  // Begins an upload and writes `data`, leaving it unfinished.
  pluton_upload* Start(const std::string& bucket, const std::string& key, const std::string& data) {
    pluton_upload_params params = Params(bucket, key);
    pluton_upload* upload = nullptr;
    const Error begin = Check(api_->upload_begin(config_.get(), &params, &upload));
    EXPECT_TRUE(begin.ok) << begin;
    if (!begin.ok) return nullptr;
    const Error write = Check(
        api_->upload_write(upload, reinterpret_cast<const uint8_t*>(data.data()), data.size()));
    EXPECT_TRUE(write.ok) << write;
    return upload;
  }
  static std::string Id(int n) {
    std::string hex = std::to_string(n);
    return "upload-" + std::string(32 - hex.size(), '0') + hex + ".tmp";
  }
};

TEST_F(LocalIncompleteUploadsTest, ListAbortAndTheUploadThenFailsCleanly) {
  const bool xattrs = UserXattrs();
  pluton_upload* upload = Start("b", "dir/k", "some bytes");
  ASSERT_NE(upload, nullptr);
  const std::vector<std::string> temp = List(Partial());
  ASSERT_EQ(temp.size(), 1u);

  UploadPage page = ListUploads("b");
  ASSERT_TRUE(page.error.ok) << page.error;
  ASSERT_EQ(page.uploads.size(), 1u);
  const UploadInfo& listed = page.uploads[0];
  EXPECT_EQ(listed.upload_id, temp[0]);
  EXPECT_THAT(listed.upload_id, MatchesRegex("upload-[0-9a-f]{32}\\.tmp"));
  struct stat st;
  ASSERT_EQ(::stat((Partial() / temp[0]).c_str(), &st), 0);
  EXPECT_EQ(listed.initiated_unix_ms,
            static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000);
  EXPECT_EQ(page.next_page_token, "");
  if (xattrs) {
    EXPECT_EQ(listed.key, "dir/k");
    EXPECT_THAT(ListUploads("other").uploads, IsEmpty()) << "another bucket's upload";
    EXPECT_THAT(ListUploads("b", {"dir/", "", "", 1000}).uploads, ::testing::SizeIs(1));
    EXPECT_THAT(ListUploads("b", {"x", "", "", 1000}).uploads, IsEmpty());
    // The wrong bucket cannot abort it.
    const Error wrong = Abort("other", "", listed.upload_id);
    EXPECT_EQ(wrong.code, PLUTON_NOT_FOUND) << wrong;
    EXPECT_TRUE(fs::exists(Partial() / temp[0]));
  }

  ASSERT_TRUE(Abort("b", "dir/k", listed.upload_id).ok);
  EXPECT_THAT(List(Partial()), IsEmpty());
  EXPECT_THAT(ListUploads("b").uploads, IsEmpty());
  EXPECT_TRUE(Abort("b", "dir/k", listed.upload_id).ok) << "already gone is success";

  // The upload itself: writing still "works" (into the unlinked file), finishing does not.
  EXPECT_TRUE(Check(api_->upload_write(upload, reinterpret_cast<const uint8_t*>("x"), 1)).ok);
  pluton_upload_result result{};
  result.struct_size = sizeof(result);
  const Error finish = Check(api_->upload_finish(upload, &result));
  EXPECT_EQ(finish.code, PLUTON_ABORTED) << finish;
  EXPECT_EQ(finish.reason, "UPLOAD_TEMP_FILE_REMOVED");
  EXPECT_THAT(finish.message, HasSubstr("was removed"));
  api_->upload_abort(upload);
  api_->upload_destroy(upload);
  EXPECT_FALSE(fs::exists(root_ / "b" / "dir" / "k"));
  EXPECT_THAT(List(Partial()), IsEmpty());
}

TEST_F(LocalIncompleteUploadsTest, AnAbortedUploadStopsWritingSoon) {
  pluton_upload* upload = Start("b", "k", "x");
  ASSERT_NE(upload, nullptr);
  const UploadPage page = ListUploads("b");
  ASSERT_EQ(page.uploads.size(), 1u);
  ASSERT_TRUE(Abort("b", "k", page.uploads[0].upload_id).ok);
  // Writes are not checked one by one, but within 64 MiB the upload notices.
  const std::string chunk(1 << 20, 'c');
  Error error;
  int chunks = 0;
  while (error.ok && chunks < 100) {
    error = Check(
        api_->upload_write(upload, reinterpret_cast<const uint8_t*>(chunk.data()), chunk.size()));
    ++chunks;
  }
  EXPECT_EQ(error.code, PLUTON_ABORTED) << error;
  EXPECT_EQ(error.reason, "UPLOAD_TEMP_FILE_REMOVED");
  EXPECT_LE(chunks, 65);
  api_->upload_abort(upload);
  api_->upload_destroy(upload);
  EXPECT_FALSE(fs::exists(root_ / "b" / "k"));
}

TEST_F(LocalIncompleteUploadsTest, FinishedAndAbortedUploadsAreNotListed) {
  ASSERT_TRUE(Upload("b", "k", "done").ok);
  pluton_upload* upload = Start("b", "k2", "x");
  api_->upload_abort(upload);
  api_->upload_destroy(upload);
  const UploadPage page = ListUploads("b");
  ASSERT_TRUE(page.error.ok) << page.error;
  EXPECT_THAT(page.uploads, IsEmpty());
}

TEST_F(LocalIncompleteUploadsTest, BogusUploadIdsAreRefused) {
  WriteFile(root_ / "x", "victim");
  fs::create_directories(Partial());
  WriteFile(Partial() / "junk", "j");
  const std::string upper = "upload-" + std::string(32, 'A') + ".tmp";
  for (const std::string& id :
       {std::string("../x"), std::string("x"), std::string("junk"), upper, Id(1) + "/../../x",
        std::string("upload-") + std::string(31, '0') + ".tmp", std::string("/etc/passwd"),
        std::string("upload-") + std::string(32, '0') + ".tmp.bak"}) {
    const Error error = Abort("b", "", id);
    EXPECT_EQ(error.code, PLUTON_INVALID_ARGUMENT) << id << ": " << error;
    EXPECT_THAT(error.violations, ElementsAre(Pair("upload_id", HasSubstr("upload id")))) << id;
  }
  EXPECT_EQ(ReadFile(root_ / "x"), "victim");
  EXPECT_TRUE(fs::exists(Partial() / "junk"));
  const Error bad_bucket = Abort("..", "", Id(1));
  EXPECT_EQ(bad_bucket.code, PLUTON_INVALID_ARGUMENT) << bad_bucket;
}

TEST_F(LocalIncompleteUploadsTest, TempFilesWithoutARecordShowForEveryBucket) {
  fs::create_directories(Partial());
  WriteFile(Partial() / Id(7), "old");
  WriteFile(Partial() / "junk", "not an upload");
  fs::create_directories(Partial() / Id(8));  // a directory is not an upload
  for (const std::string bucket : {"b", "other"}) {
    const UploadPage page = ListUploads(bucket);
    ASSERT_TRUE(page.error.ok) << page.error;
    ASSERT_EQ(page.uploads.size(), 1u) << bucket;
    EXPECT_EQ(page.uploads[0].upload_id, Id(7));
    EXPECT_EQ(page.uploads[0].key, "");
  }
  EXPECT_THAT(ListUploads("b", {"k", "", "", 1000}).uploads, IsEmpty());
  ASSERT_TRUE(Abort("b", "", Id(7)).ok);
  EXPECT_FALSE(fs::exists(Partial() / Id(7)));
}

TEST_F(LocalIncompleteUploadsTest, PagesAreSortedByUploadId) {
  fs::create_directories(Partial());
  std::vector<std::string> ids;
  for (int n : {42, 7, 300, 1, 99, 5000, 12}) {
    WriteFile(Partial() / Id(n), "x");
    ids.push_back(Id(n));
  }
  std::sort(ids.begin(), ids.end());
  std::vector<std::string> seen;
  std::string token;
  int pages = 0;
  while (true) {
    const UploadPage page = ListUploads("b", {"", "", token, 2});
    ASSERT_TRUE(page.error.ok) << page.error;
    ++pages;
    ASSERT_LE(page.uploads.size(), 2u);
    for (const UploadInfo& u : page.uploads) seen.push_back(u.upload_id);
    if (page.next_page_token.empty()) break;
    EXPECT_EQ(page.next_page_token, page.uploads.back().upload_id);
    token = page.next_page_token;
    ASSERT_LT(pages, 20);
  }
  EXPECT_THAT(seen, ElementsAreArray(ids));
  EXPECT_EQ(pages, 4);
}

TEST_F(LocalIncompleteUploadsTest, NoPartialDirectoryAndNoBucketDirectory) {
  // Nothing was ever uploaded: no .pluton-partial, no bucket directory.
  UploadPage page = ListUploads("b");
  ASSERT_TRUE(page.error.ok) << page.error;
  EXPECT_THAT(page.uploads, IsEmpty());
  EXPECT_TRUE(Abort("b", "k", Id(3)).ok);
  // An upload into a bucket created only at finish is listed before the bucket exists.
  pluton_upload* upload = Start("newbucket", "k", "x");
  EXPECT_FALSE(fs::exists(root_ / "newbucket"));
  page = ListUploads("newbucket");
  ASSERT_TRUE(page.error.ok) << page.error;
  EXPECT_EQ(page.uploads.size(), 1u);
  api_->upload_destroy(upload);
  EXPECT_EQ(ListUploads("b", {}).error.code, PLUTON_OK);
  EXPECT_EQ(ListUploads("..", {}).error.code, PLUTON_INVALID_ARGUMENT);
}

}  // namespace
}  // namespace pluton::local_test
