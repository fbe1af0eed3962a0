#include "plugin/host_services.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pluton::storage {
namespace {

using std::chrono::milliseconds;
using ::testing::EndsWith;

int ReadFlag(void* ctx) { return static_cast<std::atomic<bool>*>(ctx)->load() ? 1 : 0; }

// A cancel token that counts how often Reserve polls it, and cancels once told to.
struct CountingToken {
  std::atomic<bool> cancelled{false};
  std::atomic<int> polls{0};
  std::atomic<int> polls_seeing_cancel{0};
  const pluton_cancel_token token{&Poll, this};

  static int Poll(void* ctx) {
    auto* self = static_cast<CountingToken*>(ctx);
    self->polls.fetch_add(1);
    if (!self->cancelled.load()) return 0;
    self->polls_seeing_cancel.fetch_add(1);
    return 1;
  }
};

// Waits for a state another thread brings about. Not a timing assertion: the minute is only
// there so that a broken budget fails the test instead of hanging it.
template <typename Predicate>
bool Eventually(Predicate done) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::minutes(1);
  while (!done()) {
    if (std::chrono::steady_clock::now() > give_up) return false;
    std::this_thread::sleep_for(milliseconds(1));
  }
  return true;
}

TEST(MemoryBudgetTest, ReservesAndReleases) {
  MemoryBudget budget(100);
  EXPECT_EQ(budget.capacity(), 100u);
  EXPECT_EQ(budget.in_use(), 0u);
  EXPECT_EQ(budget.Reserve(60, nullptr), PLUTON_OK);
  EXPECT_EQ(budget.Reserve(40, nullptr), PLUTON_OK);
  EXPECT_EQ(budget.in_use(), 100u);
  EXPECT_EQ(budget.Reserve(0, nullptr), PLUTON_OK);
  budget.Release(60);
  EXPECT_EQ(budget.in_use(), 40u);
  budget.Release(40);
  EXPECT_EQ(budget.in_use(), 0u);
}

TEST(MemoryBudgetTest, MoreThanTheWholeBudgetIsResourceExhausted) {
  MemoryBudget budget(100);
  EXPECT_EQ(budget.Reserve(101, nullptr), PLUTON_RESOURCE_EXHAUSTED);
  EXPECT_EQ(budget.in_use(), 0u);
  // Even when part of the budget is taken, it is the capacity that decides, not what is free.
  ASSERT_EQ(budget.Reserve(50, nullptr), PLUTON_OK);
  EXPECT_EQ(budget.Reserve(UINT64_MAX, nullptr), PLUTON_RESOURCE_EXHAUSTED);
  EXPECT_EQ(budget.in_use(), 50u);
}

TEST(MemoryBudgetTest, ReserveWaitsUntilAnotherThreadReleases) {
  MemoryBudget budget(100);
  ASSERT_EQ(budget.Reserve(100, nullptr), PLUTON_OK);
  std::atomic<bool> done{false};
  int32_t result = -1;
  std::thread waiter([&] {
    result = budget.Reserve(30, nullptr);
    done = true;
  });
  ASSERT_TRUE(Eventually([&] { return budget.waiters() == 1; })) << "Reserve never waited";
  EXPECT_FALSE(done.load()) << "Reserve returned while the budget was exhausted";
  EXPECT_EQ(budget.in_use(), 100u);
  budget.Release(50);
  waiter.join();
  EXPECT_EQ(result, PLUTON_OK);
  EXPECT_EQ(budget.in_use(), 80u);
  EXPECT_EQ(budget.waiters(), 0);
}

TEST(MemoryBudgetTest, CancelWhileWaitingReturnsCancelled) {
  MemoryBudget budget(100);
  ASSERT_EQ(budget.Reserve(100, nullptr), PLUTON_OK);
  CountingToken cancel;
  std::atomic<bool> done{false};
  int32_t result = -1;
  std::thread waiter([&] {
    result = budget.Reserve(1, &cancel.token);
    done = true;
  });
  // A waiter polls its token again and again while the budget stays full.
  ASSERT_TRUE(Eventually([&] { return cancel.polls.load() >= 3; }))
      << "a waiting Reserve stopped polling its cancel token";
  EXPECT_FALSE(done.load());
  cancel.cancelled = true;
  waiter.join();
  EXPECT_EQ(result, PLUTON_CANCELLED);
  // It returned at the first poll that saw the cancel, and took nothing.
  EXPECT_EQ(cancel.polls_seeing_cancel.load(), 1);
  EXPECT_EQ(budget.in_use(), 100u);
  EXPECT_EQ(budget.waiters(), 0);
}

TEST(MemoryBudgetTest, CancelledTokenOnlyMattersWhenWaiting) {
  MemoryBudget budget(100);
  std::atomic<bool> cancelled{true};
  const pluton_cancel_token token{&ReadFlag, &cancelled};
  EXPECT_EQ(budget.Reserve(10, &token), PLUTON_OK);
  EXPECT_EQ(budget.Reserve(91, &token), PLUTON_CANCELLED);
  EXPECT_EQ(budget.in_use(), 10u);
}

