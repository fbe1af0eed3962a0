// The work of ListIncompleteUploads and CleanupIncompleteUploads. Cleanup is policy the
// service owns for every provider: it pages through the provider's incomplete uploads and
// aborts those started before the cutoff, so a plugin only lists and aborts. Blocking; run on
// a BlockingCallReactor.
// Thread safety: free functions; the registry is thread-safe.
#ifndef PLUTON_SERVICE_OBJECTS_INCOMPLETE_UPLOAD_CALLS_H_
#define PLUTON_SERVICE_OBJECTS_INCOMPLETE_UPLOAD_CALLS_H_

#include <atomic>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "pluton/storage/v1/storage_service.pb.h"
#include "registry/storage_registry.h"

namespace pluton::storage {

// The cutoff when a cleanup request does not give one.
inline constexpr absl::Duration kDefaultCleanupAge = absl::Hours(24);

absl::Status ListIncompleteUploads(StorageRegistry* registry,
                                   const v1::ListIncompleteUploadsRequest& request,
                                   v1::ListIncompleteUploadsResponse* response,
                                   const std::atomic<bool>* cancelled);

// Uploads without a known start time are kept: their age cannot be told.
absl::Status CleanupIncompleteUploads(StorageRegistry* registry,
                                      const v1::CleanupIncompleteUploadsRequest& request,
                                      v1::CleanupIncompleteUploadsResponse* response,
                                      const std::atomic<bool>* cancelled);

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_OBJECTS_INCOMPLETE_UPLOAD_CALLS_H_
