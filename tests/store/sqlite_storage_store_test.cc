#include "store/sqlite_storage_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store/secret_box.h"
#include "store_test_util.h"

namespace pluton::storage {
namespace {

using ::pluton::storage::testing::FileExists;
using ::pluton::storage::testing::ExecSql;
using ::pluton::storage::testing::FileMode;
using ::pluton::storage::testing::QueryInt;
using ::pluton::storage::testing::ReadFileBytes;
using ::pluton::storage::testing::TempDir;
using ::pluton::storage::testing::WriteFileBytes;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

StorageRecord MakeRecord(const std::string& id, const std::string& name,
                         const std::string& provider = "r2") {
  StorageRecord record;
  record.id = id;
  record.name = name;
  record.provider = provider;
  record.config = {{"bucket", "bucket-" + name}, {"region", "auto"}};
  record.sealed_secrets = std::string("\x01sealed\0bytes\xff", 14) + name;
  record.create_time = absl::FromUnixMicros(1'700'000'000'123'456);
  record.update_time = absl::FromUnixMicros(1'700'000'001'654'321);
  return record;
}

// "stg_" + 16 lowercase hex digits.
std::string IdFor(int n) { return absl::StrCat("stg_", absl::Hex(n, absl::kZeroPad16)); }

void ExpectSameRecord(const StorageRecord& actual, const StorageRecord& expected) {
  EXPECT_EQ(actual.id, expected.id);
  EXPECT_EQ(actual.name, expected.name);
  EXPECT_EQ(actual.provider, expected.provider);
  EXPECT_EQ(actual.config, expected.config);
  EXPECT_EQ(actual.sealed_secrets, expected.sealed_secrets);
  EXPECT_EQ(actual.create_time, expected.create_time);
  EXPECT_EQ(actual.update_time, expected.update_time);
}

StorageListQuery Query(const std::string& provider, const std::string& after_name, int limit) {
  StorageListQuery query;
  query.provider = provider;
  query.after_name = after_name;
  query.limit = limit;
  return query;
}

std::vector<std::string> Names(const std::vector<StorageRecord>& records) {
  std::vector<std::string> names;
  for (const StorageRecord& record : records) names.push_back(record.name);
  return names;
}

class SqliteStorageStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    db_path_ = dir_.File("storages.db");
    Reopen();
  }

  void Reopen() {
    store_.reset();
    absl::StatusOr<std::unique_ptr<SqliteStorageStore>> store = SqliteStorageStore::Open(db_path_);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }

  TempDir dir_;
  std::string db_path_;
  std::unique_ptr<SqliteStorageStore> store_;
};

TEST_F(SqliteStorageStoreTest, CreatesFileWithOwnerOnlyPermissionsSchemaVersionAndWal) {
  EXPECT_EQ(store_->path(), db_path_);
  EXPECT_EQ(FileMode(db_path_), 0600);
  ASSERT_TRUE(store_->Insert(MakeRecord(IdFor(1), "alpha")).ok());
  // The WAL file exists while the store is open and inherits the database's mode.
  ASSERT_TRUE(FileExists(db_path_ + "-wal"));
  EXPECT_EQ(FileMode(db_path_ + "-wal"), 0600);
  store_.reset();
  EXPECT_EQ(FileMode(db_path_), 0600);
  EXPECT_EQ(QueryInt(db_path_, "PRAGMA user_version"), SqliteStorageStore::kSchemaVersion);
  EXPECT_EQ(QueryInt(db_path_, "SELECT COUNT(*) FROM storages"), 1);
}

TEST_F(SqliteStorageStoreTest, RecordsSurviveCloseAndReopen) {
  StorageRecord first = MakeRecord(IdFor(1), "alpha");
  first.config = {{"bucket", "my-bucket"},
                  {"endpoint", "https://example.com/a?b=c&d=\"e\""},
                  {"note", "ünïcode \\ back\nslash"},
                  {"empty", ""}};
  StorageRecord second = MakeRecord(IdFor(2), "beta", "s3");
  second.config = {};
  second.sealed_secrets = "";
  ASSERT_TRUE(store_->Insert(first).ok());
  ASSERT_TRUE(store_->Insert(second).ok());

  Reopen();

  absl::StatusOr<StorageRecord> got = store_->GetById(first.id);
  ASSERT_TRUE(got.ok()) << got.status();
  ExpectSameRecord(*got, first);
  got = store_->GetByName("beta");
  ASSERT_TRUE(got.ok()) << got.status();
  ExpectSameRecord(*got, second);
}

TEST_F(SqliteStorageStoreTest, ValuesAreBoundNotInterpolated) {
  StorageRecord record = MakeRecord(IdFor(1), "x'); DROP TABLE storages; --");
  record.provider = "' OR '1'='1";
  ASSERT_TRUE(store_->Insert(record).ok());
  absl::StatusOr<StorageRecord> got = store_->GetByName(record.name);
  ASSERT_TRUE(got.ok()) << got.status();
  ExpectSameRecord(*got, record);
  absl::StatusOr<std::vector<StorageRecord>> listed = store_->List(Query("' OR '1'='1", "", 10));
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_EQ(listed->size(), 1u);
}

TEST_F(SqliteStorageStoreTest, InsertRejectsTakenName) {
  ASSERT_TRUE(store_->Insert(MakeRecord(IdFor(1), "alpha")).ok());
  absl::Status status = store_->Insert(MakeRecord(IdFor(2), "alpha"));
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists) << status;
  EXPECT_THAT(std::string(status.message()), HasSubstr("a storage named \"alpha\" already exists"));
  EXPECT_TRUE(absl::IsNotFound(store_->GetById(IdFor(2)).status()));
}

TEST_F(SqliteStorageStoreTest, InsertRejectsTakenId) {
  ASSERT_TRUE(store_->Insert(MakeRecord(IdFor(1), "alpha")).ok());
  absl::Status status = store_->Insert(MakeRecord(IdFor(1), "beta"));
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists) << status;
  EXPECT_THAT(std::string(status.message()),
              HasSubstr(absl::StrCat("a storage with id \"", IdFor(1), "\" already exists")));
  EXPECT_TRUE(absl::IsNotFound(store_->GetByName("beta").status()));
}

