#include "pluton/s3provider/stat.h"

#include <string>

#include "object_call.h"
#include "pluton/sdk/abi_util.h"
#include "pluton/sdk/errors.h"

namespace pluton::s3provider {
namespace {

// rclone's whole-object MD5 metadata, reported as stored_md5 rather than as metadata.
constexpr char kMd5MetadataKey[] = "md5chksum";

}  // namespace

plugin_sdk::ObjectStat StatFromDetails(const s3::ObjectDetails& details) {
  plugin_sdk::ObjectStat stat;
  stat.size = details.size;
  if (details.last_modified.has_value()) {
    stat.modified_unix_ms = absl::ToUnixMillis(*details.last_modified);
  }
  stat.etag = details.etag;
  stat.stored_md5 = s3::StoredMd5(details).value_or("");
  stat.storage_class = details.storage_class.empty() ? "STANDARD" : details.storage_class;
  stat.content_type = details.content_type;
  for (const auto& [key, value] : details.metadata) {  // keys lowercase already, in order
    if (key != kMd5MetadataKey) stat.metadata.emplace_back(key, value);
  }
  return stat;
}

pluton_error* StatObject(const Provider& provider, const pluton_config* config,
                         const pluton_object_params* params, pluton_object_stat** out_stat) {
  if (out_stat == nullptr || !PLUTON_SDK_HAS_FIELD(params, pluton_object_params, key)) {
    return plugin_sdk::MakeError(PLUTON_INVALID_ARGUMENT, "INVALID_ARGUMENT",
                                 "stat_object needs pluton_object_params with bucket and key and "
                                 "out_stat; this is a host bug");
  }
  *out_stat = nullptr;
  const pluton_cancel_token* cancel =
      PLUTON_SDK_HAS_FIELD(params, pluton_object_params, cancel) ? params->cancel : nullptr;
  ObjectCall call(provider, Operation::kStat);
  if (pluton_error* error = call.Prepare(config, std::string(plugin_sdk::View(params->bucket)),
                                         std::string(plugin_sdk::View(params->key)), cancel)) {
    return error;
  }
  absl::StatusOr<s3::ObjectDetails> details = call.client().HeadObject(
      call.bucket(), call.key(), call.sse_customer_key(), call.cancelled());
  if (!details.ok()) return call.ErrorFor(details.status());
  *out_stat = plugin_sdk::ReleaseObjectStat(StatFromDetails(*details));
  return nullptr;
}

}  // namespace pluton::s3provider
