// ObjectRecordStore: what the service computed for each object it stored.
//
// When an upload completes, the service records the object's size, the digests it computed
// over the stream, the ETag the provider reported and the part layout. A later full download
// whose ETag and size still match the record is verified against it, so every object that went
// through the service can be checked on restore, even where the provider keeps no MD5 of its
// own (a multipart upload, a storage with disable_checksum). The ETag pins a record to one
// version of the object: an object overwritten or changed behind the service's back no longer
// matches and is simply not verified from the record.
//
// Records are keyed by (storage id, bucket, key); a new upload to the same key replaces the
// record, deleting the object through the service removes it, and deleting the storage removes
// all of its records.
//
// Thread safety: every method of every implementation may be called concurrently.
#ifndef PLUTON_SERVICE_STORE_OBJECT_RECORD_STORE_H_
#define PLUTON_SERVICE_STORE_OBJECT_RECORD_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace pluton::storage {

struct ObjectRecord {
  std::string storage_id;
  std::string bucket;
  std::string key;
  uint64_t size = 0;
  std::string md5;         // 16 raw bytes; "" when the storage disables checksums
  std::string sha256;      // 32 raw bytes; "" when not computed
  std::string etag;        // as the provider reported it when the upload completed
  uint64_t part_size = 0;  // 0 for a single PUT
  uint32_t part_count = 0;
  absl::Time complete_time;
};

class ObjectRecordStore {
 public:
  virtual ~ObjectRecordStore() = default;

  // Adds the record, replacing one with the same storage id, bucket and key.
  // FAILED_PRECONDITION when no storage has that id (it was deleted meanwhile).
  virtual absl::Status PutObjectRecord(const ObjectRecord& record) = 0;

  // The record for the key, or nullopt when there is none.
  virtual absl::StatusOr<std::optional<ObjectRecord>> GetObjectRecord(const std::string& storage_id,
                                                                      const std::string& bucket,
                                                                      const std::string& key) = 0;

  // Removes the records of `keys` (absent ones are ignored), in one transaction.
  virtual absl::Status DeleteObjectRecords(const std::string& storage_id, const std::string& bucket,
                                           const std::vector<std::string>& keys) = 0;
};

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_STORE_OBJECT_RECORD_STORE_H_
