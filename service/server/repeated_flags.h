// List flags given any number of times. absl::ParseCommandLine keeps only the last occurrence of
// a flag, so before it runs, GatherListFlags rewrites the command line so that each list flag
// occurs once, holding every value given for it, in order:
//
//   --local_root=/a --local_root /b,/c      ->  --local_root=/a,/b,/c
//
// An occurrence is what absl would read as one: -NAME or --NAME with "=VALUE" or the next
// argument as its value, on the command line, inside a --flagfile, or from --fromenv /
// --tryfromenv (FLAGS_NAME in the environment). To see them all, every --flagfile is expanded in
// place, as absl reads it (one argument per line, leading whitespace dropped, blank and #-lines
// skipped, nested --flagfile allowed), and --fromenv / --tryfromenv lose the list flags they name,
// which become occurrences here. An empty value adds nothing. "--" ends the flags: it and what
// follows are kept as they are. The gathered flag stands where its first occurrence stood; every
// other argument is kept, in order.
//
// Errors are INVALID_ARGUMENT, one line naming the flag or file and the fix: an occurrence with no
// value, a --flagfile that cannot be read or holds a line absl would refuse, --flagfile nested
// too deep, --fromenv naming a list flag whose FLAGS_NAME is not set.
//
// Thread safety: reads the environment and files only; call before threads change either.
#ifndef PLUTON_SERVICE_SERVER_REPEATED_FLAGS_H_
#define PLUTON_SERVICE_SERVER_REPEATED_FLAGS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace pluton::storage {

// `args` is argv (args[0] the program, kept); `list_flags` the names of the flags to gather,
// without dashes. Returns the rewritten argv for absl::ParseCommandLine.
absl::StatusOr<std::vector<std::string>> GatherListFlags(
    const std::vector<std::string>& args, const std::vector<std::string>& list_flags);

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_SERVER_REPEATED_FLAGS_H_
