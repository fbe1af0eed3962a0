// Errors, exception guards, test reports and host services of the plugin SDK.
#include <atomic>
#include <cstring>
#include <mutex>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pluton/sdk/sdk.h"

namespace pluton::plugin_sdk {
namespace {

using ::testing::HasSubstr;

TEST(MakeErrorTest, OwnsEveryString) {
  std::string reason = "ACCESS_DENIED";
  std::string message = "the key was refused; rotate it";
  std::vector<Violation> violations = {{"account_id", "empty"}, {"region", "unknown region"}};
  pluton_error* error = MakeError(PLUTON_PERMISSION_DENIED, reason, message, violations);
  // Clobber the inputs: the error must not point into them.
  reason.assign(reason.size(), 'x');
  message.assign(message.size(), 'x');
  violations.clear();
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->struct_size, sizeof(pluton_error));
  EXPECT_EQ(error->code, PLUTON_PERMISSION_DENIED);
  EXPECT_STREQ(error->reason, "ACCESS_DENIED");
  EXPECT_STREQ(error->message, "the key was refused; rotate it");
  ASSERT_EQ(error->violation_count, 2u);
  EXPECT_STREQ(error->violations[0].field, "account_id");
  EXPECT_STREQ(error->violations[0].description, "empty");
  EXPECT_STREQ(error->violations[1].field, "region");
  EXPECT_STREQ(error->violations[1].description, "unknown region");
  DestroyError(error);
}

TEST(MakeErrorTest, EmptyPartsAndOkCode) {
  pluton_error* error = MakeError(PLUTON_OK, "", "");
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->code, PLUTON_INTERNAL);  // never an "error" that reads as success
  EXPECT_STREQ(error->reason, "");
  EXPECT_STREQ(error->message, "");
  EXPECT_EQ(error->violation_count, 0u);
  EXPECT_EQ(error->violations, nullptr);
  DestroyError(error);
  DestroyError(nullptr);  // no-op
}

TEST(MakeErrorTest, InvalidConfigErrorListsViolations) {
  pluton_error* error =
      InvalidConfigError({{"root", "required but not set"}, {"fsync", "\"maybe\" is not a bool"}});
  EXPECT_EQ(error->code, PLUTON_INVALID_ARGUMENT);
  EXPECT_STREQ(error->reason, "INVALID_CONFIG");
  EXPECT_STREQ(error->message,
               "invalid configuration: root: required but not set; fsync: \"maybe\" is not a "
               "bool");
  ASSERT_EQ(error->violation_count, 2u);
  EXPECT_STREQ(error->violations[1].field, "fsync");
  DestroyError(error);

  error = InvalidArgumentError({{"key", "key is empty"}});
  EXPECT_EQ(error->code, PLUTON_INVALID_ARGUMENT);
  EXPECT_STREQ(error->reason, "INVALID_ARGUMENT");
  EXPECT_STREQ(error->message, "invalid request: key: key is empty");
  DestroyError(error);
}

TEST(MakeErrorTest, OutOfMemoryErrorIsStaticAndSafeToDestroy) {
  pluton_error* oom = OutOfMemoryError();
  EXPECT_EQ(oom->code, PLUTON_RESOURCE_EXHAUSTED);
  EXPECT_STREQ(oom->reason, "OUT_OF_MEMORY");
  DestroyError(oom);
  DestroyError(oom);
  EXPECT_EQ(OutOfMemoryError(), oom);
  EXPECT_STREQ(oom->reason, "OUT_OF_MEMORY");
}

TEST(GuardErrorsTest, PassesResultsThrough) {
  EXPECT_EQ(GuardErrors([]() -> pluton_error* { return nullptr; }), nullptr);
  pluton_error* error =
      GuardErrors([] { return MakeError(PLUTON_NOT_FOUND, "NOT_FOUND", "no bucket"); });
  EXPECT_EQ(error->code, PLUTON_NOT_FOUND);
  DestroyError(error);
}

TEST(GuardErrorsTest, ConvertsExceptions) {
  pluton_error* error =
      GuardErrors([]() -> pluton_error* { throw std::runtime_error("disk on fire"); });
  EXPECT_EQ(error->code, PLUTON_INTERNAL);
  EXPECT_STREQ(error->reason, "INTERNAL");
  EXPECT_THAT(error->message, HasSubstr("disk on fire"));
  DestroyError(error);

  error = GuardErrors([]() -> pluton_error* { throw std::bad_alloc(); });
  EXPECT_EQ(error->code, PLUTON_RESOURCE_EXHAUSTED);
  EXPECT_STREQ(error->reason, "OUT_OF_MEMORY");
  DestroyError(error);

  error = GuardErrors([]() -> pluton_error* { throw 42; });
  EXPECT_EQ(error->code, PLUTON_INTERNAL);
  EXPECT_THAT(error->message, HasSubstr("not a std::exception"));
  DestroyError(error);
}

