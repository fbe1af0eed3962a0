// Loads the real pluton_local.so the way the service does (dlopen + entry symbol) with a small
// counting host, and gives each test a fresh temporary directory (common/temp_dir.h).
#ifndef PLUTON_TESTS_PLUGINS_LOCAL_PLUGIN_TEST_UTIL_H_
#define PLUTON_TESTS_PLUGINS_LOCAL_PLUGIN_TEST_UTIL_H_

#include <dlfcn.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "common/temp_dir.h"
#include "gtest/gtest.h"
#include "pluton/storage_plugin.h"

namespace pluton::local_test {

namespace fs = std::filesystem;

// The host services handed to the plugin: a counting budget and a log sink.
struct TestHost {
  static inline std::mutex mu;
  static inline std::vector<std::string> log_lines;
  static inline std::atomic<int64_t> budget_in_use{0};
  static inline std::atomic<int64_t> budget_reservations{0};

  static void Log(pluton_log_level level, const char* plugin_id, const char* message) {
    std::lock_guard<std::mutex> lock(mu);
    log_lines.push_back(std::to_string(level) + " " + plugin_id + ": " + message);
  }
  static int32_t Reserve(uint64_t bytes, const pluton_cancel_token*) {
    budget_in_use += static_cast<int64_t>(bytes);
    ++budget_reservations;
    return PLUTON_OK;
  }
  static void Release(uint64_t bytes) { budget_in_use -= static_cast<int64_t>(bytes); }

  static const pluton_host_api* Api() {
    static const pluton_host_api api = {sizeof(pluton_host_api),
                                        PLUTON_PLUGIN_ABI_MAJOR,
                                        PLUTON_PLUGIN_ABI_MINOR,
                                        &Log,
                                        &Reserve,
                                        &Release};
    return &api;
  }
};

// The loaded plugin, shared by every test of the binary (as in the service: loaded once).
struct LoadedPlugin {
  void* handle = nullptr;
  pluton_plugin_entry_fn entry = nullptr;
  const pluton_plugin_api* api = nullptr;
  std::string load_error;

  static LoadedPlugin& Get() {
    static LoadedPlugin plugin = [] {
      LoadedPlugin p;
      const std::string path = std::string(PLUTON_TEST_PLUGIN_DIR) + "/pluton_local.so";
      p.handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
      if (p.handle == nullptr) {
        p.load_error = std::string("dlopen: ") + dlerror();
        return p;
      }
      p.entry =
          reinterpret_cast<pluton_plugin_entry_fn>(dlsym(p.handle, PLUTON_STORAGE_PLUGIN_ENTRY));
      if (p.entry == nullptr) {
        p.load_error = "no entry symbol";
        return p;
      }
      p.api = p.entry(TestHost::Api());
      if (p.api == nullptr) p.load_error = "entry returned NULL";
      return p;
    }();
    return plugin;
  }
};

// A copied pluton_error (the plugin's is released at once with error_destroy).
struct Error {
  bool ok = true;
  int32_t code = PLUTON_OK;
  std::string reason;
  std::string message;
  std::vector<std::pair<std::string, std::string>> violations;
};

inline Error Take(const pluton_plugin_api* api, pluton_error* error) {
  Error out;
  if (error == nullptr) return out;
  out.ok = false;
  out.code = error->code;
  out.reason = error->reason;
  out.message = error->message;
  for (size_t i = 0; i < error->violation_count; ++i) {
    out.violations.emplace_back(error->violations[i].field, error->violations[i].description);
  }
  api->error_destroy(error);
  return out;
}

inline std::ostream& operator<<(std::ostream& os, const Error& e) {
  if (e.ok) return os << "OK";
  os << "code=" << e.code << " reason=" << e.reason << " message=" << e.message;
  for (const auto& [field, description] : e.violations)
    os << " [" << field << ": " << description << "]";
  return os;
}

// Owns the strings of a pluton_config. get() is const and stable, so several threads may
// share one Config while nobody calls Set.
class Config {
 public:
  Config() { Rebuild(); }
  Config(std::initializer_list<std::pair<std::string, std::string>> entries) : entries_(entries) {
    Rebuild();
  }
  // Copies rebuild the pointers (they must point into the copy's own strings).
  Config(const Config& other) : entries_(other.entries_) { Rebuild(); }
  Config& operator=(const Config& other) {
    entries_ = other.entries_;
    Rebuild();
    return *this;
  }
  Config& Set(const std::string& key, const std::string& value) {
    bool found = false;
    for (auto& [k, v] : entries_) {
      if (k == key) {
        v = value;
        found = true;
      }
    }
    if (!found) entries_.emplace_back(key, value);
    Rebuild();
    return *this;
  }
  const pluton_config* get() const { return &config_; }

 private:
  void Rebuild() {
    kvs_.clear();
    for (const auto& [k, v] : entries_) kvs_.push_back({k.c_str(), v.c_str()});
    config_ = {sizeof(pluton_config), kvs_.size(), kvs_.data()};
  }
  std::vector<std::pair<std::string, std::string>> entries_;
  std::vector<pluton_kv> kvs_;
  pluton_config config_{};
};

class LocalPluginTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const LoadedPlugin& plugin = LoadedPlugin::Get();
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
