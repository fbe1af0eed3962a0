// The rules file of `lifecycle set --file`, parsed into LifecycleRule messages.
//
// Accepted shapes: a JSON array of rules; an object {"rules": [...]} (what `lifecycle get
// --json` prints, so its output can be edited and set again); a single rule object.
// A rule's fields:
//   id                                  string, required
//   prefix                              string, default "" (the whole bucket)
//   enabled                             bool, default true
//   expire_after_days                   whole number >= 0, default 0 (never)
//   abort_incomplete_upload_after_days  whole number >= 0, default 0 (never)
// The lowerCamelCase spellings (expireAfterDays, ...) are accepted too. Unknown fields and
// values of the wrong type are errors. Rules about the values themselves (an id's length,
// at least one action, unique ids) are the service's to check.
//
// Thread safety: free functions, no shared state.
#ifndef PLUTON_CLIENT_CLI_LIFECYCLE_INPUT_H_
#define PLUTON_CLIENT_CLI_LIFECYCLE_INPUT_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "pluton/storage/v1/storage_service.pb.h"

namespace pluton::storage::client {

// The rules in `text`, in order. On error, INVALID_ARGUMENT whose message starts with
// `source` (the file name) and lists every problem on its own line, named by its path as
// written in the file, e.g. "  rules[1].expire_after_days: expected a whole number ...".
absl::StatusOr<std::vector<pluton::storage::v1::LifecycleRule>> ParseLifecycleRules(
    absl::string_view text, absl::string_view source);

}  // namespace pluton::storage::client

#endif  // PLUTON_CLIENT_CLI_LIFECYCLE_INPUT_H_
