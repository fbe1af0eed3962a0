// Retry timing for S3Client: exponential backoff with full jitter, the Retry-After header,
// and a sleep that stops when the caller cancels.
//
//   for (int retry = 1; ...; ++retry) {
//     absl::Duration delay = BackoffDelay(initial, max, retry, UnitRandom());
//     if (!SleepUnlessCancelled(delay, cancelled)) return CancelledError();
//   }
//
// Thread safety: all functions are thread-safe (UnitRandom uses a per-thread generator).
#ifndef PLUTON_PLUGINS_S3CORE_SRC_RETRY_H_
#define PLUTON_PLUGINS_S3CORE_SRC_RETRY_H_

#include <optional>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "pluton/s3/http_transport.h"

namespace pluton::s3::internal {

// The delay before retry number `retry` (1 = the first retry): full jitter, i.e. uniform in
// [initial, min(max, initial * 2^(retry - 1))]; `unit` in [0, 1) picks the point. Never
// below zero nor above max (when initial > max, max wins).
absl::Duration BackoffDelay(absl::Duration initial, absl::Duration max, int retry, double unit);

// A Retry-After value: delta-seconds ("3") or an HTTP-date ("Wed, 21 Oct 2015 07:28:00 GMT",
// read relative to `now`; a date in the past gives zero). nullopt when it is neither.
std::optional<absl::Duration> ParseRetryAfter(absl::string_view value, absl::Time now);

// Sleeps `duration` in slices of at most `slice`, polling `cancelled` before each; returns
// false (early) once it returns true. Clock-free: the slices are counted, not timed, so a
// slow wake-up lengthens the sleep a little rather than ever shortening it.
bool SleepUnlessCancelled(absl::Duration duration, const CancelCheck& cancelled,
                          absl::Duration slice = absl::Milliseconds(20));

// Uniform in [0, 1), from a per-thread generator seeded once from std::random_device.
double UnitRandom();

}  // namespace pluton::s3::internal

#endif  // PLUTON_PLUGINS_S3CORE_SRC_RETRY_H_
