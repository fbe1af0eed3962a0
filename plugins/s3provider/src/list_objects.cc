// list_objects: one ListObjectsV2 page as a pluton_object_list.
#include <utility>

#include "absl/time/time.h"
#include "bucket_call.h"
#include "housekeeping.h"
#include "pluton/sdk/housekeeping.h"

namespace pluton::s3provider {

pluton_error* ListObjects(const Provider& provider, const pluton_config* config,
                          const pluton_list_params* params, pluton_object_list** out_list) {
  if (out_list == nullptr) {
    return plugin_sdk::MakeError(PLUTON_INVALID_ARGUMENT, "INVALID_ARGUMENT",
                                 "list_objects needs out_list; this is a host bug");
  }
  *out_list = nullptr;
  const plugin_sdk::ListRequest request = plugin_sdk::ReadListParams(params);
  BucketCall call(provider, Operation::kList);
  if (pluton_error* error = call.Prepare(config, request.bucket, request.cancel, {})) return error;

  s3::ListObjectsRequest page_request;
  page_request.prefix = request.prefix;
  page_request.delimiter = request.delimiter;
  page_request.max_keys = static_cast<int>(request.max_entries);
  page_request.continuation_token = request.page_token;
  absl::StatusOr<s3::ObjectPage> page =
      call.client().ListObjectsV2(call.bucket(), page_request, call.cancelled());
  if (!page.ok()) return call.ErrorFor(page.status());

  plugin_sdk::ObjectListPage out;
  out.objects.reserve(page->objects.size());
  for (s3::ObjectSummary& object : page->objects) {
    plugin_sdk::ObjectEntry entry;
    entry.key = std::move(object.key);
    entry.size = object.size;
    entry.modified_unix_ms = object.modified.has_value() ? absl::ToUnixMillis(*object.modified) : 0;
    entry.etag = std::move(object.etag);
    entry.storage_class = std::move(object.storage_class);
    out.objects.push_back(std::move(entry));
  }
  out.common_prefixes = std::move(page->common_prefixes);
  out.next_page_token = std::move(page->next_continuation_token);
  *out_list = plugin_sdk::ReleaseObjectList(out);
  return nullptr;
}

}  // namespace pluton::s3provider
