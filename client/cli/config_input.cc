#include "client/cli/config_input.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <limits>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace pluton::storage::client {
std::string TrimTrailingNewlines(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

namespace {

// Adds `key` from a command line option, refusing a key already given on the command line.
absl::Status AddCommandLineKey(ConfigValues& config, std::set<std::string>& given,
                               const std::string& key, std::string value, absl::string_view what) {
  if (!given.insert(key).second) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": configuration key \"", key, "\" is given more than once"));
  }
  config[key] = std::move(value);
  return absl::OkStatus();
}

// Resolves --secret-env and --secret-file into `config`.
absl::Status AddSecrets(ConfigValues& config, std::set<std::string>& given,
                        const std::vector<std::string>& secret_env,
                        const std::vector<std::string>& secret_file, const InputEnv& env) {
  for (const std::string& arg : secret_env) {
    absl::StatusOr<std::pair<std::string, std::string>> kv = ParseKeyValue(arg, "--secret-env");
    if (!kv.ok()) return kv.status();
    std::optional<std::string> value = env.getenv(kv->second);
    if (!value) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--secret-env: environment variable ", kv->second, " is not set (for ", kv->first, ")"));
    }
    absl::Status added = AddCommandLineKey(config, given, kv->first, *value, "--secret-env");
    if (!added.ok()) return added;
  }
  for (const std::string& arg : secret_file) {
    absl::StatusOr<std::pair<std::string, std::string>> kv = ParseKeyValue(arg, "--secret-file");
    if (!kv.ok()) return kv.status();
    absl::StatusOr<std::string> content = env.read_file(kv->second);
    if (!content.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--secret-file: ", content.status().message(), " (for ", kv->first, ")"));
    }
    absl::Status added = AddCommandLineKey(
        config, given, kv->first, TrimTrailingNewlines(*std::move(content)), "--secret-file");
    if (!added.ok()) return added;
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  int fd;
  do {
    fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    int err = errno;
    return absl::ErrnoToStatus(err, absl::StrCat("cannot read ", path));
  }
  std::string content;
  char buffer[65536];
  while (true) {
    ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n > 0) {
      content.append(buffer, static_cast<size_t>(n));
    } else if (n == 0) {
      break;
    } else if (errno != EINTR) {
      int err = errno;
      close(fd);
      return absl::ErrnoToStatus(err, absl::StrCat("cannot read ", path));
    }
  }
  close(fd);
  return content;
}

InputEnv SystemInputEnv() {
  InputEnv env;
  env.getenv = [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
  env.read_file = ReadWholeFile;
  return env;
}

absl::StatusOr<std::pair<std::string, std::string>> ParseKeyValue(absl::string_view arg,
                                                                  absl::string_view what) {
  size_t eq = arg.find('=');
  if (eq == absl::string_view::npos || eq == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": expected KEY=VALUE, got \"", arg, "\""));
  }
  return std::make_pair(std::string(arg.substr(0, eq)), std::string(arg.substr(eq + 1)));
}

absl::StatusOr<ConfigValues> ParseKeyValues(const std::vector<std::string>& args,
                                            absl::string_view what) {
  ConfigValues values;
  for (const std::string& arg : args) {
    absl::StatusOr<std::pair<std::string, std::string>> kv = ParseKeyValue(arg, what);
    if (!kv.ok()) return kv.status();
    if (!values.emplace(kv->first, kv->second).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, ": key \"", kv->first, "\" is given more than once"));
    }
  }
  return values;
}

absl::StatusOr<ConfigValues> ParseConfigJson(absl::string_view text, absl::string_view source) {
  nlohmann::json json = nlohmann::json::parse(text.begin(), text.end(), nullptr,
                                              /*allow_exceptions=*/false);
  if (json.is_discarded()) {
    return absl::InvalidArgumentError(absl::StrCat(source, ": not valid JSON"));
  }
  if (!json.is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": expected a JSON object of strings, e.g. {\"region\": \"auto\"}"));
  }
  ConfigValues config;
  for (const auto& [key, value] : json.items()) {
    if (value.is_string()) {
      config[key] = value.get<std::string>();
    } else if (value.is_boolean()) {
      config[key] = value.get<bool>() ? "true" : "false";
    } else if (value.is_number_integer()) {
      config[key] = value.dump();
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat(source, ": the value of \"", key, "\" must be a string"));
    }
  }
  return config;
}

