// get_lifecycle and set_lifecycle: the bucket's rules as far as Pluton expresses them, and
// the refusal to hide or overwrite rules it cannot express (housekeeping_api.h).
#include <string>
#include <utility>
#include <vector>

#include "bucket_call.h"
#include "housekeeping.h"
#include "lifecycle_checks.h"
#include "pluton/s3/s3_bucket_xml.h"
#include "pluton/s3provider/config_checks.h"
#include "pluton/sdk/abi_util.h"
#include "pluton/sdk/housekeeping.h"

namespace pluton::s3provider {
namespace {

std::string Join(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& part : parts) out += (out.empty() ? "" : ", ") + part;
  return out;
}

// FAILED_PRECONDITION naming every rule of `rules` Pluton cannot express, or NULL when there
// is none. `refused` is what Pluton will not do with them ("show", "replace").
pluton_error* UnsupportedRulesError(const BucketCall& call,
                                    const std::vector<s3::LifecycleRule>& rules,
                                    const std::string& refused) {
  std::vector<plugin_sdk::Violation> violations;
  std::string named;
  for (size_t i = 0; i < rules.size(); ++i) {
    if (rules[i].unsupported.empty()) continue;
    const std::string what = "rule " + Quote(rules[i].id) + " uses " + Join(rules[i].unsupported);
    named += (named.empty() ? "" : "; ") + what;
    violations.emplace_back("rules[" + std::to_string(i) + "]",
                            what + ", which Pluton cannot express");
  }
  if (violations.empty()) return nullptr;
  return plugin_sdk::MakeError(
      PLUTON_FAILED_PRECONDITION, "LIFECYCLE_RULES_UNSUPPORTED",
      "bucket \"" + call.bucket() +
          "\" has lifecycle rules Pluton cannot express, so it will not " + refused +
          " them: " + named +
          ". Pluton manages rules with a key prefix, expiry after N days and aborting incomplete "
          "uploads after N days; change or remove the other rules with the storage provider's "
          "own tools (dashboard or API) first",
      std::move(violations));
}

std::string RuleId(const s3::LifecycleRule& rule, size_t index) {
  return rule.id.empty() ? "rule-" + std::to_string(index + 1) : rule.id;
}

// The bucket's rules as S3 holds them.
absl::StatusOr<std::vector<s3::LifecycleRule>> CurrentRules(const BucketCall& call) {
  return call.client().GetBucketLifecycle(call.bucket(), call.cancelled());
}

}  // namespace

pluton_error* GetLifecycle(const Provider& provider, const pluton_config* config,
                           const pluton_object_params* params, pluton_lifecycle** out_lifecycle) {
  if (out_lifecycle == nullptr || !PLUTON_SDK_HAS_FIELD(params, pluton_object_params, cancel)) {
    return plugin_sdk::MakeError(
        PLUTON_INVALID_ARGUMENT, "INVALID_ARGUMENT",
        "get_lifecycle needs pluton_object_params and out_lifecycle; this is a host bug");
  }
  *out_lifecycle = nullptr;
  BucketCall call(provider, Operation::kGetLifecycle);
  if (pluton_error* error =
          call.Prepare(config, std::string(plugin_sdk::View(params->bucket)), params->cancel, {})) {
    return error;
  }
  absl::StatusOr<std::vector<s3::LifecycleRule>> rules = CurrentRules(call);
  if (!rules.ok()) return call.ErrorFor(rules.status());
  if (pluton_error* error = UnsupportedRulesError(call, *rules, "show")) return error;
  std::vector<plugin_sdk::LifecycleRule> out;
  out.reserve(rules->size());
  for (size_t i = 0; i < rules->size(); ++i) {
    const s3::LifecycleRule& rule = (*rules)[i];
    out.push_back(plugin_sdk::LifecycleRule{RuleId(rule, i), rule.prefix, rule.enabled,
                                            static_cast<uint32_t>(rule.expiration_days),
                                            static_cast<uint32_t>(rule.abort_incomplete_days)});
  }
  *out_lifecycle = plugin_sdk::ReleaseLifecycle(out);
  return nullptr;
}

pluton_error* SetLifecycle(const Provider& provider, const pluton_config* config,
                           const pluton_object_params* params, const pluton_lifecycle* lifecycle) {
  if (!PLUTON_SDK_HAS_FIELD(params, pluton_object_params, cancel) ||
      !PLUTON_SDK_HAS_FIELD(lifecycle, pluton_lifecycle, rules) ||
      (lifecycle->rule_count > 0 && lifecycle->rules == nullptr)) {
    // Reading a broken struct as "no rules" would delete every rule of the bucket.
    return plugin_sdk::MakeError(
        PLUTON_INVALID_ARGUMENT, "INVALID_ARGUMENT",
        "set_lifecycle needs pluton_object_params and a pluton_lifecycle whose rules array "
        "holds rule_count rules; this is a host bug");
  }
  const std::vector<plugin_sdk::LifecycleRule> rules = plugin_sdk::ReadLifecycle(lifecycle);
  BucketCall call(provider, Operation::kSetLifecycle);
  if (pluton_error* error = call.Prepare(config, std::string(plugin_sdk::View(params->bucket)),
                                         params->cancel, CheckLifecycleRules(rules))) {
    return error;
  }
  absl::StatusOr<std::vector<s3::LifecycleRule>> current = CurrentRules(call);
  // Reading is a step of setting: the error speaks of setting (and a 501 here means the
  // service has no lifecycle rules at all).
  if (!current.ok()) return call.ErrorFor(current.status());
  if (pluton_error* error = UnsupportedRulesError(call, *current, "replace")) return error;

  if (rules.empty()) {
    const absl::Status status =
        call.client().DeleteBucketLifecycle(call.bucket(), call.cancelled());
    return status.ok() ? nullptr : call.ErrorFor(status);
  }
  std::vector<s3::LifecycleRule> wanted;
  wanted.reserve(rules.size());
  for (const plugin_sdk::LifecycleRule& rule : rules) {
    s3::LifecycleRule out;
    out.id = rule.id;
    out.prefix = rule.prefix;
    out.enabled = rule.enabled;
    out.expiration_days = static_cast<int>(rule.expire_after_days);
    out.abort_incomplete_days = static_cast<int>(rule.abort_incomplete_after_days);
    wanted.push_back(std::move(out));
  }
  const absl::Status status =
      call.client().PutBucketLifecycle(call.bucket(), wanted, call.cancelled());
  return status.ok() ? nullptr : call.ErrorFor(status);
}

}  // namespace pluton::s3provider
