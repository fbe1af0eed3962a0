// HostPolicy: what a storage's configuration may name on the service's host and network, as the
// operator allows it at start. Plugins mark the fields it applies to in their schema
// (pluton/storage_plugin.h, "format"):
//
// - "local_path" (the local provider's root): the directory must lie at or below one of the
//   --local_root directories (none listed: no such field may be set, so local storages cannot
//   be added), and must neither hold nor lie inside the service's own files (data directory,
//   database, master key, plugin directory). Symbolic links are resolved first, so a link out
//   of an allowed directory does not pass.
// - "endpoint" (an S3 endpoint override): the URL must be http(s) and its host (and port,
//   when the pattern names one) must match an --allowed_endpoint pattern: "host",
//   "host:port", "*.example.com" (subdomains only) or "*.example.com:port". Nothing else is
//   reachable, so link-local and metadata addresses (169.254.169.254, fd00:ec2::254) are
//   refused unless the operator lists them.
//
// Endpoints a plugin derives itself (R2's from a validated account id) carry no such field and
// are always allowed.
//
// Thread safety: immutable after construction; Check may be called concurrently.
#ifndef PLUTON_SERVICE_REGISTRY_HOST_POLICY_H_
#define PLUTON_SERVICE_REGISTRY_HOST_POLICY_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/rich_status.h"
#include "plugin/provider.h"

namespace pluton::storage {

// The flags that set the policy, for messages.
inline constexpr char kLocalRootFlag[] = "--local_root";
inline constexpr char kAllowedEndpointFlag[] = "--allowed_endpoint";

class HostPolicy {
 public:
  // `local_roots`: existing directories (resolved here; NOT_FOUND / FAILED_PRECONDITION naming
  // --local_root otherwise). `protected_paths`: the service's own files and directories (need
  // not exist yet). `endpoint_patterns`: as above; INVALID_ARGUMENT naming --allowed_endpoint
  // for a malformed one.
  static absl::StatusOr<HostPolicy> Create(const std::vector<std::string>& local_roots,
                                           const std::vector<std::string>& protected_paths,
                                           const std::vector<std::string>& endpoint_patterns);
  // Allows nothing: no local roots, no endpoint overrides.
  HostPolicy() = default;

  // Appends one violation (field = config key) per field of `schema` whose value in `config`
  // the policy refuses; empty values are left to the plugin.
  void Check(const std::vector<ConfigFieldSpec>& schema, const ConfigMap& config,
             std::vector<FieldViolation>& violations) const;

 private:
  struct EndpointPattern {
    std::string host;  // lowercase; "*.suffix" for subdomains
    int port = 0;      // 0 = any
  };
  // "" when allowed, else why not and how to fix it.
  std::string LocalPathProblem(const std::string& path) const;
  std::string EndpointProblem(const std::string& url) const;

  std::vector<std::string> local_roots_;      // canonical
  std::vector<std::string> protected_paths_;  // canonical as far as they exist
  std::vector<EndpointPattern> endpoints_;
};

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_REGISTRY_HOST_POLICY_H_
