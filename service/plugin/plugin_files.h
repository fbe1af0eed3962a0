// The plugin directory's files: which ones the host loads, and whether the host may trust them.
//
// Thread safety: free functions, no shared state.
#ifndef PLUTON_SERVICE_PLUGIN_PLUGIN_FILES_H_
#define PLUTON_SERVICE_PLUGIN_PLUGIN_FILES_H_

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace pluton::storage {

// The "*.so" files in `directory` (regular files through symlinks, and dangling symlinks so
// that their refusal is logged), sorted by name so the load order (and so which of two plugins
// with the same id wins) does not depend on the file system. NOT_FOUND or FAILED_PRECONDITION
// naming --plugin_dir when the directory cannot be listed.
absl::StatusOr<std::vector<std::filesystem::path>> ListPluginFiles(const std::string& directory);

// Whether the plugin directory and every plugin in it can be changed only by those trusted to
// run code in the service: refuses (FAILED_PRECONDITION, naming the path, who can write it and
// the fix) a directory or file, or a symlink's target or the directory holding it, that is
//   - writable by group or others, or
//   - owned by `service_uid` when that is not root (the service could replace its own code),
//     unless `allow_owned_by_service_user` (a development build run as its owner).
// Called before anything is dlopen'ed: a plugin's constructors run at dlopen.
absl::Status CheckPluginFilesTrusted(const std::string& directory, uid_t service_uid,
                                     bool allow_owned_by_service_user);

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_PLUGIN_PLUGIN_FILES_H_
