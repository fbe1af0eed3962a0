// Internal to pluton_s3provider: what every housekeeping call shares. A BucketCall resolves
// the storage configuration, checks the bucket name and the caller's own field problems (all
// reported at once), builds an S3Client over the plugin's shared transport whose requests
// poll the host's cancel token (those steps are StorageCall's), and turns a failed S3 call
// into the provider's words.
//
//   BucketCall call(provider, Operation::kList);
//   if (pluton_error* error = call.Prepare(config, bucket, cancel, {})) return error;
//   absl::StatusOr<s3::ObjectPage> page = call.client().ListObjectsV2(
//       call.bucket(), request, call.cancelled());
//   if (!page.ok()) return call.ErrorFor(page.status());
//
// Secrets: the resolved configuration holds the secret key; nothing here puts it in a
// message. Thread safety: one BucketCall belongs to one call on one thread. The Provider and
// the cancel token must outlive it.
#ifndef PLUTON_PLUGINS_S3PROVIDER_SRC_BUCKET_CALL_H_
#define PLUTON_PLUGINS_S3PROVIDER_SRC_BUCKET_CALL_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "pluton/s3/s3_client.h"
#include "pluton/s3provider/failure.h"
#include "pluton/s3provider/provider.h"
#include "pluton/sdk/errors.h"
#include "pluton/storage_plugin.h"
#include "storage_call.h"

namespace pluton::s3provider {

class BucketCall : public StorageCall {
 public:
  BucketCall(const Provider& provider, Operation operation);

  // Resolves `config` (INVALID_CONFIG error when invalid), then reports `violations` plus a
  // bad bucket name ("bucket") as one INVALID_ARGUMENT error, then prepares the client.
  // Returns NULL when the call may go ahead; CANCELLED when the token already fired.
  pluton_error* Prepare(const pluton_config* config, std::string bucket,
                        const pluton_cancel_token* cancel,
                        std::vector<plugin_sdk::Violation> violations);

  // client(), cancelled(), bucket(), provider() and config() are StorageCall's (REQUIRES:
  // Prepare returned NULL).

  // The host's error for a failed S3 call made for `operation` (by default the call's own):
  // "<doing> failed: <explanation> (<S3's answer>)" with the provider's reason. The code is
  // CodeFor(failure) except that NotImplemented is UNIMPLEMENTED (a feature the service
  // lacks), with reason LIFECYCLE_UNSUPPORTED for the lifecycle operations; cancellation is
  // CANCELLED.
  pluton_error* ErrorFor(const absl::Status& status) const { return ErrorFor(status, operation_); }
  pluton_error* ErrorFor(const absl::Status& status, Operation operation) const;

  // The provider's explanation of `failure` for this call's bucket and `operation`.
  Explanation Explain(const Failure& failure, Operation operation) const;

  // The pluton_code a failure of a housekeeping call carries (see ErrorFor).
  static pluton_code CodeOf(const Failure& failure);
};

}  // namespace pluton::s3provider

#endif  // PLUTON_PLUGINS_S3PROVIDER_SRC_BUCKET_CALL_H_
