// Uploads through the local plugin's C ABI: round trips, atomicity, path safety and failures.
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <random>
#include <string>
#include <thread>
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
using ::testing::MatchesRegex;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

std::string RandomBytes(size_t size, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string out(size, '\0');
  for (char& c : out) c = static_cast<char>(rng());
  return out;
}

class LocalUploadTest : public LocalPluginTest {
 protected:
  // Starts an upload and checks that it succeeded.
  pluton_upload* Begin(const pluton_upload_params& params) {
    pluton_upload* upload = nullptr;
    const Error error = Check(api_->upload_begin(config_.get(), &params, &upload));
    EXPECT_TRUE(error.ok) << error;
    return upload;
  }
  Error Write(pluton_upload* upload, const std::string& data) {
    return Check(
        api_->upload_write(upload, reinterpret_cast<const uint8_t*>(data.data()), data.size()));
  }
  Error Finish(pluton_upload* upload) {
    pluton_upload_result result{};
    result.struct_size = sizeof(result);
    return Check(api_->upload_finish(upload, &result));
  }
  // The bucket/key violation fields of a rejected upload.
  Error Rejected(const std::string& bucket, const std::string& key) {
    const Error error = Upload(bucket, key, "data");
    EXPECT_FALSE(error.ok) << bucket << " / " << key;
    EXPECT_EQ(error.code, PLUTON_INVALID_ARGUMENT) << error;
    return error;
  }
};

TEST_F(LocalUploadTest, RoundTripsOfEverySize) {
  struct Case {
    const char* key;
    size_t size;
    size_t chunk;
  };
  const Case cases[] = {{"empty", 0, 0},
                        {"one", 1, 0},
                        {"dir/few-kib.bin", 5000, 777},
                        {"deep/er/eight-mib.bin", 8u << 20, 1'000'003}};
  uint32_t seed = 1;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.key);
    const std::string data = RandomBytes(c.size, seed++);
    pluton_upload_result result{};
    const Error error = Upload("bucket", c.key, data, c.chunk, &result);
    ASSERT_TRUE(error.ok) << error;
    EXPECT_EQ(result.bytes_stored, c.size);
    EXPECT_EQ(result.part_count, 0u);
    EXPECT_EQ(result.part_size, 0u);
    const std::string stored = ReadFile(root_ / "bucket" / c.key);
    ASSERT_EQ(stored.size(), data.size());
    EXPECT_TRUE(stored == data) << "bytes differ";
  }
  EXPECT_THAT(List(Partial()), IsEmpty());
}

TEST_F(LocalUploadTest, WithoutFsyncToo) {
  config_.Set("fsync", "false");
  const std::string data = RandomBytes(100000, 9);
  ASSERT_TRUE(Upload("b", "x/y", data, 4096).ok);
  EXPECT_EQ(ReadFile(root_ / "b" / "x" / "y"), data);
}

TEST_F(LocalUploadTest, OverwritesAnExistingObject) {
  ASSERT_TRUE(Upload("b", "k", "first version").ok);
  ASSERT_TRUE(Upload("b", "k", "second").ok);
  EXPECT_EQ(ReadFile(root_ / "b" / "k"), "second");
}

