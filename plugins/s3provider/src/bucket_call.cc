#include "bucket_call.h"

#include <utility>

#include "pluton/s3provider/messages.h"

namespace pluton::s3provider {

BucketCall::BucketCall(const Provider& provider, Operation operation)
    : StorageCall(provider, operation) {}

pluton_error* BucketCall::Prepare(const pluton_config* config, std::string bucket,
                                  const pluton_cancel_token* cancel,
                                  std::vector<plugin_sdk::Violation> violations) {
  if (pluton_error* error = Resolve(config)) return error;
  AddBucketViolation(bucket, &violations);
  if (!violations.empty()) return plugin_sdk::InvalidArgumentError(std::move(violations));
  bucket_ = std::move(bucket);
  return Connect(cancel, "cancelled by the service");
}

Explanation BucketCall::Explain(const Failure& failure, Operation operation) const {
  return provider_.Explain(failure, Context(operation));
}

pluton_code BucketCall::CodeOf(const Failure& failure) {
  if (failure.kind == FailureKind::kNotImplemented) return PLUTON_UNIMPLEMENTED;
  return CodeFor(failure);
}

pluton_error* BucketCall::ErrorFor(const absl::Status& status, Operation operation) const {
  const Failure failure = Classify(status);
  const FailureContext context = Context(operation);
  const std::string doing = Doing(context, "the storage service");
  if (failure.kind == FailureKind::kCancelled) {
    return plugin_sdk::MakeError(PLUTON_CANCELLED, "CANCELLED",
                                 doing + " was cancelled by the service");
  }
  Explanation explanation = provider_.Explain(failure, context);
  if (failure.kind == FailureKind::kNotImplemented &&
      (operation == Operation::kGetLifecycle || operation == Operation::kSetLifecycle)) {
    // The same answer as from a provider without lifecycle rules (README, GetLifecycle).
    explanation.reason = "LIFECYCLE_UNSUPPORTED";
  }
  std::string message = doing + " failed: " + explanation.message;
  if (failure.kind != FailureKind::kOther && !failure.detail.empty() &&
      explanation.message != failure.detail) {
    message += " (" + failure.detail + ")";
  }
  return plugin_sdk::MakeError(CodeOf(failure), std::move(explanation.reason), std::move(message));
}

}  // namespace pluton::s3provider
