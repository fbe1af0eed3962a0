// Who may call what: the roles of the access file (auth/access_file.h) and the fixed table of
// the StorageService methods each role may call.
//
//   admin   every method, on every storage.
//   agent   Upload, Download, ListObjects, StatObject, GetStorage on the storages it is
//           granted; ListStorages shows only those; ListProviders.
//   reader  Download, ListObjects, StatObject, GetStorage on the storages it is granted;
//           ListStorages shows only those; ListProviders.
//
// Nothing else: deleting objects, lifecycle rules, incomplete uploads and every change to a
// storage (add, update, delete, test) are admin-only.
//
// Thread safety: free functions, no shared state.
#ifndef PLUTON_SERVICE_AUTH_ACCESS_POLICY_H_
#define PLUTON_SERVICE_AUTH_ACCESS_POLICY_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "auth/rpc.h"

namespace pluton::storage {

enum class Role { kAdmin, kAgent, kReader };

// "admin", "agent" or "reader".
absl::string_view RoleName(Role role);
// The role named `name` (exactly as RoleName spells it), or nullopt.
std::optional<Role> ParseRole(absl::string_view name);

// Whether `role` may call `rpc` at all. For a non-admin role the storage the call names must
// also be granted (StorageGranted).
bool RoleMayCall(Role role, Rpc rpc);

// The roles that may call `rpc`, for error messages: e.g. "admin or agent".
std::string RolesAllowed(Rpc rpc);

// Whether a storage with this id and name matches one of `patterns`: each pattern is an id or a
// name, with shell wildcards (fnmatch without flags: `*`, `?`, `[...]`) matched against both.
bool StorageGranted(const std::vector<std::string>& patterns, absl::string_view id,
                    absl::string_view name);

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_AUTH_ACCESS_POLICY_H_
