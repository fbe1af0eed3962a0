#include "plugin/config_check.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace pluton::storage::plugin_call {
namespace {

// How much of an over-long key a violation's field shows.
constexpr size_t kKeyShown = 32;

std::string KeyField(const std::string& key) {
  if (key.size() <= kKeyShown) return absl::CHexEscape(key);
  return absl::StrCat(absl::CHexEscape(absl::string_view(key).substr(0, kKeyShown)), "...");
}

}  // namespace

absl::Status CheckConfigBounds(const ConfigMap& config) {
  if (config.size() > kMaxConfigKeys) {
    return InvalidArgumentWithViolations(
        "the configuration is invalid",
        {{"", absl::StrCat("has ", config.size(), " keys; at most ", kMaxConfigKeys,
                           " are allowed (a provider declares far fewer options)")}});
  }
  std::vector<FieldViolation> violations;
  for (const auto& [key, value] : config) {
    const std::string field = KeyField(key);
    if (key.empty()) {
      violations.push_back({"", "a configuration field name is empty"});
    } else if (key.size() > kMaxConfigKeyBytes) {
      violations.push_back(
          {field, absl::StrCat("the option name is ", key.size(), " bytes long; at most ",
                               kMaxConfigKeyBytes, " bytes are allowed")});
    } else if (key.find('\0') != std::string::npos) {
      violations.push_back({field, "the option name must not contain a NUL character"});
    }
    if (value.size() > kMaxConfigValueBytes) {
      violations.push_back(
          {field, absl::StrCat("the value is ", value.size(), " bytes long; at most ",
                               kMaxConfigValueBytes, " bytes (4 KiB) are allowed")});
    } else if (value.find('\0') != std::string::npos) {
      violations.push_back({field, "must not contain a NUL character"});
    }
  }
  if (violations.empty()) return absl::OkStatus();
  return InvalidArgumentWithViolations("the configuration is invalid", violations);
}

ConfigMap KnownConfigKeys(absl::string_view provider_id, const std::vector<ConfigFieldSpec>& schema,
                          const ConfigMap& config, std::vector<FieldViolation>& unknown) {
  ConfigMap known;
  std::string names;
  for (const auto& [key, value] : config) {
    bool declared = false;
    for (const ConfigFieldSpec& field : schema) declared |= field.name == key;
    if (declared) {
      known.emplace(key, value);
      continue;
    }
    if (names.empty()) {
      for (const ConfigFieldSpec& field : schema) {
        absl::StrAppend(&names, names.empty() ? "" : ", ", field.name);
      }
      if (names.empty()) names = "(none)";
    }
    unknown.push_back({absl::CHexEscape(key), absl::StrCat("unknown option for provider ",
                                                           provider_id, "; known: ", names)});
  }
  return known;
}

}  // namespace pluton::storage::plugin_call
