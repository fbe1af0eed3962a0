// What every pluton-storage command shares: its description, the context it runs in, and the
// global options (--server, --timeout, --json), which are accepted before or after the
// command name.
//
// Thread safety: a CommandContext belongs to one invocation.
#ifndef PLUTON_CLIENT_CLI_COMMAND_H_
#define PLUTON_CLIENT_CLI_COMMAND_H_

#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "client/cli/arg_parser.h"
#include "client/cli/cli.h"
#include "client/cli/config_input.h"
#include "client/cli/connection_security.h"
#include "google/protobuf/message.h"

namespace pluton::storage::client {

struct GlobalOptions {
  std::string server;                     // --server, else $PLUTON_STORAGE_SERVER, else default
  std::optional<absl::Duration> timeout;  // --timeout, when given
  bool json = false;                      // --json
  ConnectionOptions connection;           // --tls*, --token-file (connection_security.h)
};

// Declares --server, --timeout, --json and the connection options on `parser`.
void AddGlobalOptions(ArgParser& parser);
// Reads the global options given on `parser` into `global` (keeping values not given).
absl::Status ApplyGlobalOptions(const ArgParser& parser, GlobalOptions& global);

class CommandContext;

struct Command {
  std::string name;     // "add"
  std::string summary;  // one line for the command list
  std::string usage;    // after "pluton-storage ", e.g. "add NAME --provider ID [...]"
  std::string details;  // paragraph(s) for --help; may be empty
  std::function<void(ArgParser&)> declare;  // the command's own options and positionals
  std::function<int(CommandContext&, const ArgParser&)> run;
};

class CommandContext {
 public:
  // `security`: what client() connects with (ResolveConnectionSecurity of global.connection).
  CommandContext(CliEnvironment& env, const Command& command, GlobalOptions global,
                 ConnectionSecurity security);

  std::ostream& out() { return *env_.out; }
  std::ostream& err() { return *env_.err; }
  CliEnvironment& env() { return env_; }
  const GlobalOptions& global() const { return global_; }
  bool json() const { return global_.json; }

  // The client for --server, created on first use. Unary calls use --timeout (default 30 s).
  StorageClient& client();

  // Prints "error: <message>" and the command's usage line; returns kExitUsage.
  int UsageError(absl::string_view message);
  // Prints "error: <message>" for bad local input (file, environment); returns kExitUsage.
  int InputError(const absl::Status& status);
  // Prints the error with its code and field violations; returns kExitFailure.
  int Failure(const absl::Status& status);
  // Prints `message` as JSON on out(); returns kExitOk (kExitFailure if it cannot).
  int PrintJson(const google::protobuf::Message& message);

 private:
  CliEnvironment& env_;
  const Command& command_;
  GlobalOptions global_;
  ConnectionSecurity security_;
  std::unique_ptr<StorageClient> client_;
};

// --set, --config-file, --secret-env and --secret-file (add, test), and what they say.
void DeclareConfigOptions(ArgParser& parser);
ConfigInput ConfigInputFrom(const ArgParser& args);

// The commands, in the order `--help` lists them.
Command ProvidersCommand();
Command AddCommand();
Command ListCommand();
Command GetCommand();
Command UpdateCommand();
Command DeleteCommand();
Command TestCommand();
Command UploadCommand();
Command DownloadCommand();
Command LsCommand();
Command StatCommand();
Command RmCommand();
Command CleanupCommand();
Command LifecycleCommand();
Command HashTokenCommand();

}  // namespace pluton::storage::client

#endif  // PLUTON_CLIENT_CLI_COMMAND_H_
