// CallCutoff: every registered call is told once, later ones at once, dropped ones never; the
// shutdown's wait ends when the calls are gone or cut off.
#include "api/call_cutoff.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "common/rich_status.h"

namespace pluton::storage {
namespace {

using ::testing::HasSubstr;

TEST(CallCutoffTest, CutOffAllTellsEveryRegisteredCallOnce) {
  CallCutoff cutoff;
  int first = 0, second = 0, dropped = 0;
  CallCutoff::Registration a = cutoff.Register([&] { ++first; });
  CallCutoff::Registration b = cutoff.Register([&] { ++second; });
  CallCutoff::Registration c = cutoff.Register([&] { ++dropped; });
  c.Drop();
  EXPECT_FALSE(cutoff.cut_off());
  cutoff.CutOffAll();
  cutoff.CutOffAll();
  EXPECT_TRUE(cutoff.cut_off());
  EXPECT_EQ(first, 1);
  EXPECT_EQ(second, 1);
  EXPECT_EQ(dropped, 0);
}

TEST(CallCutoffTest, ACallRegisteringAfterTheCutOffIsCutOffAtOnce) {
  CallCutoff cutoff;
  cutoff.CutOffAll();
  bool told = false;
  CallCutoff::Registration late = cutoff.Register([&] { told = true; });
  EXPECT_TRUE(told);
}

TEST(CallCutoffTest, AMovedRegistrationUnregistersOnce) {
  CallCutoff cutoff;
  int told = 0;
  CallCutoff::Registration moved;
  {
    CallCutoff::Registration original = cutoff.Register([&] { ++told; });
    moved = std::move(original);
  }
  EXPECT_FALSE(cutoff.WaitUntilNoCallsOrCutOff(absl::Now()));  // still registered
  cutoff.CutOffAll();
  EXPECT_EQ(told, 1);
  moved.Drop();
  EXPECT_TRUE(cutoff.WaitUntilNoCallsOrCutOff(absl::Now()));
}

TEST(CallCutoffTest, TheWaitEndsWhenTheLastCallIsGone) {
  CallCutoff cutoff;
  EXPECT_TRUE(cutoff.WaitUntilNoCallsOrCutOff(absl::Now()));
  CallCutoff::Registration call = cutoff.Register([] {});
  EXPECT_FALSE(cutoff.WaitUntilNoCallsOrCutOff(absl::Now() + absl::Milliseconds(20)));
  std::thread ender([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    call.Drop();
  });
  EXPECT_TRUE(cutoff.WaitUntilNoCallsOrCutOff(absl::Now() + absl::Seconds(60)));
  ender.join();
}

TEST(CallCutoffTest, CutOffByShutdownIsCancelledNamingTheShutdownAndTheCause) {
  const absl::Status status = CutOffByShutdown(absl::CancelledError("the upload was cancelled"));
  EXPECT_EQ(status.code(), absl::StatusCode::kCancelled);
  EXPECT_THAT(status.message(), HasSubstr("the service is shutting down"));
  EXPECT_THAT(status.message(), HasSubstr(": the upload was cancelled"));
  EXPECT_EQ(ReasonOf(status), "SERVICE_SHUTTING_DOWN");
  EXPECT_TRUE(CutOffByShutdown(absl::OkStatus()).ok());
  EXPECT_EQ(CutOffByShutdown(absl::UnavailableError("x")).code(), absl::StatusCode::kCancelled);
}

}  // namespace
}  // namespace pluton::storage
