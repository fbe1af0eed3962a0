#include "storage_call.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "pluton/s3provider/config_checks.h"
#include "pluton/s3provider/shared_transport.h"
#include "pluton/sdk/abi_util.h"

namespace pluton::s3provider {

pluton_error* StorageCall::Resolve(const pluton_config* config) {
  return ResolveConfig(provider_, config, &config_);
}

void StorageCall::AddBucketViolation(const std::string& bucket,
                                     std::vector<plugin_sdk::Violation>* violations) {
  const std::string bucket_problem = CheckBucketName(bucket);
  if (!bucket_problem.empty()) {
    violations->insert(violations->begin(),
                       plugin_sdk::Violation("bucket", "the bucket name " + bucket_problem));
  }
}

pluton_error* StorageCall::Connect(const pluton_cancel_token* cancel,
                                   const std::string& cancelled_message) {
  if (plugin_sdk::CancelToken::Cancelled(cancel)) {
    return plugin_sdk::MakeError(PLUTON_CANCELLED, "CANCELLED", cancelled_message);
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

FailureContext StorageCall::Context(Operation operation) const {
  FailureContext context;
  context.operation = operation;
  context.bucket = bucket_;
  context.config = &config_;
  return context;
}

}  // namespace pluton::s3provider