TEST_F(LocalUploadTest, ObjectAppearsOnlyAtFinish) {
  const std::string bucket = "b", key = "dir/obj";
  pluton_upload* upload = Begin(Params(bucket, key));
  ASSERT_NE(upload, nullptr);
  ASSERT_TRUE(Write(upload, "hello ").ok);
  ASSERT_TRUE(Write(upload, "world").ok);
  EXPECT_FALSE(fs::exists(root_ / "b" / "dir" / "obj"));
  // The bytes sit in one temporary file in .pluton-partial, mode 0640.
  const std::vector<std::string> partial = List(Partial());
  ASSERT_EQ(partial.size(), 1u);
  struct stat st;
  ASSERT_EQ(::stat((Partial() / partial[0]).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0640u);
  EXPECT_EQ(ReadFile(Partial() / partial[0]), "hello world");

  ASSERT_TRUE(Finish(upload).ok);
  EXPECT_EQ(ReadFile(root_ / "b" / "dir" / "obj"), "hello world");
  EXPECT_THAT(List(Partial()), IsEmpty());
  api_->upload_abort(upload);  // a no-op after finish
  EXPECT_EQ(ReadFile(root_ / "b" / "dir" / "obj"), "hello world");
  api_->upload_destroy(upload);
  EXPECT_TRUE(fs::exists(root_ / "b" / "dir" / "obj"));
}

// The host's tracker (ABI 1.3) hears the temporary file's name, the id
// abort_incomplete_upload takes, before Begin returns: a crash cannot hide it.
struct RecordingTracker {
  static int Pending(void* ctx, const char* upload_id) {
    auto* self = static_cast<RecordingTracker*>(ctx);
    self->ids.push_back(upload_id);
    return self->refuse ? 1 : 0;
  }
  std::vector<std::string> ids;
  bool refuse = false;
  pluton_upload_tracker table{&RecordingTracker::Pending, this};
};

TEST_F(LocalUploadTest, TheTemporaryFileIsReportedToTheHostBeforeAnyData) {
  const std::string bucket = "b", key = "tracked";
  RecordingTracker tracker;
  pluton_upload_params params = Params(bucket, key);
  params.tracker = &tracker.table;
  pluton_upload* upload = Begin(params);
  ASSERT_NE(upload, nullptr);
  ASSERT_EQ(tracker.ids.size(), 1u);
  EXPECT_THAT(List(Partial()), ElementsAre(tracker.ids[0]));
  EXPECT_THAT(tracker.ids[0], MatchesRegex("upload-[0-9a-f]{32}\\.tmp"));
  ASSERT_TRUE(Write(upload, "data").ok);
  ASSERT_TRUE(Finish(upload).ok);
  api_->upload_destroy(upload);
  EXPECT_EQ(tracker.ids.size(), 1u);
  EXPECT_EQ(ReadFile(root_ / "b" / "tracked"), "data");
}

TEST_F(LocalUploadTest, AnUploadTheHostCannotRecordLeavesNothing) {
  const std::string bucket = "b", key = "untracked";
  RecordingTracker tracker;
  tracker.refuse = true;
  pluton_upload_params params = Params(bucket, key);
  params.tracker = &tracker.table;
  pluton_upload* upload = nullptr;
  const Error error = Check(api_->upload_begin(config_.get(), &params, &upload));
  EXPECT_EQ(error.code, PLUTON_UNAVAILABLE) << error;
  EXPECT_EQ(error.reason, "UPLOAD_NOT_RECORDED");
  EXPECT_THAT(error.message, HasSubstr("\"b/untracked\""));
  EXPECT_THAT(error.message, HasSubstr("nothing was stored"));
  EXPECT_EQ(tracker.ids.size(), 1u);
  EXPECT_THAT(List(Partial()), IsEmpty());
  EXPECT_FALSE(fs::exists(root_ / "b" / "untracked"));
}

TEST_F(LocalUploadTest, AbortLeavesNothingAndIsIdempotent) {
  const std::string bucket = "b", key = "k";
  pluton_upload* upload = Begin(Params(bucket, key));
  ASSERT_NE(upload, nullptr);
  ASSERT_TRUE(Write(upload, RandomBytes(10000, 3)).ok);
  api_->upload_abort(upload);
  api_->upload_abort(upload);
  EXPECT_FALSE(fs::exists(root_ / "b" / "k"));
  EXPECT_THAT(List(Partial()), IsEmpty());
  const Error write = Write(upload, "more");
  EXPECT_EQ(write.code, PLUTON_FAILED_PRECONDITION);
  EXPECT_EQ(write.reason, "UPLOAD_NOT_OPEN");
  EXPECT_EQ(Finish(upload).code, PLUTON_FAILED_PRECONDITION);
  api_->upload_destroy(upload);
  EXPECT_FALSE(fs::exists(root_ / "b" / "k"));
}

TEST_F(LocalUploadTest, DestroyWithoutFinishLeavesNothing) {
  const std::string bucket = "b", key = "k";
  pluton_upload* upload = Begin(Params(bucket, key));
  ASSERT_NE(upload, nullptr);
  ASSERT_TRUE(Write(upload, "partial data").ok);
  api_->upload_destroy(upload);
  EXPECT_FALSE(fs::exists(root_ / "b" / "k"));
  EXPECT_THAT(List(Partial()), IsEmpty());
}

TEST_F(LocalUploadTest, InterruptedOverwriteKeepsTheOldObject) {
  ASSERT_TRUE(Upload("b", "k", "old").ok);
  const std::string bucket = "b", key = "k";
  pluton_upload* upload = Begin(Params(bucket, key));
  ASSERT_TRUE(Write(upload, "new new new").ok);
  api_->upload_destroy(upload);
  EXPECT_EQ(ReadFile(root_ / "b" / "k"), "old");
}

TEST_F(LocalUploadTest, FinishTwiceAndWriteAfterFinishAreRefused) {
  const std::string bucket = "b", key = "k";
  pluton_upload* upload = Begin(Params(bucket, key));
  ASSERT_TRUE(Write(upload, "x").ok);
  ASSERT_TRUE(Finish(upload).ok);
  EXPECT_EQ(Finish(upload).reason, "UPLOAD_NOT_OPEN");
  EXPECT_EQ(Write(upload, "y").reason, "UPLOAD_NOT_OPEN");
  api_->upload_destroy(upload);
  EXPECT_EQ(ReadFile(root_ / "b" / "k"), "x");
}

TEST_F(LocalUploadTest, UnsafeKeysAreRefused) {
  for (const char* key :
       {"../x", "a/../../b", "..", ".", "a/./b", "a/..", "/abs", "//x", "a//b", "a/", ""}) {
    const Error error = Rejected("bucket", key);
    EXPECT_THAT(error.violations, ElementsAre(Pair("key", HasSubstr("key "))))
        << "key \"" << key << "\": " << error;
  }
  EXPECT_THAT(Rejected("bucket", std::string(1025, 'k')).violations,
              ElementsAre(Pair("key", HasSubstr("longer than 1024 bytes"))));
  EXPECT_THAT(Rejected("bucket", "a/" + std::string(256, 's')).violations,
              ElementsAre(Pair("key", HasSubstr("255 bytes"))));
  EXPECT_THAT(Rejected("bucket", "../x").violations,
              ElementsAre(Pair("key", HasSubstr("\"..\" path segment"))));
  EXPECT_THAT(Rejected("bucket", "/abs").violations,
              ElementsAre(Pair("key", HasSubstr("starts with '/'"))));
  EXPECT_THAT(Rejected("bucket", "a//b").violations,
              ElementsAre(Pair("key", HasSubstr("empty path segment"))));
  // Nothing was created anywhere: not under root (beyond the temp dir) and not next to it.
  EXPECT_THAT(List(tmp_), ElementsAre("root"));
  EXPECT_THAT(Tree(root_), IsEmpty());
}

TEST_F(LocalUploadTest, UnusualButSafeKeysWork) {
  for (const char* key :
       {"..a", "a..", ".hidden", "a/.b/..c", "spaces in name", "ünïcode/ключ", "x/y/z/w/v/u/t"}) {
    ASSERT_TRUE(Upload("bucket", key, key).ok) << key;
    EXPECT_EQ(ReadFile(root_ / "bucket" / key), key);
  }
  ASSERT_TRUE(Upload("bucket", std::string(255, 'n'), "max segment").ok);
  std::string long_key;
  while (long_key.size() + 10 <= 1024) long_key += "123456789/";
  long_key += std::string(1024 - long_key.size(), 'z');
  ASSERT_EQ(long_key.size(), 1024u);
  ASSERT_TRUE(Upload("bucket", long_key, "max key").ok);
}

TEST_F(LocalUploadTest, UnsafeBucketsAreRefused) {
  for (const char* bucket : {"", ".", "..", "a/b", "a b", "b\\c", "ü", ".pluton-partial"}) {
    const Error error = Rejected(bucket, "key");
    EXPECT_THAT(error.violations, ElementsAre(Pair("bucket", HasSubstr("bucket name "))))
        << "bucket \"" << bucket << "\": " << error;
  }
  EXPECT_THAT(Rejected(std::string(64, 'b'), "k").violations,
              ElementsAre(Pair("bucket", HasSubstr("63"))));
  ASSERT_TRUE(Upload(std::string(63, 'b'), "k", "ok").ok);
  ASSERT_TRUE(Upload("A.b_c-9", "k", "ok").ok);
}

TEST_F(LocalUploadTest, BadBucketAndKeyReportedTogether) {
  const Error error = Rejected("..", "../etc/passwd");
  EXPECT_EQ(error.reason, "INVALID_ARGUMENT");
  EXPECT_THAT(error.violations, UnorderedElementsAre(Pair("bucket", HasSubstr("bucket name")),
                                                     Pair("key", HasSubstr("\"..\""))));
  EXPECT_THAT(error.message, AllOf(HasSubstr("bucket:"), HasSubstr("key:")));
}

TEST_F(LocalUploadTest, SymlinksInsideRootAreNotFollowed) {
  const fs::path outside = tmp_ / "outside";
  fs::create_directory(outside);
  fs::create_directories(root_ / "b");
  fs::create_directory_symlink(outside, root_ / "b" / "link");
  fs::create_directory_symlink(outside, root_ / "linkbucket");

  Error error = Upload("b", "link/escaped", "data");
  EXPECT_EQ(error.code, PLUTON_FAILED_PRECONDITION) << error;
  EXPECT_EQ(error.reason, "KEY_CONFLICT");
  error = Upload("linkbucket", "escaped", "data");
  EXPECT_EQ(error.code, PLUTON_FAILED_PRECONDITION) << error;
  EXPECT_EQ(error.reason, "BUCKET_NOT_A_DIRECTORY");
  EXPECT_THAT(List(outside), IsEmpty());
  EXPECT_THAT(List(Partial()), IsEmpty());
}

TEST_F(LocalUploadTest, FileAndDirectoryAtTheSameKeyConflict) {
  ASSERT_TRUE(Upload("b", "a", "file").ok);
  Error error = Upload("b", "a/child", "data");
  EXPECT_EQ(error.code, PLUTON_FAILED_PRECONDITION) << error;
  EXPECT_EQ(error.reason, "KEY_CONFLICT");
  EXPECT_THAT(error.message, HasSubstr("\"a\" already exists"));

  ASSERT_TRUE(Upload("b", "d/child", "data").ok);
  error = Upload("b", "d", "data");
  EXPECT_EQ(error.code, PLUTON_FAILED_PRECONDITION) << error;
  EXPECT_EQ(error.reason, "KEY_CONFLICT");
  EXPECT_EQ(ReadFile(root_ / "b" / "a"), "file");
  EXPECT_EQ(ReadFile(root_ / "b" / "d" / "child"), "data");
  EXPECT_THAT(List(Partial()), IsEmpty());
}

TEST_F(LocalUploadTest, MissingBucketWithoutCreateBucketsIsNotFound) {
  config_.Set("create_buckets", "false");
  const Error error = Upload("nobucket", "k", "data");
  EXPECT_EQ(error.code, PLUTON_NOT_FOUND) << error;
  EXPECT_EQ(error.reason, "BUCKET_NOT_FOUND");
  EXPECT_THAT(error.message, AllOf(HasSubstr("\"nobucket\" does not exist under root"),
                                   HasSubstr("create it or set create_buckets=true")));
  EXPECT_FALSE(fs::exists(root_ / "nobucket"));
  EXPECT_THAT(List(Partial()), IsEmpty());

  fs::create_directory(root_ / "nobucket");
  ASSERT_TRUE(Upload("nobucket", "sub/k", "data").ok);  // key directories are still created
  EXPECT_EQ(ReadFile(root_ / "nobucket" / "sub" / "k"), "data");
}

TEST_F(LocalUploadTest, BucketRemovedBeforeFinishWithoutCreateBuckets) {
  config_.Set("create_buckets", "false");
  fs::create_directory(root_ / "b");
  const std::string bucket = "b", key = "k";
  pluton_upload* upload = Begin(Params(bucket, key));
  ASSERT_NE(upload, nullptr);
  ASSERT_TRUE(Write(upload, "data").ok);
  fs::remove(root_ / "b");
  const Error error = Finish(upload);
  EXPECT_EQ(error.code, PLUTON_NOT_FOUND) << error;
  EXPECT_EQ(error.reason, "BUCKET_NOT_FOUND");
  api_->upload_abort(upload);
  api_->upload_destroy(upload);
  EXPECT_THAT(List(Partial()), IsEmpty());
  EXPECT_FALSE(fs::exists(root_ / "b"));
}

TEST_F(LocalUploadTest, MissingRootIsNotFound) {
  config_.Set("root", (tmp_ / "missing").string());
  const Error error = Upload("b", "k", "data");
  EXPECT_EQ(error.code, PLUTON_NOT_FOUND) << error;
  EXPECT_EQ(error.reason, "ROOT_NOT_FOUND");
  EXPECT_THAT(error.message, AllOf(HasSubstr((tmp_ / "missing").string()),
                                   HasSubstr("create it or fix config.root")));
  EXPECT_FALSE(fs::exists(tmp_ / "missing"));
}

TEST_F(LocalUploadTest, RootThatIsAFileIsRefused) {
  WriteFile(tmp_ / "file", "x");
  config_.Set("root", (tmp_ / "file").string());
  const Error error = Upload("b", "k", "data");
  EXPECT_EQ(error.code, PLUTON_FAILED_PRECONDITION) << error;
  EXPECT_EQ(error.reason, "ROOT_NOT_A_DIRECTORY");
  EXPECT_THAT(error.message, HasSubstr("config.root"));
}

TEST_F(LocalUploadTest, PartialDirThatIsAFileFailsCleanly) {
  WriteFile(Partial(), "not a directory");
  const Error error = Upload("b", "k", "data");
  EXPECT_FALSE(error.ok);
  EXPECT_THAT(error.message, HasSubstr(".pluton-partial"));
  EXPECT_FALSE(fs::exists(root_ / "b" / "k"));
}

TEST_F(LocalUploadTest, ExpectedSizeIsEnforced) {
  const std::string bucket = "b", key = "k";
  pluton_upload_params params = Params(bucket, key);
  params.expected_size = 10;

  pluton_upload* upload = Begin(params);
  ASSERT_TRUE(Write(upload, "12345").ok);
  Error error = Finish(upload);
  EXPECT_EQ(error.code, PLUTON_FAILED_PRECONDITION) << error;
  EXPECT_EQ(error.reason, "SIZE_MISMATCH");
  api_->upload_abort(upload);
  api_->upload_destroy(upload);
  EXPECT_FALSE(fs::exists(root_ / "b" / "k"));

  upload = Begin(params);
  ASSERT_TRUE(Write(upload, "123456").ok);
  error = Write(upload, "78901");
  EXPECT_EQ(error.reason, "SIZE_MISMATCH") << error;
  api_->upload_abort(upload);
  api_->upload_destroy(upload);

  upload = Begin(params);
  ASSERT_TRUE(Write(upload, "1234567890").ok);
  ASSERT_TRUE(Finish(upload).ok);
  api_->upload_destroy(upload);
  EXPECT_EQ(ReadFile(root_ / "b" / "k"), "1234567890");
  EXPECT_THAT(List(Partial()), IsEmpty());
}

TEST_F(LocalUploadTest, CancellationStopsTheUpload) {
  std::atomic<int> cancelled{0};
  const pluton_cancel_token token = {
      [](void* ctx) { return static_cast<std::atomic<int>*>(ctx)->load(); }, &cancelled};
  const std::string bucket = "b", key = "k";
  pluton_upload_params params = Params(bucket, key);
  params.cancel = &token;
  pluton_upload* upload = Begin(params);
  ASSERT_TRUE(Write(upload, "abc").ok);
  cancelled = 1;
  const Error error = Write(upload, "def");
  EXPECT_EQ(error.code, PLUTON_CANCELLED) << error;
  EXPECT_EQ(Finish(upload).reason, "UPLOAD_NOT_OPEN");
  api_->upload_abort(upload);
  api_->upload_destroy(upload);
  EXPECT_FALSE(fs::exists(root_ / "b" / "k"));
  EXPECT_THAT(List(Partial()), IsEmpty());

  // Cancelled before begin: nothing starts.
  pluton_upload* none = nullptr;
  EXPECT_EQ(Check(api_->upload_begin(config_.get(), &params, &none)).code, PLUTON_CANCELLED);
  EXPECT_EQ(none, nullptr);
}

TEST_F(LocalUploadTest, HostBugsAreErrorsNotCrashes) {
  const std::string bucket = "b", key = "k";
  pluton_upload_params params = Params(bucket, key);
  pluton_upload* upload = nullptr;
  EXPECT_EQ(Check(api_->upload_begin(config_.get(), nullptr, &upload)).code,
            PLUTON_INVALID_ARGUMENT);
  EXPECT_EQ(Check(api_->upload_begin(config_.get(), &params, nullptr)).code,
            PLUTON_INVALID_ARGUMENT);
  EXPECT_EQ(Check(api_->upload_write(nullptr, nullptr, 0)).code, PLUTON_INVALID_ARGUMENT);
  EXPECT_EQ(Check(api_->upload_finish(nullptr, nullptr)).code, PLUTON_INVALID_ARGUMENT);

  upload = Begin(params);
  EXPECT_TRUE(Check(api_->upload_write(upload, nullptr, 0)).ok);  // empty write is fine
  EXPECT_EQ(Check(api_->upload_write(upload, nullptr, 5)).code, PLUTON_INVALID_ARGUMENT);
  api_->upload_abort(upload);
  api_->upload_destroy(upload);
  EXPECT_THAT(List(Partial()), IsEmpty());
}

TEST_F(LocalUploadTest, OlderHostResultStructIsNotOverrun) {
  const std::string bucket = "b", key = "k";
  pluton_upload* upload = Begin(Params(bucket, key));
  ASSERT_TRUE(Write(upload, "12345").ok);
  // A host that only knows struct_size and bytes_stored: the rest is not its memory.
  pluton_upload_result result;
  std::memset(&result, 0xAB, sizeof(result));
  result.struct_size = offsetof(pluton_upload_result, bytes_stored) + sizeof(uint64_t);
  ASSERT_TRUE(Check(api_->upload_finish(upload, &result)).ok);
  EXPECT_EQ(result.bytes_stored, 5u);
  const auto* tail = reinterpret_cast<const unsigned char*>(&result) + result.struct_size;
  for (size_t i = 0; i < sizeof(result) - result.struct_size; ++i) EXPECT_EQ(tail[i], 0xAB);
  api_->upload_destroy(upload);
}

TEST_F(LocalUploadTest, ConcurrentUploadsOnDifferentHandles) {
  constexpr int kThreads = 4;
  std::vector<std::thread> threads;
  std::vector<std::string> data(kThreads);
  std::atomic<int> failures{0};
  for (int i = 0; i < kThreads; ++i) {
    data[i] = RandomBytes(300000 + i, 100 + i);
    threads.emplace_back([&, i] {
      // Same bucket, created concurrently on first upload.
      if (!Upload("shared", "t" + std::to_string(i) + "/obj", data[i], 65536).ok) ++failures;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  for (int i = 0; i < kThreads; ++i) {
    EXPECT_TRUE(ReadFile(root_ / "shared" / ("t" + std::to_string(i)) / "obj") == data[i]) << i;
  }
  EXPECT_THAT(List(Partial()), IsEmpty());
}

}  // namespace
}  // namespace pluton::local_test
