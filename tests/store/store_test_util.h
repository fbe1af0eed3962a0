// Helpers shared by the store tests: a fresh temporary directory per test (common/temp_dir.h)
// and file I/O with modes.
#ifndef PLUTON_TESTS_STORE_STORE_TEST_UTIL_H_
#define PLUTON_TESTS_STORE_STORE_TEST_UTIL_H_

#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <fstream>
#include <string>

#include "absl/strings/string_view.h"
#include "common/temp_dir.h"
#include "gtest/gtest.h"

namespace pluton::storage::testing {

using ::pluton::testing::ReadFileBytes;

// A fresh temporary directory (pluton::testing::TempDir) named pluton_store_test_XXXXXX.
class TempDir : public ::pluton::testing::TempDir {
 public:
  TempDir() : ::pluton::testing::TempDir("pluton_store_test_") {}
  // The path of `name` inside the directory.
  std::string File(absl::string_view name) const { return Sub(std::string(name)); }
};

// Runs a single-integer query directly against the file, outside the store.
inline int QueryInt(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
  sqlite3_stmt* statement = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql, -1, &statement, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  int value = -1;
  if (sqlite3_step(statement) == SQLITE_ROW) value = sqlite3_column_int(statement, 0);
  sqlite3_finalize(statement);
  sqlite3_close(db);
  return value;
}

inline void ExecSql(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  sqlite3_close(db);
}

inline bool FileExists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

// Permission bits of `path` (e.g. 0600), or -1 if it cannot be stat'ed.
inline int FileMode(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return -1;
  return static_cast<int>(st.st_mode & 07777);
}

// Writes `content` to `path` and sets its mode to `mode`.
inline void WriteFileBytes(const std::string& path, absl::string_view content, mode_t mode) {
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    ASSERT_TRUE(out.good()) << "cannot write " << path;
  }
  ASSERT_EQ(::chmod(path.c_str(), mode), 0) << "cannot chmod " << path;
}

}  // namespace pluton::storage::testing

#endif  // PLUTON_TESTS_STORE_STORE_TEST_UTIL_H_
