#include "client/cli/secret_warning.h"

#include <set>

namespace pluton::storage::client {

void WarnAboutSecretsOnCommandLine(CommandContext& ctx, const std::string& provider_id,
                                   const std::vector<std::string>& set_args) {
  if (set_args.empty()) return;
  absl::StatusOr<v1::ListProvidersResponse> providers = ctx.client().ListProviders();
  if (!providers.ok()) return;
  std::set<std::string> secret_fields;
  for (const v1::Provider& provider : providers->providers()) {
    if (provider.id() != provider_id) continue;
    for (const v1::ConfigField& field : provider.config_fields()) {
      if (field.secret()) secret_fields.insert(field.name());
    }
  }
  for (const std::string& arg : set_args) {
    const std::string key = arg.substr(0, arg.find('='));
    if (secret_fields.count(key) == 0) continue;
    ctx.err() << "warning: --set " << key
              << "=... puts a secret on the command line, where the process list and shell "
                 "history show it; use --secret-env "
              << key << "=ENVVAR or --secret-file " << key << "=PATH\n";
  }
}

void WarnAboutSecretsOnCommandLineForStorage(CommandContext& ctx, const std::string& storage,
                                             const std::vector<std::string>& set_args) {
  if (set_args.empty()) return;
  v1::GetStorageRequest request;
  request.set_storage(storage);
  absl::StatusOr<v1::Storage> found = ctx.client().GetStorage(request);
  if (!found.ok()) return;
  WarnAboutSecretsOnCommandLine(ctx, found->provider(), set_args);
}

}  // namespace pluton::storage::client
