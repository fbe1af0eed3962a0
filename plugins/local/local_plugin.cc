// The local provider's entry point and ABI function table. Every extern "C" body is guarded
// so no C++ exception crosses the ABI; the real work lives in local_config, local_upload,
// local_download, local_test_connection and the housekeeping files (local_list, local_stat,
// local_delete, local_incomplete_uploads). The provider has no lifecycle rules: that ABI 1.2
// group stays NULL (the host answers UNIMPLEMENTED).
#include "local_plugin.h"

#include <memory>

#include "local_config.h"
#include "local_delete.h"
#include "local_download.h"
#include "local_incomplete_uploads.h"
#include "local_list.h"
#include "local_stat.h"
#include "local_test_connection.h"
#include "local_upload.h"
#include "pluton/sdk/abi_util.h"
#include "pluton/sdk/errors.h"
#include "pluton/sdk/housekeeping.h"
#include "pluton/sdk/test_report.h"
#include "pluton/storage_plugin.h"

namespace pluton::local_provider {

plugin_sdk::HostContext& Host() {
  static plugin_sdk::HostContext host(kProviderId);
  return host;
}

namespace {

LocalUpload* Upload(pluton_upload* handle) { return reinterpret_cast<LocalUpload*>(handle); }
LocalDownload* Download(pluton_download* handle) {
  return reinterpret_cast<LocalDownload*>(handle);
}

pluton_error* NullOutError(const char* function) {
  return plugin_sdk::MakeError(
      PLUTON_INVALID_ARGUMENT, "INVALID_ARGUMENT",
      std::string(function) + " needs a place for its result; this is a host bug");
}

pluton_error* NullUploadError(const char* function) {
  return plugin_sdk::MakeError(PLUTON_INVALID_ARGUMENT, "INVALID_ARGUMENT",
                               std::string(function) + " got a NULL upload; this is a host bug");
}

}  // namespace

extern "C" {

static void LocalErrorDestroy(pluton_error* error) { plugin_sdk::DestroyError(error); }

// Static lifetime. On a schema bug (or no memory) returns "", which the host refuses to parse,
// so the plugin is rejected with a reason instead of crashing the service.
static const char* LocalConfigSchemaJson(void) {
  return plugin_sdk::GuardValue<const char*>("", [] { return Schema().json(); });
}

static pluton_error* LocalValidateConfig(const pluton_config* config) {
  return plugin_sdk::GuardErrors([&] { return ParseConfig(config, nullptr); });
}

static pluton_error* LocalTestConnection(const pluton_config* config,
                                         const pluton_test_params* params,
                                         pluton_test_report** out_report) {
  return plugin_sdk::GuardErrors([&] { return TestConnection(config, params, out_report); });
}

static void LocalTestReportDestroy(pluton_test_report* report) {
  plugin_sdk::DestroyTestReport(report);
}

static pluton_error* LocalUploadBegin(const pluton_config* config,
                                      const pluton_upload_params* params,
                                      pluton_upload** out_upload) {
  return plugin_sdk::GuardErrors([&]() -> pluton_error* {
    if (out_upload == nullptr) {
      return plugin_sdk::MakeError(PLUTON_INVALID_ARGUMENT, "INVALID_ARGUMENT",
                                   "upload_begin needs out_upload; this is a host bug");
    }
    *out_upload = nullptr;
    std::unique_ptr<LocalUpload> upload;
    if (pluton_error* error = LocalUpload::Begin(config, params, &upload)) return error;
    *out_upload = reinterpret_cast<pluton_upload*>(upload.release());
    return nullptr;
  });
}

static pluton_error* LocalUploadWrite(pluton_upload* handle, const uint8_t* data, size_t size) {
  return plugin_sdk::GuardErrors([&]() -> pluton_error* {
    if (handle == nullptr) return NullUploadError("upload_write");
    return Upload(handle)->Write(data, size);
  });
}

static pluton_error* LocalUploadFinish(pluton_upload* handle, pluton_upload_result* out_result) {
  return plugin_sdk::GuardErrors([&]() -> pluton_error* {
    if (handle == nullptr) return NullUploadError("upload_finish");
    return Upload(handle)->Finish(out_result);
  });
}

static pluton_error* LocalUploadSetStreamMd5(pluton_upload* handle, const uint8_t* md5) {
  return plugin_sdk::GuardErrors([&]() -> pluton_error* {
    if (handle == nullptr) return NullUploadError("upload_set_stream_md5");
    return Upload(handle)->SetStreamMd5(md5);
  });
}

static void LocalUploadAbort(pluton_upload* handle) {
  if (handle != nullptr) Upload(handle)->Abort();  // noexcept
}

static void LocalUploadDestroy(pluton_upload* handle) {
  delete Upload(handle);  // the destructor aborts an unfinished upload; noexcept
}

static pluton_error* LocalDownloadOpen(const pluton_config* config,
                                       const pluton_download_params* params,
                                       pluton_download** out_download,
                                       pluton_download_info* out_info) {
  return plugin_sdk::GuardErrors([&]() -> pluton_error* {
    if (out_download == nullptr) {
      return plugin_sdk::MakeError(PLUTON_INVALID_ARGUMENT, "INVALID_ARGUMENT",
                                   "download_open needs out_download; this is a host bug");
    }
    *out_download = nullptr;
    std::unique_ptr<LocalDownload> download;
    if (pluton_error* error = LocalDownload::Open(config, params, &download, out_info)) {
      return error;
    }
    *out_download = reinterpret_cast<pluton_download*>(download.release());
    return nullptr;
  });
}

static pluton_error* LocalDownloadRead(pluton_download* handle, uint8_t* buffer, size_t capacity,
                                       size_t* out_size) {
  return plugin_sdk::GuardErrors([&]() -> pluton_error* {
    if (handle == nullptr) {
      return plugin_sdk::MakeError(PLUTON_INVALID_ARGUMENT, "INVALID_ARGUMENT",
                                   "download_read got a NULL download; this is a host bug");
    }
    return Download(handle)->Read(buffer, capacity, out_size);
  });
}

static void LocalDownloadClose(pluton_download* handle) {
  delete Download(handle);  // closes the file; noexcept
}

static pluton_error* LocalListObjects(const pluton_config* config, const pluton_list_params* params,
                                      pluton_object_list** out_list) {
  return plugin_sdk::GuardErrors([&]() -> pluton_error* {
    if (out_list == nullptr) return NullOutError("list_objects");
    *out_list = nullptr;
    return ListObjects(config, params, out_list);
  });
}

static void LocalObjectListDestroy(pluton_object_list* list) {
  plugin_sdk::DestroyObjectList(list);
}

static pluton_error* LocalStatObject(const pluton_config* config,
                                     const pluton_object_params* params,
                                     pluton_object_stat** out_stat) {
  return plugin_sdk::GuardErrors([&]() -> pluton_error* {
    if (out_stat == nullptr) return NullOutError("stat_object");
    *out_stat = nullptr;
    return StatObject(config, params, out_stat);
  });
}

static void LocalObjectStatDestroy(pluton_object_stat* stat) {
  plugin_sdk::DestroyObjectStat(stat);
}

static pluton_error* LocalDeleteObjects(const pluton_config* config,
                                        const pluton_delete_params* params,
                                        pluton_delete_result** out_result) {
  return plugin_sdk::GuardErrors([&]() -> pluton_error* {
    if (out_result == nullptr) return NullOutError("delete_objects");
    *out_result = nullptr;
    return DeleteObjects(config, params, out_result);
  });
}

static void LocalDeleteResultDestroy(pluton_delete_result* result) {
  plugin_sdk::DestroyDeleteResult(result);
}

static pluton_error* LocalListIncompleteUploads(const pluton_config* config,
                                                const pluton_list_params* params,
                                                pluton_incomplete_upload_list** out_list) {
  return plugin_sdk::GuardErrors([&]() -> pluton_error* {
    if (out_list == nullptr) return NullOutError("list_incomplete_uploads");
    *out_list = nullptr;
    return ListIncompleteUploads(config, params, out_list);
  });
}

static void LocalIncompleteUploadListDestroy(pluton_incomplete_upload_list* list) {
  plugin_sdk::DestroyIncompleteUploads(list);
}

static pluton_error* LocalAbortIncompleteUpload(const pluton_config* config,
                                                const pluton_object_params* params,
                                                const char* upload_id) {
  return plugin_sdk::GuardErrors(
      [&]() -> pluton_error* { return AbortIncompleteUpload(config, params, upload_id); });
}

}  // extern "C"

}  // namespace pluton::local_provider

