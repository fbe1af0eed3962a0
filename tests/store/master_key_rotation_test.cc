// Master key rotation on a real SQLite file and real key files: every secret re-sealed under
// the new key (and no longer opening with the old), all or nothing when interrupted before
// the commit, and finished on the next start when interrupted between commit and rename.
#include "store/master_key_rotation.h"

#include <unistd.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store/master_key.h"
#include "store/master_key_check.h"
#include "store_test_util.h"

namespace pluton::storage {
namespace {

using ::pluton::storage::testing::FileExists;
using ::pluton::storage::testing::FileMode;
using ::pluton::storage::testing::ReadFileBytes;
using ::pluton::storage::testing::TempDir;
using ::pluton::storage::testing::WriteFileBytes;
using ::testing::HasSubstr;

constexpr char kOldKey[] = "00112233445566778899aabbccddeeff0f1e2d3c4b5a69788796a5b4c3d2e1f0";
const std::vector<std::string> kIds = {"stg_00000000000000a1", "stg_00000000000000a2",
                                       "stg_00000000000000a3"};

SecretBox BoxFromFile(const std::string& path) {
  auto key = LoadOrCreateMasterKey(path, false);
  EXPECT_TRUE(key.ok()) << key.status();
  auto box = SecretBox::FromKey(key.ok() ? *std::move(key) : std::string(32, '\0'));
  return *std::move(box);
}

std::string SecretsOf(const std::string& id) { return R"({"secret_access_key":")" + id + "\"}"; }

class MasterKeyRotationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = SqliteStorageStore::Open(dir_.File("storages.db"));
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    WriteFileBytes(key_path_, std::string(kOldKey) + "\n", 0600);
    auto box = LoadCheckedMasterKey(*store_, key_path_, false);
    ASSERT_TRUE(box.ok()) << box.status();
    for (size_t i = 0; i < kIds.size(); ++i) {
      StorageRecord record;
      record.id = kIds[i];
      record.name = "s" + std::to_string(i);
      record.provider = "r2";
      record.sealed_secrets = *box->Seal(SecretsOf(kIds[i]), kIds[i]);
      record.create_time = record.update_time = absl::Now();
      ASSERT_TRUE(store_->Insert(record).ok());
    }
  }

  std::vector<std::string> SealedBytes() {
    std::vector<std::string> sealed;
    for (const std::string& id : kIds) sealed.push_back(store_->GetById(id)->sealed_secrets);
    return sealed;
  }

  // Every secret opens with `box` to its plaintext (or, with !expect_open, with none).
  void ExpectSecretsOpen(const SecretBox& box, bool expect_open) {
    for (const std::string& id : kIds) {
      auto opened = box.Open(store_->GetById(id)->sealed_secrets, id);
      if (expect_open) {
        ASSERT_TRUE(opened.ok()) << id << ": " << opened.status();
        EXPECT_EQ(*opened, SecretsOf(id));
      } else {
        EXPECT_EQ(opened.status().code(), absl::StatusCode::kDataLoss) << id;
      }
    }
  }

  TempDir dir_;
  const std::string key_path_ = dir_.File("master.key");
  std::unique_ptr<SqliteStorageStore> store_;
};

