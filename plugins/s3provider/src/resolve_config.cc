// ConfigCheck and ResolveConfig: the validation pipeline every S3 provider runs (schema rules,
// shared tuning checks, then the provider's own), reporting all problems at once.
#include <algorithm>
#include <utility>

#include "pluton/s3provider/config_checks.h"
#include "pluton/s3provider/provider.h"
#include "pluton/sdk/abi_util.h"

namespace pluton::s3provider {

ConfigCheck::ConfigCheck(plugin_sdk::ValidationResult* result, const pluton_config* config)
    : result_(result), config_(config) {}

std::string ConfigCheck::Raw(std::string_view field) const {
  if (!PLUTON_SDK_HAS_FIELD(config_, pluton_config, entries) || config_->entries == nullptr) {
    return "";
  }
  std::string found;
  int matches = 0;
  for (size_t i = 0; i < config_->count; ++i) {
    const pluton_kv& kv = config_->entries[i];
    if (kv.key == nullptr || plugin_sdk::View(kv.key) != field) continue;
    ++matches;
    found = std::string(plugin_sdk::View(kv.value));
  }
  return matches == 1 ? found : "";
}

bool ConfigCheck::HasViolation(std::string_view field) const {
  return std::any_of(result_->violations.begin(), result_->violations.end(),
                     [&](const plugin_sdk::Violation& v) { return v.first == field; });
}

bool ConfigCheck::Usable(std::string_view field) const {
  return result_->config.Has(field) && !HasViolation(field);
}

void ConfigCheck::Add(std::string field, std::string description) {
  result_->violations.emplace_back(std::move(field), std::move(description));
}

void ConfigCheck::Replace(const std::string& field, std::string description) {
  auto& violations = result_->violations;
  auto first = std::find_if(violations.begin(), violations.end(),
                            [&](const plugin_sdk::Violation& v) { return v.first == field; });
  if (first == violations.end()) {
    violations.emplace_back(field, std::move(description));
    return;
  }
  first->second = std::move(description);
  violations.erase(std::remove_if(first + 1, violations.end(),
                                  [&](const plugin_sdk::Violation& v) { return v.first == field; }),
                   violations.end());
}

pluton_error* ResolveConfig(const Provider& provider, const pluton_config* config,
                            ResolvedConfig* out) {
  plugin_sdk::ValidationResult result = provider.Schema().Validate(config);
  ConfigCheck check(&result, config);
  ResolvedConfig resolved;
  CheckTuning(check, &resolved);
  provider.Resolve(check, &resolved);
  if (!result.ok()) return plugin_sdk::InvalidConfigError(std::move(result.violations));
  if (out != nullptr) *out = std::move(resolved);
  return nullptr;
}

}  // namespace pluton::s3provider
