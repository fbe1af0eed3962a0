// Loads a real provider plugin (pluton_r2.so, pluton_s3.so) the way the service does (dlopen +
// entry symbol) with a small counting host, and wraps its C ABI results in copied values; and
// the strict R2 fake (s3core/r2fake_process.h) shared by every test of the binary:
//
//   ASSERT_TRUE(SharedFake().ok()) << SharedFake().status();   // starts it on first use
//   R2FakeProcess& fake = **SharedFake();
//   fake.Reset();                                              // between tests
//   fake.AddFault({{"operation", "ListObjectsV2"}, {"action", "delay"}, ...});
//   config.Set("endpoint", fake.endpoint());
#ifndef PLUTON_TESTS_R2_PLUGIN_HARNESS_H_
#define PLUTON_TESTS_R2_PLUGIN_HARNESS_H_

#include <dlfcn.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "pluton/storage_plugin.h"
#include "s3core/r2fake_process.h"

namespace pluton::r2_test {

using ::pluton::s3::testing::R2FakeProcess;

// The fake's tokens (FakeConfig): an admin token, an Object Read & Write token for "backups"
// only, and an Object Read token for "backups".
inline constexpr char kAdminKeyId[] = "adminkey0000000000000000000000aa";
inline constexpr char kAdminSecret[] =
    "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";
inline constexpr char kScopedKeyId[] = "scopedkey00000000000000000000bbb";
inline constexpr char kScopedSecret[] =
    "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";
inline constexpr char kReadOnlyKeyId[] = "readonlykey000000000000000000ccc";
inline constexpr char kReadOnlySecret[] =
    "00ff11ee22dd33cc44bb55aa6699778800ff11ee22dd33cc44bb55aa66997788";
// A well-formed account id; with an endpoint override it only has to pass validation.
inline constexpr char kAccountId[] = "0123456789abcdef0123456789abcdef";

// The fake's --config: the tokens above and the buckets "backups", "other" and "eu-backups"
// (EU jurisdiction).
inline nlohmann::json FakeConfig() {
  using nlohmann::json;
  return json{
      {"credentials",
       json::array({
           {{"access_key_id", kAdminKeyId}, {"secret_access_key", kAdminSecret}, {"admin", true}},
           {{"access_key_id", kScopedKeyId},
            {"secret_access_key", kScopedSecret},
            {"buckets", json::array({"backups"})}},
           {{"access_key_id", kReadOnlyKeyId},
            {"secret_access_key", kReadOnlySecret},
            {"buckets", json::array({"backups"})},
            {"permission", "read-only"}},
       })},
      {"buckets",
       json::array({"backups", "other", json{{"name", "eu-backups"}, {"jurisdiction", "eu"}}})},
  };
}

// The process-wide fake with FakeConfig(), started on first call (thread-safe) and stopped at
// exit; the error when it could not start.
inline const absl::StatusOr<std::unique_ptr<R2FakeProcess>>& SharedFake() {
  static const absl::StatusOr<std::unique_ptr<R2FakeProcess>> fake =
      R2FakeProcess::StartWithConfig(FakeConfig());
  return fake;
}

// The host services handed to the plugins: a log sink and a budget that behaves like the
// service's (waits while exhausted, polling the cancel token; RESOURCE_EXHAUSTED above its
// capacity) and counts what it hands out. `capacity` is unlimited unless a test sets it.
struct TestHost {
  static inline std::mutex mu;
  static inline std::vector<std::string> log_lines;
  static inline std::atomic<int64_t> capacity{INT64_MAX};
  static inline std::atomic<int64_t> budget_in_use{0};
  static inline std::atomic<int64_t> budget_peak{0};
  static inline std::atomic<int64_t> budget_reservations{0};
  static inline std::atomic<int64_t> budget_waits{0};  // reservations that had to wait

