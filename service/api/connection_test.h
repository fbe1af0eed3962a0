// The TestConnection RPC's work: resolves the saved or unsaved storage and runs its provider's
// checks. Blocks for up to the test's timeout, so it runs on a BlockingCallReactor.
// Thread safety: free function; the registry is thread-safe.
#ifndef PLUTON_SERVICE_API_CONNECTION_TEST_H_
#define PLUTON_SERVICE_API_CONNECTION_TEST_H_

#include <atomic>

#include "absl/status/status.h"
#include "pluton/storage/v1/storage_service.pb.h"
#include "registry/storage_registry.h"

namespace pluton::storage {

// Fills `response` on success. When `cancelled` turns true the provider stops soon.
absl::Status RunConnectionTest(StorageRegistry* registry, const v1::TestConnectionRequest& request,
                               v1::TestConnectionResponse* response,
                               const std::atomic<bool>* cancelled);

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_API_CONNECTION_TEST_H_
