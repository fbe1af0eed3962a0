#include "client/cli/arg_parser.h"

#include <algorithm>
#include <cstddef>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace pluton::storage::client {

ArgParser& ArgParser::AddOption(const std::string& name, const std::string& value_name,
                                const std::string& help, bool repeated) {
  specs_.push_back({name, value_name.empty() ? "VALUE" : value_name, help, repeated});
  return *this;
}

ArgParser& ArgParser::AddSwitch(const std::string& name, const std::string& help) {
  specs_.push_back({name, "", help, false});
  return *this;
}

ArgParser& ArgParser::AddPositional(const std::string& name, const std::string& help,
                                    bool required) {
  positional_specs_.push_back({name, help, required});
  return *this;
}

ArgParser& ArgParser::AddPositionalList(const std::string& name, const std::string& help,
                                        bool required) {
  positional_list_spec_ = PositionalSpec{name, help, required};
  return *this;
}

ArgParser& ArgParser::StopAtFirstPositional() {
  stop_at_first_positional_ = true;
  return *this;
}

const ArgParser::Spec* ArgParser::FindSpec(absl::string_view name) const {
  for (const Spec& spec : specs_) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

absl::Status ArgParser::Parse(const std::vector<std::string>& args) {
  help_ = false;
  values_.clear();
  positionals_.clear();
  positional_list_.clear();
  rest_.clear();

  std::vector<std::string> positional_args;
  bool only_positionals = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    bool is_option = !only_positionals && arg.size() > 1 && arg[0] == '-';
    if (!is_option) {
      if (stop_at_first_positional_) {
        rest_.assign(args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
        break;
      }
      positional_args.push_back(arg);
      continue;
    }
    if (arg == "--") {
      only_positionals = true;
      continue;
    }
    if (arg == "--help" || arg == "-h") {
      help_ = true;
      return absl::OkStatus();
    }
    if (!absl::StartsWith(arg, "--")) {
      return absl::InvalidArgumentError(absl::StrCat("unknown option ", arg));
    }
    absl::string_view body = absl::string_view(arg).substr(2);
    std::optional<std::string> inline_value;
    if (size_t eq = body.find('='); eq != absl::string_view::npos) {
      inline_value = std::string(body.substr(eq + 1));
      body = body.substr(0, eq);
    }
    const Spec* spec = FindSpec(body);
    if (spec == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("unknown option --", body));
    }
    auto& values = values_[spec->name];
    if (!values.empty() && !spec->repeated) {
      return absl::InvalidArgumentError(absl::StrCat("--", spec->name, " given more than once"));
    }
    if (spec->value_name.empty()) {
      if (inline_value) {
        return absl::InvalidArgumentError(absl::StrCat("--", spec->name, " takes no value"));
      }
      values.push_back("");
      continue;
    }
    if (inline_value) {
      values.push_back(*inline_value);
      continue;
    }
    if (i + 1 >= args.size()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--", spec->name, " needs a value (", spec->value_name, ")"));
    }
    values.push_back(args[++i]);
  }

  if (positional_args.size() > positional_specs_.size() && !positional_list_spec_) {
    return absl::InvalidArgumentError(
        absl::StrCat("unexpected argument '", positional_args[positional_specs_.size()], "'"));
  }
  for (size_t i = 0; i < positional_specs_.size(); ++i) {
    const PositionalSpec& spec = positional_specs_[i];
    if (i < positional_args.size()) {
      positionals_[spec.name] = positional_args[i];
    } else if (spec.required) {
      return absl::InvalidArgumentError(absl::StrCat("missing ", spec.name));
    }
  }
  if (positional_list_spec_) {
    if (positional_args.size() > positional_specs_.size()) {
      positional_list_.assign(
          positional_args.begin() + static_cast<std::ptrdiff_t>(positional_specs_.size()),
          positional_args.end());
    } else if (positional_list_spec_->required) {
      return absl::InvalidArgumentError(absl::StrCat("missing ", positional_list_spec_->name));
    }
  }
  return absl::OkStatus();
}

bool ArgParser::Has(absl::string_view name) const {
  auto it = values_.find(name);
  return it != values_.end() && !it->second.empty();
}

std::optional<std::string> ArgParser::Get(absl::string_view name) const {
  auto it = values_.find(name);
  if (it == values_.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

const std::vector<std::string>& ArgParser::GetAll(absl::string_view name) const {
  static const std::vector<std::string>* const kEmpty = new std::vector<std::string>();
  auto it = values_.find(name);
  return it == values_.end() ? *kEmpty : it->second;
}

std::optional<std::string> ArgParser::Positional(absl::string_view name) const {
  auto it = positionals_.find(name);
  if (it == positionals_.end()) return std::nullopt;
  return it->second;
}

std::string ArgParser::HelpText() const {
  std::vector<std::pair<std::string, std::string>> rows;
  for (const PositionalSpec& spec : positional_specs_) {
    rows.emplace_back(spec.name,
                      spec.required ? spec.help : absl::StrCat(spec.help, " (optional)"));
  }
  if (positional_list_spec_) {
    const PositionalSpec& spec = *positional_list_spec_;
    rows.emplace_back(absl::StrCat(spec.name, "..."),
                      spec.required ? spec.help : absl::StrCat(spec.help, " (optional)"));
  }
  for (const Spec& spec : specs_) {
    std::string left = absl::StrCat("--", spec.name);
    if (!spec.value_name.empty()) absl::StrAppend(&left, " ", spec.value_name);
    rows.emplace_back(left, spec.repeated ? absl::StrCat(spec.help, " (repeatable)") : spec.help);
  }
  size_t width = 0;
  for (const auto& row : rows) width = std::max(width, row.first.size());
  std::string out;
  for (const auto& row : rows) {
    absl::StrAppend(&out, "  ", row.first, std::string(width - row.first.size() + 2, ' '),
                    row.second, "\n");
  }
  return out;
}

}  // namespace pluton::storage::client
