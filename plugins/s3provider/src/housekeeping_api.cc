#include "pluton/s3provider/housekeeping_api.h"

#include <atomic>

#include "housekeeping.h"
#include "pluton/sdk/errors.h"
#include "pluton/sdk/housekeeping.h"

namespace pluton::s3provider {
namespace {

// The plugin's provider, set by AddHousekeepingFunctions before the table is handed out.
std::atomic<const Provider*> g_provider{nullptr};

const Provider& TheProvider() { return *g_provider.load(std::memory_order_acquire); }

extern "C" {

static pluton_error* S3ListObjects(const pluton_config* config, const pluton_list_params* params,
                                   pluton_object_list** out_list) {
  return plugin_sdk::GuardErrors(
      [&] { return ListObjects(TheProvider(), config, params, out_list); });
}

static void S3ObjectListDestroy(pluton_object_list* list) { plugin_sdk::DestroyObjectList(list); }

static pluton_error* S3DeleteObjects(const pluton_config* config,
                                     const pluton_delete_params* params,
                                     pluton_delete_result** out_result) {
  return plugin_sdk::GuardErrors(
      [&] { return DeleteObjects(TheProvider(), config, params, out_result); });
}

static void S3DeleteResultDestroy(pluton_delete_result* result) {
  plugin_sdk::DestroyDeleteResult(result);
}

static pluton_error* S3ListIncompleteUploads(const pluton_config* config,
                                             const pluton_list_params* params,
                                             pluton_incomplete_upload_list** out_list) {
  return plugin_sdk::GuardErrors(
      [&] { return ListIncompleteUploads(TheProvider(), config, params, out_list); });
}

static void S3IncompleteUploadListDestroy(pluton_incomplete_upload_list* list) {
  plugin_sdk::DestroyIncompleteUploads(list);
}

static pluton_error* S3AbortIncompleteUpload(const pluton_config* config,
                                             const pluton_object_params* params,
                                             const char* upload_id) {
  return plugin_sdk::GuardErrors(
      [&] { return AbortIncompleteUpload(TheProvider(), config, params, upload_id); });
}

static pluton_error* S3GetLifecycle(const pluton_config* config, const pluton_object_params* params,
                                    pluton_lifecycle** out_lifecycle) {
  return plugin_sdk::GuardErrors(
      [&] { return GetLifecycle(TheProvider(), config, params, out_lifecycle); });
}

static pluton_error* S3SetLifecycle(const pluton_config* config, const pluton_object_params* params,
                                    const pluton_lifecycle* lifecycle) {
  return plugin_sdk::GuardErrors(
      [&] { return SetLifecycle(TheProvider(), config, params, lifecycle); });
}

static void S3LifecycleDestroy(pluton_lifecycle* lifecycle) {
  plugin_sdk::DestroyLifecycle(lifecycle);
}

}  // extern "C"

}  // namespace

void AddHousekeepingFunctions(const Provider& provider, pluton_plugin_api* table) noexcept {
  g_provider.store(&provider, std::memory_order_release);
  table->list_objects = S3ListObjects;
  table->object_list_destroy = S3ObjectListDestroy;
  table->delete_objects = S3DeleteObjects;
  table->delete_result_destroy = S3DeleteResultDestroy;
  table->list_incomplete_uploads = S3ListIncompleteUploads;
  table->incomplete_upload_list_destroy = S3IncompleteUploadListDestroy;
  table->abort_incomplete_upload = S3AbortIncompleteUpload;
  table->get_lifecycle = S3GetLifecycle;
  table->set_lifecycle = S3SetLifecycle;
  table->lifecycle_destroy = S3LifecycleDestroy;
}

}  // namespace pluton::s3provider
