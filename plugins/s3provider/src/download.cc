#include "pluton/s3provider/download.h"

#include <utility>

#include "object_call.h"
#include "pluton/sdk/abi_util.h"
#include "pluton/sdk/errors.h"

namespace pluton::s3provider {

ProviderDownload::ProviderDownload() = default;
ProviderDownload::~ProviderDownload() = default;

pluton_error* ProviderDownload::Open(const Provider& provider, const pluton_config* config,
                                     const pluton_download_params* params,
                                     std::unique_ptr<ProviderDownload>* out,
                                     pluton_download_info* info) {
  if (!PLUTON_SDK_HAS_FIELD(params, pluton_download_params, length) || info == nullptr ||
      !PLUTON_SDK_HAS_FIELD(info, pluton_download_info, object_size)) {
    return plugin_sdk::MakeError(PLUTON_INVALID_ARGUMENT, "INVALID_ARGUMENT",
                                 "download_open needs pluton_download_params with a range and "
                                 "a pluton_download_info; this is a host bug");
  }
  if (params->length < -1) {
    return plugin_sdk::InvalidArgumentError(
        {{"length", "is " + std::to_string(params->length) + "; use -1 to read to the end"}});
  }
  const pluton_cancel_token* cancel =
      PLUTON_SDK_HAS_FIELD(params, pluton_download_params, cancel) ? params->cancel : nullptr;
  std::unique_ptr<ProviderDownload> download(new ProviderDownload());
  download->call_ = std::make_unique<ObjectCall>(provider, Operation::kDownload);
  ObjectCall& call = *download->call_;
  if (pluton_error* error = call.Prepare(config, std::string(plugin_sdk::View(params->bucket)),
                                         std::string(plugin_sdk::View(params->key)), cancel)) {
    return error;
  }
  absl::StatusOr<std::unique_ptr<s3::ObjectReader>> reader =
      call.client().GetObject(call.bucket(), call.key(), params->offset, params->length,
                              call.sse_customer_key(), call.cancelled());
  if (!reader.ok()) return call.ErrorFor(reader.status());
  download->reader_ = *std::move(reader);
  const s3::ObjectDetails& details = download->reader_->details();
  download->etag_ = details.etag;
  download->stored_md5_ = s3::StoredMd5(details).value_or("");

  info->object_size = details.size;
  if (PLUTON_SDK_HAS_FIELD(info, pluton_download_info, etag)) {
    info->etag = download->etag_.c_str();
  }
  if (PLUTON_SDK_HAS_FIELD(info, pluton_download_info, stored_md5)) {
    info->stored_md5 = download->stored_md5_.size() == 16
                           ? reinterpret_cast<const uint8_t*>(download->stored_md5_.data())
                           : nullptr;
  }
  if (PLUTON_SDK_HAS_FIELD(info, pluton_download_info, content_length)) {
    info->content_length = download->reader_->length();
  }
  *out = std::move(download);
  return nullptr;
}

pluton_error* ProviderDownload::Read(uint8_t* buffer, size_t capacity, size_t* size) {
  if (size == nullptr || (buffer == nullptr && capacity > 0)) {
    return plugin_sdk::MakeError(PLUTON_INVALID_ARGUMENT, "INVALID_ARGUMENT",
                                 "download_read needs a buffer and out_size; this is a host bug");
  }
  *size = 0;
  if (failed_) {
    return plugin_sdk::MakeError(
        PLUTON_FAILED_PRECONDITION, "DOWNLOAD_FAILED",
        "download_read after the download of " + call_->Describe() + " failed; open it again");
  }
  if (capacity == 0 || reader_->position() >= reader_->offset() + reader_->length()) {
    return nullptr;  // nothing asked, or the end of the range
  }
  absl::StatusOr<size_t> n = reader_->Read(buffer, capacity, call_->cancelled());
  if (!n.ok()) {
    failed_ = true;
    return call_->ErrorFor(n.status());
  }
  *size = *n;
  return nullptr;
}

}  // namespace pluton::s3provider
