// The master key checked against the database: a recorded check value, refusal of a wrong
// key or of a missing default key over sealed data, and the check value added to a database
// from before schema version 3 once its secrets are verified. Real SQLite files and key files.
#include "store/master_key_check.h"

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store/master_key.h"
#include "store_test_util.h"

namespace pluton::storage {
namespace {

using ::pluton::storage::testing::ExecSql;
using ::pluton::storage::testing::FileExists;
using ::pluton::storage::testing::FileMode;
using ::pluton::storage::testing::QueryInt;
using ::pluton::storage::testing::TempDir;
using ::pluton::storage::testing::WriteFileBytes;
using ::testing::HasSubstr;

constexpr char kKeyA[] = "00112233445566778899aabbccddeeff0f1e2d3c4b5a69788796a5b4c3d2e1f0";
constexpr char kKeyB[] = "ffeeddccbbaa99887766554433221100f0e1d2c3b4a5968778695a4b3c2d1e0f";
constexpr char kStorageId[] = "stg_00000000000000a1";
constexpr char kSecretsJson[] = R"({"secret_access_key":"s3cr3t"})";

SecretBox BoxFor(const char* hex) {
  auto box = SecretBox::FromKey(absl::HexStringToBytes(hex));
  EXPECT_TRUE(box.ok()) << box.status();
  return *std::move(box);
}

class MasterKeyCheckTest : public ::testing::Test {
 protected:
  void SetUp() override { OpenStore(); }

  void OpenStore() {
    store_.reset();
    auto store = SqliteStorageStore::Open(db_path_);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }

  void WriteKey(const std::string& path, const char* hex) {
    WriteFileBytes(path, std::string(hex) + "\n", 0600);
  }

  // Saves a storage whose secrets are sealed under `hex`.
  void InsertSealedStorage(const char* hex) {
    StorageRecord record;
    record.id = kStorageId;
    record.name = "backups";
    record.provider = "r2";
    auto sealed = BoxFor(hex).Seal(kSecretsJson, kStorageId);
    ASSERT_TRUE(sealed.ok()) << sealed.status();
    record.sealed_secrets = *sealed;
    record.create_time = record.update_time = absl::Now();
    ASSERT_TRUE(store_->Insert(record).ok());
  }

  // Makes the database look like one a release before schema version 3 wrote.
  void DowngradeToVersionTwo() {
    store_.reset();
    ExecSql(db_path_, "DROP TABLE key_check; DROP TABLE upload_records; PRAGMA user_version = 2;");
    OpenStore();
  }

  int CheckRows() { return QueryInt(db_path_, "SELECT count(*) FROM key_check"); }

