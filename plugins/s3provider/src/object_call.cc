#include "object_call.h"

#include <utility>
#include <vector>

#include "pluton/s3provider/failure.h"
#include "pluton/sdk/errors.h"

namespace pluton::s3provider {
namespace {

// How a message names what the call was doing with the object.
std::string Verb(Operation operation) {
  return operation == Operation::kStat ? "reading the details of" : "downloading";
}

// S3 answers 400 InvalidRequest when the SSE-C key is missing, wrong, or not applicable (to a
// HEAD: 400 without a body).
std::string SseCustomerKeyHint(const Failure& failure, bool has_key) {
  if (failure.http_status != 400 ||
      (failure.s3_code != "InvalidRequest" && !failure.s3_code.empty())) {
    return "";
  }
  if (has_key) {
    return "; if the object was written with another SSE-C key or without SSE-C, this "
           "storage's sse_customer_key cannot read it: use a storage configured with the key "
           "the object was written with";
  }
  return "; if the object was written with SSE-C (a customer-provided key), it can be read "
         "only with that key: set server_side_encryption to SSE-C and sse_customer_key in this "
         "storage's configuration";
}

}  // namespace

pluton_error* ObjectCall::Prepare(const pluton_config* config, std::string bucket, std::string key,
                                  const pluton_cancel_token* cancel) {
  if (pluton_error* error = Resolve(config)) return error;
  std::vector<plugin_sdk::Violation> violations;
  AddBucketViolation(bucket, &violations);
  if (key.empty()) violations.emplace_back("key", "is empty; name the object");
  if (!violations.empty()) return plugin_sdk::InvalidArgumentError(std::move(violations));
  bucket_ = std::move(bucket);
  key_ = std::move(key);
  return Connect(cancel, Verb(operation_) + " " + Describe() +
                             " was cancelled by the service before it started");
}

pluton_error* ObjectCall::ErrorFor(const absl::Status& status) const {
  const Failure failure = Classify(status);
  if (failure.kind == FailureKind::kCancelled) {
    return plugin_sdk::MakeError(
        PLUTON_CANCELLED, "CANCELLED",
        Verb(operation_) + " " + Describe() + " was cancelled by the service");
  }
  FailureContext context = Context(operation_);
  context.key = key_;
  Explanation explanation = provider_.Explain(failure, context);
  std::string message = Verb(operation_) + " " + Describe() + " failed: " + explanation.message +
                        SseCustomerKeyHint(failure, sse_customer_key().has_value());
  if (failure.kind != FailureKind::kOther && !failure.detail.empty()) {
    message += " (" + failure.detail + ")";
  }
  return plugin_sdk::MakeError(CodeFor(failure), std::move(explanation.reason), std::move(message));
}

}  // namespace pluton::s3provider
