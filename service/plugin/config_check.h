// The host's checks of a configuration before any plugin sees it: size bounds, NUL bytes and
// keys the provider's schema does not declare. A plugin is never asked to parse a config the
// host could not return in an error or store and list again (a storage with 200,000 keys once
// made every ListStorages response too large to receive).
//
// Limits (documented in README.md, "Configuration limits"):
//   at most kMaxConfigKeys keys, each key at most kMaxConfigKeyBytes bytes and each value at
//   most kMaxConfigValueBytes bytes (room for a PATH_MAX path or a long endpoint URL; the
//   largest legitimate value, an SSE-C key, is 44 bytes of base64).
//
// Messages never contain a configuration value: any of them may be a secret.
//
// Thread safety: free functions, no shared state.
#ifndef PLUTON_SERVICE_PLUGIN_CONFIG_CHECK_H_
#define PLUTON_SERVICE_PLUGIN_CONFIG_CHECK_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/rich_status.h"
#include "plugin/provider.h"

namespace pluton::storage::plugin_call {

inline constexpr size_t kMaxConfigKeys = 64;
inline constexpr size_t kMaxConfigKeyBytes = 128;
inline constexpr size_t kMaxConfigValueBytes = 4096;

// INVALID_ARGUMENT, one violation per wrong key, when the configuration has more than
// kMaxConfigKeys keys (one violation, field "", checked first: nothing else is looked at), a
// key is empty, longer than kMaxConfigKeyBytes or holds a NUL, or a value is longer than
// kMaxConfigValueBytes or holds a NUL. Violation fields are config keys (a long key cut, and
// escaped), for the caller to prefix.
absl::Status CheckConfigBounds(const ConfigMap& config);

// Splits `config` into the keys `schema` declares (returned) and one violation per key it does
// not (appended to `unknown`, field = the key): "unknown option for provider <id>; known:
// a, b, c". REQUIRES: CheckConfigBounds(config) passed (keys are short).
ConfigMap KnownConfigKeys(absl::string_view provider_id, const std::vector<ConfigFieldSpec>& schema,
                          const ConfigMap& config, std::vector<FieldViolation>& unknown);

}  // namespace pluton::storage::plugin_call

#endif  // PLUTON_SERVICE_PLUGIN_CONFIG_CHECK_H_