TEST_F(MasterKeyRotationTest, ResealsEverySecretUnderTheNewKeyAndReplacesTheKeyFile) {
  const SecretBox old_box = BoxFromFile(key_path_);
  auto resealed = RotateMasterKey(*store_, key_path_, PendingKeyPath(key_path_));
  ASSERT_TRUE(resealed.ok()) << resealed.status();
  EXPECT_EQ(*resealed, kIds.size());

  EXPECT_FALSE(FileExists(PendingKeyPath(key_path_)));
  EXPECT_EQ(FileMode(key_path_), 0600);
  EXPECT_NE(ReadFileBytes(key_path_), std::string(kOldKey) + "\n");
  const SecretBox new_box = BoxFromFile(key_path_);
  ExpectSecretsOpen(new_box, true);
  ExpectSecretsOpen(old_box, false);

  // The next start takes the new key and refuses the old one.
  EXPECT_TRUE(LoadCheckedMasterKey(*store_, key_path_, false).ok());
  const std::string old_path = dir_.File("old.key");
  WriteFileBytes(old_path, std::string(kOldKey) + "\n", 0600);
  EXPECT_EQ(LoadCheckedMasterKey(*store_, old_path, false).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(MasterKeyRotationTest, AFailureBeforeTheCommitChangesNothing) {
  const std::vector<std::string> before = SealedBytes();
  const std::string check_before = **store_->GetKeyCheck();
  const SecretBox old_box = BoxFromFile(key_path_);
  int calls = 0;
  auto resealed = store_->ResealAllSecrets(
      [&](const SealedSecretsRow& row) -> absl::StatusOr<std::string> {
        if (++calls == 2) return absl::UnavailableError("interrupted after one storage");
        return old_box.Seal("replaced", row.storage_id);
      },
      "new check value");
  EXPECT_EQ(resealed.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(resealed.status().message(), "interrupted after one storage");
  EXPECT_EQ(SealedBytes(), before);
  EXPECT_EQ(**store_->GetKeyCheck(), check_before);
  ExpectSecretsOpen(old_box, true);
  EXPECT_TRUE(LoadCheckedMasterKey(*store_, key_path_, false).ok());
}

TEST_F(MasterKeyRotationTest, ASecretThatDoesNotOpenAbortsTheRotation) {
  ASSERT_TRUE(store_
                  ->Update({kIds[1],
                            "s1",
                            "r2",
                            {},
                            "\x01garbage-not-sealed-with-any-key-xx",
                            absl::Now(),
                            absl::Now()})
                  .ok());
  const std::vector<std::string> before = SealedBytes();
  // The check value still matches, so the start check passes and the re-seal fails.
  auto resealed = RotateMasterKey(*store_, key_path_, PendingKeyPath(key_path_));
  EXPECT_EQ(resealed.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(resealed.status().message(), HasSubstr(kIds[1]));
  EXPECT_THAT(resealed.status().message(), HasSubstr("nothing was re-sealed"));
  EXPECT_EQ(SealedBytes(), before);
  EXPECT_EQ(ReadFileBytes(key_path_), std::string(kOldKey) + "\n");
  EXPECT_TRUE(LoadCheckedMasterKey(*store_, key_path_, false).ok());
}

TEST_F(MasterKeyRotationTest, AnInterruptionBetweenCommitAndRenameIsFinishedAtTheNextStart) {
  // Rotate to a side file, then lay the files out as a rotation to "<key>.new" leaves them
  // when it stops after the commit: the old key in place, the new one pending.
  const std::string side = dir_.File("side.key");
  ASSERT_TRUE(RotateMasterKey(*store_, key_path_, side).ok());
  const std::string new_key_file = ReadFileBytes(side);
  ASSERT_EQ(::rename(side.c_str(), PendingKeyPath(key_path_).c_str()), 0);
  ASSERT_EQ(ReadFileBytes(key_path_), std::string(kOldKey) + "\n");

  auto box = LoadCheckedMasterKey(*store_, key_path_, false);
  ASSERT_TRUE(box.ok()) << box.status();
  EXPECT_EQ(ReadFileBytes(key_path_), new_key_file);
  EXPECT_FALSE(FileExists(PendingKeyPath(key_path_)));
  ExpectSecretsOpen(*box, true);
}

TEST_F(MasterKeyRotationTest, ASeparateNewKeyFileIsLeftForTheOperator) {
  // A read-only Kubernetes Secret: the new key goes to a writable file; the old path stays.
  const std::string new_path = dir_.File("rotated/master.key");
  auto resealed = RotateMasterKey(*store_, key_path_, new_path);
  ASSERT_TRUE(resealed.ok()) << resealed.status();
  EXPECT_EQ(FileMode(new_path), 0600);
  EXPECT_EQ(ReadFileBytes(key_path_), std::string(kOldKey) + "\n");

  auto old_start = LoadCheckedMasterKey(*store_, key_path_, false);
  EXPECT_EQ(old_start.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(old_start.status().message(), HasSubstr(key_path_));
  auto new_start = LoadCheckedMasterKey(*store_, new_path, false);
  ASSERT_TRUE(new_start.ok()) << new_start.status();
  ExpectSecretsOpen(*new_start, true);
}

TEST_F(MasterKeyRotationTest, TheNewKeyFileMustDifferFromTheCurrentOne) {
  auto resealed = RotateMasterKey(*store_, key_path_, key_path_);
  EXPECT_EQ(resealed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(resealed.status().message(), HasSubstr("--new_master_key_file"));
}

}  // namespace
}  // namespace pluton::storage
