#include "pluton/sdk/test_report.h"

#include <cstdlib>
#include <cstring>
#include <new>
#include <string_view>

namespace pluton::plugin_sdk {
namespace {

std::string_view CView(const std::string& s) { return std::string_view(s.c_str()); }

const char* Put(char** cursor, std::string_view text) {
  char* start = *cursor;
  if (!text.empty()) std::memcpy(start, text.data(), text.size());
  start[text.size()] = '\0';
  *cursor = start + text.size() + 1;
  return start;
}

}  // namespace

void TestReportBuilder::AddCheck(std::string name, std::string description, bool passed,
                                 std::string detail, uint64_t latency_us) {
  checks_.push_back(
      Check{std::move(name), std::move(description), std::move(detail), passed, latency_us});
}

void TestReportBuilder::Fail(std::string reason, std::string message) {
  if (failed_) return;
  failed_ = true;
  reason_ = std::move(reason);
  message_ = std::move(message);
}

bool TestReportBuilder::failed() const {
  if (failed_) return true;
  for (const Check& check : checks_) {
    if (!check.passed) return true;
  }
  return false;
}

pluton_test_report* TestReportBuilder::Release() {
  if (!failed_) {
    for (const Check& check : checks_) {
      if (!check.passed) {
        failed_ = true;
        reason_ = "CHECK_FAILED";
        message_ = "check \"" + check.name + "\" failed";
        if (!check.detail.empty()) message_ += ": " + check.detail;
        break;
      }
    }
  }

  size_t chars = CView(reason_).size() + 1 + CView(message_).size() + 1;
  for (const Check& check : checks_) {
    chars += CView(check.name).size() + 1 + CView(check.description).size() + 1 +
             CView(check.detail).size() + 1;
  }
  const size_t header = sizeof(pluton_test_report) + checks_.size() * sizeof(pluton_test_check);
  void* block = std::malloc(header + chars);
  if (block == nullptr) throw std::bad_alloc();

  auto* report = static_cast<pluton_test_report*>(block);
  auto* array =
      reinterpret_cast<pluton_test_check*>(static_cast<char*>(block) + sizeof(pluton_test_report));
  char* cursor = static_cast<char*>(block) + header;
  report->struct_size = sizeof(pluton_test_report);
  report->success = failed_ ? 0 : 1;
  report->reason = Put(&cursor, failed_ ? CView(reason_) : std::string_view());
  report->message = Put(&cursor, failed_ ? CView(message_) : std::string_view());
  report->check_count = checks_.size();
  report->checks = checks_.empty() ? nullptr : array;
  for (size_t i = 0; i < checks_.size(); ++i) {
    array[i].name = Put(&cursor, CView(checks_[i].name));
    array[i].description = Put(&cursor, CView(checks_[i].description));
    array[i].passed = checks_[i].passed ? 1 : 0;
    array[i].detail = Put(&cursor, CView(checks_[i].detail));
    array[i].latency_us = checks_[i].latency_us;
  }

  checks_.clear();
  failed_ = false;
  reason_.clear();
  message_.clear();
  return report;
}

void DestroyTestReport(pluton_test_report* report) noexcept { std::free(report); }

}  // namespace pluton::plugin_sdk
