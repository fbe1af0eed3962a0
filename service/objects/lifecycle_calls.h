// The work of GetLifecycle and SetLifecycle: rule checks every provider shares (ids, actions,
// day counts), then the provider's call. Blocking; run on a BlockingCallReactor.
// Thread safety: free functions; the registry is thread-safe.
#ifndef PLUTON_SERVICE_OBJECTS_LIFECYCLE_CALLS_H_
#define PLUTON_SERVICE_OBJECTS_LIFECYCLE_CALLS_H_

#include <atomic>

#include "absl/status/status.h"
#include "pluton/storage/v1/storage_service.pb.h"
#include "registry/storage_registry.h"

namespace pluton::storage {

absl::Status GetLifecycle(StorageRegistry* registry, const v1::GetLifecycleRequest& request,
                          v1::Lifecycle* response, const std::atomic<bool>* cancelled);

// Errors of both: a provider's UNIMPLEMENTED always carries reason LIFECYCLE_UNSUPPORTED.

// Sets the rules, then answers with the rules as the provider reports them afterwards; when
// only that read-back fails, the error says the rules were set.
absl::Status SetLifecycle(StorageRegistry* registry, const v1::SetLifecycleRequest& request,
                          v1::Lifecycle* response, const std::atomic<bool>* cancelled);

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_OBJECTS_LIFECYCLE_CALLS_H_
