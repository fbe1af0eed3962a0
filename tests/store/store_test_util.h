// Helpers shared by the store tests: a fresh temporary directory per test and file I/O.
//
// Thread safety: TempDir is not shared between threads while being constructed or
// destroyed; its accessors are const. Ownership: TempDir owns its directory and removes it,
// with everything inside, when destroyed.
#ifndef PLUTON_TESTS_STORE_STORE_TEST_UTIL_H_
#define PLUTON_TESTS_STORE_STORE_TEST_UTIL_H_

#include <sys/stat.h>
#include <sys/types.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>

#include "absl/strings/string_view.h"
#include "gtest/gtest.h"

namespace pluton::storage::testing {

class TempDir {
 public:
  TempDir() {
    std::string base = ::testing::TempDir();
    if (base.empty()) base = "/tmp/";
    if (base.back() != '/') base.push_back('/');
    std::string pattern = base + "pluton_store_test_XXXXXX";
    char* created = ::mkdtemp(pattern.data());
    if (created == nullptr) {
      ADD_FAILURE() << "mkdtemp(" << pattern << ") failed";
      return;
    }
    path_ = created;
  }
  ~TempDir() {
    if (path_.empty()) return;
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // The path of `name` inside the directory.
  std::string File(absl::string_view name) const { return path_ + "/" + std::string(name); }

 private:
  std::string path_;
};

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

inline std::string ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
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
