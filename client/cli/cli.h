// The pluton-storage command line tool as a library: main() calls RunCli with the process's
// environment; end-to-end tests call it with their own streams and an in-process client.
//
//   CliEnvironment env = SystemCliEnvironment();
//   env.make_client = [&](const std::string&, const ClientOptions& options) {
//     return std::make_unique<StorageClient>(server->InProcessChannel({}), options);
//   };
//   int exit_code = RunCli({"--json", "list"}, env);
//
// Exit codes: 0 success, 1 the operation failed (RPC error, unreadable input mid-way, a key
// that could not be deleted), 2 usage error, 3 connection test ran and failed, 4 `stat`: the
// object does not exist (NOT_FOUND, reason OBJECT_NOT_FOUND; the storage and bucket do).
//
// Thread safety: RunCli may run concurrently with different environments.
#ifndef PLUTON_CLIENT_CLI_CLI_H_
#define PLUTON_CLIENT_CLI_CLI_H_

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "client/byte_source.h"
#include "client/cli/config_input.h"
#include "client/storage_client.h"

namespace pluton::storage::client {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitTestFailed = 3;
inline constexpr int kExitNotFound = 4;

inline constexpr char kDefaultServer[] = "localhost:50051";
inline constexpr char kServerEnvVar[] = "PLUTON_STORAGE_SERVER";

struct CliEnvironment {
  std::ostream* out = nullptr;  // results
  std::ostream* err = nullptr;  // errors and progress
  InputEnv input;               // environment variables and files (config, secrets)
  // Standard input, for `upload ... -`.
  std::function<std::unique_ptr<ByteSource>()> open_stdin;
  // Whether `err` is a terminal: the upload progress bar is drawn only then.
  bool err_is_terminal = false;
  // Creates the client for a target ("host:port"); the options carry --timeout.
  std::function<std::unique_ptr<StorageClient>(const std::string& target,
                                               const ClientOptions& options)>
      make_client;
};

// std::cout, std::cerr, the process environment, stdin, isatty(stderr) and an insecure
// channel to the target.
CliEnvironment SystemCliEnvironment();

// Runs one invocation; `args` excludes the program name.
int RunCli(const std::vector<std::string>& args, CliEnvironment& env);

}  // namespace pluton::storage::client

#endif  // PLUTON_CLIENT_CLI_CLI_H_
