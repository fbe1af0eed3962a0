#include "store/sqlite_storage_store.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "nlohmann/json.hpp"
#include "store/sqlite_statement.h"

namespace pluton::storage {
namespace {

constexpr absl::string_view kLogComponent = "store";

// How long a statement waits for a lock held by another connection before giving up.
constexpr int kBusyTimeoutMs = 5000;

// One step of the schema history: applying `sql` to a database at version `version - 1`
// brings it to `version`. Append new steps; never edit a released one.
struct Migration {
  int version;
  const char* sql;
};

constexpr Migration kMigrations[] = {
    {1,
     "CREATE TABLE storages ("
     "  id TEXT PRIMARY KEY,"
     "  name TEXT UNIQUE NOT NULL,"
     "  provider TEXT NOT NULL,"
     "  config_json TEXT NOT NULL,"
     "  sealed_secrets BLOB,"
     "  create_time_us INTEGER,"
     "  update_time_us INTEGER"
     ");"
     "CREATE INDEX storages_by_provider_name ON storages (provider, name);"},
    {2,
     // What the service computed for each object it stored (object_record_store.h).
     "CREATE TABLE object_records ("
     "  storage_id TEXT NOT NULL REFERENCES storages (id) ON DELETE CASCADE,"
     "  bucket TEXT NOT NULL,"
     "  object_key BLOB NOT NULL,"
     "  size INTEGER NOT NULL,"
     "  md5 BLOB,"
     "  sha256 BLOB,"
     "  etag TEXT NOT NULL,"
     "  part_size INTEGER NOT NULL,"
     "  part_count INTEGER NOT NULL,"
     "  complete_time_us INTEGER NOT NULL,"
     "  PRIMARY KEY (storage_id, bucket, object_key)"
     ") WITHOUT ROWID;"},
    {3,
     // The master key check value (store/master_key_check.h): one row, never the key itself.
     "CREATE TABLE key_check ("
     "  id INTEGER PRIMARY KEY CHECK (id = 1),"
     "  check_value BLOB NOT NULL"
     ");"},
    {4,
     // The uploads under way, for cleanup after a crash (store/upload_record_store.h).
     "CREATE TABLE upload_records ("
     "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
     "  node TEXT NOT NULL,"
     "  run TEXT NOT NULL,"
     "  storage_id TEXT NOT NULL REFERENCES storages (id) ON DELETE CASCADE,"
     "  bucket TEXT NOT NULL,"
     "  object_key BLOB NOT NULL,"
     "  upload_id TEXT NOT NULL,"
     "  start_time_us INTEGER NOT NULL"
     ");"
     "CREATE INDEX upload_records_by_node ON upload_records (node, run);"},
};
static_assert(kMigrations[sizeof(kMigrations) / sizeof(kMigrations[0]) - 1].version ==
                  SqliteStorageStore::kSchemaVersion,
              "the last migration must produce kSchemaVersion");

// The columns ReadRow expects, in order.
#define PLUTON_STORAGE_COLUMNS \
  "id, name, provider, config_json, sealed_secrets, create_time_us, update_time_us"

constexpr char kInsertSql[] =
    "INSERT INTO storages (" PLUTON_STORAGE_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
constexpr char kGetByIdSql[] = "SELECT " PLUTON_STORAGE_COLUMNS " FROM storages WHERE id = ?1";
constexpr char kGetByNameSql[] = "SELECT " PLUTON_STORAGE_COLUMNS " FROM storages WHERE name = ?1";
constexpr char kListSql[] = "SELECT " PLUTON_STORAGE_COLUMNS
                            " FROM storages WHERE name > ?1 AND (?2 = '' OR provider = ?2)"
                            " ORDER BY name LIMIT ?3";
constexpr char kUpdateSql[] =
    "UPDATE storages SET name = ?2, provider = ?3, config_json = ?4, sealed_secrets = ?5,"
    " update_time_us = ?6 WHERE id = ?1";
constexpr char kDeleteSql[] = "DELETE FROM storages WHERE id = ?1";

#undef PLUTON_STORAGE_COLUMNS

// Serializes a config map as a JSON object. INVALID_ARGUMENT when a key or value is not
// valid UTF-8 (JSON cannot carry it). The message names no value.
absl::StatusOr<std::string> ConfigToJson(const std::map<std::string, std::string>& config) {
  try {
    return nlohmann::json(config).dump(-1, ' ', /*ensure_ascii=*/false,
                                       nlohmann::json::error_handler_t::strict);
  } catch (const nlohmann::json::exception&) {
    return absl::InvalidArgumentError(
        "the storage configuration cannot be stored: every key and value must be valid UTF-8");
  }
}

absl::StatusOr<std::map<std::string, std::string>> ConfigFromJson(absl::string_view text) {
  nlohmann::json json =
      nlohmann::json::parse(text.begin(), text.end(), /*cb=*/nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) {
    return absl::DataLossError("config_json is not a JSON object");
  }
  std::map<std::string, std::string> config;
  for (auto it = json.begin(); it != json.end(); ++it) {
    if (!it.value().is_string()) {
      return absl::DataLossError(
          absl::StrCat("config_json value of \"", it.key(), "\" is not a string"));
    }
    config.emplace(it.key(), it.value().get<std::string>());
  }
  return config;
}

// "0644" for a file mode.
std::string OctalMode(mode_t mode) {
  std::string octal(4, '0');
  for (int i = 3; i >= 0; --i, mode >>= 3) octal[i] = static_cast<char>('0' + (mode & 7));
  return octal;
}

}  // namespace

void SqliteStorageStore::StatementDeleter::operator()(sqlite3_stmt* statement) const {
  sqlite3_finalize(statement);
}

absl::StatusOr<std::unique_ptr<SqliteStorageStore>> SqliteStorageStore::Open(
    const std::string& path) {
  if (path.empty()) return absl::InvalidArgumentError("the database path is empty");

  // Create the file ourselves so it is born 0600 (SQLite would use 0644 less the umask);
  // SQLite then gives the -wal and -shm files the database file's mode. O_EXCL: an existing
  // file is never opened here, because closing a descriptor would drop any POSIX locks
  // another connection in this process holds on it.
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) {
    ::close(fd);
  } else if (errno != EEXIST) {
    int error = errno;
    return absl::Status(
        error == ENOENT || error == ENOTDIR ? absl::StatusCode::kFailedPrecondition
                                            : absl::StatusCode::kUnavailable,
        absl::StrCat("cannot create the database file \"", path, "\": ", std::strerror(error)));
  } else {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) {
      int error = errno;
      return absl::UnavailableError(
          absl::StrCat("cannot inspect the database file \"", path, "\": ", std::strerror(error)));
    }
    if (!S_ISREG(st.st_mode)) {
      return absl::FailedPreconditionError(
          absl::StrCat("the database path \"", path, "\" exists but is not a regular file"));
    }
    if ((st.st_mode & 077) != 0) {
      LogWarning(kLogComponent, "database file ", path, " is accessible by group or others (mode ",
                 OctalMode(st.st_mode), "); it holds sealed secrets, run `chmod 600 ", path, "`");
    }
  }

  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                           /*zVfs=*/nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    return absl::Status(CodeForSqliteResult(rc),
                        absl::StrCat("cannot open the SQLite database \"", path, "\": ", message));
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, kBusyTimeoutMs);

  std::unique_ptr<SqliteStorageStore> store(new SqliteStorageStore(path, db));
  RETURN_IF_ERROR(store->Initialize());
  return store;
}

