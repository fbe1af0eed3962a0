#include "retry.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/time/clock.h"

namespace pluton::s3::internal {

absl::Duration BackoffDelay(absl::Duration initial, absl::Duration max, int retry, double unit) {
  if (max <= absl::ZeroDuration()) return absl::ZeroDuration();
  initial = std::clamp(initial, absl::ZeroDuration(), max);
  // initial * 2^(retry - 1), capped at max without overflowing.
  absl::Duration ceiling = initial;
  for (int i = 1; i < retry && ceiling < max; ++i) ceiling *= 2;
  ceiling = std::min(ceiling, max);
  unit = std::clamp(unit, 0.0, 1.0);
  return initial + (ceiling - initial) * unit;
}

std::optional<absl::Duration> ParseRetryAfter(absl::string_view value, absl::Time now) {
  value = absl::StripAsciiWhitespace(value);
  if (value.empty()) return std::nullopt;
  int64_t seconds = 0;
  if (absl::SimpleAtoi(value, &seconds)) {
    if (seconds < 0) return std::nullopt;
    return absl::Seconds(seconds);
  }
  // IMF-fixdate, the form RFC 9110 requires senders to use.
  absl::Time when;
  std::string error;
  if (!absl::ParseTime("%a, %d %b %Y %H:%M:%S GMT", std::string(value), absl::UTCTimeZone(), &when,
                       &error)) {
    return std::nullopt;
  }
  return std::max(absl::ZeroDuration(), when - now);
}

bool SleepUnlessCancelled(absl::Duration duration, const CancelCheck& cancelled,
                          absl::Duration slice) {
  if (slice <= absl::ZeroDuration()) slice = absl::Milliseconds(20);
  while (true) {
    if (cancelled && cancelled()) return false;
    if (duration <= absl::ZeroDuration()) return true;
    const absl::Duration step = std::min(duration, slice);
    absl::SleepFor(step);
    duration -= step;
  }
}

double UnitRandom() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(generator);
}

}  // namespace pluton::s3::internal
