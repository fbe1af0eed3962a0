// Loads the real pluton_local.so the way the service does (dlopen + entry symbol) with a small
// counting host (common/plugin_harness.h), and gives each test a fresh temporary directory
// (common/temp_dir.h).
#ifndef PLUTON_TESTS_PLUGINS_LOCAL_PLUGIN_TEST_UTIL_H_
#define PLUTON_TESTS_PLUGINS_LOCAL_PLUGIN_TEST_UTIL_H_

#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "common/plugin_harness.h"
#include "common/temp_dir.h"
#include "gtest/gtest.h"
#include "pluton/storage_plugin.h"

namespace pluton::local_test {

namespace fs = std::filesystem;

inline constexpr char kPluginFile[] = "pluton_local.so";

using ::pluton::testing::Config;
using ::pluton::testing::Error;
using ::pluton::testing::Take;

// The host services handed to the plugin: a counting budget and a log sink.
struct TestHost : ::pluton::testing::HostLog {
  static inline std::atomic<int64_t> budget_in_use{0};
  static inline std::atomic<int64_t> budget_reservations{0};

  static int32_t Reserve(uint64_t bytes, const pluton_cancel_token*) {
    budget_in_use += static_cast<int64_t>(bytes);
    ++budget_reservations;
    return PLUTON_OK;
  }
  static void Release(uint64_t bytes) { budget_in_use -= static_cast<int64_t>(bytes); }

  static const pluton_host_api* Api() { return ::pluton::testing::HostApi<TestHost>(); }
};

// The loaded plugin, shared by every test of the binary (as in the service: loaded once).
using LoadedPlugin = ::pluton::testing::LoadedPlugin<TestHost>;

class LocalPluginTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const LoadedPlugin& plugin = LoadedPlugin::Get(kPluginFile);
    ASSERT_NE(plugin.api, nullptr) << plugin.load_error;
    api_ = plugin.api;
    ::umask(022);
    tmp_ = tmp_dir_.path();
    root_ = tmp_ / "root";
    fs::create_directory(root_);
    config_ = Config{{"root", root_.string()}};
  }
  void TearDown() override {
    EXPECT_EQ(TestHost::budget_in_use.load(), 0) << "budget reservations leaked";
  }

  Error Check(pluton_error* error) const { return Take(api_, error); }

  // Runs a whole upload, writing `data` in pieces of `chunk` bytes (0 = one write).
  Error Upload(const std::string& bucket, const std::string& key, const std::string& data,
               size_t chunk = 0, pluton_upload_result* result_out = nullptr) {
    pluton_upload_params params = Params(bucket, key);
    pluton_upload* upload = nullptr;
    Error begin = Check(api_->upload_begin(config_.get(), &params, &upload));
    if (!begin.ok) return begin;
    EXPECT_NE(upload, nullptr);
    size_t offset = 0;
    const size_t step = chunk == 0 ? data.size() : chunk;
    do {
      const size_t n = std::min(step, data.size() - offset);
      Error write = Check(
          api_->upload_write(upload, reinterpret_cast<const uint8_t*>(data.data()) + offset, n));
      if (!write.ok) {
        api_->upload_abort(upload);
        api_->upload_destroy(upload);
        return write;
      }
      offset += n;
    } while (offset < data.size());
    pluton_upload_result result{};
    result.struct_size = sizeof(result);
    Error finish = Check(api_->upload_finish(upload, &result));
    if (!finish.ok) api_->upload_abort(upload);
    if (finish.ok && result_out != nullptr) {
      *result_out = result;
      result_out->etag = nullptr;  // lives only until destroy
    }
    if (finish.ok) {
      EXPECT_STREQ(result.etag, "");
    }
    api_->upload_destroy(upload);
    return finish;
  }

  static pluton_upload_params Params(const std::string& bucket, const std::string& key) {
    // The strings must outlive the call: callers pass long-lived std::strings.
    pluton_upload_params params{};
    params.struct_size = sizeof(params);
    params.bucket = bucket.c_str();
    params.key = key.c_str();
    params.expected_size = -1;
    params.content_type = "application/octet-stream";
    return params;
  }

  static std::string ReadFile(const fs::path& path) {
    return ::pluton::testing::ReadFileBytes(path.string());
  }
  static void WriteFile(const fs::path& path, const std::string& data) {
    std::ofstream out(path, std::ios::binary);
    out << data;
  }
  // Entries of a directory (names), or empty when it does not exist.
  static std::vector<std::string> List(const fs::path& dir) {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      names.push_back(entry.path().filename().string());
    }
    return names;
  }
  // Every path under `dir`, relative, sorted.
  static std::vector<std::string> Tree(const fs::path& dir) {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& entry : fs::recursive_directory_iterator(dir, ec)) {
      names.push_back(fs::relative(entry.path(), dir).string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }
  fs::path Partial() const { return root_ / ".pluton-partial"; }

  const pluton_plugin_api* api_ = nullptr;
  ::pluton::testing::TempDir tmp_dir_{"pluton-local-test-"};  // removed after TearDown
  fs::path tmp_;
  fs::path root_;
  Config config_;
};

}  // namespace pluton::local_test

#endif  // PLUTON_TESTS_PLUGINS_LOCAL_PLUGIN_TEST_UTIL_H_