SqliteStorageStore::SqliteStorageStore(std::string path, sqlite3* db)
    : path_(std::move(path)), db_(db) {}

SqliteStorageStore::~SqliteStorageStore() {
  // Statements first: a connection with unfinalized statements does not close.
  insert_.reset();
  get_by_id_.reset();
  get_by_name_.reset();
  list_.reset();
  update_.reset();
  delete_.reset();
  put_record_.reset();
  get_record_.reset();
  delete_record_.reset();
  int rc = sqlite3_close_v2(db_);
  if (rc != SQLITE_OK) {
    LogError(kLogComponent, "closing the SQLite database ", path_, " failed: ", sqlite3_errstr(rc));
  }
}

absl::Status SqliteStorageStore::SqliteError(int rc, absl::string_view what) const {
  return absl::Status(CodeForSqliteResult(rc),
                      absl::StrCat("SQLite database \"", path_, "\": ", what,
                                   " failed: ", sqlite3_errmsg(db_), " (code ", rc, ")"));
}

absl::Status SqliteStorageStore::Exec(const char* sql, absl::string_view what) {
  int rc = sqlite3_exec(db_, sql, /*callback=*/nullptr, /*arg=*/nullptr, /*errmsg=*/nullptr);
  if (rc != SQLITE_OK) return SqliteError(rc, what);
  return absl::OkStatus();
}

