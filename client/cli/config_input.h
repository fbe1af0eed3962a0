// Turning command line input into API values: KEY=VALUE pairs, configuration from a JSON
// file, secrets from environment variables or files (so they never appear on the command
// line), the update mask of `update`, byte sizes such as "5MiB".
//
// Everything reading the outside world goes through InputEnv so tests can substitute it.
//
// Thread safety: free functions, no shared state.
#ifndef PLUTON_CLIENT_CLI_CONFIG_INPUT_H_
#define PLUTON_CLIENT_CLI_CONFIG_INPUT_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "pluton/storage/v1/storage_service.pb.h"

namespace pluton::storage::client {

using ConfigValues = std::map<std::string, std::string>;

struct InputEnv {
  // The value of an environment variable, or nullopt when unset.
  std::function<std::optional<std::string>(const std::string& name)> getenv;
  // The whole content of a file.
  std::function<absl::StatusOr<std::string>(const std::string& path)> read_file;
};

// The process's environment and file system.
InputEnv SystemInputEnv();

// Reads a whole file (used by SystemInputEnv).
absl::StatusOr<std::string> ReadWholeFile(const std::string& path);

// `text` without its trailing "\n" and "\r" characters (a secret or token read from a file).
std::string TrimTrailingNewlines(std::string text);

// "KEY=VALUE" -> {KEY, VALUE}. The value may be empty and may contain '='; the key may not
// be empty. `what` names the option in error messages, e.g. "--set".
absl::StatusOr<std::pair<std::string, std::string>> ParseKeyValue(absl::string_view arg,
                                                                  absl::string_view what);

// Parses every "KEY=VALUE" of `args` into a map; a key given twice is an error.
absl::StatusOr<ConfigValues> ParseKeyValues(const std::vector<std::string>& args,
                                            absl::string_view what);

// A JSON object whose values are strings (numbers and booleans are accepted and written the
// way the service expects them: 5242880, true). `source` names the input in error messages.
absl::StatusOr<ConfigValues> ParseConfigJson(absl::string_view text, absl::string_view source);

// Where a storage configuration comes from on the command line.
struct ConfigInput {
  std::optional<std::string> config_file;  // --config-file PATH (JSON object)
  std::vector<std::string> set;            // --set KEY=VALUE
  std::vector<std::string> secret_env;     // --secret-env KEY=ENVVAR
  std::vector<std::string> secret_file;    // --secret-file KEY=PATH
};

// Merges the sources: the config file is the base and the command line options override its
// keys. A key given by two command line options (e.g. --set and --secret-env) is an error,
// as is an unset environment variable or an unreadable file. A secret file's trailing
// newlines ("\n" or "\r\n") are removed.
absl::StatusOr<ConfigValues> BuildConfig(const ConfigInput& input, const InputEnv& env);

// What `update` was asked to change.
struct UpdateInput {
  std::string storage;                   // id or current name
  std::optional<std::string> rename;     // --rename NEW
  std::vector<std::string> set;          // --set KEY=VALUE
  std::vector<std::string> unset;        // --unset KEY
  std::vector<std::string> secret_env;   // --secret-env KEY=ENVVAR
  std::vector<std::string> secret_file;  // --secret-file KEY=PATH
};

// The UpdateStorage request: mask paths "name" (for --rename) and "config.<key>" for every
// key set or unset, in key order; set values go in update.config, unset keys stay absent
// (the service resets them). Nothing to change, or a key both set and unset, is an error.
absl::StatusOr<pluton::storage::v1::UpdateStorageRequest> BuildUpdateRequest(
    const UpdateInput& input, const InputEnv& env);

// A byte count: "1048576", or with a binary suffix K/Ki/KiB, M/Mi/MiB, G/Gi/GiB, T/Ti/TiB
// (case-insensitive; "B" alone means bytes). Negative values and overflow are errors.
absl::StatusOr<int64_t> ParseByteSize(absl::string_view text);

}  // namespace pluton::storage::client

#endif  // PLUTON_CLIENT_CLI_CONFIG_INPUT_H_