TEST_F(SqliteStorageStoreTest, NamesAreCaseSensitive) {
  ASSERT_TRUE(store_->Insert(MakeRecord(IdFor(1), "alpha")).ok());
  EXPECT_TRUE(store_->Insert(MakeRecord(IdFor(2), "Alpha")).ok());
}

TEST_F(SqliteStorageStoreTest, InsertRejectsConfigThatIsNotUtf8) {
  StorageRecord record = MakeRecord(IdFor(1), "alpha");
  record.config["bad"] = "\xff\xfe";
  absl::Status status = store_->Insert(record);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_THAT(std::string(status.message()), HasSubstr("valid UTF-8"));
}

TEST_F(SqliteStorageStoreTest, UpdateReplacesFieldsAndRenames) {
  StorageRecord original = MakeRecord(IdFor(1), "alpha");
  ASSERT_TRUE(store_->Insert(original).ok());

  StorageRecord updated = original;
  updated.name = "alpha-renamed";
  updated.provider = "s3";
  updated.config = {{"bucket", "other"}};
  updated.sealed_secrets = "new sealed bytes";
  updated.create_time = absl::FromUnixMicros(1);  // ignored: create_time is immutable
  updated.update_time = absl::FromUnixMicros(1'800'000'000'000'000);
  ASSERT_TRUE(store_->Update(updated).ok());
  Reopen();

  absl::StatusOr<StorageRecord> got = store_->GetById(original.id);
  ASSERT_TRUE(got.ok()) << got.status();
  StorageRecord expected = updated;
  expected.create_time = original.create_time;
  ExpectSameRecord(*got, expected);
  EXPECT_TRUE(absl::IsNotFound(store_->GetByName("alpha").status()));
  EXPECT_TRUE(store_->GetByName("alpha-renamed").ok());
  // The old name is free again.
  EXPECT_TRUE(store_->Insert(MakeRecord(IdFor(2), "alpha")).ok());
}

TEST_F(SqliteStorageStoreTest, UpdateKeepingItsOwnNameSucceeds) {
  StorageRecord record = MakeRecord(IdFor(1), "alpha");
  ASSERT_TRUE(store_->Insert(record).ok());
  record.config["region"] = "eu";
  EXPECT_TRUE(store_->Update(record).ok());
}

TEST_F(SqliteStorageStoreTest, UpdateRejectsNameOfAnotherRecord) {
  StorageRecord alpha = MakeRecord(IdFor(1), "alpha");
  ASSERT_TRUE(store_->Insert(alpha).ok());
  ASSERT_TRUE(store_->Insert(MakeRecord(IdFor(2), "beta")).ok());

  StorageRecord renamed = alpha;
  renamed.name = "beta";
  absl::Status status = store_->Update(renamed);
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists) << status;
  EXPECT_THAT(std::string(status.message()), HasSubstr("a storage named \"beta\" already exists"));

  absl::StatusOr<StorageRecord> got = store_->GetById(alpha.id);
  ASSERT_TRUE(got.ok()) << got.status();
  ExpectSameRecord(*got, alpha);
}