absl::Status SqliteStorageStore::Prepare(const char* sql, Statement* statement) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &raw, /*pzTail=*/nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(raw);
    return SqliteError(rc, absl::StrCat("preparing \"", sql, "\""));
  }
  statement->reset(raw);
  return absl::OkStatus();
}

absl::Status SqliteStorageStore::Initialize() {
  std::lock_guard<std::mutex> lock(mu_);

  // journal_mode answers with the mode now in effect, which is not WAL when the file system
  // cannot support it.
  {
    Statement pragma;
    RETURN_IF_ERROR(Prepare("PRAGMA journal_mode = WAL", &pragma));
    int rc = sqlite3_step(pragma.get());
    if (rc != SQLITE_ROW) return SqliteError(rc, "enabling WAL mode");
    std::string mode(ColumnText(pragma.get(), 0));
    if (mode != "wal") {
      return absl::FailedPreconditionError(absl::StrCat(
          "SQLite database \"", path_, "\": cannot enable WAL mode (journal mode is \"", mode,
          "\"); put the database on a local file system"));
    }
  }
  RETURN_IF_ERROR(Exec("PRAGMA synchronous = FULL", "setting synchronous mode"));
  // Deleting a storage deletes its object records (ON DELETE CASCADE).
  RETURN_IF_ERROR(Exec("PRAGMA foreign_keys = ON", "enabling foreign keys"));
  RETURN_IF_ERROR(Migrate());

  RETURN_IF_ERROR(Prepare(kInsertSql, &insert_));
  RETURN_IF_ERROR(Prepare(kGetByIdSql, &get_by_id_));
  RETURN_IF_ERROR(Prepare(kGetByNameSql, &get_by_name_));
  RETURN_IF_ERROR(Prepare(kListSql, &list_));
  RETURN_IF_ERROR(Prepare(kUpdateSql, &update_));
  RETURN_IF_ERROR(Prepare(kDeleteSql, &delete_));
  RETURN_IF_ERROR(PrepareObjectRecordStatements());
  return PrepareUploadRecordStatements();
}

