// Internal to pluton_s3provider: what the calls on one object (download_open, stat_object)
// share. An ObjectCall resolves the storage configuration, checks the bucket name and key
// (all problems at once), builds an S3Client over the plugin's shared transport whose
// requests poll the host's cancel token (those steps are StorageCall's), and turns a failed
// S3 call into the provider's words.
//
//   ObjectCall call(provider, Operation::kStat);
//   if (pluton_error* error = call.Prepare(config, bucket, key, cancel)) return error;
//   absl::StatusOr<s3::ObjectDetails> details = call.client().HeadObject(
//       call.bucket(), call.key(), call.sse_customer_key(), call.cancelled());
//   if (!details.ok()) return call.ErrorFor(details.status());
//
// SSE-C: an object written with SSE-C is readable only with its key, which comes from the
// storage's configuration (sse_customer_key); every request carries it when it is set.
// Secrets: the resolved configuration holds the secret key and the SSE-C key; nothing here
// puts either in a message.
// Thread safety: an ObjectCall is used by one thread at a time. The Provider and the cancel
// token must outlive it; the S3Client it owns borrows the plugin's shared transport.
#ifndef PLUTON_PLUGINS_S3PROVIDER_SRC_OBJECT_CALL_H_
#define PLUTON_PLUGINS_S3PROVIDER_SRC_OBJECT_CALL_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "pluton/s3/s3_client.h"
#include "pluton/s3provider/provider.h"
#include "pluton/storage_plugin.h"
#include "storage_call.h"

namespace pluton::s3provider {

class ObjectCall : public StorageCall {
 public:
  ObjectCall(const Provider& provider, Operation operation) : StorageCall(provider, operation) {}

  // Resolves `config` (INVALID_CONFIG error when invalid), checks `bucket` and `key` (one
  // INVALID_ARGUMENT error), then prepares the client. NULL when the call may go ahead;
  // CANCELLED when the token already fired. `cancel` may be NULL.
  pluton_error* Prepare(const pluton_config* config, std::string bucket, std::string key,
                        const pluton_cancel_token* cancel);

  // client(), cancelled(), bucket(), provider() and config() are StorageCall's.
  // REQUIRES: Prepare returned NULL.
  const std::string& key() const { return key_; }
  const std::optional<s3::SseCustomerKey>& sse_customer_key() const {
    return config_.object_options.sse_customer_key;
  }
  // "\"bucket/key\"", for messages.
  std::string Describe() const { return "\"" + bucket_ + "/" + key_ + "\""; }

  // The host's error for a failed S3 call: "<doing> \"bucket/key\" failed: <explanation>
  // (<S3's answer>)" with the provider's reason and CodeFor's code; CANCELLED for a
  // cancellation. A 400 InvalidRequest gets a hint about SSE-C keys.
  pluton_error* ErrorFor(const absl::Status& status) const;

 private:
  std::string key_;
};

}  // namespace pluton::s3provider

#endif  // PLUTON_PLUGINS_S3PROVIDER_SRC_OBJECT_CALL_H_
