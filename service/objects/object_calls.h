// The work of the object RPCs: ListObjects, StatObject, DeleteObject and DeleteObjects. Each
// checks its request, resolves the storage, calls its provider and fills the response. They
// block on the provider, so they run on a BlockingCallReactor; `cancelled` turning true makes
// the provider stop soon.
// StatObject fills in the digests of the service's record of the object when the record still
// matches it; DeleteObject(s) forget the records of what they deleted.
// Thread safety: free functions; the registry and records are thread-safe.
#ifndef PLUTON_SERVICE_OBJECTS_OBJECT_CALLS_H_
#define PLUTON_SERVICE_OBJECTS_OBJECT_CALLS_H_

#include <atomic>

#include "absl/status/status.h"
#include "objects/object_records.h"
#include "pluton/storage/v1/storage_service.pb.h"
#include "registry/storage_registry.h"

namespace pluton::storage {

absl::Status ListObjects(StorageRegistry* registry, const v1::ListObjectsRequest& request,
                         v1::ListObjectsResponse* response, const std::atomic<bool>* cancelled);

absl::Status StatObject(StorageRegistry* registry, ObjectRecords* records,
                        const v1::StatObjectRequest& request, v1::ObjectInfo* response,
                        const std::atomic<bool>* cancelled);

absl::Status DeleteObject(StorageRegistry* registry, ObjectRecords* records,
                          const v1::DeleteObjectRequest& request,
                          const std::atomic<bool>* cancelled);

absl::Status DeleteObjects(StorageRegistry* registry, ObjectRecords* records,
                           const v1::DeleteObjectsRequest& request,
                           v1::DeleteObjectsResponse* response, const std::atomic<bool>* cancelled);

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_OBJECTS_OBJECT_CALLS_H_
