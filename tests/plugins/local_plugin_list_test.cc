// list_objects of the local plugin, through its C ABI: byte order, prefix, delimiter, paging,
// unusual keys, symlinks and special files, and errors.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <set>
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

class LocalListTest : public LocalHousekeepingTest {
 protected:
  // Puts every key (content: the key) into bucket "b" and returns them in byte order.
  std::vector<std::string> PutAll(std::vector<std::string> keys) {
    for (const std::string& key : keys) Put("b", key, key);
    std::sort(keys.begin(), keys.end());  // std::string compares bytes as unsigned char
    return keys;
  }
};

// Keys whose byte order differs from any per-directory order of names: '-' (0x2D) and '.'
// (0x2E) sort before '/' (0x2F), '0' and letters after it.
const std::vector<std::string> kTrickyKeys = {
    "a-b",     "a/b",         "a/c/d",  "a.b",
    "a0",      "b",           "a/b-c",  "a/bb/c",
    "a/b0",    "A",           "z z",    "ü/ключ",
    "_x",      ".hidden",     "a/.dot", "with space/file name",
    "a/b.c/d", "a/b-/x",      "ab",     "émoji 🙂/x",
    "b-/c",    "b.c/d/e/f/g", "b0"};

TEST_F(LocalListTest, TheTableHasTheHousekeepingGroupsButNoLifecycle) {
  ASSERT_GE(api_->struct_size, offsetof(pluton_plugin_api, lifecycle_destroy) + sizeof(void*));
  EXPECT_EQ(api_->abi_minor, uint32_t{PLUTON_PLUGIN_ABI_MINOR});
  EXPECT_NE(api_->list_objects, nullptr);
  EXPECT_NE(api_->object_list_destroy, nullptr);
  EXPECT_NE(api_->stat_object, nullptr);
  EXPECT_NE(api_->object_stat_destroy, nullptr);
  EXPECT_NE(api_->delete_objects, nullptr);
  EXPECT_NE(api_->delete_result_destroy, nullptr);
  EXPECT_NE(api_->list_incomplete_uploads, nullptr);
  EXPECT_NE(api_->incomplete_upload_list_destroy, nullptr);
  EXPECT_NE(api_->abort_incomplete_upload, nullptr);
  EXPECT_EQ(api_->get_lifecycle, nullptr);
  EXPECT_EQ(api_->set_lifecycle, nullptr);
  EXPECT_EQ(api_->lifecycle_destroy, nullptr);
  api_->object_list_destroy(nullptr);  // NULL is a no-op
  api_->object_stat_destroy(nullptr);
  api_->delete_result_destroy(nullptr);
  api_->incomplete_upload_list_destroy(nullptr);
}

TEST_F(LocalListTest, KeysComeInByteOrderOfTheWholeKey) {
  const std::vector<std::string> expected = PutAll(kTrickyKeys);
  const Page page = ListObjects("b");
  ASSERT_TRUE(page.error.ok) << page.error;
  EXPECT_THAT(page.keys(), ElementsAreArray(expected));
  EXPECT_THAT(page.prefixes, IsEmpty());
  EXPECT_EQ(page.next_page_token, "");
  // The trap: a per-directory order of names would put "a/..." before "a-b".
  const std::vector<std::string> keys = page.keys();
  const auto pos = [&](const std::string& k) {
    return std::find(keys.begin(), keys.end(), k) - keys.begin();
  };
  EXPECT_LT(pos("a-b"), pos("a.b"));
  EXPECT_LT(pos("a.b"), pos("a/b"));
  EXPECT_LT(pos("a/c/d"), pos("a0"));
  EXPECT_LT(pos("a/b-/x"), pos("a/b-c"));
  EXPECT_LT(pos("a/b-c"), pos("a/b.c/d"));
  EXPECT_LT(pos("a/b.c/d"), pos("a/b0"));
  EXPECT_LT(pos("a/b0"), pos("a/bb/c"));
}

