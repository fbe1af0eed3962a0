#include "auth/access_policy.h"

#include <fnmatch.h>

#include "absl/strings/str_join.h"

namespace pluton::storage {
namespace {

constexpr Role kRoles[] = {Role::kAdmin, Role::kAgent, Role::kReader};

}  // namespace

absl::string_view RpcName(Rpc rpc) {
  switch (rpc) {
    case Rpc::kListProviders:
      return "ListProviders";
    case Rpc::kAddStorage:
      return "AddStorage";
    case Rpc::kGetStorage:
      return "GetStorage";
    case Rpc::kListStorages:
      return "ListStorages";
    case Rpc::kUpdateStorage:
      return "UpdateStorage";
    case Rpc::kDeleteStorage:
      return "DeleteStorage";
    case Rpc::kTestConnection:
      return "TestConnection";
    case Rpc::kUpload:
      return "Upload";
    case Rpc::kDownload:
      return "Download";
    case Rpc::kListObjects:
      return "ListObjects";
    case Rpc::kStatObject:
      return "StatObject";
    case Rpc::kDeleteObject:
      return "DeleteObject";
    case Rpc::kDeleteObjects:
      return "DeleteObjects";
    case Rpc::kListIncompleteUploads:
      return "ListIncompleteUploads";
    case Rpc::kCleanupIncompleteUploads:
      return "CleanupIncompleteUploads";
    case Rpc::kGetLifecycle:
      return "GetLifecycle";
    case Rpc::kSetLifecycle:
      return "SetLifecycle";
  }
  return "unknown";
}

absl::string_view RoleName(Role role) {
  switch (role) {
    case Role::kAdmin:
      return "admin";
    case Role::kAgent:
      return "agent";
    case Role::kReader:
      return "reader";
  }
  return "unknown";
}

std::optional<Role> ParseRole(absl::string_view name) {
  for (Role role : kRoles) {
    if (RoleName(role) == name) return role;
  }
  return std::nullopt;
}

bool RoleMayCall(Role role, Rpc rpc) {
  if (role == Role::kAdmin) return true;
  switch (rpc) {
    case Rpc::kListProviders:
    case Rpc::kGetStorage:
    case Rpc::kListStorages:
    case Rpc::kDownload:
    case Rpc::kListObjects:
    case Rpc::kStatObject:
      return true;  // agent and reader
    case Rpc::kUpload:
      return role == Role::kAgent;
    default:
      return false;  // admin only
  }
}

std::string RolesAllowed(Rpc rpc) {
  std::vector<absl::string_view> names;
  for (Role role : kRoles) {
    if (RoleMayCall(role, rpc)) names.push_back(RoleName(role));
  }
  return absl::StrJoin(names, " or ");
}

bool StorageGranted(const std::vector<std::string>& patterns, absl::string_view id,
                    absl::string_view name) {
  const std::string id_text(id);
  const std::string name_text(name);
  for (const std::string& pattern : patterns) {
    if (fnmatch(pattern.c_str(), id_text.c_str(), 0) == 0 ||
        fnmatch(pattern.c_str(), name_text.c_str(), 0) == 0) {
      return true;
    }
  }
  return false;
}

}  // namespace pluton::storage
