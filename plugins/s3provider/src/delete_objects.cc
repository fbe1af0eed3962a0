// delete_objects: DeleteObject for one key, DeleteObjects for several, DeleteObject one by
// one for keys XML cannot carry and for services without DeleteObjects (501).
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "bucket_call.h"
#include "housekeeping.h"
#include "pluton/s3/s3_bucket_xml.h"
#include "pluton/sdk/abi_util.h"
#include "pluton/sdk/housekeeping.h"

namespace pluton::s3provider {
namespace {

// The pluton_code of one key's <Error> in a DeleteObjects answer.
pluton_code CodeForKeyError(const std::string& code) {
  if (code == "AccessDenied" || code == "AllAccessDisabled") return PLUTON_PERMISSION_DENIED;
  if (code == "NoSuchBucket") return PLUTON_NOT_FOUND;
  if (code == "InternalError" || code == "ServiceUnavailable" || code == "SlowDown" ||
      code == "RequestTimeout") {
    return PLUTON_UNAVAILABLE;
  }
  if (code == "InvalidArgument" || code == "InvalidRequest" || code == "KeyTooLongError" ||
      code == "UserKeyMustBeSpecified") {
    return PLUTON_INVALID_ARGUMENT;
  }
  if (code == "InvalidObjectState" || code == "ObjectLocked" || code == "OperationAborted") {
    return PLUTON_FAILED_PRECONDITION;
  }
  return PLUTON_UNKNOWN;
}

// The failure of one key S3 listed in DeleteObjects' <Error>s, worded for people: S3's code
// and message, and for AccessDenied the permission the provider says is missing.
plugin_sdk::DeleteFailure KeyFailure(const BucketCall& call, const s3::DeleteObjectError& error) {
  plugin_sdk::DeleteFailure failure;
  failure.key = error.key;
  failure.code = CodeForKeyError(error.code);
  failure.message =
      "not deleted: " + error.code + (error.message.empty() ? "" : ": ") + error.message;
  if (failure.code == PLUTON_PERMISSION_DENIED) {
    Failure denied;
    denied.kind = FailureKind::kAccessDenied;
    denied.s3_code = error.code;
    failure.message += " (" + call.Explain(denied, Operation::kDelete).message + ")";
  }
  return failure;
}

// Checks the requested keys; returns them without repeats, in order.
std::vector<std::string> CheckKeys(const std::vector<std::string>& keys,
                                   std::vector<plugin_sdk::Violation>* violations) {
  if (keys.empty() || keys.size() > s3::kMaxDeleteObjectsKeys) {
    violations->emplace_back(
        "keys", "has " + std::to_string(keys.size()) + " keys; name 1 to 1000 keys per call");
  }
  std::vector<std::string> unique;
  std::set<std::string> seen;
  for (size_t i = 0; i < keys.size(); ++i) {
    if (keys[i].empty()) {
      violations->emplace_back("keys[" + std::to_string(i) + "]", "is empty; name the object");
    } else if (seen.insert(keys[i]).second) {
      unique.push_back(keys[i]);
    }
  }
  return unique;
}

}  // namespace

pluton_error* DeleteObjects(const Provider& provider, const pluton_config* config,
                            const pluton_delete_params* params, pluton_delete_result** out_result) {
  if (out_result == nullptr || !PLUTON_SDK_HAS_FIELD(params, pluton_delete_params, cancel)) {
    return plugin_sdk::MakeError(
        PLUTON_INVALID_ARGUMENT, "INVALID_ARGUMENT",
        "delete_objects needs pluton_delete_params and out_result; this is a host bug");
  }
  *out_result = nullptr;
  std::vector<plugin_sdk::Violation> violations;
  const std::vector<std::string> keys = CheckKeys(plugin_sdk::ReadDeleteKeys(params), &violations);
  BucketCall call(provider, Operation::kDelete);
  if (pluton_error* error = call.Prepare(config, std::string(plugin_sdk::View(params->bucket)),
                                         params->cancel, std::move(violations))) {
    return error;
  }

  std::vector<plugin_sdk::DeleteFailure> failures;
  if (keys.size() == 1) {
    const absl::Status status =
        call.client().DeleteObject(call.bucket(), keys[0], call.cancelled());
    if (!status.ok()) return call.ErrorFor(status);
    *out_result = plugin_sdk::ReleaseDeleteResult(failures);
    return nullptr;
  }

  std::vector<std::string> in_bulk, one_by_one;
  for (const std::string& key : keys) {
    (s3::IsXmlSafeKey(key) ? in_bulk : one_by_one).push_back(key);
  }
  if (!in_bulk.empty()) {
    absl::StatusOr<std::vector<s3::DeleteObjectError>> errors =
        call.client().DeleteObjects(call.bucket(), in_bulk, call.cancelled());
    if (errors.ok()) {
      for (const s3::DeleteObjectError& error : *errors)
        failures.push_back(KeyFailure(call, error));
    } else if (Classify(errors.status()).kind == FailureKind::kNotImplemented) {
      one_by_one.insert(one_by_one.begin(), in_bulk.begin(), in_bulk.end());
    } else {
      return call.ErrorFor(errors.status());
    }
  }
  for (const std::string& key : one_by_one) {
    const absl::Status status = call.client().DeleteObject(call.bucket(), key, call.cancelled());
    if (status.ok()) continue;
    const Failure failure = Classify(status);
    if (failure.kind == FailureKind::kCancelled) return call.ErrorFor(status);
    failures.push_back(plugin_sdk::DeleteFailure{
        key, BucketCall::CodeOf(failure),
        "not deleted: " + call.Explain(failure, Operation::kDelete).message + " (" +
            failure.detail + ")"});
  }
  *out_result = plugin_sdk::ReleaseDeleteResult(failures);
  return nullptr;
}

}  // namespace pluton::s3provider