TEST(MemoryBudgetTest, TokenWithoutFunctionNeverCancels) {
  MemoryBudget budget(10);
  ASSERT_EQ(budget.Reserve(10, nullptr), PLUTON_OK);
  const pluton_cancel_token token{nullptr, nullptr};
  int32_t result = -1;
  std::thread waiter([&] { result = budget.Reserve(5, &token); });
  // Waiting with such a token (polled many times over) must neither cancel nor crash.
  ASSERT_TRUE(Eventually([&] { return budget.waiters() == 1; }));
  budget.Release(10);
  waiter.join();
  EXPECT_EQ(result, PLUTON_OK);
  EXPECT_EQ(budget.in_use(), 5u);
}

TEST(MemoryBudgetTest, ReleasingMoreThanReservedClampsToZero) {
  MemoryBudget budget(100);
  ASSERT_EQ(budget.Reserve(10, nullptr), PLUTON_OK);
  budget.Release(20);
  EXPECT_EQ(budget.in_use(), 0u);
  EXPECT_EQ(budget.Reserve(100, nullptr), PLUTON_OK);
}

TEST(MemoryBudgetTest, NeverExceedsCapacityUnderContention) {
  MemoryBudget budget(100);
  std::atomic<uint64_t> max_seen{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        ASSERT_EQ(budget.Reserve(40, nullptr), PLUTON_OK);
        uint64_t now = budget.in_use();
        uint64_t prev = max_seen.load();
        while (now > prev && !max_seen.compare_exchange_weak(prev, now)) {
        }
        budget.Release(40);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_LE(max_seen.load(), 100u);
  EXPECT_GE(max_seen.load(), 40u);
  EXPECT_EQ(budget.in_use(), 0u);
}

TEST(HostServicesTest, FillsTheHostTable) {
  HostServices host(1000);
  const pluton_host_api* api = host.api();
  EXPECT_EQ(api->struct_size, sizeof(pluton_host_api));
  EXPECT_EQ(api->abi_major, uint32_t{PLUTON_PLUGIN_ABI_MAJOR});
  EXPECT_EQ(api->abi_minor, uint32_t{PLUTON_PLUGIN_ABI_MINOR});
  ASSERT_NE(api->log, nullptr);
  ASSERT_NE(api->reserve_buffer_budget, nullptr);
  ASSERT_NE(api->release_buffer_budget, nullptr);
  EXPECT_EQ(host.budget().capacity(), 1000u);
}

TEST(HostServicesTest, BudgetFunctionsRouteToTheLiveInstance) {
  HostServices host(1000);
  const pluton_host_api* api = host.api();
  EXPECT_EQ(api->reserve_buffer_budget(600, nullptr), PLUTON_OK);
  EXPECT_EQ(host.budget().in_use(), 600u);
  EXPECT_EQ(api->reserve_buffer_budget(1001, nullptr), PLUTON_RESOURCE_EXHAUSTED);
  api->release_buffer_budget(600);
  EXPECT_EQ(host.budget().in_use(), 0u);
}

TEST(HostServicesTest, LogWritesOneLinePerEventAndAcceptsMissingStrings) {
  HostServices host(1);
  const pluton_host_api* api = host.api();
  ::testing::internal::CaptureStderr();
  api->log(PLUTON_LOG_INFO, "test", "a line from a plugin\nwith a second line\r folded in");
  api->log(PLUTON_LOG_WARNING, nullptr, nullptr);
  api->log(static_cast<pluton_log_level>(42), "", "from a future level");
  const std::vector<std::string> lines =
      absl::StrSplit(::testing::internal::GetCapturedStderr(), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 3u) << absl::StrJoin(lines, "\n");
  EXPECT_THAT(lines[0], EndsWith(" INFO  [plugin:test] a line from a plugin with a second line "
                                 " folded in"));
  EXPECT_THAT(lines[1], EndsWith(" WARN  [plugin:?] "));
  EXPECT_THAT(lines[2], EndsWith(" INFO  [plugin:?] from a future level"));
}

TEST(HostServicesTest, AfterDestructionTheTableRefusesInsteadOfCrashing) {
  auto host = std::make_unique<HostServices>(100);
  const auto reserve = host->api()->reserve_buffer_budget;
  const auto release = host->api()->release_buffer_budget;
  host.reset();
  EXPECT_EQ(reserve(1, nullptr), PLUTON_FAILED_PRECONDITION);
  release(1);  // No-op.
  // And a new instance may now be created.
  HostServices again(100);
  EXPECT_EQ(again.api()->reserve_buffer_budget(1, nullptr), PLUTON_OK);
}

TEST(HostServicesDeathTest, SecondLiveInstanceAborts) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  HostServices first(100);
  EXPECT_DEATH({ HostServices second(100); }, "second HostServices");
}

}  // namespace
}  // namespace pluton::storage
