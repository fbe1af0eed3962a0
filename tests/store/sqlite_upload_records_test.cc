// SqliteStorageStore as an UploadRecordStore: records of uploads under way are added, get
// their pending id, are listed only for the same node and other runs, survive a reopen of the
// file (as after a crash), are removed, and go with their storage.
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store/sqlite_storage_store.h"
#include "store_test_util.h"

namespace pluton::storage {
namespace {

using ::pluton::storage::testing::TempDir;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::IsEmpty;

constexpr char kStorageId[] = "stg_00000000000000b2";

UploadRecord MakeUploadRecord(const std::string& node, const std::string& run,
                              const std::string& key) {
  UploadRecord record;
  record.node = node;
  record.run = run;
  record.storage_id = kStorageId;
  record.bucket = "backups";
  record.key = key;
  record.start_time = absl::FromUnixMicros(1'800'000'000'654'321);
  return record;
}

class SqliteUploadRecordsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_path_ = dir_.File("storages.db");
    Reopen();
    StorageRecord storage;
    storage.id = kStorageId;
    storage.name = "r2";
    storage.provider = "r2";
    ASSERT_TRUE(store_->Insert(storage).ok());
  }

  void Reopen() {
    store_.reset();
    auto store = SqliteStorageStore::Open(db_path_);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }

  int64_t Add(const UploadRecord& record) {
    absl::StatusOr<int64_t> id = store_->AddUploadRecord(record);
    EXPECT_TRUE(id.ok()) << id.status();
    return id.value_or(-1);
  }

  std::vector<UploadRecord> Dead(const std::string& node, const std::string& run) {
    absl::StatusOr<std::vector<UploadRecord>> records = store_->ListDeadUploadRecords(node, run);
    EXPECT_TRUE(records.ok()) << records.status();
    return records.value_or(std::vector<UploadRecord>{});
  }

  TempDir dir_;
  std::string db_path_;
  std::unique_ptr<SqliteStorageStore> store_;
};

TEST_F(SqliteUploadRecordsTest, ARecordOfAnEarlierRunSurvivesAReopenWithItsPendingId) {
  const std::string key("dir/k\0ey\xff", 9);
  const int64_t id = Add(MakeUploadRecord("node-a", "run-1", key));
  ASSERT_TRUE(store_->SetPendingUploadId(id, "first-id").ok());
  ASSERT_TRUE(store_->SetPendingUploadId(id, "multipart-upload-id").ok());  // the later wins
  Reopen();

  const std::vector<UploadRecord> dead = Dead("node-a", "run-2");
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].id, id);
  EXPECT_EQ(dead[0].node, "node-a");
  EXPECT_EQ(dead[0].run, "run-1");
  EXPECT_EQ(dead[0].storage_id, kStorageId);
  EXPECT_EQ(dead[0].bucket, "backups");
  EXPECT_EQ(dead[0].key, key);
  EXPECT_EQ(dead[0].upload_id, "multipart-upload-id");
  EXPECT_EQ(dead[0].start_time, absl::FromUnixMicros(1'800'000'000'654'321));
}

TEST_F(SqliteUploadRecordsTest, OnlyThisNodesRecordsOfOtherRunsAreListedOldestFirst) {
  const int64_t first = Add(MakeUploadRecord("node-a", "run-1", "one"));
  Add(MakeUploadRecord("node-a", "run-2", "running"));  // the current run's own upload
  Add(MakeUploadRecord("node-b", "run-9", "theirs"));   // another node's
  const int64_t second = Add(MakeUploadRecord("node-a", "run-0", "two"));

  EXPECT_THAT(Dead("node-a", "run-2"),
              ElementsAre(Field(&UploadRecord::id, first), Field(&UploadRecord::id, second)));
  EXPECT_THAT(Dead("node-a", "run-2"), ElementsAre(Field(&UploadRecord::upload_id, ""),
                                                   Field(&UploadRecord::upload_id, "")));
  EXPECT_THAT(Dead("node-c", "run-2"), IsEmpty());
}

TEST_F(SqliteUploadRecordsTest, RemovedRecordsAreGoneAndRemovingTwiceIsFine) {
  const int64_t id = Add(MakeUploadRecord("node-a", "run-1", "k"));
  ASSERT_TRUE(store_->DeleteUploadRecord(id).ok());
  ASSERT_TRUE(store_->DeleteUploadRecord(id).ok());
  EXPECT_THAT(Dead("node-a", "run-2"), IsEmpty());
  EXPECT_EQ(store_->SetPendingUploadId(id, "late").code(), absl::StatusCode::kNotFound);
}

TEST_F(SqliteUploadRecordsTest, RecordsGoWithTheirStorageAndNeedOne) {
  Add(MakeUploadRecord("node-a", "run-1", "k"));
  ASSERT_TRUE(store_->Delete(kStorageId).ok());
  EXPECT_THAT(Dead("node-a", "run-2"), IsEmpty());
  EXPECT_EQ(store_->AddUploadRecord(MakeUploadRecord("node-a", "run-1", "k")).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace pluton::storage
