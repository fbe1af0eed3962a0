// pluton-storage add NAME --provider ID [--set KEY=VALUE ...] [--config-file FILE]
//                    [--secret-env KEY=ENVVAR ...] [--secret-file KEY=PATH ...] [--validate-only]
#include "client/cli/command.h"
#include "client/cli/config_input.h"
#include "client/cli/render.h"
#include "client/cli/secret_warning.h"

namespace pluton::storage::client {

// Declares --set, --config-file, --secret-env and --secret-file (shared with `test`).
void DeclareConfigOptions(ArgParser& parser) {
  parser.AddOption("set", "KEY=VALUE", "configuration value", /*repeated=*/true)
      .AddOption("config-file", "FILE", "JSON object of configuration values; --set etc. win")
      .AddOption("secret-env", "KEY=ENVVAR", "take KEY's value from environment variable ENVVAR",
                 /*repeated=*/true)
      .AddOption("secret-file", "KEY=PATH",
                 "take KEY's value from a file (trailing newline removed)", /*repeated=*/true);
}

// The configuration those options describe.
ConfigInput ConfigInputFrom(const ArgParser& args) {
  ConfigInput input;
  input.config_file = args.Get("config-file");
  input.set = args.GetAll("set");
  input.secret_env = args.GetAll("secret-env");
  input.secret_file = args.GetAll("secret-file");
  return input;
}

namespace {

int RunAdd(CommandContext& ctx, const ArgParser& args) {
  std::optional<std::string> provider = args.Get("provider");
  if (!provider) return ctx.UsageError("--provider is required");
  absl::StatusOr<ConfigValues> config = BuildConfig(ConfigInputFrom(args), ctx.env().input);
  if (!config.ok()) return ctx.InputError(config.status());
  WarnAboutSecretsOnCommandLine(ctx, *provider, args.GetAll("set"));

  v1::AddStorageRequest request;
  request.set_validate_only(args.Has("validate-only"));
  v1::Storage* storage = request.mutable_storage();
  storage->set_name(*args.Positional("NAME"));
  storage->set_provider(*provider);
  for (const auto& [key, value] : *config) (*storage->mutable_config())[key] = value;

  absl::StatusOr<v1::Storage> added = ctx.client().AddStorage(request);
  if (!added.ok()) return ctx.Failure(added.status());
  if (ctx.json()) return ctx.PrintJson(*added);
  if (request.validate_only()) {
    ctx.out() << "configuration is valid (nothing saved)\n";
  } else {
    ctx.out() << "added storage " << added->name() << " (" << added->id() << ")\n";
  }
  return kExitOk;
}

}  // namespace

Command AddCommand() {
  Command command;
  command.name = "add";
  command.summary = "Register a storage destination";
  command.usage =
      "add NAME --provider ID [--set KEY=VALUE ...] [--config-file FILE] "
      "[--secret-env KEY=ENVVAR ...] [--secret-file KEY=PATH ...] [--validate-only]";
  command.details =
      "Secrets can come from environment variables or files so they never appear on the\n"
      "command line. See 'pluton-storage providers ID' for a provider's fields.";
  command.declare = [](ArgParser& parser) {
    parser.AddPositional("NAME", "the storage's unique name")
        .AddOption("provider", "ID", "provider id, e.g. r2 (required)");
    DeclareConfigOptions(parser);
    parser.AddSwitch("validate-only", "check the configuration without saving it");
  };
  command.run = RunAdd;
  return command;
}

}  // namespace pluton::storage::client
