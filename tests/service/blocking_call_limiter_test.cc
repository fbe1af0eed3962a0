// BlockingCallLimiter (api/blocking_call_limiter.h): the pool bound, the storage and caller
// shares, the refusals' codes, reasons and messages, and exact release of every slot.
#include "api/blocking_call_limiter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "common/rich_status.h"

namespace pluton::storage {
namespace {

using ::testing::HasSubstr;

CallShareKeys Keys(const std::string& storage, const std::string& caller) {
  return {storage, storage, caller};
}

// A pool of 8 with shares of 25%: 2 calls per storage and per caller.
BlockingCallLimiter EightWithQuarterShares() {
  return BlockingCallLimiter({"object calls", 8}, FairShares{25, 25});
}

TEST(BlockingCallLimiterTest, SharesArePercentOfThePoolRoundedUpAndAtLeastOne) {
  BlockingCallLimiter defaults({"object calls", 64}, FairShares{});
  EXPECT_EQ(defaults.storage_share(), 32);
  EXPECT_EQ(defaults.caller_share(), 32);
  BlockingCallLimiter small({"connection tests", 16}, FairShares{5, 100});
  EXPECT_EQ(small.storage_share(), 1);  // 0.8 rounds up
  EXPECT_EQ(small.caller_share(), 16);
  BlockingCallLimiter one({"downloads", 1}, FairShares{1, 1});
  EXPECT_EQ(one.storage_share(), 1);
}

TEST(BlockingCallLimiterTest, AStorageBeyondItsShareIsRefusedWhileAnotherIsServed) {
  BlockingCallLimiter limiter = EightWithQuarterShares();
  auto first = limiter.TryAcquire(Keys("stg_a", "x"));
  auto second = limiter.TryAcquire(Keys("stg_a", "y"));
  ASSERT_TRUE(first.ok() && second.ok());

  CallShareKeys by_name{"stg_a", "backup-a", "z"};
  const absl::Status refused = limiter.TryAcquire(by_name).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(ReasonOf(refused), "TOO_MANY_CALLS_ON_STORAGE");
  EXPECT_THAT(refused.message(), HasSubstr("storage \"backup-a\" has as many object calls"));
  EXPECT_THAT(refused.message(), HasSubstr("(2 of 8, --storage_share_percent)"));

  EXPECT_TRUE(limiter.TryAcquire(Keys("stg_b", "z")).ok());
  EXPECT_EQ(limiter.running(), 2);  // the slot for stg_b was given back at once
}

TEST(BlockingCallLimiterTest, ACallerBeyondItsShareIsRefusedWhileAnotherIsServed) {
  BlockingCallLimiter limiter = EightWithQuarterShares();
  auto first = limiter.TryAcquire(Keys("stg_a", "agent-x"));
  auto second = limiter.TryAcquire(Keys("stg_b", "agent-x"));
  ASSERT_TRUE(first.ok() && second.ok());

  const absl::Status refused = limiter.TryAcquire(Keys("stg_c", "agent-x")).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(ReasonOf(refused), "TOO_MANY_CALLS_FROM_CALLER");
  EXPECT_THAT(refused.message(), HasSubstr("caller \"agent-x\" has as many object calls"));
  EXPECT_THAT(refused.message(), HasSubstr("(2 of 8, --caller_share_percent)"));

  auto other = limiter.TryAcquire(Keys("stg_c", "agent-y"));
  EXPECT_TRUE(other.ok()) << other.status();
}

TEST(BlockingCallLimiterTest, AFullPoolIsRefusedWithItsOwnReasonAndFlag) {
  BlockingCallLimiter limiter({"downloads", 2, "TOO_MANY_DOWNLOADS", "--max_concurrent_downloads"},
                              FairShares{100, 100});
  auto first = limiter.TryAcquire(Keys("stg_a", "x"));
  auto second = limiter.TryAcquire(Keys("stg_b", "y"));
  ASSERT_TRUE(first.ok() && second.ok());
  const absl::Status refused = limiter.TryAcquire(Keys("stg_c", "z")).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(ReasonOf(refused), "TOO_MANY_DOWNLOADS");
  EXPECT_THAT(refused.message(),
              HasSubstr("running as many downloads as it allows (2, --max_concurrent_downloads)"));

  BlockingCallLimiter fixed({"connection tests", 1}, FairShares{});
  auto held = fixed.TryAcquire(Keys("", ""));
  ASSERT_TRUE(held.ok());
  const absl::Status full = fixed.TryAcquire(Keys("", "")).status();
  EXPECT_EQ(ReasonOf(full), "TOO_MANY_CALLS");
  EXPECT_THAT(full.message(), HasSubstr("connection tests as it allows (1)"));
}

TEST(BlockingCallLimiterTest, EmptyKeysCountOnlyAgainstThePool) {
  BlockingCallLimiter limiter = EightWithQuarterShares();
  std::vector<CallSlot> slots;
  for (int i = 0; i < 8; ++i) {
    auto slot = limiter.TryAcquire(Keys("", ""));
    ASSERT_TRUE(slot.ok()) << i << ": " << slot.status();
    slots.push_back(*std::move(slot));
  }
  EXPECT_EQ(ReasonOf(limiter.TryAcquire(Keys("", "")).status()), "TOO_MANY_CALLS");
}

TEST(BlockingCallLimiterTest, SlotsAreGivenBackExactlyOnceWhenDestroyedResetOrMovedOver) {
  BlockingCallLimiter limiter = EightWithQuarterShares();
  {
    auto slot = limiter.TryAcquire(Keys("stg_a", "x"));
    ASSERT_TRUE(slot.ok());
    CallSlot moved = *std::move(slot);
    CallSlot again = std::move(moved);  // the moved-from slots hold nothing
    EXPECT_FALSE(moved.held());
    EXPECT_TRUE(again.held());
    EXPECT_EQ(limiter.running(), 1);
    again.Reset();
    again.Reset();
    EXPECT_EQ(limiter.running(), 0);
  }
  EXPECT_EQ(limiter.running(), 0);

  CallSlot a = *limiter.TryAcquire(Keys("stg_a", "x"));
  CallSlot b = *limiter.TryAcquire(Keys("stg_a", "x"));
  EXPECT_EQ(ReasonOf(limiter.TryAcquire(Keys("stg_a", "y")).status()), "TOO_MANY_CALLS_ON_STORAGE");
  a = std::move(b);  // a's own slot is given back, b's now lives in a
  EXPECT_EQ(limiter.running(), 1);
  auto third = limiter.TryAcquire(Keys("stg_a", "y"));
  EXPECT_TRUE(third.ok()) << third.status();
}

TEST(BlockingCallLimiterTest, ConcurrentCallersNeverExceedTheSharesAndLeaveNothingBehind) {
  BlockingCallLimiter limiter = EightWithQuarterShares();
  std::atomic<int> over_share{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      const CallShareKeys keys = Keys(t % 2 == 0 ? "stg_a" : "stg_b", t < 4 ? "x" : "y");
      for (int i = 0; i < 2000; ++i) {
        auto slot = limiter.TryAcquire(keys);
        if (slot.ok() && limiter.running() > 4) ++over_share;  // 2 storages x share 2
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(over_share.load(), 0);
  EXPECT_EQ(limiter.running(), 0);
  // Every share is free again.
  std::vector<CallSlot> slots;
  for (const char* storage : {"stg_a", "stg_b"}) {
    for (const char* caller : {"x", "y"}) {
      auto slot = limiter.TryAcquire(Keys(storage, caller));
      ASSERT_TRUE(slot.ok()) << slot.status();
      slots.push_back(*std::move(slot));
    }
  }
}

}  // namespace
}  // namespace pluton::storage
