// pluton-storage update STORAGE [--rename NEW] [--set K=V ...] [--unset K ...]
//                       [--secret-env K=ENVVAR ...] [--secret-file K=PATH ...]
#include "client/cli/command.h"
#include "client/cli/config_input.h"
#include "client/cli/render.h"
#include "client/cli/secret_warning.h"

namespace pluton::storage::client {
namespace {

int RunUpdate(CommandContext& ctx, const ArgParser& args) {
  UpdateInput input;
  input.storage = *args.Positional("STORAGE");
  input.rename = args.Get("rename");
  input.set = args.GetAll("set");
  input.unset = args.GetAll("unset");
  input.secret_env = args.GetAll("secret-env");
  input.secret_file = args.GetAll("secret-file");
  if (!input.rename && input.set.empty() && input.unset.empty() && input.secret_env.empty() &&
      input.secret_file.empty()) {
    return ctx.UsageError(
        "nothing to update: give --rename, --set, --unset, --secret-env or --secret-file");
  }
  absl::StatusOr<v1::UpdateStorageRequest> request = BuildUpdateRequest(input, ctx.env().input);
  if (!request.ok()) return ctx.InputError(request.status());
  WarnAboutSecretsOnCommandLineForStorage(ctx, input.storage, input.set);
  absl::StatusOr<v1::Storage> updated = ctx.client().UpdateStorage(*request);
  if (!updated.ok()) return ctx.Failure(updated.status());
  if (ctx.json()) return ctx.PrintJson(*updated);
  ctx.out() << "updated storage " << updated->name() << " (" << updated->id() << ")\n";
  return kExitOk;
}

}  // namespace

Command UpdateCommand() {
  Command command;
  command.name = "update";
  command.summary = "Change a storage's name or configuration values";
  command.usage =
      "update STORAGE [--rename NEW] [--set KEY=VALUE ...] [--unset KEY ...] "
      "[--secret-env KEY=ENVVAR ...] [--secret-file KEY=PATH ...]";
  command.details =
      "Only the values named change; the others, secrets included, are kept. --unset resets\n"
      "a value to its default (a secret is removed).";
  command.declare = [](ArgParser& parser) {
    parser.AddPositional("STORAGE", "the storage's id or current name")
        .AddOption("rename", "NEW", "new name")
        .AddOption("set", "KEY=VALUE", "new configuration value", /*repeated=*/true)
        .AddOption("unset", "KEY", "reset a configuration value to its default",
                   /*repeated=*/true)
        .AddOption("secret-env", "KEY=ENVVAR",
                   "take KEY's new value from environment variable ENVVAR", /*repeated=*/true)
        .AddOption("secret-file", "KEY=PATH",
                   "take KEY's new value from a file (trailing newline removed)",
                   /*repeated=*/true);
  };
  command.run = RunUpdate;
  return command;
}

}  // namespace pluton::storage::client