absl::Status SqliteStorageStore::Migrate() {
  // IMMEDIATE: two processes opening a fresh file at once do not both create the schema.
  RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE", "starting the schema transaction"));
  auto migrate = [this]() -> absl::Status {
    int version = 0;
    {
      Statement pragma;
      RETURN_IF_ERROR(Prepare("PRAGMA user_version", &pragma));
      int rc = sqlite3_step(pragma.get());
      if (rc != SQLITE_ROW) return SqliteError(rc, "reading the schema version");
      version = sqlite3_column_int(pragma.get(), 0);
    }
    if (version > kSchemaVersion) {
      return absl::FailedPreconditionError(
          absl::StrCat("SQLite database \"", path_, "\" has schema version ", version,
                       ", newer than the newest this release understands (", kSchemaVersion,
                       "); it was written by a newer release of the service"));
    }
    if (version < 0) {
      return absl::DataLossError(
          absl::StrCat("SQLite database \"", path_, "\" has an invalid schema version ", version));
    }
    for (const Migration& migration : kMigrations) {
      if (migration.version <= version) continue;
      RETURN_IF_ERROR(
          Exec(migration.sql, absl::StrCat("migrating the schema to version ", migration.version)));
      // PRAGMA takes no bound parameters; the version is a compile-time constant.
      std::string set_version = absl::StrCat("PRAGMA user_version = ", migration.version);
      RETURN_IF_ERROR(Exec(set_version.c_str(), "recording the schema version"));
      if (version == 0) {
        LogInfo(kLogComponent, "created the storage database schema in ", path_);
      }
      version = migration.version;
    }
    return Exec("COMMIT", "committing the schema transaction");
  };
  absl::Status status = migrate();
  if (!status.ok()) {
    // Fails harmlessly when no transaction is open any more.
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  return status;
}

absl::StatusOr<StorageRecord> SqliteStorageStore::ReadRow(sqlite3_stmt* statement) const {
  StorageRecord record;
  record.id = std::string(ColumnText(statement, 0));
  record.name = std::string(ColumnText(statement, 1));
  record.provider = std::string(ColumnText(statement, 2));
  absl::StatusOr<std::map<std::string, std::string>> config =
      ConfigFromJson(ColumnText(statement, 3));
  if (!config.ok()) {
    return absl::DataLossError(absl::StrCat("SQLite database \"", path_, "\": storage with id \"",
                                            record.id,
                                            "\" is damaged: ", config.status().message()));
  }
  record.config = *std::move(config);
  record.sealed_secrets = std::string(ColumnBlob(statement, 4));
  record.create_time = absl::FromUnixMicros(sqlite3_column_int64(statement, 5));
  record.update_time = absl::FromUnixMicros(sqlite3_column_int64(statement, 6));
  return record;
}

absl::Status SqliteStorageStore::Insert(const StorageRecord& record) {
  ASSIGN_OR_RETURN(std::string config_json, ConfigToJson(record.config));
  std::lock_guard<std::mutex> lock(mu_);
  sqlite3_stmt* statement = insert_.get();
  ScopedReset reset(statement);
  int rc = SQLITE_OK;
  if (rc == SQLITE_OK) rc = BindText(statement, 1, record.id);
  if (rc == SQLITE_OK) rc = BindText(statement, 2, record.name);
  if (rc == SQLITE_OK) rc = BindText(statement, 3, record.provider);
  if (rc == SQLITE_OK) rc = BindText(statement, 4, config_json);
  if (rc == SQLITE_OK) rc = BindBlob(statement, 5, record.sealed_secrets);
  if (rc == SQLITE_OK) {
    rc = sqlite3_bind_int64(statement, 6, absl::ToUnixMicros(record.create_time));
  }
  if (rc == SQLITE_OK) {
    rc = sqlite3_bind_int64(statement, 7, absl::ToUnixMicros(record.update_time));
  }
  if (rc != SQLITE_OK) return SqliteError(rc, "binding the new storage");

  rc = sqlite3_step(statement);
  if (rc == SQLITE_DONE) return absl::OkStatus();
  if ((rc & 0xff) == SQLITE_CONSTRAINT) {
    absl::string_view message = sqlite3_errmsg(db_);
    if (rc == SQLITE_CONSTRAINT_PRIMARYKEY || absl::StrContains(message, "storages.id")) {
      return absl::AlreadyExistsError(
          absl::StrCat("a storage with id \"", record.id, "\" already exists"));
    }
    if (absl::StrContains(message, "storages.name")) {
      return absl::AlreadyExistsError(
          absl::StrCat("a storage named \"", record.name, "\" already exists"));
    }
  }
  return SqliteError(rc, absl::StrCat("inserting storage \"", record.id, "\""));
}

absl::StatusOr<StorageRecord> SqliteStorageStore::GetOne(sqlite3_stmt* statement,
                                                         absl::string_view key_kind,
                                                         const std::string& key) {
  ScopedReset reset(statement);
  int rc = BindText(statement, 1, key);
  if (rc != SQLITE_OK) return SqliteError(rc, absl::StrCat("binding the storage ", key_kind));
  rc = sqlite3_step(statement);
  if (rc == SQLITE_DONE) {
    return absl::NotFoundError(key_kind == "id" ? absl::StrCat("no storage with id \"", key, "\"")
                                                : absl::StrCat("no storage named \"", key, "\""));
  }
  if (rc != SQLITE_ROW) {
    return SqliteError(rc, absl::StrCat("reading the storage with ", key_kind, " \"", key, "\""));
  }
  return ReadRow(statement);
}

absl::StatusOr<StorageRecord> SqliteStorageStore::GetById(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  return GetOne(get_by_id_.get(), "id", id);
}

absl::StatusOr<StorageRecord> SqliteStorageStore::GetByName(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  return GetOne(get_by_name_.get(), "name", name);
}

absl::StatusOr<std::vector<StorageRecord>> SqliteStorageStore::List(const StorageListQuery& query) {
  if (query.limit <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("the list limit must be positive, not ", query.limit));
  }
  std::lock_guard<std::mutex> lock(mu_);
  sqlite3_stmt* statement = list_.get();
  ScopedReset reset(statement);
  int rc = BindText(statement, 1, query.after_name);
  if (rc == SQLITE_OK) rc = BindText(statement, 2, query.provider);
  if (rc == SQLITE_OK) rc = sqlite3_bind_int64(statement, 3, query.limit);
  if (rc != SQLITE_OK) return SqliteError(rc, "binding the list query");

  std::vector<StorageRecord> records;
  while ((rc = sqlite3_step(statement)) == SQLITE_ROW) {
    ASSIGN_OR_RETURN(StorageRecord record, ReadRow(statement));
    records.push_back(std::move(record));
  }
  if (rc != SQLITE_DONE) return SqliteError(rc, "listing storages");
  return records;
}