TEST_F(SqliteStorageStoreTest, UpdateOfMissingIdIsNotFound) {
  absl::Status status = store_->Update(MakeRecord(IdFor(9), "ghost"));
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound) << status;
  EXPECT_THAT(std::string(status.message()),
              HasSubstr(absl::StrCat("no storage with id \"", IdFor(9), "\"")));
}

TEST_F(SqliteStorageStoreTest, DeleteRemovesAndThenReportsNotFound) {
  ASSERT_TRUE(store_->Insert(MakeRecord(IdFor(1), "alpha")).ok());
  ASSERT_TRUE(store_->Insert(MakeRecord(IdFor(2), "beta")).ok());
  ASSERT_TRUE(store_->Delete(IdFor(1)).ok());

  absl::StatusOr<StorageRecord> got = store_->GetById(IdFor(1));
  EXPECT_EQ(got.status().code(), absl::StatusCode::kNotFound) << got.status();
  EXPECT_THAT(std::string(got.status().message()),
              HasSubstr(absl::StrCat("no storage with id \"", IdFor(1), "\"")));
  got = store_->GetByName("alpha");
  EXPECT_EQ(got.status().code(), absl::StatusCode::kNotFound) << got.status();
  EXPECT_THAT(std::string(got.status().message()), HasSubstr("no storage named \"alpha\""));

  absl::Status status = store_->Delete(IdFor(1));
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound) << status;
  EXPECT_THAT(std::string(status.message()),
              HasSubstr(absl::StrCat("no storage with id \"", IdFor(1), "\"")));

  Reopen();
  EXPECT_TRUE(absl::IsNotFound(store_->GetById(IdFor(1)).status()));
  EXPECT_TRUE(store_->GetById(IdFor(2)).ok());
}