TEST(GuardErrorsTest, VoidAndValueVariants) {
  int runs = 0;
  EXPECT_TRUE(GuardVoid([&] { ++runs; }));
  EXPECT_FALSE(GuardVoid([&] {
    ++runs;
    throw std::logic_error("x");
  }));
  EXPECT_EQ(runs, 2);
  EXPECT_STREQ(GuardValue<const char*>("fallback", [] { return "value"; }), "value");
  EXPECT_STREQ(
      GuardValue<const char*>("fallback", []() -> const char* { throw std::runtime_error("x"); }),
      "fallback");
}

TEST(TestReportBuilderTest, SuccessfulReport) {
  TestReportBuilder builder;
  builder.AddCheck("list_objects", "can list", true, "", 120);
  builder.AddCheck("write_probe", "can write", true, "", 7);
  EXPECT_FALSE(builder.failed());
  pluton_test_report* report = builder.Release();
  ASSERT_NE(report, nullptr);
  EXPECT_EQ(report->struct_size, sizeof(pluton_test_report));
  EXPECT_EQ(report->success, 1);
  EXPECT_STREQ(report->reason, "");
  EXPECT_STREQ(report->message, "");
  ASSERT_EQ(report->check_count, 2u);
  EXPECT_STREQ(report->checks[0].name, "list_objects");
  EXPECT_STREQ(report->checks[0].description, "can list");
  EXPECT_EQ(report->checks[0].passed, 1);
  EXPECT_STREQ(report->checks[0].detail, "");
  EXPECT_EQ(report->checks[0].latency_us, 120u);
  EXPECT_STREQ(report->checks[1].name, "write_probe");
  DestroyTestReport(report);
  DestroyTestReport(nullptr);
  // The builder was reset.
  EXPECT_EQ(builder.check_count(), 0u);
}

TEST(TestReportBuilderTest, FailKeepsTheFirstReason) {
  TestReportBuilder builder;
  builder.AddCheck("root", "root exists", false, "No such file or directory", 3);
  builder.Fail("NOT_FOUND", "create it");
  builder.Fail("OTHER", "ignored");
  pluton_test_report* report = builder.Release();
  EXPECT_EQ(report->success, 0);
  EXPECT_STREQ(report->reason, "NOT_FOUND");
  EXPECT_STREQ(report->message, "create it");
  EXPECT_EQ(report->checks[0].passed, 0);
  EXPECT_STREQ(report->checks[0].detail, "No such file or directory");
  DestroyTestReport(report);

  // Reused after Release: a clean slate.
  pluton_test_report* empty = builder.Release();
  EXPECT_EQ(empty->success, 1);
  EXPECT_EQ(empty->check_count, 0u);
  EXPECT_EQ(empty->checks, nullptr);
  DestroyTestReport(empty);
}

TEST(TestReportBuilderTest, FailedCheckWithoutFailStillFails) {
  TestReportBuilder builder;
  builder.AddCheck("a", "", true, "", 1);
  builder.AddCheck("b", "", false, "timed out", 1);
  pluton_test_report* report = builder.Release();
  EXPECT_EQ(report->success, 0);
  EXPECT_STREQ(report->reason, "CHECK_FAILED");
  EXPECT_STREQ(report->message, "check \"b\" failed: timed out");
  DestroyTestReport(report);
}

// ---------------------------------------------------------------------------------------------
// HostContext, BudgetReservation, CancelToken, PLUTON_SDK_HAS_FIELD

struct FakeHost {
  static std::mutex mu;
  static std::vector<std::string> lines;
  static std::atomic<uint64_t> in_use;
  static constexpr uint64_t kCapacity = 1000;

  static void Log(pluton_log_level level, const char* plugin_id, const char* message) {
    std::lock_guard<std::mutex> lock(mu);
    lines.push_back(std::to_string(level) + " " + plugin_id + " " + message);
  }
  static int32_t Reserve(uint64_t bytes, const pluton_cancel_token* cancel) {
    if (bytes > kCapacity) return PLUTON_RESOURCE_EXHAUSTED;
    if (CancelToken::Cancelled(cancel)) return PLUTON_CANCELLED;
    in_use += bytes;
    return PLUTON_OK;
  }
  static void Release(uint64_t bytes) { in_use -= bytes; }
  static pluton_host_api Api() {
    return {sizeof(pluton_host_api),
            PLUTON_PLUGIN_ABI_MAJOR,
            PLUTON_PLUGIN_ABI_MINOR,
            &Log,
            &Reserve,
            &Release};
  }
};
std::mutex FakeHost::mu;
std::vector<std::string> FakeHost::lines;
std::atomic<uint64_t> FakeHost::in_use{0};

