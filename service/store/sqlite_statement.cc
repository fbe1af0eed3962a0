#include "store/sqlite_statement.h"

#include <cstddef>

namespace pluton::storage {

absl::StatusCode CodeForSqliteResult(int rc) {
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PROTOCOL:
      return absl::StatusCode::kUnavailable;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return absl::StatusCode::kDataLoss;
    case SQLITE_NOMEM:
      return absl::StatusCode::kResourceExhausted;
    default:
      return absl::StatusCode::kInternal;
  }
}

int BindText(sqlite3_stmt* statement, int index, absl::string_view text) {
  return sqlite3_bind_text64(statement, index, text.data(), text.size(), SQLITE_TRANSIENT,
                             SQLITE_UTF8);
}

int BindBlob(sqlite3_stmt* statement, int index, absl::string_view bytes) {
  // A non-null pointer with length 0 binds an empty blob (not NULL), which reads back as "".
  static const char kEmpty = 0;
  return sqlite3_bind_blob64(statement, index, bytes.empty() ? &kEmpty : bytes.data(), bytes.size(),
                             SQLITE_TRANSIENT);
}

absl::string_view ColumnText(sqlite3_stmt* statement, int column) {
  const unsigned char* text = sqlite3_column_text(statement, column);
  if (text == nullptr) return {};
  return absl::string_view(reinterpret_cast<const char*>(text),
                           static_cast<size_t>(sqlite3_column_bytes(statement, column)));
}

absl::string_view ColumnBlob(sqlite3_stmt* statement, int column) {
  const void* blob = sqlite3_column_blob(statement, column);
  if (blob == nullptr) return {};
  return absl::string_view(static_cast<const char*>(blob),
                           static_cast<size_t>(sqlite3_column_bytes(statement, column)));
}

}  // namespace pluton::storage