TEST_F(SqliteStorageStoreTest, ListOrdersByNameFiltersByProviderAndPages) {
  // Inserted out of order; byte order puts upper case before lower case.
  const std::vector<std::pair<std::string, std::string>> storages = {
      {"golf", "r2"},  {"alpha", "s3"}, {"echo", "r2"},    {"Zulu", "r2"},
      {"delta", "s3"}, {"bravo", "r2"}, {"charlie", "gcs"}};
  int n = 0;
  for (const auto& [name, provider] : storages) {
    ASSERT_TRUE(store_->Insert(MakeRecord(IdFor(++n), name, provider)).ok());
  }

  absl::StatusOr<std::vector<StorageRecord>> all = store_->List(Query("", "", 50));
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_THAT(Names(*all),
              ElementsAre("Zulu", "alpha", "bravo", "charlie", "delta", "echo", "golf"));
  // Rows carry every field.
  ExpectSameRecord((*all)[0], MakeRecord(IdFor(4), "Zulu", "r2"));

  // Three pages of three, three and one, then an empty page.
  std::vector<std::vector<std::string>> pages;
  std::string after;
  for (int i = 0; i < 4; ++i) {
    absl::StatusOr<std::vector<StorageRecord>> page = store_->List(Query("", after, 3));
    ASSERT_TRUE(page.ok()) << page.status();
    pages.push_back(Names(*page));
    if (!page->empty()) after = page->back().name;
  }
  EXPECT_THAT(pages[0], ElementsAre("Zulu", "alpha", "bravo"));
  EXPECT_THAT(pages[1], ElementsAre("charlie", "delta", "echo"));
  EXPECT_THAT(pages[2], ElementsAre("golf"));
  EXPECT_THAT(pages[3], ElementsAre());

  absl::StatusOr<std::vector<StorageRecord>> r2 = store_->List(Query("r2", "", 50));
  ASSERT_TRUE(r2.ok()) << r2.status();
  EXPECT_THAT(Names(*r2), ElementsAre("Zulu", "bravo", "echo", "golf"));

  absl::StatusOr<std::vector<StorageRecord>> r2_page = store_->List(Query("r2", "bravo", 1));
  ASSERT_TRUE(r2_page.ok()) << r2_page.status();
  EXPECT_THAT(Names(*r2_page), ElementsAre("echo"));

  absl::StatusOr<std::vector<StorageRecord>> none = store_->List(Query("azure", "", 5));
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_TRUE(none->empty());

  // after_name need not be an existing name.
  absl::StatusOr<std::vector<StorageRecord>> from_c = store_->List(Query("", "c", 2));
  ASSERT_TRUE(from_c.ok()) << from_c.status();
  EXPECT_THAT(Names(*from_c), ElementsAre("charlie", "delta"));
}

TEST_F(SqliteStorageStoreTest, ListRejectsNonPositiveLimit) {
  absl::StatusOr<std::vector<StorageRecord>> listed = store_->List(Query("", "", 0));
  EXPECT_EQ(listed.status().code(), absl::StatusCode::kInvalidArgument) << listed.status();
  EXPECT_THAT(std::string(listed.status().message()), HasSubstr("limit must be positive"));
}

TEST_F(SqliteStorageStoreTest, ConcurrentCallsAreSafe) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 25;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this, t] {
      for (int i = 0; i < kPerThread; ++i) {
        int n = t * kPerThread + i;
        std::string name = absl::StrCat("storage-", absl::Dec(n, absl::kZeroPad3));
        EXPECT_TRUE(store_->Insert(MakeRecord(IdFor(n), name)).ok());
        EXPECT_TRUE(store_->GetByName(name).ok());
        EXPECT_TRUE(store_->List(Query("", "", 5)).ok());
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  absl::StatusOr<std::vector<StorageRecord>> all = store_->List(Query("", "", 1000));
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->size(), static_cast<size_t>(kThreads * kPerThread));
  EXPECT_TRUE(std::is_sorted(
      all->begin(), all->end(),
      [](const StorageRecord& a, const StorageRecord& b) { return a.name < b.name; }));
}

TEST_F(SqliteStorageStoreTest, RefusesDatabaseFromNewerRelease) {
  store_.reset();
  ExecSql(db_path_, "PRAGMA user_version = 99");
  absl::StatusOr<std::unique_ptr<SqliteStorageStore>> store = SqliteStorageStore::Open(db_path_);
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition) << store.status();
  EXPECT_THAT(std::string(store.status().message()), HasSubstr("schema version 99"));
  EXPECT_THAT(std::string(store.status().message()), HasSubstr(db_path_));
}

TEST(SqliteStorageStoreOpenTest, RefusesFileThatIsNotADatabase) {
  TempDir dir;
  std::string path = dir.File("not-a-db");
  WriteFileBytes(path, std::string(4096, 'x'), 0600);
  absl::StatusOr<std::unique_ptr<SqliteStorageStore>> store = SqliteStorageStore::Open(path);
  EXPECT_EQ(store.status().code(), absl::StatusCode::kDataLoss) << store.status();
  EXPECT_THAT(std::string(store.status().message()), HasSubstr(path));
  EXPECT_THAT(std::string(store.status().message()), HasSubstr("not a database"));
}

