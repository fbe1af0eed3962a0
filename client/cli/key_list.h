// Object keys given to `rm` from standard input or a file, one per line.
//
// Thread safety: free functions, no shared state.
#ifndef PLUTON_CLIENT_CLI_KEY_LIST_H_
#define PLUTON_CLIENT_CLI_KEY_LIST_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "client/byte_source.h"

namespace pluton::storage::client {

// Every line of `text` is a key, exactly (spaces are part of it), except that a trailing
// "\r" is dropped and empty lines are skipped. The last line needs no newline.
std::vector<std::string> ParseKeyLines(absl::string_view text);

// `keys` without repetitions, each kept where it first appears.
std::vector<std::string> UniqueInOrder(const std::vector<std::string>& keys);

// Everything `source` yields, up to its end.
absl::StatusOr<std::string> ReadAll(ByteSource& source);

}  // namespace pluton::storage::client

#endif  // PLUTON_CLIENT_CLI_KEY_LIST_H_
