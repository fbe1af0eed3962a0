// Builds a pluton_test_report (the outcome of test_connection).
//
// Ownership: Release() returns a report owned by the caller of the ABI function it is handed
// to, who releases it with the table's test_report_destroy, which must be DestroyTestReport.
// The report is a single heap block holding every check and string.
// Thread safety: a builder is used by one thread; distinct reports share nothing mutable.
#ifndef PLUTON_PLUGINS_SDK_TEST_REPORT_H_
#define PLUTON_PLUGINS_SDK_TEST_REPORT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "pluton/storage_plugin.h"

namespace pluton::plugin_sdk {

class TestReportBuilder {
 public:
  // Records one check, in order. `detail` is the provider's answer in brief on failure and ""
  // on success; never a secret.
  void AddCheck(std::string name, std::string description, bool passed, std::string detail,
                uint64_t latency_us);
  // Marks the test failed with a stable reason ("NOT_FOUND") and what to fix. The first call
  // wins; later calls are ignored (the first failure is the one to fix).
  void Fail(std::string reason, std::string message);

  bool failed() const;
  size_t check_count() const { return checks_.size(); }

  // Builds the report and resets the builder. success = no Fail() and every check passed. When
  // a check failed but Fail() was never called, reason is "CHECK_FAILED" and the message names
  // the first failed check and its detail. Throws std::bad_alloc when memory runs out.
  pluton_test_report* Release();

 private:
  struct Check {
    std::string name, description, detail;
    bool passed;
    uint64_t latency_us;
  };
  std::vector<Check> checks_;
  bool failed_ = false;
  std::string reason_;
  std::string message_;
};

// Releases a report built by TestReportBuilder. NULL is a no-op. Use as the table's
// test_report_destroy.
void DestroyTestReport(pluton_test_report* report) noexcept;

}  // namespace pluton::plugin_sdk

#endif  // PLUTON_PLUGINS_SDK_TEST_REPORT_H_
