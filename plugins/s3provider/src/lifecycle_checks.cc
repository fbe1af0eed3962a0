#include "lifecycle_checks.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <string>

#include "pluton/s3provider/config_checks.h"

namespace pluton::s3provider {
namespace {

constexpr uint32_t kMaxDays = std::numeric_limits<int32_t>::max();

bool HasControlCharacter(const std::string& text) {
  return std::any_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

}  // namespace

std::vector<plugin_sdk::Violation> CheckLifecycleRules(
    const std::vector<plugin_sdk::LifecycleRule>& rules) {
  std::vector<plugin_sdk::Violation> violations;
  if (rules.size() > kMaxLifecycleRules) {
    violations.emplace_back(
        "rules", "has " + std::to_string(rules.size()) + " rules; a bucket takes at most 1000");
  }
  std::map<std::string, size_t> first_with_id;
  for (size_t i = 0; i < rules.size(); ++i) {
    const plugin_sdk::LifecycleRule& rule = rules[i];
    const std::string field = "rules[" + std::to_string(i) + "]";
    if (rule.id.empty()) {
      violations.emplace_back(field + ".id", "is empty; give every rule a name");
    } else if (rule.id.size() > kMaxLifecycleIdLength) {
      violations.emplace_back(
          field + ".id", "is " + std::to_string(rule.id.size()) + " characters long; at most 255");
    } else if (HasControlCharacter(rule.id)) {
      violations.emplace_back(field + ".id", "contains a control character");
    } else if (auto [it, added] = first_with_id.emplace(rule.id, i); !added) {
      violations.emplace_back(field + ".id", Quote(rule.id) + " is also the id of rules[" +
                                                 std::to_string(it->second) +
                                                 "]; ids must be unique");
    }
    if (rule.prefix.size() > kMaxLifecyclePrefixBytes) {
      violations.emplace_back(field + ".prefix", "is " + std::to_string(rule.prefix.size()) +
                                                     " bytes long; at most 1024 (a key's limit)");
    } else if (HasControlCharacter(rule.prefix)) {
      violations.emplace_back(field + ".prefix", "contains a control character");
    }
    if (rule.expire_after_days == 0 && rule.abort_incomplete_after_days == 0) {
      violations.emplace_back(field,
                              "has no action: set expire_after_days, "
                              "abort_incomplete_after_days or both (days, at least 1)");
    }
    if (rule.expire_after_days > kMaxDays) {
      violations.emplace_back(field + ".expire_after_days", "is above 2147483647 days");
    }
    if (rule.abort_incomplete_after_days > kMaxDays) {
      violations.emplace_back(field + ".abort_incomplete_after_days", "is above 2147483647 days");
    }
  }
  return violations;
}

}  // namespace pluton::s3provider