TEST_F(LocalListTest, EntriesCarrySizeTimeAndNoEtagWithoutMd5) {
  Put("b", "dir/file", "12345");
  struct stat st;
  ASSERT_EQ(::stat((root_ / "b" / "dir" / "file").c_str(), &st), 0);
  const Page page = ListObjects("b");
  ASSERT_TRUE(page.error.ok) << page.error;
  ASSERT_EQ(page.objects.size(), 1u);
  EXPECT_EQ(page.objects[0].key, "dir/file");
  EXPECT_EQ(page.objects[0].size, 5u);
  EXPECT_EQ(page.objects[0].modified_unix_ms,
            static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000);
  EXPECT_EQ(page.objects[0].etag, "");
  EXPECT_EQ(page.objects[0].storage_class, "");
}

TEST_F(LocalListTest, EtagIsTheStoredMd5InHex) {
  if (!UserXattrs()) GTEST_SKIP() << "no user xattrs on this filesystem";
  ASSERT_TRUE(UploadWithAttributes("b", "k", "hello", "text/plain", {}).ok);
  const Page page = ListObjects("b");
  ASSERT_EQ(page.objects.size(), 1u);
  EXPECT_EQ(page.objects[0].etag, Hex(Md5Of("hello")));
  EXPECT_EQ(page.objects[0].etag, "5d41402abc4b2a76b9719d911017c592");
}

TEST_F(LocalListTest, EmptyBucketAndMissingBucket) {
  fs::create_directory(root_ / "empty");
  Page page = ListObjects("empty");
  ASSERT_TRUE(page.error.ok) << page.error;
  EXPECT_THAT(page.objects, IsEmpty());
  EXPECT_THAT(page.prefixes, IsEmpty());
  EXPECT_EQ(page.next_page_token, "");

  page = ListObjects("missing");
  EXPECT_EQ(page.error.code, PLUTON_NOT_FOUND) << page.error;
  EXPECT_EQ(page.error.reason, "BUCKET_NOT_FOUND");
  EXPECT_THAT(page.error.message, HasSubstr("\"missing\""));

  page = ListObjects("..");
  EXPECT_EQ(page.error.code, PLUTON_INVALID_ARGUMENT) << page.error;
  page = ListObjects(".pluton-partial");
  EXPECT_EQ(page.error.code, PLUTON_INVALID_ARGUMENT) << page.error;

  config_.Set("root", "relative/path");
  page = ListObjects("empty");
  EXPECT_EQ(page.error.code, PLUTON_INVALID_ARGUMENT) << page.error;
}

TEST_F(LocalListTest, SymlinksSpecialFilesAndEmptyDirectoriesAreNotObjects) {
  const fs::path outside = tmp_ / "outside";
  fs::create_directories(outside / "sub");
  WriteFile(outside / "secret", "s");
  WriteFile(outside / "sub" / "secret2", "s");
  Put("b", "real/file");
  fs::create_symlink(outside / "secret", root_ / "b" / "file-link");
  fs::create_directory_symlink(outside, root_ / "b" / "dir-link");
  fs::create_symlink(root_ / "b" / "nowhere", root_ / "b" / "dangling");
  ASSERT_EQ(::mkfifo((root_ / "b" / "fifo").c_str(), 0600), 0);
  fs::create_directories(root_ / "b" / "empty" / "deeper");
  fs::create_directories(root_ / "b" / "only-links");
  fs::create_symlink(outside / "secret", root_ / "b" / "only-links" / "l");
  fs::create_directory_symlink(outside, root_ / "linkbucket");

  Page page = ListObjects("b");
  ASSERT_TRUE(page.error.ok) << page.error;
  EXPECT_THAT(page.keys(), ElementsAre("real/file"));
  // With a delimiter, directories without objects give no common prefix.
  page = ListObjects("b", {"", "/", "", 1000});
  ASSERT_TRUE(page.error.ok) << page.error;
  EXPECT_THAT(page.keys(), IsEmpty());
  EXPECT_THAT(page.prefixes, ElementsAre("real/"));
  // A prefix through the symlinked directory finds nothing.
  page = ListObjects("b", {"dir-link/", "", "", 1000});
  ASSERT_TRUE(page.error.ok) << page.error;
  EXPECT_THAT(page.keys(), IsEmpty());
  // A bucket that is a symlink is not a bucket directory.
  page = ListObjects("linkbucket");
  EXPECT_EQ(page.error.code, PLUTON_FAILED_PRECONDITION) << page.error;
  EXPECT_EQ(page.error.reason, "BUCKET_NOT_A_DIRECTORY");
}

