// Test helpers shared by every test binary: a fresh temporary directory removed (recursively)
// when the object goes away, reading a whole file, and deterministic pattern bytes.
//
// Thread safety: a TempDir's accessors are const; it owns its directory and removes it, with
// everything inside, when destroyed.
#ifndef PLUTON_TESTS_COMMON_TEMP_DIR_H_
#define PLUTON_TESTS_COMMON_TEMP_DIR_H_

#include <stdlib.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>

namespace pluton::testing {

class TempDir {
 public:
  // Creates <system temp dir>/<prefix>XXXXXX (mkdtemp, mode 0700); aborts when it cannot.
  explicit TempDir(const std::string& prefix = "pluton-test-") {
    std::string pattern = (std::filesystem::temp_directory_path() / (prefix + "XXXXXX")).string();
    if (mkdtemp(pattern.data()) == nullptr) {
      std::perror(("mkdtemp " + pattern).c_str());
      std::abort();
    }
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // The path of `name` inside the directory.
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// The whole content of `path` ("" when it cannot be read).
inline std::string ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Deterministic pseudo-random bytes (not all zeros, so misplaced data shows).
inline std::string PatternBytes(size_t size, uint32_t seed = 1) {
  std::string out(size, '\0');
  uint32_t x = seed * 2654435761u + 1;
  for (size_t i = 0; i < size; ++i) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    out[i] = static_cast<char>(x);
  }
  return out;
}

}  // namespace pluton::testing

#endif  // PLUTON_TESTS_COMMON_TEMP_DIR_H_
