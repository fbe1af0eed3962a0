// Small helpers around SQLite prepared statements, shared by the SQLite-backed stores.
//
// Thread safety: none of their own; callers hold the connection's lock while using them.
#ifndef PLUTON_SERVICE_STORE_SQLITE_STATEMENT_H_
#define PLUTON_SERVICE_STORE_SQLITE_STATEMENT_H_

#include <sqlite3.h>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace pluton::storage {

// Resets a cached statement and clears its bindings when the scope ends, so the next use
// starts clean whatever path this one took.
class ScopedReset {
 public:
  explicit ScopedReset(sqlite3_stmt* statement) : statement_(statement) {}
  ~ScopedReset() {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
  }
  ScopedReset(const ScopedReset&) = delete;
  ScopedReset& operator=(const ScopedReset&) = delete;

 private:
  sqlite3_stmt* statement_;
};

// The status code for SQLite result `rc`: transient conditions (busy, locked, I/O, full,
// read-only) UNAVAILABLE, a corrupt or foreign file DATA_LOSS, out of memory
// RESOURCE_EXHAUSTED, anything else INTERNAL.
absl::StatusCode CodeForSqliteResult(int rc);

// Bind `text` / `bytes` (copied by SQLite) to parameter `index`. An empty blob binds as an
// empty blob, not NULL. Return SQLite's result code.
int BindText(sqlite3_stmt* statement, int index, absl::string_view text);
int BindBlob(sqlite3_stmt* statement, int index, absl::string_view bytes);

// A column of the current row; empty for NULL. Valid until the statement steps or resets.
absl::string_view ColumnText(sqlite3_stmt* statement, int column);
absl::string_view ColumnBlob(sqlite3_stmt* statement, int column);

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_STORE_SQLITE_STATEMENT_H_