TEST_F(LocalListTest, UploadsInProgressAreNotListed) {
  const std::string bucket = "b", key = "pending";
  Put("b", "done");
  pluton_upload_params params = Params(bucket, key);
  pluton_upload* upload = nullptr;
  ASSERT_TRUE(Check(api_->upload_begin(config_.get(), &params, &upload)).ok);
  const Page page = ListObjects("b");
  EXPECT_THAT(page.keys(), ElementsAre("done"));
  api_->upload_destroy(upload);
}

TEST_F(LocalListTest, PrefixOnlyMatchesKeysStartingWithIt) {
  PutAll({"photos/2024/a.jpg", "photos/2024/b.jpg", "photos/2025/c.jpg", "photos-old/x", "photosx",
          "docs/d"});
  WriteFile(root_ / "outside-bucket", "o");
  fs::create_directories(root_ / "other");
  WriteFile(root_ / "other" / "x", "o");

  const auto keys = [&](const std::string& prefix) {
    const Page page = ListObjects("b", {prefix, "", "", 1000});
    EXPECT_TRUE(page.error.ok) << prefix << ": " << page.error;
    return page.keys();
  };
  EXPECT_THAT(keys("photos/"),
              ElementsAre("photos/2024/a.jpg", "photos/2024/b.jpg", "photos/2025/c.jpg"));
  EXPECT_THAT(keys("photos"), ElementsAre("photos-old/x", "photos/2024/a.jpg", "photos/2024/b.jpg",
                                          "photos/2025/c.jpg", "photosx"));
  EXPECT_THAT(keys("photos/20"),
              ElementsAre("photos/2024/a.jpg", "photos/2024/b.jpg", "photos/2025/c.jpg"));
  EXPECT_THAT(keys("photos/2024/a"), ElementsAre("photos/2024/a.jpg"));
  EXPECT_THAT(keys("photos/2024/a.jpg"), ElementsAre("photos/2024/a.jpg"));
  EXPECT_THAT(keys("photos/2024/a.jpgx"), IsEmpty());
  EXPECT_THAT(keys("nope/"), IsEmpty());
  EXPECT_THAT(keys("docs/d/"), IsEmpty());  // a file where the prefix wants a directory
  // Prefixes that would leave the bucket never do.
  EXPECT_THAT(keys("../"), IsEmpty());
  EXPECT_THAT(keys("../other/"), IsEmpty());
  EXPECT_THAT(keys("./docs/"), IsEmpty());
  EXPECT_THAT(keys("/"), IsEmpty());
  EXPECT_THAT(keys("docs//"), IsEmpty());
}

TEST_F(LocalListTest, DelimiterRollsKeysUpIntoCommonPrefixes) {
  PutAll({"photos/2024/a.jpg", "photos/2024/b.jpg", "photos/2025/c.jpg", "photos-old/x", "photosx",
          "docs/d", "top"});

  Page page = ListObjects("b", {"", "/", "", 1000});
  ASSERT_TRUE(page.error.ok) << page.error;
  EXPECT_THAT(page.keys(), ElementsAre("photosx", "top"));
  EXPECT_THAT(page.prefixes, ElementsAre("docs/", "photos-old/", "photos/"));
  EXPECT_EQ(page.next_page_token, "");

  page = ListObjects("b", {"photos/", "/", "", 1000});
  EXPECT_THAT(page.keys(), IsEmpty());
  EXPECT_THAT(page.prefixes, ElementsAre("photos/2024/", "photos/2025/"));

  page = ListObjects("b", {"photos/2024/", "/", "", 1000});
  EXPECT_THAT(page.keys(), ElementsAre("photos/2024/a.jpg", "photos/2024/b.jpg"));
  EXPECT_THAT(page.prefixes, IsEmpty());

  page = ListObjects("b", {"photos", "/", "", 1000});
  EXPECT_THAT(page.keys(), ElementsAre("photosx"));
  EXPECT_THAT(page.prefixes, ElementsAre("photos-old/", "photos/"));

  // Any delimiter, not only "/": within names and across directories.
  page = ListObjects("b", {"", "-", "", 1000});
  EXPECT_THAT(page.keys(), ElementsAre("docs/d", "photos/2024/a.jpg", "photos/2024/b.jpg",
                                       "photos/2025/c.jpg", "photosx", "top"));
  EXPECT_THAT(page.prefixes, ElementsAre("photos-"));

  page = ListObjects("b", {"photos/", "4/", "", 1000});
  EXPECT_THAT(page.keys(), ElementsAre("photos/2025/c.jpg"));
  EXPECT_THAT(page.prefixes, ElementsAre("photos/2024/"));

  page = ListObjects("b", {"", "o", "", 1000});  // a delimiter right after the prefix
  EXPECT_THAT(page.keys(), IsEmpty());
  EXPECT_THAT(page.prefixes, ElementsAre("do", "pho", "to"));

  page = ListObjects("b", {"", "s/2", "", 1000});  // a multi-byte delimiter spanning the '/'
  EXPECT_THAT(page.keys(), ElementsAre("docs/d", "photos-old/x", "photosx", "top"));
  EXPECT_THAT(page.prefixes, ElementsAre("photos/2"));
}

