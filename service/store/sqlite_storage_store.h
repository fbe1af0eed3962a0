// SqliteStorageStore: a StorageStore, ObjectRecordStore and UploadRecordStore kept in one SQLite
// database file.
//
//   ASSIGN_OR_RETURN(std::unique_ptr<SqliteStorageStore> store,
//                    SqliteStorageStore::Open("/var/lib/pluton/storages.db"));
//   RETURN_IF_ERROR(store->Insert(record));
//
// The file is created with mode 0600 if absent (SQLite gives its -wal and -shm companions
// the same mode), opened in WAL mode with a busy timeout, and carries its schema version in
// PRAGMA user_version so later releases can migrate it. Only sealed secrets are stored;
// they are opaque bytes here.
//
// Error mapping: uniqueness violations are ALREADY_EXISTS naming the id or name taken,
// missing rows NOT_FOUND, a transient SQLite condition (busy, locked, I/O, disk full,
// read-only) UNAVAILABLE, a corrupt or foreign file DATA_LOSS, anything else INTERNAL.
// Messages carry SQLite's own message and the database path.
//
// Thread safety: thread-safe. One sqlite3 connection and its prepared statements are
// guarded by an internal mutex, so calls are serialized. Other processes may open the same
// file (SQLite's locking applies; the busy timeout absorbs short contention).
// Ownership: the object owns the connection and closes it on destruction; the caller owns
// the object (through the unique_ptr from Open) and must not destroy it while a call is in
// progress.
#ifndef PLUTON_SERVICE_STORE_SQLITE_STORAGE_STORE_H_
#define PLUTON_SERVICE_STORE_SQLITE_STORAGE_STORE_H_

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "store/object_record_store.h"
#include "store/storage_store.h"
#include "store/upload_record_store.h"

struct sqlite3;
struct sqlite3_stmt;

namespace pluton::storage {

// One storage's sealed secrets (opaque bytes sealed with associated data = storage_id).
struct SealedSecretsRow {
  std::string storage_id;
  std::string sealed_secrets;
};

class SqliteStorageStore : public StorageStore, public ObjectRecordStore, public UploadRecordStore {
 public:
  // The schema version this build writes and understands (PRAGMA user_version).
  // 1: storages. 2: object_records. 3: key_check. 4: upload_records.
  static constexpr int kSchemaVersion = 4;

  // Opens the database at `path`, creating the file (mode 0600) and its schema if absent.
  // An existing file readable by group or others is used, with a logged warning.
  // FAILED_PRECONDITION when the parent directory is missing, the path is not a regular
  // file, the file was written by a newer release (schema version above kSchemaVersion) or
  // WAL mode cannot be enabled; DATA_LOSS when it is not a SQLite database; UNAVAILABLE when
  // it cannot be created or opened for another reason; INVALID_ARGUMENT for an empty path.
  static absl::StatusOr<std::unique_ptr<SqliteStorageStore>> Open(const std::string& path);

  ~SqliteStorageStore() override;

  SqliteStorageStore(const SqliteStorageStore&) = delete;
  SqliteStorageStore& operator=(const SqliteStorageStore&) = delete;

  // StorageStore. List returns INVALID_ARGUMENT when query.limit <= 0; Insert and Update
  // return INVALID_ARGUMENT when a config key or value is not valid UTF-8.
  absl::Status Insert(const StorageRecord& record) override;
  absl::StatusOr<StorageRecord> GetById(const std::string& id) override;
  absl::StatusOr<StorageRecord> GetByName(const std::string& name) override;
  absl::StatusOr<std::vector<StorageRecord>> List(const StorageListQuery& query) override;
  absl::Status Update(const StorageRecord& record) override;
  absl::Status Delete(const std::string& id) override;

  // ObjectRecordStore (sqlite_object_records.cc).
  absl::Status PutObjectRecord(const ObjectRecord& record) override;
  absl::StatusOr<std::optional<ObjectRecord>> GetObjectRecord(const std::string& storage_id,
                                                              const std::string& bucket,
                                                              const std::string& key) override;
  absl::Status DeleteObjectRecords(const std::string& storage_id, const std::string& bucket,
                                   const std::vector<std::string>& keys) override;

  // UploadRecordStore (sqlite_upload_records.cc).
  absl::StatusOr<int64_t> AddUploadRecord(const UploadRecord& record) override;
  absl::Status SetPendingUploadId(int64_t id, const std::string& upload_id) override;
  absl::Status DeleteUploadRecord(int64_t id) override;
  absl::StatusOr<std::vector<UploadRecord>> ListDeadUploadRecords(const std::string& node,
                                                                  const std::string& run) override;

  // The master key check value (store/master_key_check.h), or nullopt when none is recorded
  // yet (a new database, or one written before schema version 3).
  absl::StatusOr<std::optional<std::string>> GetKeyCheck();
  // Records `check_value` unless one is already recorded; true when this call wrote it.
  absl::StatusOr<bool> InsertKeyCheckIfAbsent(absl::string_view check_value);
  // Every storage's id and sealed secrets, for storages that have any, ordered by id.
  absl::StatusOr<std::vector<SealedSecretsRow>> ListSealedSecrets();

  // Replaces every storage's sealed secrets with `reseal(row)` and the check value with
  // `new_check_value`, in one IMMEDIATE transaction: all or nothing. An error from `reseal`
  // (called with the store's lock held; it must not call back into the store) or SQLite rolls
  // everything back and is returned. Returns the number of storages re-sealed.
  absl::StatusOr<size_t> ResealAllSecrets(
      const std::function<absl::StatusOr<std::string>(const SealedSecretsRow&)>& reseal,
      absl::string_view new_check_value);

  // The database file this store was opened on.
  const std::string& path() const { return path_; }

 private:
  struct StatementDeleter {
    void operator()(sqlite3_stmt* statement) const;
  };
  using Statement = std::unique_ptr<sqlite3_stmt, StatementDeleter>;

  SqliteStorageStore(std::string path, sqlite3* db);

  // Creates or checks the schema and prepares the statements. Called once, by Open.
  absl::Status Initialize();
  absl::Status Migrate();
  absl::Status PrepareObjectRecordStatements();
  absl::Status PrepareUploadRecordStatements();
  absl::Status Prepare(const char* sql, Statement* statement);
  absl::Status Exec(const char* sql, absl::string_view what);

  // An error status for SQLite result `rc` from operation `what`, naming the path.
  absl::Status SqliteError(int rc, absl::string_view what) const;

  // Runs a prepared statement that returns at most one storage row.
  absl::StatusOr<StorageRecord> GetOne(sqlite3_stmt* statement, absl::string_view key_kind,
                                       const std::string& key);
  absl::StatusOr<StorageRecord> ReadRow(sqlite3_stmt* statement) const;
  // ListSealedSecrets with mu_ held.
  absl::StatusOr<std::vector<SealedSecretsRow>> ReadSealedSecrets();

  const std::string path_;
  std::mutex mu_;  // guards db_ and every statement below
  sqlite3* db_;    // owned; closed in the destructor after the statements are finalized
  Statement insert_;
  Statement get_by_id_;
  Statement get_by_name_;
  Statement list_;
  Statement update_;
  Statement delete_;
  Statement put_record_;
  Statement get_record_;
  Statement delete_record_;
  Statement add_upload_;
  Statement set_upload_id_;
  Statement delete_upload_;
  Statement list_dead_uploads_;
};

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_STORE_SQLITE_STORAGE_STORE_H_
