#include "pluton/s3provider/plugin_api.h"

#include <atomic>
#include <memory>
#include <string>

#include "pluton/s3provider/download.h"
#include "pluton/s3provider/housekeeping_api.h"
#include "pluton/s3provider/stat.h"
#include "pluton/s3provider/test_connection.h"
#include "pluton/s3provider/upload.h"
#include "pluton/sdk/errors.h"
#include "pluton/sdk/host_context.h"
#include "pluton/sdk/housekeeping.h"
#include "pluton/sdk/test_report.h"

namespace pluton::s3provider {
namespace {

// The plugin's provider, set by PluginEntry before the table is handed out.
std::atomic<const Provider*> g_provider{nullptr};

const Provider& TheProvider() { return *g_provider.load(std::memory_order_acquire); }

ProviderUpload* Upload(pluton_upload* handle) { return reinterpret_cast<ProviderUpload*>(handle); }

pluton_error* NullUploadError(const char* function) {
  return plugin_sdk::MakeError(PLUTON_INVALID_ARGUMENT, "INVALID_ARGUMENT",
                               std::string(function) + " got a NULL upload; this is a host bug");
}

extern "C" {

static void S3ErrorDestroy(pluton_error* error) { plugin_sdk::DestroyError(error); }

// Static lifetime. On a schema bug (or no memory) returns "", which the host refuses to parse,
// so the plugin is rejected with a reason instead of crashing the service.
static const char* S3ConfigSchemaJson(void) {
  return plugin_sdk::GuardValue<const char*>("", [] { return TheProvider().Schema().json(); });
}

static pluton_error* S3ValidateConfig(const pluton_config* config) {
  return plugin_sdk::GuardErrors([&] { return ResolveConfig(TheProvider(), config, nullptr); });
}

static pluton_error* S3TestConnection(const pluton_config* config, const pluton_test_params* params,
                                      pluton_test_report** out_report) {
  return plugin_sdk::GuardErrors(
      [&] { return RunTestConnection(TheProvider(), config, params, out_report); });
}

static void S3TestReportDestroy(pluton_test_report* report) {
  plugin_sdk::DestroyTestReport(report);
}

static pluton_error* S3UploadBegin(const pluton_config* config, const pluton_upload_params* params,
                                   pluton_upload** out_upload) {
  return plugin_sdk::GuardErrors([&]() -> pluton_error* {
    if (out_upload == nullptr) {
      return plugin_sdk::MakeError(PLUTON_INVALID_ARGUMENT, "INVALID_ARGUMENT",
                                   "upload_begin needs out_upload; this is a host bug");
    }
    *out_upload = nullptr;
    std::unique_ptr<ProviderUpload> upload;
    if (pluton_error* error = ProviderUpload::Begin(TheProvider(), config, params, &upload)) {
      return error;
    }
    *out_upload = reinterpret_cast<pluton_upload*>(upload.release());
    return nullptr;
  });
}

static pluton_error* S3UploadWrite(pluton_upload* handle, const uint8_t* data, size_t size) {
  return plugin_sdk::GuardErrors([&]() -> pluton_error* {
    if (handle == nullptr) return NullUploadError("upload_write");
    return Upload(handle)->Write(data, size);
  });
}

static pluton_error* S3UploadSetStreamMd5(pluton_upload* handle, const uint8_t* md5) {
  return plugin_sdk::GuardErrors([&]() -> pluton_error* {
    if (handle == nullptr) return NullUploadError("upload_set_stream_md5");
    return Upload(handle)->SetStreamMd5(md5);
  });
}

static pluton_error* S3UploadFinish(pluton_upload* handle, pluton_upload_result* out_result) {
  return plugin_sdk::GuardErrors([&]() -> pluton_error* {
    if (handle == nullptr) return NullUploadError("upload_finish");
    return Upload(handle)->Finish(out_result);
  });
}

static void S3UploadAbort(pluton_upload* handle) {
  if (handle != nullptr) Upload(handle)->Abort();  // noexcept
}

static pluton_error* S3DownloadOpen(const pluton_config* config,
                                    const pluton_download_params* params,
                                    pluton_download** out_download,
                                    pluton_download_info* out_info) {
  return plugin_sdk::GuardErrors([&]() -> pluton_error* {
    if (out_download == nullptr) {
      return plugin_sdk::MakeError(PLUTON_INVALID_ARGUMENT, "INVALID_ARGUMENT",
                                   "download_open needs out_download; this is a host bug");
    }
    *out_download = nullptr;
    std::unique_ptr<ProviderDownload> download;
    if (pluton_error* error =
            ProviderDownload::Open(TheProvider(), config, params, &download, out_info)) {
      return error;
    }
    *out_download = reinterpret_cast<pluton_download*>(download.release());
    return nullptr;
  });
}

static pluton_error* S3DownloadRead(pluton_download* handle, uint8_t* buffer, size_t capacity,
                                    size_t* out_size) {
  return plugin_sdk::GuardErrors([&]() -> pluton_error* {
    if (handle == nullptr) {
      return plugin_sdk::MakeError(PLUTON_INVALID_ARGUMENT, "INVALID_ARGUMENT",
                                   "download_read got a NULL download; this is a host bug");
    }
    return reinterpret_cast<ProviderDownload*>(handle)->Read(buffer, capacity, out_size);
  });
}

static void S3DownloadClose(pluton_download* handle) {
  // Closing the connection mid-body cannot throw (libcurl cleanup is C).
  delete reinterpret_cast<ProviderDownload*>(handle);
}

static pluton_error* S3StatObject(const pluton_config* config, const pluton_object_params* params,
                                  pluton_object_stat** out_stat) {
  return plugin_sdk::GuardErrors(
      [&] { return StatObject(TheProvider(), config, params, out_stat); });
}

static void S3ObjectStatDestroy(pluton_object_stat* stat) { plugin_sdk::DestroyObjectStat(stat); }

static void S3UploadDestroy(pluton_upload* handle) {
  // The destructor aborts an unfinished upload and is noexcept; joining the StreamingUpload's
  // threads cannot throw across the ABI either (std::terminate at worst, never unwinding).
  delete Upload(handle);
}

}  // extern "C"

}  // namespace

const pluton_plugin_api* PluginEntry(const Provider& provider,
                                     const pluton_host_api* host) noexcept {
  try {
    // A host of another major version may lay out pluton_host_api differently, so it is not
    // called (not even to log): refuse by returning NULL, which the host reports.
    if (!plugin_sdk::HostContext::Compatible(host)) return nullptr;
    provider.host().Set(host);
    g_provider.store(&provider, std::memory_order_release);

    static const pluton_plugin_api api = [&provider] {
      pluton_plugin_api table{};
      table.struct_size = sizeof(pluton_plugin_api);
      table.abi_major = PLUTON_PLUGIN_ABI_MAJOR;
      table.abi_minor = PLUTON_PLUGIN_ABI_MINOR;
      table.provider_id = provider.id();
      table.display_name = provider.display_name();
      table.description = provider.description();
      table.plugin_version = provider.version();
      table.error_destroy = S3ErrorDestroy;
      table.config_schema_json = S3ConfigSchemaJson;
      table.validate_config = S3ValidateConfig;
      table.test_connection = S3TestConnection;
      table.test_report_destroy = S3TestReportDestroy;
      table.upload_begin = S3UploadBegin;
      table.upload_write = S3UploadWrite;
      table.upload_finish = S3UploadFinish;
      table.upload_set_stream_md5 = S3UploadSetStreamMd5;
      table.upload_abort = S3UploadAbort;
      table.upload_destroy = S3UploadDestroy;
      table.download_open = S3DownloadOpen;
      table.download_read = S3DownloadRead;
      table.download_close = S3DownloadClose;
      table.stat_object = S3StatObject;
      table.object_stat_destroy = S3ObjectStatDestroy;
      AddHousekeepingFunctions(provider, &table);
      return table;
    }();
    return &api;
  } catch (...) {  // nothing above throws; kept so no exception can ever cross the ABI
    return nullptr;
  }
}

}  // namespace pluton::s3provider