  static void Log(pluton_log_level level, const char* plugin_id, const char* message) {
    std::lock_guard<std::mutex> lock(mu);
    log_lines.push_back(std::to_string(level) + " " + plugin_id + ": " + message);
  }
  static int32_t Reserve(uint64_t bytes, const pluton_cancel_token* cancel) {
    const auto wanted = static_cast<int64_t>(bytes);
    if (wanted > capacity.load()) return PLUTON_RESOURCE_EXHAUSTED;
    bool waited = false;
    for (;;) {
      int64_t in_use = budget_in_use.load();
      if (in_use + wanted <= capacity.load()) {
        if (!budget_in_use.compare_exchange_weak(in_use, in_use + wanted)) continue;
        int64_t peak = budget_peak.load();
        while (in_use + wanted > peak &&
               !budget_peak.compare_exchange_weak(peak, in_use + wanted)) {
        }
        ++budget_reservations;
        if (waited) ++budget_waits;
        return PLUTON_OK;
      }
      // Like the service: free bytes first, then the token.
      if (cancel != nullptr && cancel->is_cancelled != nullptr &&
          cancel->is_cancelled(cancel->ctx) != 0) {
        return PLUTON_CANCELLED;
      }
      waited = true;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  static void Release(uint64_t bytes) { budget_in_use -= static_cast<int64_t>(bytes); }
  static std::vector<std::string> Logs() {
    std::lock_guard<std::mutex> lock(mu);
    return log_lines;
  }

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

// A plugin loaded once per test binary (as in the service), by file name.
struct LoadedPlugin {
  void* handle = nullptr;
  const pluton_plugin_api* api = nullptr;
  std::string load_error;

  static const LoadedPlugin& Get(const std::string& file_name) {
    static std::mutex mu;
    static std::map<std::string, LoadedPlugin> plugins;
    std::lock_guard<std::mutex> lock(mu);
    auto it = plugins.find(file_name);
    if (it != plugins.end()) return it->second;
    LoadedPlugin& p = plugins[file_name];
    const std::string path = std::string(PLUTON_TEST_PLUGIN_DIR) + "/" + file_name;
    p.handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (p.handle == nullptr) {
      p.load_error = std::string("dlopen: ") + dlerror();
      return p;
    }
    auto entry =
        reinterpret_cast<pluton_plugin_entry_fn>(dlsym(p.handle, PLUTON_STORAGE_PLUGIN_ENTRY));
    if (entry == nullptr) {
      p.load_error = "no entry symbol";
      return p;
    }
    p.api = entry(TestHost::Api());
    if (p.api == nullptr) p.load_error = "entry returned NULL";
    return p;
  }
};

// A copied pluton_error (the plugin's is released at once with error_destroy).
struct Error {
  bool ok = true;
  int32_t code = PLUTON_OK;
  std::string reason;
  std::string message;
  std::vector<std::pair<std::string, std::string>> violations;

  // The description of the violation for `field` ("" when there is none).
  std::string Violation(const std::string& field) const {
    for (const auto& [f, d] : violations) {
      if (f == field) return d;
    }
    return "";
  }
  bool HasViolation(const std::string& field) const {
    for (const auto& v : violations) {
      if (v.first == field) return true;
    }
    return false;
  }
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
  for (const auto& [field, description] : e.violations) {
    os << "\n  [" << field << ": " << description << "]";
  }
  return os;
}

// Owns the strings of a pluton_config.
class Config {
 public:
  Config() { Rebuild(); }
  Config(std::initializer_list<std::pair<std::string, std::string>> entries) : entries_(entries) {
    Rebuild();
  }
  Config(const Config& other) : entries_(other.entries_) { Rebuild(); }
  Config& operator=(const Config& other) {
    entries_ = other.entries_;
    Rebuild();
    return *this;
  }
  // Sets (or replaces) a field.
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

// A copied pluton_test_report.
struct Report {
  struct Check {
    std::string name, description, detail;
    bool passed = false;
    uint64_t latency_us = 0;
  };
  Error error;  // set when test_connection returned an error instead of a report
  bool success = false;
  std::string reason;
  std::string message;
  std::vector<Check> checks;

  const Check* Find(const std::string& name) const {
    for (const Check& c : checks) {
      if (c.name == name) return &c;
    }
    return nullptr;
  }
};

inline std::ostream& operator<<(std::ostream& os, const Report& r) {
  if (!r.error.ok) return os << "error: " << r.error;
  os << (r.success ? "success" : "failed") << " reason=" << r.reason << " message=" << r.message;
  for (const Report::Check& c : r.checks) {
    os << "\n  " << c.name << (c.passed ? " passed" : " FAILED") << " " << c.latency_us
       << "us: " << c.detail;
  }
  return os;
}

// A cancel token driven by the test.
struct TestCancel {
  std::atomic<bool> cancelled{false};
  pluton_cancel_token token{&IsCancelled, this};
  static int IsCancelled(void* ctx) { return static_cast<TestCancel*>(ctx)->cancelled.load(); }
};

inline Report RunTest(const pluton_plugin_api* api, const Config& config, const std::string& bucket,
                      bool read_only = false, uint32_t timeout_ms = 20000,
                      const pluton_cancel_token* cancel = nullptr) {
  pluton_test_params params{};
  params.struct_size = sizeof(params);
  params.bucket = bucket.c_str();
  params.read_only = read_only ? 1 : 0;
  params.timeout_ms = timeout_ms;
  params.cancel = cancel;
  pluton_test_report* raw = nullptr;
  Report report;
  report.error = Take(api, api->test_connection(config.get(), &params, &raw));
  if (!report.error.ok) return report;
  EXPECT_NE(raw, nullptr);
  if (raw == nullptr) return report;
  report.success = raw->success != 0;
  report.reason = raw->reason;
  report.message = raw->message;
  for (size_t i = 0; i < raw->check_count; ++i) {
    const pluton_test_check& c = raw->checks[i];
    report.checks.push_back({c.name, c.description, c.detail, c.passed != 0, c.latency_us});
  }
  api->test_report_destroy(raw);
  return report;
}

}  // namespace pluton::r2_test

#endif  // PLUTON_TESTS_R2_PLUGIN_HARNESS_H_
