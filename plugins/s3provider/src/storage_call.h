// Internal to pluton_s3provider: the setup every call on one bucket shares, the base of
// BucketCall (housekeeping) and ObjectCall (download_open, stat_object). A StorageCall holds
// the resolved storage configuration, the checked bucket name, and an S3Client over the
// plugin's shared transport whose requests poll the host's cancel token. The derived call
// validates its own arguments and words its own messages; this class only does the steps
// that are the same for both:
//
//   if (pluton_error* error = Resolve(config)) return error;      // INVALID_CONFIG
//   AddBucketViolation(bucket, &violations);                      // then the call's checks
//   ... bucket_ = std::move(bucket);
//   if (pluton_error* error = Connect(cancel, "<what> was cancelled ...")) return error;
//
// Secrets: the resolved configuration holds the secret key (and any SSE-C key); nothing here
// puts either in a message.
// Thread safety: a StorageCall belongs to one call and is used by one thread at a time. The
// Provider and the cancel token must outlive it; the S3Client it owns borrows the plugin's
// shared transport.
#ifndef PLUTON_PLUGINS_S3PROVIDER_SRC_STORAGE_CALL_H_
#define PLUTON_PLUGINS_S3PROVIDER_SRC_STORAGE_CALL_H_

#include <memory>
#include <string>
#include <vector>

#include "pluton/s3/s3_client.h"
#include "pluton/s3provider/provider.h"
#include "pluton/sdk/errors.h"
#include "pluton/storage_plugin.h"

namespace pluton::s3provider {

class StorageCall {
 public:
  StorageCall(const StorageCall&) = delete;
  StorageCall& operator=(const StorageCall&) = delete;

  // REQUIRES: the derived call's Prepare returned NULL.
  s3::S3Client& client() const { return *client_; }
  const s3::CancelCheck& cancelled() const { return cancelled_; }
  const std::string& bucket() const { return bucket_; }
  const Provider& provider() const { return provider_; }
  const ResolvedConfig& config() const { return config_; }

 protected:
  StorageCall(const Provider& provider, Operation operation)
      : provider_(provider), operation_(operation) {}
  ~StorageCall() = default;

  // Resolves `config` into config_; an INVALID_CONFIG error when it is invalid, else NULL.
  pluton_error* Resolve(const pluton_config* config);

  // Puts a bad bucket name first in `violations` (field "bucket"); nothing when it is valid.
  static void AddBucketViolation(const std::string& bucket,
                                 std::vector<plugin_sdk::Violation>* violations);

  // CANCELLED with `cancelled_message` when `cancel` already fired; INTERNAL
  // (TRANSPORT_UNAVAILABLE) when the plugin's shared transport cannot be had; else builds
  // the client for config_ whose cancel check polls `cancel`, and returns NULL.
  // REQUIRES: Resolve returned NULL. `cancel` may be NULL (never cancelled).
  pluton_error* Connect(const pluton_cancel_token* cancel, const std::string& cancelled_message);

  // What the provider needs to explain a failure of `operation` on bucket_ (no key).
  FailureContext Context(Operation operation) const;

  const Provider& provider_;
  const Operation operation_;
  ResolvedConfig config_;
  std::string bucket_;

 private:
  s3::CancelCheck cancelled_;
  std::unique_ptr<s3::S3Client> client_;
};

}  // namespace pluton::s3provider

#endif  // PLUTON_PLUGINS_S3PROVIDER_SRC_STORAGE_CALL_H_
