// A warning on standard error for each `--set KEY=VALUE` whose KEY is a secret field of the
// provider (ConfigField.secret in ListProviders): the command line shows on the process list
// and in shell history, so secrets belong in --secret-env or --secret-file. The command still
// runs. When the provider's fields cannot be fetched nothing is printed (the command itself
// reports the problem).
//
// Thread safety: uses the context's client and streams; one invocation at a time.
#ifndef PLUTON_CLIENT_CLI_SECRET_WARNING_H_
#define PLUTON_CLIENT_CLI_SECRET_WARNING_H_

#include <string>
#include <vector>

#include "client/cli/command.h"

namespace pluton::storage::client {

// `set_args`: the --set values ("KEY=VALUE"). Costs one ListProviders call when not empty.
void WarnAboutSecretsOnCommandLine(CommandContext& ctx, const std::string& provider_id,
                                   const std::vector<std::string>& set_args);

// The same for a saved storage (`update`): its provider comes from GetStorage first.
void WarnAboutSecretsOnCommandLineForStorage(CommandContext& ctx, const std::string& storage,
                                             const std::vector<std::string>& set_args);

}  // namespace pluton::storage::client

#endif  // PLUTON_CLIENT_CLI_SECRET_WARNING_H_
