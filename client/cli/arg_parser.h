// ArgParser: the command line parser every pluton-storage command uses.
//
//   ArgParser parser;
//   parser.AddOption("provider", "ID", "provider id")
//       .AddOption("set", "KEY=VALUE", "configuration value", /*repeated=*/true)
//       .AddSwitch("validate-only", "check without saving")
//       .AddPositional("NAME", "the storage's name");
//   RETURN_IF_ERROR(parser.Parse(args));
//   std::string name = *parser.Positional("NAME");
//
// Understands `--flag value`, `--flag=value`, switches (`--flag`), repeated options,
// positionals (required or optional, in declaration order), a last positional list
// ("KEY..."), `--` (everything after it is positional), `-` (a positional: stdin) and
// `--help`/`-h`, which stops parsing.
//
// Thread safety: not thread-safe.
#ifndef PLUTON_CLIENT_CLI_ARG_PARSER_H_
#define PLUTON_CLIENT_CLI_ARG_PARSER_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace pluton::storage::client {

class ArgParser {
 public:
  // `--name VALUE`. Given twice is an error unless `repeated`.
  ArgParser& AddOption(const std::string& name, const std::string& value_name,
                       const std::string& help, bool repeated = false);
  // `--name`, no value.
  ArgParser& AddSwitch(const std::string& name, const std::string& help);
  // The next positional argument. Optional positionals must come after the required ones.
  ArgParser& AddPositional(const std::string& name, const std::string& help, bool required = true);
  // The positional arguments left after the single ones, shown as "NAME...". Declare it
  // last, once; `required` means at least one.
  ArgParser& AddPositionalList(const std::string& name, const std::string& help,
                               bool required = true);
  // Parsing stops at the first argument that is not an option: it and everything after it
  // land in rest() (for a command name followed by the command's own arguments).
  ArgParser& StopAtFirstPositional();

  // Parses `args` (without the program or command name). On error (unknown option, missing
  // value, missing or unexpected positional, ...) returns INVALID_ARGUMENT with a message
  // meant for the user. Resets results of any previous Parse.
  absl::Status Parse(const std::vector<std::string>& args);

  // Whether --help or -h was seen.
  bool help() const { return help_; }
  // Whether the switch or option was given.
  bool Has(absl::string_view name) const;
  // The option's value (the last one for a repeated option), if given.
  std::optional<std::string> Get(absl::string_view name) const;
  // Every value of the option in order; empty if not given.
  const std::vector<std::string>& GetAll(absl::string_view name) const;
  // The positional's value, if given.
  std::optional<std::string> Positional(absl::string_view name) const;
  // The positional list's values, in order; empty if none were given.
  const std::vector<std::string>& PositionalList() const { return positional_list_; }
  // With StopAtFirstPositional: the first positional argument and everything after it.
  const std::vector<std::string>& rest() const { return rest_; }

  // One line per option and positional, aligned: "  --set KEY=VALUE   help (repeatable)".
  std::string HelpText() const;

 private:
  struct Spec {
    std::string name;
    std::string value_name;  // empty for a switch
    std::string help;
    bool repeated = false;
  };
  struct PositionalSpec {
    std::string name;
    std::string help;
    bool required = true;
  };

  const Spec* FindSpec(absl::string_view name) const;

  std::vector<Spec> specs_;
  std::vector<PositionalSpec> positional_specs_;
  std::optional<PositionalSpec> positional_list_spec_;
  bool stop_at_first_positional_ = false;

  bool help_ = false;
  std::map<std::string, std::vector<std::string>, std::less<>> values_;  // switches: {""}
  std::map<std::string, std::string, std::less<>> positionals_;
  std::vector<std::string> positional_list_;
  std::vector<std::string> rest_;
};

}  // namespace pluton::storage::client

#endif  // PLUTON_CLIENT_CLI_ARG_PARSER_H_