TEST_F(LocalListTest, PagesOfTwoSeeEveryKeyOnceInOrder) {
  const std::vector<std::string> expected = PutAll(kTrickyKeys);
  int pages = 0;
  const auto [keys, prefixes] = ListAll("b", {"", "", "", 2}, &pages);
  EXPECT_THAT(keys, ElementsAreArray(expected));
  EXPECT_THAT(prefixes, IsEmpty());
  EXPECT_EQ(pages, static_cast<int>((expected.size() + 1) / 2))
      << "full pages, and no empty page at the end";

  // Every page but the last is full, and the token is its last key.
  Page page = ListObjects("b", {"", "", "", 2});
  EXPECT_EQ(page.objects.size(), 2u);
  EXPECT_EQ(page.next_page_token, expected[1]);
  page = ListObjects("b", {"", "", expected[expected.size() - 2], 2});
  EXPECT_THAT(page.keys(), ElementsAre(expected.back()));
  EXPECT_EQ(page.next_page_token, "");
  page = ListObjects("b", {"", "", expected.back(), 2});
  EXPECT_THAT(page.keys(), IsEmpty());
  EXPECT_EQ(page.next_page_token, "");

  // One at a time, and with a prefix.
  EXPECT_THAT(ListAll("b", {"", "", "", 1}).first, ElementsAreArray(expected));
  std::vector<std::string> under_a;
  for (const std::string& k : expected) {
    if (k.rfind("a/", 0) == 0) under_a.push_back(k);
  }
  EXPECT_THAT(ListAll("b", {"a/", "", "", 2}).first, ElementsAreArray(under_a));
}

TEST_F(LocalListTest, PagesWithADelimiterReturnEachCommonPrefixOnce) {
  PutAll(kTrickyKeys);
  const Page all = ListObjects("b", {"", "/", "", 1000});
  ASSERT_TRUE(all.error.ok) << all.error;
  // Objects and common prefixes merged, in order, as the pages must deliver them.
  std::vector<std::string> merged = all.keys();
  merged.insert(merged.end(), all.prefixes.begin(), all.prefixes.end());
  std::sort(merged.begin(), merged.end());
  EXPECT_THAT(all.prefixes, ElementsAre("a/", "b-/", "b.c/", "with space/", "émoji 🙂/", "ü/"));
  EXPECT_THAT(all.keys(),
              ElementsAre(".hidden", "A", "_x", "a-b", "a.b", "a0", "ab", "b", "b0", "z z"));

  for (uint32_t max : {1u, 2u, 3u}) {
    SCOPED_TRACE("max_entries " + std::to_string(max));
    std::vector<std::string> seen;
    std::string token;
    for (int guard = 0; guard < 100; ++guard) {
      const Page page = ListObjects("b", {"", "/", token, max});
      ASSERT_TRUE(page.error.ok) << page.error;
      EXPECT_LE(page.objects.size() + page.prefixes.size(), max);
      std::vector<std::string> entries = page.keys();
      entries.insert(entries.end(), page.prefixes.begin(), page.prefixes.end());
      std::sort(entries.begin(), entries.end());
      seen.insert(seen.end(), entries.begin(), entries.end());
      if (page.next_page_token.empty()) break;
      EXPECT_EQ(page.next_page_token, entries.back());
      token = page.next_page_token;
    }
    EXPECT_THAT(seen, ElementsAreArray(merged));
  }
}