absl::Status SqliteStorageStore::Update(const StorageRecord& record) {
  ASSIGN_OR_RETURN(std::string config_json, ConfigToJson(record.config));
  std::lock_guard<std::mutex> lock(mu_);
  sqlite3_stmt* statement = update_.get();
  ScopedReset reset(statement);
  int rc = SQLITE_OK;
  if (rc == SQLITE_OK) rc = BindText(statement, 1, record.id);
  if (rc == SQLITE_OK) rc = BindText(statement, 2, record.name);
  if (rc == SQLITE_OK) rc = BindText(statement, 3, record.provider);
  if (rc == SQLITE_OK) rc = BindText(statement, 4, config_json);
  if (rc == SQLITE_OK) rc = BindBlob(statement, 5, record.sealed_secrets);
  if (rc == SQLITE_OK) {
    rc = sqlite3_bind_int64(statement, 6, absl::ToUnixMicros(record.update_time));
  }
  if (rc != SQLITE_OK) return SqliteError(rc, "binding the updated storage");

  rc = sqlite3_step(statement);
  if (rc == SQLITE_DONE) {
    if (sqlite3_changes(db_) == 0) {
      return absl::NotFoundError(absl::StrCat("no storage with id \"", record.id, "\""));
    }
    return absl::OkStatus();
  }
  if ((rc & 0xff) == SQLITE_CONSTRAINT && absl::StrContains(sqlite3_errmsg(db_), "storages.name")) {
    return absl::AlreadyExistsError(
        absl::StrCat("a storage named \"", record.name, "\" already exists"));
  }
  return SqliteError(rc, absl::StrCat("updating storage \"", record.id, "\""));
}

absl::StatusOr<std::optional<std::string>> SqliteStorageStore::GetKeyCheck() {
  std::lock_guard<std::mutex> lock(mu_);
  Statement statement;
  RETURN_IF_ERROR(Prepare("SELECT check_value FROM key_check WHERE id = 1", &statement));
  int rc = sqlite3_step(statement.get());
  if (rc == SQLITE_DONE) return std::nullopt;
  if (rc != SQLITE_ROW) return SqliteError(rc, "reading the master key check value");
  return std::string(ColumnBlob(statement.get(), 0));
}

