#include "objects/object_calls.h"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "api/proto_conversions.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "objects/object_request_check.h"

namespace pluton::storage {
namespace {

constexpr char kComponent[] = "objects";
constexpr size_t kMaxDeleteKeys = 1000;

}  // namespace

absl::Status ListObjects(StorageRegistry* registry, const v1::ListObjectsRequest& request,
                         v1::ListObjectsResponse* response, const std::atomic<bool>* cancelled) {
  RequestCheck check(request.storage(), request.bucket());
  ListSpec spec;
  spec.bucket = request.bucket();
  spec.prefix = request.prefix();
  spec.delimiter = request.delimiter();
  spec.page_token = request.page_token();
  spec.max_entries = check.PageSize(request.page_size());
  check.NoNul("prefix", spec.prefix);
  check.NoNul("delimiter", spec.delimiter);
  check.NoNul("page_token", spec.page_token);
  RETURN_IF_ERROR(check.Result("the listing request"));
  ASSIGN_OR_RETURN(ResolvedStorage storage, registry->Resolve(request.storage()));
  ASSIGN_OR_RETURN(ObjectListing listing,
                   storage.provider->ListObjects(storage.config, spec, cancelled));
  for (const ObjectDetails& object : listing.objects) ToProto(object, response->add_objects());
  for (const std::string& prefix : listing.common_prefixes) response->add_common_prefixes(prefix);
  response->set_next_page_token(listing.next_page_token);
  return absl::OkStatus();
}

absl::Status StatObject(StorageRegistry* registry, ObjectRecords* records,
                        const v1::StatObjectRequest& request, v1::ObjectInfo* response,
                        const std::atomic<bool>* cancelled) {
  RequestCheck check(request.storage(), request.bucket());
  check.Key("key", request.key());
  RETURN_IF_ERROR(check.Result("the stat request"));
  ASSIGN_OR_RETURN(ResolvedStorage storage, registry->Resolve(request.storage()));
  ASSIGN_OR_RETURN(
      ObjectDetails object,
      storage.provider->StatObject(storage.config, request.bucket(), request.key(), cancelled));
  object.key = request.key();
  ToProto(object, response);
  const std::optional<ObjectRecord> record =
      records->Matching(storage.id, request.bucket(), request.key(), object.etag, object.size);
  if (record) {
    if (response->md5_hex().empty() && !record->md5.empty()) {
      response->set_md5_hex(absl::BytesToHexString(record->md5));
    }
    if (!record->sha256.empty()) response->set_sha256_hex(absl::BytesToHexString(record->sha256));
  }
  return absl::OkStatus();
}

absl::Status DeleteObject(StorageRegistry* registry, ObjectRecords* records,
                          const v1::DeleteObjectRequest& request,
                          const std::atomic<bool>* cancelled) {
  RequestCheck check(request.storage(), request.bucket());
  check.Key("key", request.key());
  RETURN_IF_ERROR(check.Result("the delete request"));
  ASSIGN_OR_RETURN(ResolvedStorage storage, registry->Resolve(request.storage()));
  ASSIGN_OR_RETURN(std::vector<KeyFailure> failures,
                   storage.provider->DeleteObjects(storage.config, request.bucket(),
                                                   {request.key()}, cancelled));
  if (!failures.empty()) {
    // One key: its failure is the call's.
    return MakeRichStatus(failures.front().code, failures.front().message, "DELETE_FAILED");
  }
  records->Forget(storage.id, request.bucket(), {request.key()});
  LogInfo(kComponent, "deleted storage=", storage.id, " bucket=", request.bucket(),
          " key=", absl::CHexEscape(request.key()));
  return absl::OkStatus();
}

absl::Status DeleteObjects(StorageRegistry* registry, ObjectRecords* records,
                           const v1::DeleteObjectsRequest& request,
                           v1::DeleteObjectsResponse* response,
                           const std::atomic<bool>* cancelled) {
  RequestCheck check(request.storage(), request.bucket());
  std::vector<std::string> keys;
  std::set<std::string> seen;
  if (request.keys().empty() || static_cast<size_t>(request.keys_size()) > kMaxDeleteKeys) {
    check.Add("keys", absl::StrCat("give 1 to ", kMaxDeleteKeys, " keys per call, not ",
                                   request.keys_size()));
  }
  for (int i = 0; i < request.keys_size(); ++i) {
    const std::string& key = request.keys(i);
    check.Key(absl::StrCat("keys[", i, "]"), key);
    if (seen.insert(key).second) keys.push_back(key);
  }
  RETURN_IF_ERROR(check.Result("the delete request"));
  ASSIGN_OR_RETURN(ResolvedStorage storage, registry->Resolve(request.storage()));
  ASSIGN_OR_RETURN(
      std::vector<KeyFailure> failures,
      storage.provider->DeleteObjects(storage.config, request.bucket(), keys, cancelled));
  for (const KeyFailure& failure : failures) ToProto(failure, response->add_failures());
  std::set<std::string> failed;
  for (const KeyFailure& failure : failures) failed.insert(failure.key);
  std::vector<std::string> deleted;
  for (const std::string& key : keys) {
    if (failed.count(key) == 0) deleted.push_back(key);
  }
  records->Forget(storage.id, request.bucket(), deleted);
  response->set_deleted_count(
      static_cast<int32_t>(keys.size() - std::min(keys.size(), failures.size())));
  LogInfo(kComponent, "deleted storage=", storage.id, " bucket=", request.bucket(),
          " keys=", keys.size(), " failed=", failures.size());
  return absl::OkStatus();
}

}  // namespace pluton::storage
