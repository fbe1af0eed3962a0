// pluton-storage providers [ID] [--fields]
#include "absl/strings/str_cat.h"
#include "client/cli/command.h"
#include "client/cli/render.h"

namespace pluton::storage::client {
namespace {

int RunProviders(CommandContext& ctx, const ArgParser& args) {
  absl::StatusOr<v1::ListProvidersResponse> response = ctx.client().ListProviders();
  if (!response.ok()) return ctx.Failure(response.status());

  if (std::optional<std::string> id = args.Positional("ID")) {
    for (const v1::Provider& provider : response->providers()) {
      if (provider.id() != *id) continue;
      if (ctx.json()) return ctx.PrintJson(provider);
      ctx.out() << FormatProviderDetail(provider);
      return kExitOk;
    }
    return ctx.Failure(absl::NotFoundError(absl::StrCat("no provider \"", *id, "\" is loaded")));
  }

  if (ctx.json()) return ctx.PrintJson(*response);
  ctx.out() << FormatProviders(*response);
  if (args.Has("fields")) {
    for (const v1::Provider& provider : response->providers()) {
      ctx.out() << "\n" << FormatProviderDetail(provider);
    }
  }
  return kExitOk;
}

}  // namespace

Command ProvidersCommand() {
  Command command;
  command.name = "providers";
  command.summary = "List the provider plugins and their configuration fields";
  command.usage = "providers [ID] [--fields]";
  command.details =
      "With ID, shows that provider's configuration fields: name, type, whether required,\n"
      "secret or advanced, default, allowed values and help.";
  command.declare = [](ArgParser& parser) {
    parser.AddPositional("ID", "show this provider in detail", /*required=*/false)
        .AddSwitch("fields", "also show every provider's configuration fields");
  };
  command.run = RunProviders;
  return command;
}

}  // namespace pluton::storage::client
