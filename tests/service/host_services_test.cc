#include "plugin/host_services.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace pluton::storage {
namespace {

using std::chrono::milliseconds;

int ReadFlag(void* ctx) { return static_cast<std::atomic<bool>*>(ctx)->load() ? 1 : 0; }

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
  std::this_thread::sleep_for(milliseconds(150));
  EXPECT_FALSE(done.load()) << "Reserve returned while the budget was exhausted";
  budget.Release(50);
  waiter.join();
  EXPECT_EQ(result, PLUTON_OK);
  EXPECT_EQ(budget.in_use(), 80u);
}

TEST(MemoryBudgetTest, CancelWhileWaitingReturnsCancelled) {
  MemoryBudget budget(100);
  ASSERT_EQ(budget.Reserve(100, nullptr), PLUTON_OK);
  std::atomic<bool> cancelled{false};
  const pluton_cancel_token token{&ReadFlag, &cancelled};
  std::atomic<bool> done{false};
  int32_t result = -1;
  std::thread waiter([&] {
    result = budget.Reserve(1, &token);
    done = true;
  });
  std::this_thread::sleep_for(milliseconds(150));
  EXPECT_FALSE(done.load());
  const auto cancelled_at = std::chrono::steady_clock::now();
  cancelled = true;
  waiter.join();
  EXPECT_EQ(result, PLUTON_CANCELLED);
  EXPECT_EQ(budget.in_use(), 100u);  // Nothing was taken.
  // Polled every 50 ms; allow a very generous margin for a loaded machine.
  EXPECT_LT(std::chrono::steady_clock::now() - cancelled_at, std::chrono::seconds(10));
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
  std::thread releaser([&] {
    std::this_thread::sleep_for(milliseconds(100));
    budget.Release(10);
  });
  EXPECT_EQ(budget.Reserve(5, &token), PLUTON_OK);
  releaser.join();
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

TEST(HostServicesTest, LogAcceptsMissingStrings) {
  HostServices host(1);
  const pluton_host_api* api = host.api();
  api->log(PLUTON_LOG_INFO, "test", "a line from a plugin\nwith a second line folded in");
  api->log(PLUTON_LOG_WARNING, nullptr, nullptr);
  api->log(static_cast<pluton_log_level>(42), "", "");
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
