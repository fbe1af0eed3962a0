#include "client/cli/cli.h"

#include <unistd.h>

#include <iostream>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "client/cli/command.h"
#include "client/cli/render.h"

namespace pluton::storage::client {
namespace {

constexpr char kProgram[] = "pluton-storage";

const std::vector<Command>& Commands() {
  static const std::vector<Command>* const kCommands = new std::vector<Command>{
      ProvidersCommand(), AddCommand(),  ListCommand(),    GetCommand(),       UpdateCommand(),
      DeleteCommand(),    TestCommand(), UploadCommand(),  DownloadCommand(),  LsCommand(),
      StatCommand(),      RmCommand(),   CleanupCommand(), LifecycleCommand(), HashTokenCommand(),
  };
  return *kCommands;
}

const Command* FindCommand(absl::string_view name) {
  for (const Command& command : Commands()) {
    if (command.name == name) return &command;
  }
  return nullptr;
}

std::string TopUsageLine() {
  return absl::StrCat("usage: ", kProgram,
                      " [--server HOST:PORT] [--timeout SECONDS] [--json] <command> [args]\n");
}

std::string TopHelp() {
  std::string out = absl::StrCat(TopUsageLine(), "\n",
                                 "Manages Pluton storage destinations and the objects stored "
                                 "in them.\n\ncommands:\n");
  std::vector<std::vector<std::string>> rows;
  for (const Command& command : Commands()) rows.push_back({"  " + command.name, command.summary});
  rows.push_back({"  help", "Show the help of a command"});
  absl::StrAppend(&out, FormatTable(rows));
  ArgParser globals;
  AddGlobalOptions(globals);
  absl::StrAppend(&out, "\nglobal options (before or after the command):\n", globals.HelpText(),
                  "\nexit status: 0 success, 1 failure, 2 usage error, 3 connection test failed,\n"
                  "4 stat: no such object.\n",
                  "\nRun '", kProgram, " <command> --help' for a command's arguments.\n");
  return out;
}

std::string CommandHelp(const Command& command) {
  ArgParser parser;
  command.declare(parser);
  AddGlobalOptions(parser);
  std::string out =
      absl::StrCat("usage: ", kProgram, " ", command.usage, "\n\n", command.summary, ".\n");
  if (!command.details.empty()) absl::StrAppend(&out, "\n", command.details, "\n");
  absl::StrAppend(&out, "\narguments and options:\n", parser.HelpText());
  return out;
}

int TopUsageError(CliEnvironment& env, absl::string_view message) {
  *env.err << "error: " << message << "\n"
           << TopUsageLine() << "Run '" << kProgram << " --help' for the commands.\n";
  return kExitUsage;
}

int CommandUsageError(CliEnvironment& env, const Command& command, absl::string_view message) {
  *env.err << "error: " << message << "\n"
           << "usage: " << kProgram << " " << command.usage << "\n";
  return kExitUsage;
}

}  // namespace

void AddGlobalOptions(ArgParser& parser) {
  parser
      .AddOption("server", "HOST:PORT",
                 absl::StrCat("service address (default: $", kServerEnvVar, ", else ",
                              kDefaultServer, ")"))
      .AddOption("timeout", "SECONDS",
                 "deadline of each call (default 30; a transfer has none unless given)")
      .AddSwitch("json", "print responses as JSON");
  AddConnectionOptions(parser);
}

absl::Status ApplyGlobalOptions(const ArgParser& parser, GlobalOptions& global) {
  if (std::optional<std::string> server = parser.Get("server")) {
    if (server->empty()) return absl::InvalidArgumentError("--server: empty address");
    global.server = *server;
  }
  if (std::optional<std::string> timeout = parser.Get("timeout")) {
    double seconds = 0;
    if (!absl::SimpleAtod(*timeout, &seconds) || !(seconds > 0) || seconds > 1e9) {
      return absl::InvalidArgumentError(
          absl::StrCat("--timeout: expected a positive number of seconds, got \"", *timeout, "\""));
    }
    global.timeout = absl::Seconds(seconds);
  }
  if (parser.Has("json")) global.json = true;
  ApplyConnectionOptions(parser, global.connection);
  return absl::OkStatus();
}

CommandContext::CommandContext(CliEnvironment& env, const Command& command, GlobalOptions global,
                               ConnectionSecurity security)
    : env_(env), command_(command), global_(std::move(global)), security_(std::move(security)) {}

StorageClient& CommandContext::client() {
  if (!client_) {
    ClientOptions options;
    if (global_.timeout) options.timeout = *global_.timeout;
    options.credentials = security_.credentials;
    options.bearer_token = security_.bearer_token;
    client_ = env_.make_client(global_.server, options);
  }
  return *client_;
}

int CommandContext::UsageError(absl::string_view message) {
  return CommandUsageError(env_, command_, message);
}

int CommandContext::InputError(const absl::Status& status) {
  err() << "error: " << status.message() << "\n";
  return kExitUsage;
}

int CommandContext::Failure(const absl::Status& status) {
  err() << FormatError(status);
  return kExitFailure;
}

int CommandContext::PrintJson(const google::protobuf::Message& message) {
  absl::StatusOr<std::string> json = ToJson(message);
  if (!json.ok()) return Failure(json.status());
  out() << *json;
  return kExitOk;
}

CliEnvironment SystemCliEnvironment() {
  CliEnvironment env;
  env.out = &std::cout;
  env.err = &std::cerr;
  env.input = SystemInputEnv();
  env.open_stdin = []() -> std::unique_ptr<ByteSource> { return FdByteSource::Stdin(); };
  env.err_is_terminal = isatty(STDERR_FILENO) == 1;
  env.make_client = [](const std::string& target, const ClientOptions& options) {
    return std::make_unique<StorageClient>(target, options);
  };
  return env;
}

int RunCli(const std::vector<std::string>& args, CliEnvironment& env) {
  ArgParser top;
  AddGlobalOptions(top);
  top.StopAtFirstPositional();
  if (absl::Status parsed = top.Parse(args); !parsed.ok()) {
    return TopUsageError(env, parsed.message());
  }
  if (top.help()) {
    *env.out << TopHelp();
    return kExitOk;
  }
  GlobalOptions global;
  global.server = env.input.getenv(kServerEnvVar).value_or("");
  if (global.server.empty()) global.server = kDefaultServer;
  if (absl::Status applied = ApplyGlobalOptions(top, global); !applied.ok()) {
    return TopUsageError(env, applied.message());
  }
  if (top.rest().empty()) return TopUsageError(env, "missing command");

  const std::string& name = top.rest()[0];
  std::vector<std::string> command_args(top.rest().begin() + 1, top.rest().end());
  if (name == "help") {
    if (command_args.empty()) {
      *env.out << TopHelp();
      return kExitOk;
    }
    const Command* command = FindCommand(command_args[0]);
    if (command == nullptr) {
      return TopUsageError(env, absl::StrCat("unknown command \"", command_args[0], "\""));
    }
    *env.out << CommandHelp(*command);
    return kExitOk;
  }
  const Command* command = FindCommand(name);
  if (command == nullptr) return TopUsageError(env, absl::StrCat("unknown command \"", name, "\""));

  ArgParser parser;
  command->declare(parser);
  AddGlobalOptions(parser);
  if (absl::Status parsed = parser.Parse(command_args); !parsed.ok()) {
    return CommandUsageError(env, *command, parsed.message());
  }
  if (parser.help()) {
    *env.out << CommandHelp(*command);
    return kExitOk;
  }
  if (absl::Status applied = ApplyGlobalOptions(parser, global); !applied.ok()) {
    return CommandUsageError(env, *command, applied.message());
  }
  absl::StatusOr<ConnectionSecurity> security =
      ResolveConnectionSecurity(global.connection, env.input);
  if (!security.ok()) return CommandUsageError(env, *command, security.status().message());
  CommandContext context(env, *command, std::move(global), *std::move(security));
  return command->run(context, parser);
}

}  // namespace pluton::storage::client
