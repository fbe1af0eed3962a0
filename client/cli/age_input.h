// Ages on the command line (`cleanup --older-than`): "24h", "90m", "7d", "1d12h", "1.5h".
//
// absl::ParseDuration's units (ns, us, ms, s, m, h) plus "d" for days of 24 hours; several
// number-unit pairs add up. No sign: an age is never negative. At most 10000 years, the
// largest google.protobuf.Duration.
//
// Thread safety: free functions, no shared state.
#ifndef PLUTON_CLIENT_CLI_AGE_INPUT_H_
#define PLUTON_CLIENT_CLI_AGE_INPUT_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/duration.pb.h"

namespace pluton::storage::client {

// The age `text` stands for; INVALID_ARGUMENT naming the expected form otherwise.
absl::StatusOr<absl::Duration> ParseAge(absl::string_view text);

// The same duration as a google.protobuf.Duration (nanosecond precision).
google::protobuf::Duration ToProtoDuration(absl::Duration duration);

}  // namespace pluton::storage::client

#endif  // PLUTON_CLIENT_CLI_AGE_INPUT_H_
