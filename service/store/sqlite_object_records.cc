// SqliteStorageStore's ObjectRecordStore half: the object_records table (schema version 2).
#include <sqlite3.h>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "store/sqlite_statement.h"
#include "store/sqlite_storage_store.h"

namespace pluton::storage {
namespace {

constexpr char kPutRecordSql[] =
    "INSERT OR REPLACE INTO object_records (storage_id, bucket, object_key, size, md5, sha256,"
    " etag, part_size, part_count, complete_time_us)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
constexpr char kGetRecordSql[] =
    "SELECT size, md5, sha256, etag, part_size, part_count, complete_time_us FROM object_records"
    " WHERE storage_id = ?1 AND bucket = ?2 AND object_key = ?3";
constexpr char kDeleteRecordSql[] =
    "DELETE FROM object_records WHERE storage_id = ?1 AND bucket = ?2 AND object_key = ?3";

// Binds the record's key columns (parameters 1 to 3).
int BindRecordKey(sqlite3_stmt* statement, const std::string& storage_id, const std::string& bucket,
                  const std::string& key) {
  int rc = BindText(statement, 1, storage_id);
  if (rc == SQLITE_OK) rc = BindText(statement, 2, bucket);
  if (rc == SQLITE_OK) rc = BindBlob(statement, 3, key);
  return rc;
}

// NULL for an empty digest, so "not computed" is not mistaken for a digest of no bytes.
int BindDigest(sqlite3_stmt* statement, int index, const std::string& digest) {
  return digest.empty() ? sqlite3_bind_null(statement, index) : BindBlob(statement, index, digest);
}

}  // namespace

absl::Status SqliteStorageStore::PrepareObjectRecordStatements() {
  RETURN_IF_ERROR(Prepare(kPutRecordSql, &put_record_));
  RETURN_IF_ERROR(Prepare(kGetRecordSql, &get_record_));
  return Prepare(kDeleteRecordSql, &delete_record_);
}

absl::Status SqliteStorageStore::PutObjectRecord(const ObjectRecord& record) {
  std::lock_guard<std::mutex> lock(mu_);
  sqlite3_stmt* statement = put_record_.get();
  ScopedReset reset(statement);
  int rc = BindRecordKey(statement, record.storage_id, record.bucket, record.key);
  if (rc == SQLITE_OK) rc = sqlite3_bind_int64(statement, 4, static_cast<int64_t>(record.size));
  if (rc == SQLITE_OK) rc = BindDigest(statement, 5, record.md5);
  if (rc == SQLITE_OK) rc = BindDigest(statement, 6, record.sha256);
  if (rc == SQLITE_OK) rc = BindText(statement, 7, record.etag);
  if (rc == SQLITE_OK) {
    rc = sqlite3_bind_int64(statement, 8, static_cast<int64_t>(record.part_size));
  }
  if (rc == SQLITE_OK) rc = sqlite3_bind_int64(statement, 9, record.part_count);
  if (rc == SQLITE_OK) {
    rc = sqlite3_bind_int64(statement, 10, absl::ToUnixMicros(record.complete_time));
  }
  if (rc != SQLITE_OK) return SqliteError(rc, "binding the object record");
  rc = sqlite3_step(statement);
  if (rc == SQLITE_DONE) return absl::OkStatus();
  if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
    return absl::FailedPreconditionError(absl::StrCat("no storage with id \"", record.storage_id,
                                                      "\" (deleted meanwhile?): the object record "
                                                      "was not kept"));
  }
  return SqliteError(rc, "recording the uploaded object");
}

absl::StatusOr<std::optional<ObjectRecord>> SqliteStorageStore::GetObjectRecord(
    const std::string& storage_id, const std::string& bucket, const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  sqlite3_stmt* statement = get_record_.get();
  ScopedReset reset(statement);
  int rc = BindRecordKey(statement, storage_id, bucket, key);
  if (rc != SQLITE_OK) return SqliteError(rc, "binding the object record's key");
  rc = sqlite3_step(statement);
  if (rc == SQLITE_DONE) return std::optional<ObjectRecord>();
  if (rc != SQLITE_ROW) return SqliteError(rc, "reading the object record");
  ObjectRecord record;
  record.storage_id = storage_id;
  record.bucket = bucket;
  record.key = key;
  record.size = static_cast<uint64_t>(sqlite3_column_int64(statement, 0));
  record.md5 = std::string(ColumnBlob(statement, 1));
  record.sha256 = std::string(ColumnBlob(statement, 2));
  record.etag = std::string(ColumnText(statement, 3));
  record.part_size = static_cast<uint64_t>(sqlite3_column_int64(statement, 4));
  record.part_count = static_cast<uint32_t>(sqlite3_column_int64(statement, 5));
  record.complete_time = absl::FromUnixMicros(sqlite3_column_int64(statement, 6));
  if ((!record.md5.empty() && record.md5.size() != 16) ||
      (!record.sha256.empty() && record.sha256.size() != 32)) {
    return absl::DataLossError(absl::StrCat("SQLite database \"", path_,
                                            "\": the object record of storage ", storage_id,
                                            " has digests of the wrong length"));
  }
  return std::optional<ObjectRecord>(std::move(record));
}

absl::Status SqliteStorageStore::DeleteObjectRecords(const std::string& storage_id,
                                                     const std::string& bucket,
                                                     const std::vector<std::string>& keys) {
  std::lock_guard<std::mutex> lock(mu_);
  RETURN_IF_ERROR(Exec("BEGIN", "starting to delete object records"));
  sqlite3_stmt* statement = delete_record_.get();
  for (const std::string& key : keys) {
    ScopedReset reset(statement);
    int rc = BindRecordKey(statement, storage_id, bucket, key);
    if (rc == SQLITE_OK) rc = sqlite3_step(statement);
    if (rc != SQLITE_DONE) {
      absl::Status error = SqliteError(rc, "deleting an object record");
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      return error;
    }
  }
  return Exec("COMMIT", "committing the deleted object records");
}

}  // namespace pluton::storage
