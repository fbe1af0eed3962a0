// Helpers for the plugin host tests: a temporary plugin directory filled with copies of the
// test plugins built into PLUTON_TEST_BROKEN_PLUGIN_DIR.
#ifndef PLUTON_TESTS_SERVICE_PLUGIN_TEST_UTIL_H_
#define PLUTON_TESTS_SERVICE_PLUGIN_TEST_UTIL_H_

#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

#include "common/temp_dir.h"
#include "gtest/gtest.h"

namespace pluton::storage::testing {

// A fresh directory under the system temp dir (pluton_plugin_test.XXXXXX), removed (with its
// contents) on destruction.
class TempPluginDir : public ::pluton::testing::TempDir {
 public:
  TempPluginDir() : ::pluton::testing::TempDir("pluton_plugin_test.") {}

  // Copies the built test plugin `name` (e.g. "good_minimal") into the directory as `as`
  // (default "<name>.so") and returns the copy's path.
  std::string AddPlugin(const std::string& name, std::string as = "") {
    if (as.empty()) as = name + ".so";
    const std::string from = std::string(PLUTON_TEST_BROKEN_PLUGIN_DIR) + "/" + name + ".so";
    const std::string to = Sub(as);
    std::error_code ec;
    std::filesystem::copy_file(from, to, std::filesystem::copy_options::overwrite_existing, ec);
    EXPECT_FALSE(ec) << "copying " << from << " to " << to << ": " << ec.message();
    return to;
  }

  // Writes a file with `contents` and returns its path.
  std::string AddFile(const std::string& filename, const std::string& contents) {
    const std::string to = Sub(filename);
    std::ofstream(to, std::ios::binary) << contents;
    return to;
  }
};

}  // namespace pluton::storage::testing

#endif  // PLUTON_TESTS_SERVICE_PLUGIN_TEST_UTIL_H_
