// pluton-storage test (STORAGE | --provider ID [--set KEY=VALUE ...] ...) [--bucket B]
//                     [--read-only] [--timeout-seconds N]
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "client/cli/command.h"
#include "client/cli/config_input.h"
#include "client/cli/render.h"
#include "client/cli/secret_warning.h"

namespace pluton::storage::client {
namespace {

int RunTest(CommandContext& ctx, const ArgParser& args) {
  std::optional<std::string> storage = args.Positional("STORAGE");
  std::optional<std::string> provider = args.Get("provider");
  bool has_config = args.Has("set") || args.Has("config-file") || args.Has("secret-env") ||
                    args.Has("secret-file");
  if (storage && (provider || has_config)) {
    return ctx.UsageError("give either STORAGE or --provider with its configuration, not both");
  }
  if (!storage && !provider) return ctx.UsageError("give STORAGE or --provider ID");

  v1::TestConnectionRequest request;
  if (storage) {
    request.set_storage(*storage);
  } else {
    absl::StatusOr<ConfigValues> config = BuildConfig(ConfigInputFrom(args), ctx.env().input);
    if (!config.ok()) return ctx.InputError(config.status());
    WarnAboutSecretsOnCommandLine(ctx, *provider, args.GetAll("set"));
    v1::Storage* unsaved = request.mutable_unsaved();
    unsaved->set_provider(*provider);
    for (const auto& [key, value] : *config) (*unsaved->mutable_config())[key] = value;
  }
  request.set_bucket(args.Get("bucket").value_or(""));
  request.set_read_only(args.Has("read-only"));
  if (std::optional<std::string> timeout = args.Get("timeout-seconds")) {
    int64_t seconds = 0;
    if (!absl::SimpleAtoi(*timeout, &seconds) || seconds <= 0) {
      return ctx.UsageError(
          absl::StrCat("--timeout-seconds: expected a positive number, got \"", *timeout, "\""));
    }
    request.mutable_timeout()->set_seconds(seconds);
  }

  absl::StatusOr<v1::TestConnectionResponse> response = ctx.client().TestConnection(request);
  if (!response.ok()) return ctx.Failure(response.status());
  if (ctx.json()) {
    int printed = ctx.PrintJson(*response);
    if (printed != kExitOk) return printed;
  } else {
    ctx.out() << FormatTestResult(*response, IsUtf8Locale(ctx.env().input.getenv));
  }
  return response->success() ? kExitOk : kExitTestFailed;
}

}  // namespace

Command TestCommand() {
  Command command;
  command.name = "test";
  command.summary = "Check that a storage (saved or not) can reach its provider";
  command.usage =
      "test (STORAGE | --provider ID [--set KEY=VALUE ...] [--config-file FILE] "
      "[--secret-env KEY=ENVVAR ...] [--secret-file KEY=PATH ...]) [--bucket B] [--read-only] "
      "[--timeout-seconds N]";
  command.details =
      "Exit status: 0 when every check passed, 3 when the test ran and failed, 1 when it\n"
      "could not run (e.g. invalid configuration).";
  command.declare = [](ArgParser& parser) {
    parser.AddPositional("STORAGE", "a saved storage's id or name", /*required=*/false)
        .AddOption("provider", "ID", "test an unsaved configuration of this provider");
    DeclareConfigOptions(parser);
    parser.AddOption("bucket", "B", "also check access to this bucket")
        .AddSwitch("read-only", "skip the write-and-delete probe")
        .AddOption("timeout-seconds", "N", "how long the test may take (default 20, max 120)");
  };
  command.run = RunTest;
  return command;
}

}  // namespace pluton::storage::client
