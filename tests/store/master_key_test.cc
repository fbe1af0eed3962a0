#include "store/master_key.h"

#include <dirent.h>
#include <unistd.h>

#include <cctype>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store_test_util.h"

namespace pluton::storage {
namespace {

using ::pluton::storage::testing::FileExists;
using ::pluton::storage::testing::FileMode;
using ::pluton::storage::testing::ReadFileBytes;
using ::pluton::storage::testing::TempDir;
using ::pluton::storage::testing::WriteFileBytes;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;
using ::testing::SizeIs;

constexpr char kKeyHex[] = "00112233445566778899aabbccddeeff0f1e2d3c4b5a69788796a5b4c3d2e1f0";

std::vector<std::string> DirEntries(const std::string& dir) {
  std::vector<std::string> names;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return names;
  while (dirent* entry = ::readdir(d)) {
    std::string name = entry->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  ::closedir(d);
  return names;
}

TEST(MasterKeyTest, CreatesAKeyFileWhenMissing) {
  TempDir dir;
  std::string key_dir = dir.File("secrets/pluton");
  std::string path = key_dir + "/master.key";

  absl::StatusOr<std::string> key = LoadOrCreateMasterKey(path, /*create_if_missing=*/true);
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_THAT(*key, SizeIs(kMasterKeySize));
  EXPECT_NE(*key, std::string(kMasterKeySize, '\0'));

  EXPECT_EQ(FileMode(path), 0600);
  EXPECT_EQ(FileMode(key_dir), 0700);
  std::string content = ReadFileBytes(path);
  EXPECT_THAT(content, MatchesRegex("[0-9a-f]{64}\n"));
  EXPECT_EQ(absl::HexStringToBytes(content.substr(0, 64)), *key);
  // No temporary file is left behind.
  EXPECT_THAT(DirEntries(key_dir), ::testing::ElementsAre("master.key"));
}

TEST(MasterKeyTest, LoadsTheSameKeyAgain) {
  TempDir dir;
  std::string path = dir.File("master.key");
  absl::StatusOr<std::string> created = LoadOrCreateMasterKey(path, true);
  ASSERT_TRUE(created.ok()) << created.status();
  for (bool create : {true, false}) {
    absl::StatusOr<std::string> loaded = LoadOrCreateMasterKey(path, create);
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    EXPECT_EQ(*loaded, *created);
  }
}

TEST(MasterKeyTest, EachCreatedKeyIsDifferent) {
  TempDir dir;
  absl::StatusOr<std::string> a = LoadOrCreateMasterKey(dir.File("a.key"), true);
  absl::StatusOr<std::string> b = LoadOrCreateMasterKey(dir.File("b.key"), true);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);
}

TEST(MasterKeyTest, AcceptsAnOperatorWrittenKeyWithTrailingWhitespace) {
  TempDir dir;
  for (absl::string_view suffix : {"", "\n", " \r\n\n\t"}) {
    std::string path = dir.File("master.key");
    WriteFileBytes(path, absl::StrCat(kKeyHex, suffix), 0600);
    absl::StatusOr<std::string> key = LoadOrCreateMasterKey(path, false);
    ASSERT_TRUE(key.ok()) << key.status();
    EXPECT_EQ(*key, absl::HexStringToBytes(kKeyHex));
  }
}

TEST(MasterKeyTest, AcceptsOwnerReadOnlyKeyThroughSymlinkLikeKubernetes) {
  TempDir dir;
  ASSERT_EQ(::mkdir(dir.File("..data").c_str(), 0755), 0);
  WriteFileBytes(dir.File("..data/master.key"), kKeyHex, 0400);
  ASSERT_EQ(::symlink("..data/master.key", dir.File("master.key").c_str()), 0);
  absl::StatusOr<std::string> key = LoadOrCreateMasterKey(dir.File("master.key"), false);
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(*key, absl::HexStringToBytes(kKeyHex));
}

TEST(MasterKeyTest, RefusesAKeyReadableByOthers) {
  TempDir dir;
  std::string path = dir.File("master.key");
  for (mode_t mode : {0644, 0640, 0604, 0660}) {
    WriteFileBytes(path, kKeyHex, mode);
    absl::StatusOr<std::string> key = LoadOrCreateMasterKey(path, true);
    EXPECT_EQ(key.status().code(), absl::StatusCode::kFailedPrecondition) << key.status();
    EXPECT_THAT(std::string(key.status().message()), HasSubstr("chmod 600 " + path));
    EXPECT_THAT(std::string(key.status().message()), HasSubstr("group or others"));
    EXPECT_THAT(std::string(key.status().message()), Not(HasSubstr(kKeyHex)));
    // Not replaced by a new key.
    EXPECT_EQ(ReadFileBytes(path), kKeyHex);
  }
}

TEST(MasterKeyTest, RefusesMalformedContentWithoutEchoingIt) {
  TempDir dir;
  std::string path = dir.File("master.key");
  std::string upper = kKeyHex;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const std::vector<std::string> bad = {
      "this is not a key, it is garbage",
      "",
      std::string(kKeyHex).substr(0, 63),
      std::string(kKeyHex) + "0",
      upper,
      " " + std::string(kKeyHex),
      std::string(kKeyHex).substr(0, 62) + "zz",
      std::string(5000, 'a'),
      std::string(32, '\x7f'),
  };
  for (const std::string& content : bad) {
    WriteFileBytes(path, content, 0600);
    absl::StatusOr<std::string> key = LoadOrCreateMasterKey(path, true);
    EXPECT_EQ(key.status().code(), absl::StatusCode::kFailedPrecondition) << key.status();
    std::string message(key.status().message());
    EXPECT_THAT(message, HasSubstr("is malformed"));
    EXPECT_THAT(message, HasSubstr("expected 64 lowercase hexadecimal characters"));
    EXPECT_THAT(message, HasSubstr(path));
    if (content.size() >= 8) {
      EXPECT_THAT(message, Not(HasSubstr(content.substr(0, 8))));
    }
    // Left alone, not overwritten.
    EXPECT_EQ(ReadFileBytes(path), content);
  }
}

TEST(MasterKeyTest, NotFoundWhenMissingAndNotCreating) {
  TempDir dir;
  std::string path = dir.File("master.key");
  absl::StatusOr<std::string> key = LoadOrCreateMasterKey(path, /*create_if_missing=*/false);
  EXPECT_EQ(key.status().code(), absl::StatusCode::kNotFound) << key.status();
  EXPECT_THAT(std::string(key.status().message()), HasSubstr(path));
  EXPECT_THAT(std::string(key.status().message()), HasSubstr("--master_key_file"));
  EXPECT_FALSE(FileExists(path));
}

TEST(MasterKeyTest, RefusesADirectory) {
  TempDir dir;
  absl::StatusOr<std::string> key = LoadOrCreateMasterKey(dir.path(), true);
  EXPECT_EQ(key.status().code(), absl::StatusCode::kFailedPrecondition) << key.status();
  EXPECT_THAT(std::string(key.status().message()), HasSubstr("not a regular file"));
}

TEST(MasterKeyTest, RefusesAnEmptyPath) {
  absl::StatusOr<std::string> key = LoadOrCreateMasterKey("", true);
  EXPECT_EQ(key.status().code(), absl::StatusCode::kInvalidArgument) << key.status();
  EXPECT_THAT(std::string(key.status().message()), HasSubstr("--master_key_file"));
}

TEST(MasterKeyTest, ConcurrentCreatorsAgreeOnOneKey) {
  TempDir dir;
  std::string path = dir.File("keys/master.key");
  constexpr int kThreads = 8;
  std::vector<absl::StatusOr<std::string>> keys(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] { keys[t] = LoadOrCreateMasterKey(path, true); });
  }
  for (std::thread& thread : threads) thread.join();
  for (const absl::StatusOr<std::string>& key : keys) {
    ASSERT_TRUE(key.ok()) << key.status();
    EXPECT_EQ(*key, *keys[0]);
  }
  absl::StatusOr<std::string> on_disk = LoadOrCreateMasterKey(path, false);
  ASSERT_TRUE(on_disk.ok()) << on_disk.status();
  EXPECT_EQ(*on_disk, *keys[0]);
  EXPECT_THAT(DirEntries(dir.File("keys")), ::testing::ElementsAre("master.key"));
}

}  // namespace
}  // namespace pluton::storage
