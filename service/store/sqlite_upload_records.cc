// SqliteStorageStore's UploadRecordStore half: the upload_records table (schema version 4).
#include <sqlite3.h>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "store/sqlite_statement.h"
#include "store/sqlite_storage_store.h"

namespace pluton::storage {
namespace {

constexpr char kAddUploadSql[] =
    "INSERT INTO upload_records (node, run, storage_id, bucket, object_key, upload_id,"
    " start_time_us) VALUES (?1, ?2, ?3, ?4, ?5, '', ?6)";
constexpr char kSetUploadIdSql[] = "UPDATE upload_records SET upload_id = ?2 WHERE id = ?1";
constexpr char kDeleteUploadSql[] = "DELETE FROM upload_records WHERE id = ?1";
constexpr char kListDeadUploadsSql[] =
    "SELECT id, storage_id, bucket, object_key, upload_id, start_time_us, run"
    " FROM upload_records WHERE node = ?1 AND run <> ?2 ORDER BY id";

}  // namespace

absl::Status SqliteStorageStore::PrepareUploadRecordStatements() {
  RETURN_IF_ERROR(Prepare(kAddUploadSql, &add_upload_));
  RETURN_IF_ERROR(Prepare(kSetUploadIdSql, &set_upload_id_));
  RETURN_IF_ERROR(Prepare(kDeleteUploadSql, &delete_upload_));
  return Prepare(kListDeadUploadsSql, &list_dead_uploads_);
}

absl::StatusOr<int64_t> SqliteStorageStore::AddUploadRecord(const UploadRecord& record) {
  std::lock_guard<std::mutex> lock(mu_);
  sqlite3_stmt* statement = add_upload_.get();
  ScopedReset reset(statement);
  int rc = BindText(statement, 1, record.node);
  if (rc == SQLITE_OK) rc = BindText(statement, 2, record.run);
  if (rc == SQLITE_OK) rc = BindText(statement, 3, record.storage_id);
  if (rc == SQLITE_OK) rc = BindText(statement, 4, record.bucket);
  if (rc == SQLITE_OK) rc = BindBlob(statement, 5, record.key);
  if (rc == SQLITE_OK) {
    rc = sqlite3_bind_int64(statement, 6, absl::ToUnixMicros(record.start_time));
  }
  if (rc != SQLITE_OK) return SqliteError(rc, "binding the upload record");
  rc = sqlite3_step(statement);
  if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
    return absl::FailedPreconditionError(
        absl::StrCat("no storage with id \"", record.storage_id, "\" (deleted meanwhile?)"));
  }
  if (rc != SQLITE_DONE) return SqliteError(rc, "recording an upload in progress");
  return static_cast<int64_t>(sqlite3_last_insert_rowid(db_));
}

absl::Status SqliteStorageStore::SetPendingUploadId(int64_t id, const std::string& upload_id) {
  std::lock_guard<std::mutex> lock(mu_);
  sqlite3_stmt* statement = set_upload_id_.get();
  ScopedReset reset(statement);
  int rc = sqlite3_bind_int64(statement, 1, id);
  if (rc == SQLITE_OK) rc = BindText(statement, 2, upload_id);
  if (rc == SQLITE_OK) rc = sqlite3_step(statement);
  if (rc != SQLITE_DONE) return SqliteError(rc, "recording an upload's pending id");
  if (sqlite3_changes(db_) == 0) {
    return absl::NotFoundError(absl::StrCat("no upload record ", id));
  }
  return absl::OkStatus();
}

absl::Status SqliteStorageStore::DeleteUploadRecord(int64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  sqlite3_stmt* statement = delete_upload_.get();
  ScopedReset reset(statement);
  int rc = sqlite3_bind_int64(statement, 1, id);
  if (rc == SQLITE_OK) rc = sqlite3_step(statement);
  if (rc != SQLITE_DONE) return SqliteError(rc, "removing an upload record");
  return absl::OkStatus();
}

absl::StatusOr<std::vector<UploadRecord>> SqliteStorageStore::ListDeadUploadRecords(
    const std::string& node, const std::string& run) {
  std::lock_guard<std::mutex> lock(mu_);
  sqlite3_stmt* statement = list_dead_uploads_.get();
  ScopedReset reset(statement);
  int rc = BindText(statement, 1, node);
  if (rc == SQLITE_OK) rc = BindText(statement, 2, run);
  if (rc != SQLITE_OK) return SqliteError(rc, "binding the upload record query");
  std::vector<UploadRecord> records;
  while ((rc = sqlite3_step(statement)) == SQLITE_ROW) {
    UploadRecord record;
    record.id = sqlite3_column_int64(statement, 0);
    record.node = node;
    record.storage_id = std::string(ColumnText(statement, 1));
    record.bucket = std::string(ColumnText(statement, 2));
    record.key = std::string(ColumnBlob(statement, 3));
    record.upload_id = std::string(ColumnText(statement, 4));
    record.start_time = absl::FromUnixMicros(sqlite3_column_int64(statement, 5));
    record.run = std::string(ColumnText(statement, 6));
    records.push_back(std::move(record));
  }
  if (rc != SQLITE_DONE) return SqliteError(rc, "reading the upload records");
  return records;
}

}  // namespace pluton::storage
