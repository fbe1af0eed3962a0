// C++ values for the ABI 1.2 housekeeping calls (listing, stat, deletion, incomplete uploads,
// lifecycle rules), and their conversion to and from the C structs.
//
// A plugin computes a result as one of these values and hands it out with the matching
// Release* function; the table's *_destroy function for that kind must be the matching
// Destroy* function here. Host-owned inputs (list parameters, keys, rules) are read into
// values with the Read* functions, so no plugin keeps a pointer into host memory.
//
// Ownership: a released struct is one heap object holding copies of every string; it lives
// until its Destroy* function. Release* throws std::bad_alloc when memory runs out (callers
// are inside GuardErrors).
// Thread safety: pure functions; distinct results share nothing.
#ifndef PLUTON_PLUGINS_SDK_HOUSEKEEPING_H_
#define PLUTON_PLUGINS_SDK_HOUSEKEEPING_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "pluton/storage_plugin.h"

namespace pluton::plugin_sdk {

struct ObjectEntry {
  std::string key;
  uint64_t size = 0;
  int64_t modified_unix_ms = 0;  // 0: unknown
  std::string etag;              // without quotes
  std::string storage_class;
};

struct ObjectListPage {
  std::vector<ObjectEntry> objects;          // in key order
  std::vector<std::string> common_prefixes;  // in order
  std::string next_page_token;               // "" on the last page
};

struct ObjectStat {
  uint64_t size = 0;
  int64_t modified_unix_ms = 0;
  std::string etag;
  std::string stored_md5;  // 16 raw bytes, or "" when no MD5 is stored
  std::string storage_class;
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> metadata;  // lowercase keys, no prefix
};

struct DeleteFailure {
  std::string key;
  pluton_code code = PLUTON_UNKNOWN;
  std::string message;  // never a secret
};

struct IncompleteUpload {
  std::string key;
  std::string upload_id;
  int64_t initiated_unix_ms = 0;
};

struct IncompleteUploadPage {
  std::vector<IncompleteUpload> uploads;
  std::string next_page_token;
};

struct LifecycleRule {
  std::string id;
  std::string prefix;
  bool enabled = true;
  uint32_t expire_after_days = 0;
  uint32_t abort_incomplete_after_days = 0;
};

// pluton_list_params as a value (fields a smaller struct lacks read as empty / 0).
struct ListRequest {
  std::string bucket;
  std::string prefix;
  std::string delimiter;
  std::string page_token;
  uint32_t max_entries = 1000;  // clamped to 1..1000
  const pluton_cancel_token* cancel = nullptr;
};

ListRequest ReadListParams(const pluton_list_params* params);
// The keys of a delete request (NULL entries read as "").
std::vector<std::string> ReadDeleteKeys(const pluton_delete_params* params);
// The rules handed to set_lifecycle (NULL strings read as "").
std::vector<LifecycleRule> ReadLifecycle(const pluton_lifecycle* lifecycle);

pluton_object_list* ReleaseObjectList(const ObjectListPage& page);
void DestroyObjectList(pluton_object_list* list) noexcept;

pluton_object_stat* ReleaseObjectStat(const ObjectStat& stat);
void DestroyObjectStat(pluton_object_stat* stat) noexcept;

pluton_delete_result* ReleaseDeleteResult(const std::vector<DeleteFailure>& failures);
void DestroyDeleteResult(pluton_delete_result* result) noexcept;

pluton_incomplete_upload_list* ReleaseIncompleteUploads(const IncompleteUploadPage& page);
void DestroyIncompleteUploads(pluton_incomplete_upload_list* list) noexcept;

pluton_lifecycle* ReleaseLifecycle(const std::vector<LifecycleRule>& rules);
void DestroyLifecycle(pluton_lifecycle* lifecycle) noexcept;

}  // namespace pluton::plugin_sdk

#endif  // PLUTON_PLUGINS_SDK_HOUSEKEEPING_H_
