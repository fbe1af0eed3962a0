// Loads provider plugins from a directory with dlopen.
//
// Every "*.so" file in the directory is tried. A plugin is refused, with a reason naming the
// file and the fix, when: dlopen fails; the entry symbol PLUTON_STORAGE_PLUGIN_ENTRY is
// missing; the entry returns NULL; its ABI major version differs from the host's; its table is
// smaller than the host's v1.0 table (struct_size); a required function is NULL; its schema
// JSON does not parse; or its provider id is invalid or already taken. A refused plugin never
// stops the others from loading. Loaded shared objects stay loaded for the life of the
// PluginSet: providers taken from it, and uploads they started, must not be used after the
// PluginSet is destroyed.
//
// Thread safety: a PluginSet is immutable after Load and may be read concurrently.
#ifndef PLUTON_SERVICE_PLUGIN_PLUGIN_LOADER_H_
#define PLUTON_SERVICE_PLUGIN_PLUGIN_LOADER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "plugin/provider.h"
#include "pluton/storage_plugin.h"

namespace pluton::storage {

struct RejectedPluginInfo {
  std::string path;
  std::string reason;
};

class PluginSet {
 public:
  // Loads every plugin in `directory`. `host` must outlive the PluginSet. Fails only when the
  // directory cannot be read; individual plugin failures are listed in rejected().
  static absl::StatusOr<std::unique_ptr<PluginSet>> Load(const std::string& directory,
                                                         const pluton_host_api* host);
  ~PluginSet();  // dlcloses every loaded plugin

  // Loaded providers ordered by id.
  const std::vector<std::shared_ptr<const Provider>>& providers() const;
  // nullptr when no provider has this id.
  std::shared_ptr<const Provider> Find(const std::string& provider_id) const;
  const std::vector<RejectedPluginInfo>& rejected() const;

 private:
  PluginSet() = default;
  std::vector<std::shared_ptr<const Provider>> providers_;
  std::vector<RejectedPluginInfo> rejected_;
  std::vector<void*> handles_;
};

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_PLUGIN_PLUGIN_LOADER_H_
