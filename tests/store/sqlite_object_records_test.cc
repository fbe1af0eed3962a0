// SqliteStorageStore as an ObjectRecordStore: records round-trip, replace, delete, cascade
// with their storage, and a version-1 database (before records existed) is migrated in place.
#include <sqlite3.h>

#include <fstream>
#include <memory>
#include <string>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store/sqlite_storage_store.h"
#include "store_test_util.h"

namespace pluton::storage {
namespace {

using ::pluton::storage::testing::ExecSql;
using ::pluton::storage::testing::QueryInt;
using ::pluton::storage::testing::TempDir;
using ::testing::HasSubstr;

constexpr char kStorageId[] = "stg_00000000000000a1";

ObjectRecord MakeObjectRecord(const std::string& key) {
  ObjectRecord record;
  record.storage_id = kStorageId;
  record.bucket = "backups";
  record.key = key;
  record.size = 13 * 1024 * 1024 + 7;
  record.md5 = std::string("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\xff", 16);
  record.sha256 = std::string(32, '\x5a');
  record.etag = "\"0123456789abcdef0123456789abcdef-3\"";
  record.part_size = 5 * 1024 * 1024;
  record.part_count = 3;
  record.complete_time = absl::FromUnixMicros(1'800'000'000'123'456);
  return record;
}

class SqliteObjectRecordsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_path_ = dir_.File("storages.db");
    auto store = SqliteStorageStore::Open(db_path_);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    StorageRecord storage;
    storage.id = kStorageId;
    storage.name = "r2";
    storage.provider = "r2";
    ASSERT_TRUE(store_->Insert(storage).ok());
  }

  TempDir dir_;
  std::string db_path_;
  std::unique_ptr<SqliteStorageStore> store_;
};

TEST_F(SqliteObjectRecordsTest, ARecordRoundTripsWithBinaryKeysAndDigests) {
  const ObjectRecord record = MakeObjectRecord(std::string("dir/k\0ey\xff", 9));
  ASSERT_TRUE(store_->PutObjectRecord(record).ok());
  auto got = store_->GetObjectRecord(kStorageId, "backups", record.key);
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_TRUE(got->has_value());
  const ObjectRecord& read = **got;
  EXPECT_EQ(read.storage_id, record.storage_id);
  EXPECT_EQ(read.bucket, record.bucket);
  EXPECT_EQ(read.key, record.key);
  EXPECT_EQ(read.size, record.size);
  EXPECT_EQ(read.md5, record.md5);
  EXPECT_EQ(read.sha256, record.sha256);
  EXPECT_EQ(read.etag, record.etag);
  EXPECT_EQ(read.part_size, record.part_size);
  EXPECT_EQ(read.part_count, record.part_count);
  EXPECT_EQ(read.complete_time, record.complete_time);

  auto other_bucket = store_->GetObjectRecord(kStorageId, "other", record.key);
  ASSERT_TRUE(other_bucket.ok());
  EXPECT_FALSE(other_bucket->has_value());
  auto other_key = store_->GetObjectRecord(kStorageId, "backups", "dir/k");
  ASSERT_TRUE(other_key.ok());
  EXPECT_FALSE(other_key->has_value()) << "keys compare as whole byte strings";
}

TEST_F(SqliteObjectRecordsTest, DigestsNotComputedStayAbsentNotEmpty) {
  ObjectRecord record = MakeObjectRecord("no-md5");
  record.md5.clear();
  ASSERT_TRUE(store_->PutObjectRecord(record).ok());
  EXPECT_EQ(QueryInt(db_path_, "SELECT COUNT(*) FROM object_records WHERE md5 IS NULL"), 1);
  auto got = store_->GetObjectRecord(kStorageId, "backups", "no-md5");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->md5, "");
  EXPECT_EQ((*got)->sha256, record.sha256);
}

TEST_F(SqliteObjectRecordsTest, ANewUploadReplacesTheRecordOfItsKey) {
  ASSERT_TRUE(store_->PutObjectRecord(MakeObjectRecord("k")).ok());
  ObjectRecord newer = MakeObjectRecord("k");
  newer.etag = "fedcba9876543210fedcba9876543210";
  newer.size = 10;
  newer.part_count = 0;
  ASSERT_TRUE(store_->PutObjectRecord(newer).ok());
  EXPECT_EQ(QueryInt(db_path_, "SELECT COUNT(*) FROM object_records"), 1);
  auto got = store_->GetObjectRecord(kStorageId, "backups", "k");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->etag, newer.etag);
  EXPECT_EQ((*got)->size, 10u);
}

TEST_F(SqliteObjectRecordsTest, DeleteRemovesOnlyTheNamedKeys) {
  for (const char* key : {"a", "b", "c"})
    ASSERT_TRUE(store_->PutObjectRecord(MakeObjectRecord(key)).ok());
  ASSERT_TRUE(store_->DeleteObjectRecords(kStorageId, "backups", {"a", "c", "absent"}).ok());
  EXPECT_EQ(QueryInt(db_path_, "SELECT COUNT(*) FROM object_records"), 1);
  auto b = store_->GetObjectRecord(kStorageId, "backups", "b");
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(b->has_value());
}

TEST_F(SqliteObjectRecordsTest, RecordsGoWithTheirStorageAndNeedOne) {
  ASSERT_TRUE(store_->PutObjectRecord(MakeObjectRecord("a")).ok());
  ASSERT_TRUE(store_->Delete(kStorageId).ok());
  EXPECT_EQ(QueryInt(db_path_, "SELECT COUNT(*) FROM object_records"), 0);

  absl::Status orphan = store_->PutObjectRecord(MakeObjectRecord("b"));
  EXPECT_EQ(orphan.code(), absl::StatusCode::kFailedPrecondition) << orphan;
  EXPECT_THAT(std::string(orphan.message()), HasSubstr(kStorageId));
}

TEST(SqliteObjectRecordsMigrationTest, AVersionOneDatabaseGainsTheTableAndKeepsItsStorages) {
  TempDir dir;
  const std::string path = dir.File("storages.db");
  std::ofstream(path).flush();  // an empty file is an empty SQLite database
  // The schema release 1 wrote, with one storage in it.
  ExecSql(path,
          "PRAGMA journal_mode = WAL;"
          "CREATE TABLE storages (id TEXT PRIMARY KEY, name TEXT UNIQUE NOT NULL,"
          " provider TEXT NOT NULL, config_json TEXT NOT NULL, sealed_secrets BLOB,"
          " create_time_us INTEGER, update_time_us INTEGER);"
          "CREATE INDEX storages_by_provider_name ON storages (provider, name);"
          "INSERT INTO storages VALUES ('stg_00000000000000a1', 'r2', 'r2', '{\"bucket\":\"b\"}',"
          " x'01', 1, 2);"
          "PRAGMA user_version = 1;");
  auto store = SqliteStorageStore::Open(path);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ(QueryInt(path, "PRAGMA user_version"), SqliteStorageStore::kSchemaVersion);
  auto storage = (*store)->GetByName("r2");
  ASSERT_TRUE(storage.ok()) << storage.status();
  EXPECT_EQ(storage->config.at("bucket"), "b");
  EXPECT_TRUE((*store)->PutObjectRecord(MakeObjectRecord("a")).ok());
}

}  // namespace
}  // namespace pluton::storage
