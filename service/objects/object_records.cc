#include "objects/object_records.h"

#include "absl/strings/escaping.h"
#include "absl/strings/strip.h"
#include "common/log.h"

namespace pluton::storage {
namespace {

constexpr char kComponent[] = "records";

absl::string_view BareEtag(absl::string_view etag) {
  absl::ConsumePrefix(&etag, "W/");
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    etag = etag.substr(1, etag.size() - 2);
  }
  return etag;
}

}  // namespace

bool SameEtag(absl::string_view a, absl::string_view b) {
  a = BareEtag(a);
  return !a.empty() && a == BareEtag(b);
}

void ObjectRecords::Record(const ObjectRecord& record) {
  absl::Status status = store_->PutObjectRecord(record);
  if (!status.ok()) {
    LogWarning(kComponent, "the upload of bucket=", record.bucket,
               " key=", absl::CHexEscape(record.key), " to storage=", record.storage_id,
               " completed but could not be recorded, so its restores are verified only where the "
               "provider stores an MD5: ",
               status.message());
  }
}

std::optional<ObjectRecord> ObjectRecords::Matching(const std::string& storage_id,
                                                    const std::string& bucket,
                                                    const std::string& key, absl::string_view etag,
                                                    uint64_t size) {
  absl::StatusOr<std::optional<ObjectRecord>> record =
      store_->GetObjectRecord(storage_id, bucket, key);
  if (!record.ok()) {
    LogWarning(kComponent, "cannot read the record of bucket=", bucket,
               " key=", absl::CHexEscape(key), " of storage=", storage_id, ": ",
               record.status().message());
    return std::nullopt;
  }
  if (!record->has_value()) return std::nullopt;
  if ((*record)->size != size || !SameEtag((*record)->etag, etag)) return std::nullopt;
  return *std::move(*record);
}

void ObjectRecords::Forget(const std::string& storage_id, const std::string& bucket,
                           const std::vector<std::string>& keys) {
  absl::Status status = store_->DeleteObjectRecords(storage_id, bucket, keys);
  if (!status.ok()) {
    LogWarning(kComponent, "deleted ", keys.size(), " object(s) of storage=", storage_id,
               " bucket=", bucket, " but could not forget their records: ", status.message());
  }
}

}  // namespace pluton::storage