absl::StatusOr<bool> SqliteStorageStore::InsertKeyCheckIfAbsent(absl::string_view check_value) {
  std::lock_guard<std::mutex> lock(mu_);
  Statement statement;
  RETURN_IF_ERROR(
      Prepare("INSERT INTO key_check (id, check_value) VALUES (1, ?1) ON CONFLICT (id) DO NOTHING",
              &statement));
  int rc = BindBlob(statement.get(), 1, check_value);
  if (rc != SQLITE_OK) return SqliteError(rc, "binding the master key check value");
  rc = sqlite3_step(statement.get());
  if (rc != SQLITE_DONE) return SqliteError(rc, "writing the master key check value");
  return sqlite3_changes(db_) == 1;
}

absl::StatusOr<std::vector<SealedSecretsRow>> SqliteStorageStore::ListSealedSecrets() {
  std::lock_guard<std::mutex> lock(mu_);
  return ReadSealedSecrets();
}

absl::StatusOr<std::vector<SealedSecretsRow>> SqliteStorageStore::ReadSealedSecrets() {
  Statement statement;
  RETURN_IF_ERROR(Prepare(
      "SELECT id, sealed_secrets FROM storages WHERE length(sealed_secrets) > 0 ORDER BY id",
      &statement));
  std::vector<SealedSecretsRow> rows;
  int rc;
  while ((rc = sqlite3_step(statement.get())) == SQLITE_ROW) {
    rows.push_back(
        {std::string(ColumnText(statement.get(), 0)), std::string(ColumnBlob(statement.get(), 1))});
  }
  if (rc != SQLITE_DONE) return SqliteError(rc, "listing sealed secrets");
  return rows;
}

absl::StatusOr<size_t> SqliteStorageStore::ResealAllSecrets(
    const std::function<absl::StatusOr<std::string>(const SealedSecretsRow&)>& reseal,
    absl::string_view new_check_value) {
  std::lock_guard<std::mutex> lock(mu_);
  RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE", "starting the re-seal transaction"));
  auto reseal_all = [&]() -> absl::StatusOr<size_t> {
    ASSIGN_OR_RETURN(std::vector<SealedSecretsRow> rows, ReadSealedSecrets());
    Statement update;
    RETURN_IF_ERROR(Prepare("UPDATE storages SET sealed_secrets = ?2 WHERE id = ?1", &update));
    for (const SealedSecretsRow& row : rows) {
      ASSIGN_OR_RETURN(std::string resealed, reseal(row));
      ScopedReset reset(update.get());
      int rc = BindText(update.get(), 1, row.storage_id);
      if (rc == SQLITE_OK) rc = BindBlob(update.get(), 2, resealed);
      if (rc == SQLITE_OK) rc = sqlite3_step(update.get());
      if (rc != SQLITE_DONE) {
        return SqliteError(rc, absl::StrCat("re-sealing storage \"", row.storage_id, "\""));
      }
    }
    Statement check;
    RETURN_IF_ERROR(
        Prepare("INSERT INTO key_check (id, check_value) VALUES (1, ?1)"
                " ON CONFLICT (id) DO UPDATE SET check_value = excluded.check_value",
                &check));
    int rc = BindBlob(check.get(), 1, new_check_value);
    if (rc == SQLITE_OK) rc = sqlite3_step(check.get());
    if (rc != SQLITE_DONE) return SqliteError(rc, "replacing the master key check value");
    RETURN_IF_ERROR(Exec("COMMIT", "committing the re-seal transaction"));
    return rows.size();
  };
  absl::StatusOr<size_t> resealed = reseal_all();
  if (!resealed.ok()) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  return resealed;
}

absl::Status SqliteStorageStore::Delete(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  sqlite3_stmt* statement = delete_.get();
  ScopedReset reset(statement);
  int rc = BindText(statement, 1, id);
  if (rc != SQLITE_OK) return SqliteError(rc, "binding the storage id");
  rc = sqlite3_step(statement);
  if (rc != SQLITE_DONE) return SqliteError(rc, absl::StrCat("deleting storage \"", id, "\""));
  if (sqlite3_changes(db_) == 0) {
    return absl::NotFoundError(absl::StrCat("no storage with id \"", id, "\""));
  }
  return absl::OkStatus();
}

}  // namespace pluton::storage
