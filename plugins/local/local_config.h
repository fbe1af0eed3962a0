// The local provider's configuration: its schema and its parsed form.
//
// Thread safety: Schema() is built once (thread-safe static) and immutable; ParseConfig is
// thread-safe.
#ifndef PLUTON_PLUGINS_LOCAL_LOCAL_CONFIG_H_
#define PLUTON_PLUGINS_LOCAL_LOCAL_CONFIG_H_

#include <string>

#include "pluton/sdk/config_schema.h"
#include "pluton/storage_plugin.h"

namespace pluton::local_provider {

// Name of the directory under root that holds uploads in progress. Reserved: never a bucket.
inline constexpr char kPartialDir[] = ".pluton-partial";

struct LocalConfig {
  std::string root;  // absolute, without trailing '/' (except "/" itself)
  bool fsync = true;
  bool create_buckets = true;
};

// Fields: root (string, required, absolute path), fsync (bool, default true, advanced),
// create_buckets (bool, default true, advanced). Throws only on a schema bug or bad_alloc.
const plugin_sdk::ConfigSchema& Schema();

// Validates `config` (generic schema rules plus: root must be an absolute path) and reports
// every problem in one INVALID_ARGUMENT "INVALID_CONFIG" error. On success returns NULL and
// fills *out (may be NULL to only validate). Never touches the filesystem.
pluton_error* ParseConfig(const pluton_config* config, LocalConfig* out);

}  // namespace pluton::local_provider

#endif  // PLUTON_PLUGINS_LOCAL_LOCAL_CONFIG_H_
