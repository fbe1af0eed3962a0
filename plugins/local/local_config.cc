#include "local_config.h"

#include <utility>
#include <vector>

#include "pluton/sdk/errors.h"

namespace pluton::local_provider {

using plugin_sdk::FieldSpec;
using plugin_sdk::FieldType;

const plugin_sdk::ConfigSchema& Schema() {
  static const plugin_sdk::ConfigSchema schema([] {
    std::vector<FieldSpec> fields(3);
    FieldSpec& root = fields[0];
    root.name = "root";
    root.label = "Root directory";
    root.type = FieldType::kString;
    root.required = true;
    root.format = "local_path";
    root.help =
        "Absolute path of a directory on the service's filesystem. Each bucket is a "
        "subdirectory of it and each object a file below that. The directory must exist and "
        "be writable by the service.";
    root.placeholder = "/var/lib/pluton/storage";

    FieldSpec& fsync = fields[1];
    fsync.name = "fsync";
    fsync.label = "Flush to disk";
    fsync.type = FieldType::kBool;
    fsync.default_value = "true";
    fsync.advanced = true;
    fsync.help =
        "Flush data to disk before the upload is reported stored. Turn off only for scratch "
        "storage: a power loss may then lose recently stored backups.";

    FieldSpec& create = fields[2];
    create.name = "create_buckets";
    create.label = "Create buckets";
    create.type = FieldType::kBool;
    create.default_value = "true";
    create.advanced = true;
    create.help =
        "Create a missing bucket directory on the first upload into it. When off, uploading "
        "to a bucket whose directory does not exist fails with NOT_FOUND.";
    return fields;
  }());
  return schema;
}

pluton_error* ParseConfig(const pluton_config* config, LocalConfig* out) {
  plugin_sdk::ValidationResult result = Schema().Validate(config);
  const std::string root = result.config.GetString("root");
  if (!root.empty() && root[0] != '/') {
    result.violations.emplace_back(
        "root", "\"" + root +
                    "\" is not an absolute path; use a path that starts with /, e.g. "
                    "/var/lib/pluton/storage");
  }
  if (!result.ok()) return plugin_sdk::InvalidConfigError(std::move(result.violations));
  if (out != nullptr) {
    out->root = root;
    while (out->root.size() > 1 && out->root.back() == '/') out->root.pop_back();
    out->fsync = result.config.GetBool("fsync", true);
    out->create_buckets = result.config.GetBool("create_buckets", true);
  }
  return nullptr;
}

}  // namespace pluton::local_provider
