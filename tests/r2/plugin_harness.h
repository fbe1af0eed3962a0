// Loads a real provider plugin (pluton_r2.so, pluton_s3.so) the way the service does (dlopen +
// entry symbol) with a small counting host, and wraps its C ABI results in copied values (the
// shared parts in common/plugin_harness.h); and the strict R2 fake (s3core/r2fake_process.h) shared
// by every test of the binary:
//
//   ASSERT_TRUE(SharedFake().ok()) << SharedFake().status();   // starts it on first use
//   R2FakeProcess& fake = **SharedFake();
//   fake.Reset();                                              // between tests
//   fake.AddFault({{"operation", "ListObjectsV2"}, {"action", "delay"}, ...});
//   config.Set("endpoint", fake.endpoint());
#ifndef PLUTON_TESTS_R2_PLUGIN_HARNESS_H_
#define PLUTON_TESTS_R2_PLUGIN_HARNESS_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "common/plugin_harness.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "pluton/storage_plugin.h"
#include "s3core/r2fake_process.h"

namespace pluton::r2_test {

using ::pluton::s3::testing::R2FakeProcess;
using ::pluton::testing::Config;
using ::pluton::testing::Error;
using ::pluton::testing::Take;

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

// The host services handed to the plugins: a log sink (common/plugin_harness.h) and a budget
// that behaves like the service's (waits while exhausted, polling the cancel token;
// RESOURCE_EXHAUSTED above its capacity) and counts what it hands out. `capacity` is unlimited
// unless a test sets it.
struct TestHost : ::pluton::testing::HostLog {
  static inline std::atomic<int64_t> capacity{INT64_MAX};
  static inline std::atomic<int64_t> budget_in_use{0};
  static inline std::atomic<int64_t> budget_peak{0};
  static inline std::atomic<int64_t> budget_reservations{0};
  static inline std::atomic<int64_t> budget_waits{0};  // reservations that had to wait

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

  static const pluton_host_api* Api() { return ::pluton::testing::HostApi<TestHost>(); }
};

// A plugin loaded once per test binary (as in the service), by file name.
using LoadedPlugin = ::pluton::testing::LoadedPlugin<TestHost>;

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
