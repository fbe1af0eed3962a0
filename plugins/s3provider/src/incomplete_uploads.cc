// list_incomplete_uploads (one ListMultipartUploads page) and abort_incomplete_upload.
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "bucket_call.h"
#include "housekeeping.h"
#include "pluton/sdk/abi_util.h"
#include "pluton/sdk/housekeeping.h"
#include "upload_page_token.h"

namespace pluton::s3provider {

pluton_error* ListIncompleteUploads(const Provider& provider, const pluton_config* config,
                                    const pluton_list_params* params,
                                    pluton_incomplete_upload_list** out_list) {
  if (out_list == nullptr) {
    return plugin_sdk::MakeError(PLUTON_INVALID_ARGUMENT, "INVALID_ARGUMENT",
                                 "list_incomplete_uploads needs out_list; this is a host bug");
  }
  *out_list = nullptr;
  const plugin_sdk::ListRequest request = plugin_sdk::ReadListParams(params);
  std::vector<plugin_sdk::Violation> violations;
  const std::optional<UploadMarkers> markers = DecodeUploadPageToken(request.page_token);
  if (!markers.has_value()) {
    violations.emplace_back("page_token",
                            "is not a page token of this listing; pass the next_page_token of the "
                            "previous page, or \"\" for the first page");
  }
  BucketCall call(provider, Operation::kListUploads);
  if (pluton_error* error =
          call.Prepare(config, request.bucket, request.cancel, std::move(violations))) {
    return error;
  }

  s3::ListUploadsRequest page_request;
  page_request.prefix = request.prefix;
  page_request.key_marker = markers->key_marker;
  page_request.upload_id_marker = markers->upload_id_marker;
  page_request.max_uploads = static_cast<int>(request.max_entries);
  absl::StatusOr<s3::MultipartUploadPage> page =
      call.client().ListMultipartUploadsPage(call.bucket(), page_request, call.cancelled());
  if (!page.ok()) return call.ErrorFor(page.status());

  plugin_sdk::IncompleteUploadPage out;
  out.uploads.reserve(page->uploads.size());
  for (s3::MultipartUploadSummary& upload : page->uploads) {
    out.uploads.push_back(plugin_sdk::IncompleteUpload{
        std::move(upload.key), std::move(upload.upload_id),
        upload.initiated.has_value() ? absl::ToUnixMillis(*upload.initiated) : 0});
  }
  out.next_page_token = EncodeUploadPageToken(
      UploadMarkers{std::move(page->next_key_marker), std::move(page->next_upload_id_marker)});
  *out_list = plugin_sdk::ReleaseIncompleteUploads(out);
  return nullptr;
}

pluton_error* AbortIncompleteUpload(const Provider& provider, const pluton_config* config,
                                    const pluton_object_params* params, const char* upload_id) {
  if (!PLUTON_SDK_HAS_FIELD(params, pluton_object_params, cancel)) {
    return plugin_sdk::MakeError(
        PLUTON_INVALID_ARGUMENT, "INVALID_ARGUMENT",
        "abort_incomplete_upload needs pluton_object_params; this is a host bug");
  }
  const std::string key(plugin_sdk::View(params->key));
  const std::string id(plugin_sdk::View(upload_id));
  std::vector<plugin_sdk::Violation> violations;
  if (key.empty()) violations.emplace_back("key", "is empty; name the upload's object key");
  if (id.empty()) {
    violations.emplace_back("upload_id",
                            "is empty; pass an upload_id from list_incomplete_uploads");
  }
  BucketCall call(provider, Operation::kAbortUpload);
  if (pluton_error* error = call.Prepare(config, std::string(plugin_sdk::View(params->bucket)),
                                         params->cancel, std::move(violations))) {
    return error;
  }
  const absl::Status status =
      call.client().AbortMultipartUpload(call.bucket(), key, id, call.cancelled());
  return status.ok() ? nullptr : call.ErrorFor(status);
}

}  // namespace pluton::s3provider
