// The access file (--auth_tokens_file): who may call the service, as JSON the operator mounts
// (a Kubernetes Secret). It holds no secret: tokens appear only as their SHA-256, which
// `pluton-storage hash-token` prints.
//
//   {
//     "tokens": [
//       {"name": "ops",     "sha256": "<64 hex digits>", "role": "admin"},
//       {"name": "agent-a", "sha256": "<64 hex digits>", "role": "agent",
//        "storages": ["backup-a", "team-b-*", "stg_0123456789abcdef"],
//        "expires": "2027-06-30T00:00:00Z"}
//     ],
//     "certificates": [
//       {"name": "agent-c", "common_name": "agent-c.backup", "role": "agent",
//        "storages": ["backup-c"]},
//       {"name": "console", "san": "console.pluton.svc", "role": "reader",
//        "storages": ["*"]}
//     ]
//   }
//
// Every entry has a unique `name` (what logs call the caller) and a `role` (auth/access_policy.h).
// `storages` grants an agent or reader the storages matching any pattern (an id or a name, shell
// wildcards allowed); it is required for them and refused for an admin, who has every storage.
// A certificate entry matches a client certificate (mTLS, --tls_client_ca_file) by exactly one
// of `common_name` (the subject CN) or `san` (any subject alternative name: DNS, URI, e-mail,
// IP). A token may carry `expires` (RFC 3339, e.g. "2027-06-30T00:00:00Z"): from that instant
// it is refused (UNAUTHENTICATED, TOKEN_EXPIRED) though still listed. Both lists are optional;
// unknown keys are errors (a typo must not widen or drop access).
//
// Thread safety: free functions; an AccessConfig is immutable once parsed.
#ifndef PLUTON_SERVICE_AUTH_ACCESS_FILE_H_
#define PLUTON_SERVICE_AUTH_ACCESS_FILE_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "auth/access_policy.h"

namespace pluton::storage {

// One caller the file knows: a token's or a certificate's name, role and grants.
struct Principal {
  std::string name;
  Role role = Role::kReader;
  std::vector<std::string> storages;  // patterns; empty for an admin
};

using TokenDigest = std::array<uint8_t, 32>;  // SHA-256 of the token's bytes

struct TokenEntry {
  Principal principal;
  TokenDigest sha256{};
  absl::Time expires = absl::InfiniteFuture();  // refused from this instant on
};

struct CertificateEntry {
  Principal principal;
  enum class Match { kCommonName, kSan } match = Match::kCommonName;
  std::string value;  // the CN or SAN, compared exactly
};

struct AccessConfig {
  std::vector<TokenEntry> tokens;
  std::vector<CertificateEntry> certificates;
};

// Parses the file's text. INVALID_ARGUMENT naming the entry and key (e.g. "tokens[2].sha256:
// expected 64 hex digits") for the first problem; never echoes a value of `sha256`.
absl::StatusOr<AccessConfig> ParseAccessFile(absl::string_view text);

// SHA-256 of `token` (the bytes after "Bearer ").
TokenDigest DigestToken(absl::string_view token);

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_AUTH_ACCESS_FILE_H_