TEST(HostContextTest, CompatibleChecksMajorAndSize) {
  pluton_host_api host = FakeHost::Api();
  EXPECT_TRUE(HostContext::Compatible(&host));
  host.abi_major = PLUTON_PLUGIN_ABI_MAJOR + 1;
  EXPECT_FALSE(HostContext::Compatible(&host));
  host = FakeHost::Api();
  host.struct_size = sizeof(size_t);  // too small to hold abi_major
  EXPECT_FALSE(HostContext::Compatible(&host));
  EXPECT_FALSE(HostContext::Compatible(nullptr));
}

TEST(HostContextTest, WithoutHostEverythingIsANoOp) {
  HostContext context("test");
  context.Log(PLUTON_LOG_INFO, "nobody hears this");
  EXPECT_EQ(context.ReserveBudget(1u << 30, nullptr), PLUTON_OK);
  context.ReleaseBudget(1u << 30);
  pluton_host_api no_functions = {sizeof(pluton_host_api), 1, 0, nullptr, nullptr, nullptr};
  context.Set(&no_functions);
  context.Log(PLUTON_LOG_INFO, "still nothing");
  EXPECT_EQ(context.ReserveBudget(5, nullptr), PLUTON_OK);
}

TEST(HostContextTest, LogsAndReservesThroughTheHost) {
  const pluton_host_api host = FakeHost::Api();
  HostContext context("myplugin");
  context.Set(&host);
  EXPECT_EQ(context.host(), &host);
  FakeHost::lines.clear();
  context.Log(PLUTON_LOG_WARNING, std::string("careful"));
  ASSERT_EQ(FakeHost::lines.size(), 1u);
  EXPECT_EQ(FakeHost::lines[0], "2 myplugin careful");

  EXPECT_EQ(context.ReserveBudget(2000, nullptr), PLUTON_RESOURCE_EXHAUSTED);
  {
    BudgetReservation a;
    EXPECT_EQ(a.Reserve(context, 300, nullptr), PLUTON_OK);
    EXPECT_EQ(FakeHost::in_use, 300u);
    BudgetReservation b = std::move(a);
    EXPECT_EQ(a.bytes(), 0u);
    EXPECT_EQ(b.bytes(), 300u);
    EXPECT_EQ(b.Reserve(context, 100, nullptr), PLUTON_OK);  // releases the 300 first
    EXPECT_EQ(FakeHost::in_use, 100u);
    EXPECT_EQ(b.Reserve(context, 5000, nullptr), PLUTON_RESOURCE_EXHAUSTED);
    EXPECT_EQ(b.bytes(), 0u);
    EXPECT_EQ(FakeHost::in_use, 0u);
    EXPECT_EQ(b.Reserve(context, 10, nullptr), PLUTON_OK);
  }
  EXPECT_EQ(FakeHost::in_use, 0u);  // released on destruction

  std::atomic<int> cancelled{1};
  const pluton_cancel_token token = {
      [](void* ctx) { return static_cast<std::atomic<int>*>(ctx)->load(); }, &cancelled};
  BudgetReservation c;
  EXPECT_EQ(c.Reserve(context, 10, &token), PLUTON_CANCELLED);
  EXPECT_EQ(FakeHost::in_use, 0u);
}

TEST(CancelTokenTest, NullSafe) {
  EXPECT_FALSE(CancelToken::Cancelled(nullptr));
  const pluton_cancel_token no_callback = {nullptr, nullptr};
  EXPECT_FALSE(CancelToken::Cancelled(&no_callback));
  int flag = 0;
  const pluton_cancel_token token = {[](void* ctx) { return *static_cast<int*>(ctx); }, &flag};
  CancelToken wrapped(&token);
  EXPECT_FALSE(wrapped.cancelled());
  flag = 1;
  EXPECT_TRUE(wrapped.cancelled());
  EXPECT_TRUE(CancelToken::Cancelled(&token));
  EXPECT_FALSE(CancelToken().cancelled());
}

TEST(HasFieldTest, FollowsStructSize) {
  pluton_upload_result result{};
  result.struct_size = offsetof(pluton_upload_result, etag) + sizeof(const char*);
  EXPECT_TRUE(PLUTON_SDK_HAS_FIELD(&result, pluton_upload_result, bytes_stored));
  EXPECT_TRUE(PLUTON_SDK_HAS_FIELD(&result, pluton_upload_result, etag));
  EXPECT_FALSE(PLUTON_SDK_HAS_FIELD(&result, pluton_upload_result, part_count));
  const pluton_upload_result* none = nullptr;
  EXPECT_FALSE(PLUTON_SDK_HAS_FIELD(none, pluton_upload_result, etag));
}

}  // namespace
}  // namespace pluton::plugin_sdk
