#include "objects/lifecycle_calls.h"

#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "api/proto_conversions.h"
#include "common/log.h"
#include "common/rich_status.h"
#include "common/status_macros.h"
#include "objects/object_request_check.h"

namespace pluton::storage {
namespace {

constexpr size_t kMaxRules = 1000;       // S3's limit per bucket
constexpr size_t kMaxRuleIdBytes = 255;  // S3's limit

std::vector<LifecycleRuleSpec> CheckRules(const v1::SetLifecycleRequest& request,
                                          RequestCheck& check) {
  std::vector<LifecycleRuleSpec> rules;
  std::set<std::string> ids;
  if (static_cast<size_t>(request.rules_size()) > kMaxRules) {
    check.Add("rules", absl::StrCat("a bucket holds at most ", kMaxRules, " rules"));
  }
  for (int i = 0; i < request.rules_size(); ++i) {
    const v1::LifecycleRule& in = request.rules(i);
    const std::string at = absl::StrCat("rules[", i, "]");
    if (in.id().empty() || in.id().size() > kMaxRuleIdBytes) {
      check.Add(at + ".id", "give each rule an id of 1 to 255 characters");
    } else if (!ids.insert(in.id()).second) {
      check.Add(at + ".id", absl::StrCat("the id \"", in.id(), "\" is used by an earlier rule"));
    }
    check.NoNul(at + ".id", in.id());
    check.NoNul(at + ".prefix", in.prefix());
    if (in.expire_after_days() < 0) {
      check.Add(at + ".expire_after_days", "use a number of days, or 0 for never");
    }
    if (in.abort_incomplete_upload_after_days() < 0) {
      check.Add(at + ".abort_incomplete_upload_after_days", "use a number of days, or 0 for never");
    }
    if (in.expire_after_days() == 0 && in.abort_incomplete_upload_after_days() == 0) {
      check.Add(at,
                "a rule needs an action: set expire_after_days and/or "
                "abort_incomplete_upload_after_days");
    }
    rules.push_back({in.id(), in.prefix(), in.enabled(),
                     static_cast<uint32_t>(std::max(0, in.expire_after_days())),
                     static_cast<uint32_t>(std::max(0, in.abort_incomplete_upload_after_days()))});
  }
  return rules;
}

constexpr char kLifecycleUnsupported[] = "LIFECYCLE_UNSUPPORTED";

// A provider's UNIMPLEMENTED from a lifecycle call means it has no lifecycle rules: whatever
// reason its plugin gave, the client gets the one the API promises.
absl::Status AsLifecycleError(absl::Status status) {
  if (!absl::IsUnimplemented(status) || ReasonOf(status) == kLifecycleUnsupported) return status;
  return MakeRichStatus(absl::StatusCode::kUnimplemented, status.message(), kLifecycleUnsupported,
                        ViolationsOf(status));
}

}  // namespace

absl::Status GetLifecycle(StorageRegistry* registry, const v1::GetLifecycleRequest& request,
                          v1::Lifecycle* response, const std::atomic<bool>* cancelled) {
  RETURN_IF_ERROR(RequestCheck(request.storage(), request.bucket()).Result("the request"));
  ASSIGN_OR_RETURN(ResolvedStorage storage, registry->Resolve(request.storage()));
  absl::StatusOr<std::vector<LifecycleRuleSpec>> rules =
      storage.provider->GetLifecycle(storage.config, request.bucket(), cancelled);
  if (!rules.ok()) return AsLifecycleError(rules.status());
  ToProto(*rules, response);
  return absl::OkStatus();
}

absl::Status SetLifecycle(StorageRegistry* registry, const v1::SetLifecycleRequest& request,
                          v1::Lifecycle* response, const std::atomic<bool>* cancelled) {
  RequestCheck check(request.storage(), request.bucket());
  std::vector<LifecycleRuleSpec> rules = CheckRules(request, check);
  RETURN_IF_ERROR(check.Result("the lifecycle request"));
  ASSIGN_OR_RETURN(ResolvedStorage storage, registry->Resolve(request.storage()));
  RETURN_IF_ERROR(AsLifecycleError(
      storage.provider->SetLifecycle(storage.config, request.bucket(), rules, cancelled)));
  LogInfo("lifecycle", "set storage=", storage.id, " bucket=", request.bucket(),
          " rules=", rules.size());
  absl::StatusOr<std::vector<LifecycleRuleSpec>> now =
      storage.provider->GetLifecycle(storage.config, request.bucket(), cancelled);
  if (!now.ok()) {
    // The rules are set: say so, or the client would take the failed read-back for a failed set.
    return MakeRichStatus(
        now.status().code(),
        absl::StrCat("the lifecycle rules of bucket \"", request.bucket(),
                     "\" were set, but reading them back failed: ", now.status().message()),
        ReasonOf(now.status()));
  }
  ToProto(*now, response);
  return absl::OkStatus();
}

}  // namespace pluton::storage