absl::StatusOr<ConfigValues> BuildConfig(const ConfigInput& input, const InputEnv& env) {
  ConfigValues config;
  if (input.config_file) {
    absl::StatusOr<std::string> text = env.read_file(*input.config_file);
    if (!text.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("--config-file: ", text.status().message()));
    }
    absl::StatusOr<ConfigValues> from_file = ParseConfigJson(*text, *input.config_file);
    if (!from_file.ok()) return from_file.status();
    config = *std::move(from_file);
  }
  std::set<std::string> given;
  for (const std::string& arg : input.set) {
    absl::StatusOr<std::pair<std::string, std::string>> kv = ParseKeyValue(arg, "--set");
    if (!kv.ok()) return kv.status();
    absl::Status added = AddCommandLineKey(config, given, kv->first, kv->second, "--set");
    if (!added.ok()) return added;
  }
  absl::Status secrets = AddSecrets(config, given, input.secret_env, input.secret_file, env);
  if (!secrets.ok()) return secrets;
  return config;
}

absl::StatusOr<pluton::storage::v1::UpdateStorageRequest> BuildUpdateRequest(
    const UpdateInput& input, const InputEnv& env) {
  pluton::storage::v1::UpdateStorageRequest request;
  request.set_storage(input.storage);

  ConfigValues config;
  std::set<std::string> given;
  for (const std::string& arg : input.set) {
    absl::StatusOr<std::pair<std::string, std::string>> kv = ParseKeyValue(arg, "--set");
    if (!kv.ok()) return kv.status();
    absl::Status added = AddCommandLineKey(config, given, kv->first, kv->second, "--set");
    if (!added.ok()) return added;
  }
  absl::Status secrets = AddSecrets(config, given, input.secret_env, input.secret_file, env);
  if (!secrets.ok()) return secrets;
  for (const std::string& key : input.unset) {
    if (key.empty()) return absl::InvalidArgumentError("--unset: empty key");
    if (!given.insert(key).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("--unset: configuration key \"", key, "\" is also set or unset elsewhere"));
    }
  }

  if (input.rename) {
    request.mutable_update()->set_name(*input.rename);
    request.mutable_update_mask()->add_paths("name");
  }
  for (const std::string& key : given) {  // std::set: key order
    request.mutable_update_mask()->add_paths(absl::StrCat("config.", key));
  }
  for (auto& [key, value] : config) (*request.mutable_update()->mutable_config())[key] = value;
  if (request.update_mask().paths().empty()) {
    return absl::InvalidArgumentError(
        "nothing to update: give --rename, --set, --unset, --secret-env or --secret-file");
  }
  return request;
}

absl::StatusOr<int64_t> ParseByteSize(absl::string_view text) {
  absl::string_view digits = text;
  size_t end = 0;
  while (end < digits.size() && absl::ascii_isdigit(static_cast<unsigned char>(digits[end]))) {
    ++end;
  }
  absl::string_view number = digits.substr(0, end);
  std::string suffix = absl::AsciiStrToLower(digits.substr(end));
  int shift = -1;
  if (suffix.empty() || suffix == "b") {
    shift = 0;
  } else {
    static constexpr struct {
      char letter;
      int shift;
    } kUnits[] = {{'k', 10}, {'m', 20}, {'g', 30}, {'t', 40}};
    for (const auto& unit : kUnits) {
      if (suffix[0] != unit.letter) continue;
      absl::string_view rest = absl::string_view(suffix).substr(1);
      if (rest.empty() || rest == "i" || rest == "ib") shift = unit.shift;
    }
  }
  uint64_t value = 0;
  if (number.empty() || shift < 0 || !absl::SimpleAtoi(number, &value)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "invalid size \"", text, "\": expected bytes or a number with K, M, G or T (e.g. 5MiB)"));
  }
  if (value > (static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) >> shift)) {
    return absl::InvalidArgumentError(absl::StrCat("size \"", text, "\" is too large"));
  }
  return static_cast<int64_t>(value << shift);
}

}  // namespace pluton::storage::client
