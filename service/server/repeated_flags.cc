#include "server/repeated_flags.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/status_macros.h"

namespace pluton::storage {
namespace {

// Deeper than any sensible layout: a flagfile that includes itself stops here.
constexpr int kMaxFlagfileDepth = 16;

// An argument absl reads as a flag: -NAME or --NAME, and the value after "=" if written so.
struct FlagArgument {
  std::string name;
  std::optional<std::string> value;
};

// nullopt for what absl does not read as a flag: "-", "--" and arguments without a dash.
std::optional<FlagArgument> AsFlag(absl::string_view arg) {
  if (arg.size() < 2 || arg[0] != '-' || arg == "--") return std::nullopt;
  arg.remove_prefix(arg[1] == '-' ? 2 : 1);
  const size_t equals = arg.find('=');
  if (equals == absl::string_view::npos) return FlagArgument{std::string(arg), std::nullopt};
  return FlagArgument{std::string(arg.substr(0, equals)), std::string(arg.substr(equals + 1))};
}

// The arguments in flagfile `path`, read as absl reads them.
absl::StatusOr<std::vector<std::string>> ReadFlagfile(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot read --flagfile ", path, ": ", std::strerror(errno)));
  }
  std::vector<std::string> args;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    const absl::string_view text = absl::StripLeadingAsciiWhitespace(line);
    if (text.empty() || text[0] == '#') continue;
    if (text[0] != '-' || text == "--") {
      return absl::InvalidArgumentError(
          absl::StrCat("--flagfile ", path, " line ", number, " is not a flag: each line holds ",
                       "one flag, e.g. --local_root=/srv/backups, or a # comment"));
    }
    args.emplace_back(text);
  }
  return args;
}

// Walks argument lists (the command line, then each flagfile in place), copying every argument
// but the list flags' occurrences, whose values it collects.
class ListFlagGatherer {
 public:
  explicit ListFlagGatherer(const std::vector<std::string>& list_flags) : list_flags_(list_flags) {}

  // Appends `args` from `first` on. `where`: "" on the command line, else " in --flagfile F".
  absl::Status Walk(const std::vector<std::string>& args, size_t first, const std::string& where,
                    int depth) {
    for (size_t i = first; i < args.size(); ++i) {
      if (args[i] == "--") {  // the end of the flags (only on the command line)
        out_.insert(out_.end(), args.begin() + i, args.end());
        return absl::OkStatus();
      }
      std::optional<FlagArgument> flag = AsFlag(args[i]);
      if (!flag || !Handles(flag->name)) {
        out_.push_back(args[i]);
        continue;
      }
      if (!flag->value) {  // --NAME VALUE
        if (i + 1 == args.size() || absl::StartsWith(args[i + 1], "--") || AsFlag(args[i + 1])) {
          return absl::InvalidArgumentError(absl::StrCat(
              "--", flag->name, where, " has no value: write --", flag->name, "=VALUE"));
        }
        flag->value = args[++i];
      }
      if (flag->name == "flagfile") {
        RETURN_IF_ERROR(ExpandFlagfiles(*flag->value, depth));
      } else if (flag->name == "fromenv" || flag->name == "tryfromenv") {
        RETURN_IF_ERROR(TakeFromEnvironment(flag->name, *flag->value));
      } else {
        Add(flag->name, *flag->value);
      }
    }
    return absl::OkStatus();
  }

  // The arguments walked, each list flag given as one occurrence where its first one stood.
  std::vector<std::string> Finish() && {
    for (const auto& [name, slot] : slots_) {
      out_[slot] = absl::StrCat("--", name, "=", absl::StrJoin(values_[name], ","));
    }
    return std::move(out_);
  }

  void Keep(const std::string& arg) { out_.push_back(arg); }

 private:
  bool IsListFlag(absl::string_view name) const {
    for (const std::string& list_flag : list_flags_) {
      if (name == list_flag) return true;
    }
    return false;
  }

  bool Handles(absl::string_view name) const {
    return IsListFlag(name) || name == "flagfile" || name == "fromenv" || name == "tryfromenv";
  }

  void Add(const std::string& name, const std::string& value) {
    if (slots_.emplace(name, out_.size()).second) out_.emplace_back();
    if (!value.empty()) values_[name].push_back(value);
  }

  absl::Status ExpandFlagfiles(const std::string& files, int depth) {
    for (const std::string& file :
         std::vector<std::string>(absl::StrSplit(files, ',', absl::SkipEmpty()))) {
      if (depth == kMaxFlagfileDepth) {
        return absl::InvalidArgumentError(
            absl::StrCat("--flagfile ", file, " is nested ", kMaxFlagfileDepth,
                         " flagfiles deep: does a flagfile name itself? Remove the loop"));
      }
      ASSIGN_OR_RETURN(std::vector<std::string> args, ReadFlagfile(file));
      RETURN_IF_ERROR(Walk(args, 0, absl::StrCat(" in --flagfile ", file), depth + 1));
    }
    return absl::OkStatus();
  }

  // --fromenv / --tryfromenv: the list flags named are read here, the others left to absl.
  absl::Status TakeFromEnvironment(const std::string& generator, const std::string& names) {
    std::vector<std::string> left_to_absl;
    for (const std::string& name :
         std::vector<std::string>(absl::StrSplit(names, ',', absl::SkipEmpty()))) {
      if (!IsListFlag(name)) {
        left_to_absl.push_back(name);
        continue;
      }
      const std::string variable = absl::StrCat("FLAGS_", name);
      const char* value = std::getenv(variable.c_str());
      if (value != nullptr) {
        Add(name, value);
      } else if (generator == "fromenv") {
        return absl::InvalidArgumentError(
            absl::StrCat("--fromenv names ", name, " but ", variable,
                         " is not in the environment: export it, or use --tryfromenv"));
      }
    }
    if (!left_to_absl.empty()) {
      out_.push_back(absl::StrCat("--", generator, "=", absl::StrJoin(left_to_absl, ",")));
    }
    return absl::OkStatus();
  }

  const std::vector<std::string>& list_flags_;
  std::vector<std::string> out_;
  std::map<std::string, size_t> slots_;  // list flag -> its index in out_
  std::map<std::string, std::vector<std::string>> values_;
};

}  // namespace

absl::StatusOr<std::vector<std::string>> GatherListFlags(
    const std::vector<std::string>& args, const std::vector<std::string>& list_flags) {
  if (args.empty()) return args;
  ListFlagGatherer gatherer(list_flags);
  gatherer.Keep(args[0]);
  RETURN_IF_ERROR(gatherer.Walk(args, 1, "", 0));
  return std::move(gatherer).Finish();
}

}  // namespace pluton::storage