TEST(SqliteStorageStoreOpenTest, ReportsMissingDirectory) {
  TempDir dir;
  std::string path = dir.File("missing/storages.db");
  absl::StatusOr<std::unique_ptr<SqliteStorageStore>> store = SqliteStorageStore::Open(path);
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition) << store.status();
  EXPECT_THAT(std::string(store.status().message()), HasSubstr(path));
  EXPECT_THAT(std::string(store.status().message()), HasSubstr("No such file or directory"));
}

TEST(SqliteStorageStoreOpenTest, RefusesDirectory) {
  TempDir dir;
  absl::StatusOr<std::unique_ptr<SqliteStorageStore>> store = SqliteStorageStore::Open(dir.path());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition) << store.status();
  EXPECT_THAT(std::string(store.status().message()), HasSubstr("not a regular file"));
}

TEST(SqliteStorageStoreOpenTest, TwoStoresOnOneFileSeeEachOthersWrites) {
  TempDir dir;
  std::string path = dir.File("shared.db");
  absl::StatusOr<std::unique_ptr<SqliteStorageStore>> a = SqliteStorageStore::Open(path);
  ASSERT_TRUE(a.ok()) << a.status();
  absl::StatusOr<std::unique_ptr<SqliteStorageStore>> b = SqliteStorageStore::Open(path);
  ASSERT_TRUE(b.ok()) << b.status();
  ASSERT_TRUE((*a)->Insert(MakeRecord(IdFor(1), "alpha")).ok());
  EXPECT_TRUE((*b)->GetByName("alpha").ok());
  absl::Status status = (*b)->Insert(MakeRecord(IdFor(2), "alpha"));
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists) << status;
}

// Secrets reach the disk sealed: neither the database nor its WAL holds the plaintext.
TEST(EncryptionAtRestTest, PlaintextSecretNeverReachesTheDatabaseFiles) {
  TempDir dir;
  std::string path = dir.File("storages.db");
  const std::string secret = "pluton-canary-secret-7f3a9c41d2e8b6";

  absl::StatusOr<SecretBox> box = SecretBox::FromKey(std::string(SecretBox::kKeySize, '\x42'));
  ASSERT_TRUE(box.ok()) << box.status();
  StorageRecord record = MakeRecord(IdFor(1), "canary");
  absl::StatusOr<std::string> sealed =
      box->Seal(absl::StrCat("{\"secret_access_key\":\"", secret, "\"}"), record.id);
  ASSERT_TRUE(sealed.ok()) << sealed.status();
  record.sealed_secrets = *sealed;

  auto expect_no_plaintext = [&](const std::string& when) {
    int files_checked = 0;
    for (const std::string& file : {path, path + "-wal"}) {
      if (!FileExists(file)) continue;
      ++files_checked;
      std::string bytes = ReadFileBytes(file);
      EXPECT_FALSE(bytes.empty()) << file;
      EXPECT_EQ(bytes.find(secret), std::string::npos) << when << ": plaintext found in " << file;
    }
    EXPECT_GE(files_checked, 1) << when;
  };

  {
    absl::StatusOr<std::unique_ptr<SqliteStorageStore>> store = SqliteStorageStore::Open(path);
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE((*store)->Insert(record).ok());
    // While open the new row lives in the WAL.
    ASSERT_TRUE(FileExists(path + "-wal"));
    expect_no_plaintext("while open");
  }
  expect_no_plaintext("after close");
  // Closing checkpointed the row into the database file: the search above looked at the
  // right bytes, where the sealed form is.
  EXPECT_NE(ReadFileBytes(path).find(*sealed), std::string::npos);

  // And the sealed bytes read back still open to the secret.
  absl::StatusOr<std::unique_ptr<SqliteStorageStore>> store = SqliteStorageStore::Open(path);
  ASSERT_TRUE(store.ok()) << store.status();
  absl::StatusOr<StorageRecord> got = (*store)->GetById(record.id);
  ASSERT_TRUE(got.ok()) << got.status();
  absl::StatusOr<std::string> opened = box->Open(got->sealed_secrets, record.id);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_THAT(*opened, HasSubstr(secret));
}

}  // namespace
}  // namespace pluton::storage
