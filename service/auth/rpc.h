// The StorageService methods, as the access policy names them (auth/access_policy.h).
//
// Thread safety: constants and a free function.
#ifndef PLUTON_SERVICE_AUTH_RPC_H_
#define PLUTON_SERVICE_AUTH_RPC_H_

#include "absl/strings/string_view.h"

namespace pluton::storage {

// One value per StorageService method. A method added to the proto must be added here and to
// the policy table (access_policy.cc); the token matrix test covers every value.
enum class Rpc {
  kListProviders,
  kAddStorage,
  kGetStorage,
  kListStorages,
  kUpdateStorage,
  kDeleteStorage,
  kTestConnection,
  kUpload,
  kDownload,
  kListObjects,
  kStatObject,
  kDeleteObject,
  kDeleteObjects,
  kListIncompleteUploads,
  kCleanupIncompleteUploads,
  kGetLifecycle,
  kSetLifecycle,
};

// The method's name as in the proto, e.g. "ListObjects".
absl::string_view RpcName(Rpc rpc);

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_AUTH_RPC_H_
