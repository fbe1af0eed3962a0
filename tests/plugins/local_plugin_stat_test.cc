// stat_object of the local plugin, through its C ABI: size, time, MD5 and ETag, content type
// and metadata stored by the upload, and NOT_FOUND.
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "local_plugin_housekeeping_util.h"

namespace pluton::local_test {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;

using LocalStatTest = LocalHousekeepingTest;

int64_t MtimeMs(const fs::path& path) {
  struct stat st;
  EXPECT_EQ(::lstat(path.c_str(), &st), 0) << path;
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
}

TEST_F(LocalStatTest, UploadedObjectRoundTripsEverything) {
  const std::string data = ::pluton::testing::PatternBytes(100000, 7);
  ASSERT_TRUE(UploadWithAttributes("b", "dir/obj.bin", data, "application/x-tar",
                                   {{"owner", "alice"}, {"Mixed-Case", "Value Kept"}, {"e", ""}})
                  .ok);
  const StatInfo stat = Stat("b", "dir/obj.bin");
  ASSERT_TRUE(stat.error.ok) << stat.error;
  EXPECT_EQ(stat.size, data.size());
  EXPECT_EQ(stat.modified_unix_ms, MtimeMs(root_ / "b" / "dir" / "obj.bin"));
  EXPECT_GT(stat.modified_unix_ms, 1'600'000'000'000);
  EXPECT_EQ(stat.storage_class, "");
  if (!UserXattrs()) GTEST_SKIP() << "no user xattrs on this filesystem: nothing more is stored";
  ASSERT_TRUE(stat.has_md5);
  EXPECT_EQ(stat.md5, Md5Of(data));
  EXPECT_EQ(stat.etag, Hex(Md5Of(data)));
  EXPECT_EQ(stat.content_type, "application/x-tar");
  EXPECT_THAT(stat.metadata,
              ElementsAre(Pair("e", ""), Pair("mixed-case", "Value Kept"), Pair("owner", "alice")));
  // The upload's bucket/key record does not stay on the object.
  char buffer[64];
  EXPECT_LT(::getxattr((root_ / "b" / "dir" / "obj.bin").c_str(), "user.pluton.key", buffer,
                       sizeof(buffer)),
            0);
  EXPECT_EQ(errno, ENODATA);
}

TEST_F(LocalStatTest, AFileWithoutAttributesHasNoneToReport) {
  Put("b", "plain", "12345");
  const StatInfo stat = Stat("b", "plain");
  ASSERT_TRUE(stat.error.ok) << stat.error;
  EXPECT_EQ(stat.size, 5u);
  EXPECT_FALSE(stat.has_md5);
  EXPECT_EQ(stat.etag, "");
  EXPECT_EQ(stat.content_type, "");
  EXPECT_THAT(stat.metadata, IsEmpty());
}

TEST_F(LocalStatTest, AnOverwriteReplacesContentTypeAndMetadata) {
  if (!UserXattrs()) GTEST_SKIP() << "no user xattrs on this filesystem";
  ASSERT_TRUE(UploadWithAttributes("b", "k", "one", "text/plain", {{"a", "1"}}).ok);
  ASSERT_TRUE(UploadWithAttributes("b", "k", "two!", "", {{"b", "2"}}).ok);
  StatInfo stat = Stat("b", "k");
  ASSERT_TRUE(stat.error.ok) << stat.error;
  EXPECT_EQ(stat.size, 4u);
  EXPECT_EQ(stat.md5, Md5Of("two!"));
  EXPECT_EQ(stat.content_type, "");
  EXPECT_THAT(stat.metadata, ElementsAre(Pair("b", "2")));
  ASSERT_TRUE(Upload("b", "k", "three").ok);  // no MD5 handed over, no metadata
  stat = Stat("b", "k");
  EXPECT_FALSE(stat.has_md5);
  EXPECT_EQ(stat.etag, "");
  EXPECT_EQ(stat.content_type, "application/octet-stream");
  EXPECT_THAT(stat.metadata, IsEmpty());
}

TEST_F(LocalStatTest, MissingThingsAreNotFound) {
  Put("b", "dir/file");
  StatInfo stat = Stat("b", "nothing");
  EXPECT_EQ(stat.error.code, PLUTON_NOT_FOUND) << stat.error;
  EXPECT_EQ(stat.error.reason, "OBJECT_NOT_FOUND");
  EXPECT_THAT(stat.error.message, AllOf(HasSubstr("\"nothing\""), HasSubstr("\"b\"")));

  stat = Stat("b", "dir");  // a directory of keys is not an object
  EXPECT_EQ(stat.error.code, PLUTON_NOT_FOUND) << stat.error;
  EXPECT_THAT(stat.error.message, AllOf(HasSubstr("\"dir\""), HasSubstr("directory")));

  stat = Stat("b", "dir/file/below");  // a file where a directory would be
  EXPECT_EQ(stat.error.code, PLUTON_NOT_FOUND) << stat.error;
  stat = Stat("b", "nodir/file");
  EXPECT_EQ(stat.error.code, PLUTON_NOT_FOUND) << stat.error;

  stat = Stat("nobucket", "k");
  EXPECT_EQ(stat.error.code, PLUTON_NOT_FOUND) << stat.error;
  EXPECT_EQ(stat.error.reason, "BUCKET_NOT_FOUND");

  stat = Stat("b", "../b/dir/file");
  EXPECT_EQ(stat.error.code, PLUTON_INVALID_ARGUMENT) << stat.error;
  EXPECT_THAT(stat.error.violations, ElementsAre(Pair("key", HasSubstr(".."))));
}

TEST_F(LocalStatTest, SymlinksAreNotFollowed) {
  const fs::path outside = tmp_ / "outside";
  fs::create_directories(outside);
  WriteFile(outside / "secret", "secret");
  fs::create_directories(root_ / "b");
  fs::create_symlink(outside / "secret", root_ / "b" / "file-link");
  fs::create_directory_symlink(outside, root_ / "b" / "dir-link");
  ASSERT_EQ(::mkfifo((root_ / "b" / "fifo").c_str(), 0600), 0);

  StatInfo stat = Stat("b", "file-link");
  EXPECT_EQ(stat.error.code, PLUTON_NOT_FOUND) << stat.error;
  EXPECT_THAT(stat.error.message, HasSubstr("symlink"));
  stat = Stat("b", "dir-link/secret");
  EXPECT_EQ(stat.error.code, PLUTON_NOT_FOUND) << stat.error;
  stat = Stat("b", "fifo");  // opened without blocking, and not an object
  EXPECT_EQ(stat.error.code, PLUTON_NOT_FOUND) << stat.error;
}

}  // namespace
}  // namespace pluton::local_test