  TempDir dir_;
  const std::string db_path_ = dir_.File("storages.db");
  const std::string key_path_ = dir_.File("master.key");
  std::unique_ptr<SqliteStorageStore> store_;
};

TEST_F(MasterKeyCheckTest, FreshDatabaseGeneratesTheDefaultKeyAndRecordsTheCheckValue) {
  auto box = LoadCheckedMasterKey(*store_, key_path_, /*is_default_path=*/true);
  ASSERT_TRUE(box.ok()) << box.status();
  EXPECT_EQ(FileMode(key_path_), 0600);
  EXPECT_EQ(CheckRows(), 1);
  auto check = store_->GetKeyCheck();
  ASSERT_TRUE(check.ok() && check->has_value());
  // Sealed known plaintext: version byte, nonce, 26 bytes, tag; never the key.
  EXPECT_EQ((*check)->size(), SecretBox::kOverhead + 26);
  auto key = LoadOrCreateMasterKey(key_path_, false);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ((*check)->find(*key), std::string::npos);

  // The next start with the same key passes.
  EXPECT_TRUE(LoadCheckedMasterKey(*store_, key_path_, true).ok());
}

TEST_F(MasterKeyCheckTest, AWrongKeyRefusesAndNamesTheFile) {
  WriteKey(key_path_, kKeyA);
  ASSERT_TRUE(LoadCheckedMasterKey(*store_, key_path_, false).ok());
  auto recorded = store_->GetKeyCheck();
  ASSERT_TRUE(recorded.ok() && recorded->has_value());

  const std::string wrong_path = dir_.File("other.key");
  WriteKey(wrong_path, kKeyB);
  auto box = LoadCheckedMasterKey(*store_, wrong_path, false);
  EXPECT_EQ(box.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(box.status().message(),
              HasSubstr("the master key file \"" + wrong_path +
                        "\" is not the key this database's secrets were sealed with"));
  EXPECT_THAT(box.status().message(), HasSubstr("--master_key_file"));
  EXPECT_THAT(box.status().message(), HasSubstr(db_path_));
  // The recorded value is untouched.
  EXPECT_EQ(**store_->GetKeyCheck(), **recorded);
}

TEST_F(MasterKeyCheckTest, AMissingDefaultKeyOverACheckValueRefusesAndCreatesNothing) {
  ASSERT_TRUE(LoadCheckedMasterKey(*store_, key_path_, true).ok());
  ASSERT_EQ(::unlink(key_path_.c_str()), 0);

  auto box = LoadCheckedMasterKey(*store_, key_path_, true);
  EXPECT_EQ(box.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(box.status().message(), HasSubstr("the master key file \"" + key_path_ +
                                                "\" (the default under "
                                                "--data_dir) does not exist"));
  EXPECT_THAT(box.status().message(), HasSubstr("restore that key file"));
  EXPECT_FALSE(FileExists(key_path_));
}

TEST_F(MasterKeyCheckTest, AMissingDefaultKeyOverSealedSecretsWithoutCheckValueRefuses) {
  InsertSealedStorage(kKeyA);
  DowngradeToVersionTwo();

  auto box = LoadCheckedMasterKey(*store_, key_path_, true);
  EXPECT_EQ(box.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(box.status().message(), HasSubstr(key_path_));
  EXPECT_FALSE(FileExists(key_path_));
  EXPECT_EQ(CheckRows(), 0);
}

TEST_F(MasterKeyCheckTest, AnUpgradedDatabaseGainsTheCheckValueOnceItsSecretsOpen) {
  InsertSealedStorage(kKeyA);
  DowngradeToVersionTwo();
  EXPECT_EQ(QueryInt(db_path_, "PRAGMA user_version"), SqliteStorageStore::kSchemaVersion);
  EXPECT_EQ(CheckRows(), 0);

  WriteKey(key_path_, kKeyA);
  auto box = LoadCheckedMasterKey(*store_, key_path_, false);
  ASSERT_TRUE(box.ok()) << box.status();
  EXPECT_EQ(CheckRows(), 1);
  auto record = store_->GetById(kStorageId);
  ASSERT_TRUE(record.ok());
  auto opened = box->Open(record->sealed_secrets, kStorageId);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(*opened, kSecretsJson);

  // From now on the check value decides: key B is refused.
  WriteKey(key_path_, kKeyB);
  EXPECT_EQ(LoadCheckedMasterKey(*store_, key_path_, false).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(MasterKeyCheckTest,
       AnUpgradedDatabaseWithSecretsSealedByAnotherKeyRefusesAndRecordsNothing) {
  InsertSealedStorage(kKeyA);
  DowngradeToVersionTwo();

  WriteKey(key_path_, kKeyB);
  auto box = LoadCheckedMasterKey(*store_, key_path_, false);
  EXPECT_EQ(box.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(box.status().message(),
              HasSubstr("is not the key this database's secrets were sealed with"));
  EXPECT_THAT(box.status().message(), HasSubstr(kStorageId));
  EXPECT_EQ(CheckRows(), 0);
}

TEST_F(MasterKeyCheckTest, AnExplicitMissingKeyIsNotFoundAndNotCreated) {
  auto box = LoadCheckedMasterKey(*store_, key_path_, false);
  EXPECT_EQ(box.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(box.status().message(), HasSubstr(key_path_));
  EXPECT_FALSE(FileExists(key_path_));
  EXPECT_EQ(CheckRows(), 0);
}

}  // namespace
}  // namespace pluton::storage
