#include "bucket_call.h"

#include <utility>

#include "pluton/s3provider/config_checks.h"
#include "pluton/s3provider/messages.h"
#include "pluton/s3provider/shared_transport.h"
#include "pluton/sdk/abi_util.h"

namespace pluton::s3provider {

BucketCall::BucketCall(const Provider& provider, Operation operation)
    : provider_(provider), operation_(operation) {}

pluton_error* BucketCall::Prepare(const pluton_config* config, std::string bucket,
                                  const pluton_cancel_token* cancel,
                                  std::vector<plugin_sdk::Violation> violations) {
  if (pluton_error* error = ResolveConfig(provider_, config, &config_)) return error;
  const std::string bucket_problem = CheckBucketName(bucket);
  if (!bucket_problem.empty()) {
    violations.insert(violations.begin(),
                      plugin_sdk::Violation("bucket", "the bucket name " + bucket_problem));
  }
  if (!violations.empty()) return plugin_sdk::InvalidArgumentError(std::move(violations));
  bucket_ = std::move(bucket);
  if (plugin_sdk::CancelToken::Cancelled(cancel)) {
    return plugin_sdk::MakeError(PLUTON_CANCELLED, "CANCELLED", "cancelled by the service");
  }
  absl::StatusOr<s3::HttpTransport*> transport = SharedTransport(provider_);
  if (!transport.ok()) {
    return plugin_sdk::MakeError(
        PLUTON_INTERNAL, "TRANSPORT_UNAVAILABLE",
        "the plugin cannot make HTTP requests: " + std::string(transport.status().message()));
  }
  client_ = std::make_unique<s3::S3Client>(config_.endpoint, config_.credentials, *transport);
  cancelled_ = [cancel] { return plugin_sdk::CancelToken::Cancelled(cancel); };
  return nullptr;
}

Explanation BucketCall::Explain(const Failure& failure, Operation operation) const {
  FailureContext context;
  context.operation = operation;
  context.bucket = bucket_;
  context.config = &config_;
  return provider_.Explain(failure, context);
}

pluton_code BucketCall::CodeOf(const Failure& failure) {
  if (failure.kind == FailureKind::kNotImplemented) return PLUTON_UNIMPLEMENTED;
  return CodeFor(failure);
}

pluton_error* BucketCall::ErrorFor(const absl::Status& status, Operation operation) const {
  const Failure failure = Classify(status);
  FailureContext context;
  context.operation = operation;
  context.bucket = bucket_;
  context.config = &config_;
  const std::string doing = Doing(context, "the storage service");
  if (failure.kind == FailureKind::kCancelled) {
    return plugin_sdk::MakeError(PLUTON_CANCELLED, "CANCELLED",
                                 doing + " was cancelled by the service");
  }
  Explanation explanation = provider_.Explain(failure, context);
  std::string message = doing + " failed: " + explanation.message;
  if (failure.kind != FailureKind::kOther && !failure.detail.empty() &&
      explanation.message != failure.detail) {
    message += " (" + failure.detail + ")";
  }
  return plugin_sdk::MakeError(CodeOf(failure), std::move(explanation.reason), std::move(message));
}

}  // namespace pluton::s3provider