TEST_F(LocalListTest, LargeDirectoriesPageThroughBoundedBatches) {
  // More names per directory than one batch holds (64), so the walk re-reads from its cursor.
  std::vector<std::string> keys;
  for (int i = 0; i < 150; ++i) keys.push_back("flat/" + std::to_string(i * 7919 % 1000));
  for (int i = 0; i < 70; ++i)
    keys.push_back("d" + std::to_string(i % 7) + "/f" + std::to_string(i));
  keys.push_back("flat-");
  keys.push_back("flat0");
  const std::vector<std::string> expected = PutAll(keys);
  EXPECT_THAT(ListObjects("b").keys(), ElementsAreArray(expected));
  EXPECT_THAT(ListAll("b", {"", "", "", 7}).first, ElementsAreArray(expected));
  EXPECT_THAT(ListAll("b", {"", "", "", 1000}).first, ElementsAreArray(expected));
  const auto [none, prefixes] = ListAll("b", {"", "/", "", 3});
  EXPECT_THAT(none, ElementsAre("flat-", "flat0"));
  EXPECT_THAT(prefixes, ElementsAre("d0/", "d1/", "d2/", "d3/", "d4/", "d5/", "d6/", "flat/"));
}

TEST_F(LocalListTest, EntriesWithoutObjectsDoNotEndTheWalkEarly) {
  // More entries that yield nothing (empty directories, keys rolled up into one prefix) than a
  // batch holds (64): the walk must read on past them.
  for (int i = 0; i < 100; ++i) {
    char name[16];
    std::snprintf(name, sizeof(name), "e%03d", i);
    fs::create_directories(root_ / "b" / name / "empty");
    Put("b", std::string("x-") + name);
  }
  Put("b", "f1");
  Put("b", "y");
  Page page = ListObjects("b", {"", "", "", 1});
  ASSERT_TRUE(page.error.ok) << page.error;
  EXPECT_THAT(page.keys(), ElementsAre("f1"));
  page = ListObjects("b", {"", "-", "", 2});
  ASSERT_TRUE(page.error.ok) << page.error;
  EXPECT_THAT(page.keys(), ElementsAre("f1"));
  EXPECT_THAT(page.prefixes, ElementsAre("x-"));
  page = ListObjects("b", {"", "-", page.next_page_token, 2});
  EXPECT_THAT(page.keys(), ElementsAre("y"));
  EXPECT_THAT(page.prefixes, IsEmpty());
  EXPECT_EQ(page.next_page_token, "");
}

TEST_F(LocalListTest, ATokenForAKeyThatIsGoneStillWorks) {
  PutAll({"a", "b", "c", "d"});
  const Page page = ListObjects("b", {"", "", "bb", 2});
  ASSERT_TRUE(page.error.ok) << page.error;
  EXPECT_THAT(page.keys(), ElementsAre("c", "d"));
  EXPECT_EQ(page.next_page_token, "");
}

TEST_F(LocalListTest, CancellationStopsTheListing) {
  for (int i = 0; i < 200; ++i) Put("b", "k" + std::to_string(i));
  const pluton_cancel_token token = {[](void*) { return 1; }, nullptr};
  const std::string bucket = "b", empty;
  pluton_list_params params{};
  params.struct_size = sizeof(params);
  params.bucket = bucket.c_str();
  params.prefix = empty.c_str();
  params.delimiter = empty.c_str();
  params.page_token = empty.c_str();
  params.max_entries = 1000;
  params.cancel = &token;
  pluton_object_list* list = nullptr;
  const Error error = Check(api_->list_objects(config_.get(), &params, &list));
  EXPECT_EQ(error.code, PLUTON_CANCELLED) << error;
  EXPECT_EQ(list, nullptr);
}

}  // namespace
}  // namespace pluton::local_test
