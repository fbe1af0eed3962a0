// ObjectRecords: the service's use of its object records (store/object_record_store.h).
//
// Uploads record what they computed; downloads and stats look a record up and use it only
// while it still describes the object (same ETag, same size); deletes through the service
// forget it. The store's failures never fail those calls: the object itself is what matters,
// so a failure is logged and the call goes on as if there were no record.
//
// Thread safety: thread-safe. The store is borrowed and must outlive this object.
#ifndef PLUTON_SERVICE_OBJECTS_OBJECT_RECORDS_H_
#define PLUTON_SERVICE_OBJECTS_OBJECT_RECORDS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "store/object_record_store.h"

namespace pluton::storage {

// True when two ETags name the same version: equal after removing surrounding quotes and a
// weak "W/" prefix. An empty ETag matches nothing.
bool SameEtag(absl::string_view a, absl::string_view b);

class ObjectRecords {
 public:
  explicit ObjectRecords(ObjectRecordStore* store) : store_(store) {}

  // Keeps the record of a completed upload, replacing any earlier one for the key.
  void Record(const ObjectRecord& record);

  // The record of the key when it describes the object as the provider reports it now
  // (`etag`, `size`); nullopt otherwise (no record, another version, or a store failure).
  std::optional<ObjectRecord> Matching(const std::string& storage_id, const std::string& bucket,
                                       const std::string& key, absl::string_view etag,
                                       uint64_t size);

  // Forgets the records of deleted keys.
  void Forget(const std::string& storage_id, const std::string& bucket,
              const std::vector<std::string>& keys);

 private:
  ObjectRecordStore* const store_;
};

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_OBJECTS_OBJECT_RECORDS_H_