// The entry point: the only exported symbol. Returns the constant table, or NULL for a host
// this plugin cannot serve. Called once by the host; also safe to call again.
extern "C" PLUTON_PLUGIN_EXPORT const pluton_plugin_api* pluton_storage_plugin_entry(
    const pluton_host_api* host) {
  try {
    // A host of another major version may lay out pluton_host_api differently, so it is not
    // called (not even to log): refuse by returning NULL, which the host reports.
    if (!pluton::plugin_sdk::HostContext::Compatible(host)) return nullptr;
    pluton::local_provider::Host().Set(host);

    static const pluton_plugin_api api = [] {
      pluton_plugin_api table{};
      table.struct_size = sizeof(pluton_plugin_api);
      table.abi_major = PLUTON_PLUGIN_ABI_MAJOR;
      table.abi_minor = PLUTON_PLUGIN_ABI_MINOR;
      table.provider_id = pluton::local_provider::kProviderId;
      table.display_name = "Local directory";
      table.description =
          "Stores backups in a directory on the service's own filesystem: buckets are "
          "subdirectories, objects are files. Needs no cloud account.";
      table.plugin_version = PLUTON_LOCAL_PLUGIN_VERSION;
      table.error_destroy = pluton::local_provider::LocalErrorDestroy;
      table.config_schema_json = pluton::local_provider::LocalConfigSchemaJson;
      table.validate_config = pluton::local_provider::LocalValidateConfig;
      table.test_connection = pluton::local_provider::LocalTestConnection;
      table.test_report_destroy = pluton::local_provider::LocalTestReportDestroy;
      table.upload_begin = pluton::local_provider::LocalUploadBegin;
      table.upload_write = pluton::local_provider::LocalUploadWrite;
      table.upload_finish = pluton::local_provider::LocalUploadFinish;
      table.upload_abort = pluton::local_provider::LocalUploadAbort;
      table.upload_destroy = pluton::local_provider::LocalUploadDestroy;
      table.download_open = pluton::local_provider::LocalDownloadOpen;
      table.download_read = pluton::local_provider::LocalDownloadRead;
      table.download_close = pluton::local_provider::LocalDownloadClose;
      table.upload_set_stream_md5 = pluton::local_provider::LocalUploadSetStreamMd5;
      // ABI 1.2 housekeeping; no lifecycle rules (get/set_lifecycle, lifecycle_destroy NULL).
      table.list_objects = pluton::local_provider::LocalListObjects;
      table.object_list_destroy = pluton::local_provider::LocalObjectListDestroy;
      table.stat_object = pluton::local_provider::LocalStatObject;
      table.object_stat_destroy = pluton::local_provider::LocalObjectStatDestroy;
      table.delete_objects = pluton::local_provider::LocalDeleteObjects;
      table.delete_result_destroy = pluton::local_provider::LocalDeleteResultDestroy;
      table.list_incomplete_uploads = pluton::local_provider::LocalListIncompleteUploads;
      table.incomplete_upload_list_destroy =
          pluton::local_provider::LocalIncompleteUploadListDestroy;
      table.abort_incomplete_upload = pluton::local_provider::LocalAbortIncompleteUpload;
      return table;
    }();
    return &api;
  } catch (...) {  // nothing above throws; kept so no exception can ever cross the ABI
    return nullptr;
  }
}
