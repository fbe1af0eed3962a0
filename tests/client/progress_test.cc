#include "client/cli/progress.h"

#include <gtest/gtest.h>

#include <sstream>

namespace pluton::storage::client {
namespace {

constexpr int64_t kMiB = 1024 * 1024;

TEST(ProgressBarTest, RedrawsAtMostOncePerIntervalAndEndsTheLine) {
  absl::Time now = absl::UnixEpoch();
  std::ostringstream out;
  ProgressBar bar(
      out, [&now] { return now; }, absl::Milliseconds(100));

  bar.Update(0, 10 * kMiB);  // first update draws
  now += absl::Milliseconds(50);
  bar.Update(1 * kMiB, 10 * kMiB);  // too soon
  now += absl::Milliseconds(50);
  bar.Update(2 * kMiB, 10 * kMiB);  // 100 ms after the first drawing
  now += absl::Milliseconds(10);
  bar.Update(10 * kMiB, 10 * kMiB);  // too soon; Finish shows it
  bar.Finish();
  bar.Finish();                      // idempotent
  bar.Update(10 * kMiB, 10 * kMiB);  // after Finish: nothing

  EXPECT_EQ(out.str(),
            "\r[--------------------]   0%  0 B / 10.0 MiB  0.0 MiB/s  ETA --:--\x1b[K"
            "\r[####----------------]  20%  2.0 MiB / 10.0 MiB  20.0 MiB/s  ETA 0:01\x1b[K"
            "\r[####################] 100%  10.0 MiB / 10.0 MiB  90.9 MiB/s  ETA 0:00\x1b[K"
            "\n");
}

TEST(ProgressBarTest, UnknownTotal) {
  absl::Time now = absl::UnixEpoch();
  std::ostringstream out;
  ProgressBar bar(out, [&now] { return now; });
  now += absl::Seconds(1);
  bar.Update(3 * kMiB, -1);
  bar.Finish();
  EXPECT_EQ(out.str(), "\r3.0 MiB  3.0 MiB/s\x1b[K\r3.0 MiB  3.0 MiB/s\x1b[K\n");
}

TEST(ProgressBarTest, NothingDrawnNothingPrinted) {
  std::ostringstream out;
  ProgressBar bar(out);
  bar.Finish();
  EXPECT_EQ(out.str(), "");
}

}  // namespace
}  // namespace pluton::storage::client
