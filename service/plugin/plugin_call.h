// Calling into a plugin's C table safely: converting its errors into statuses, passing C++
// values as ABI structs for the duration of a call, and the argument checks every call shares.
// Internal to the plugin host (plugin_provider.cc, plugin_housekeeping.cc).
//
// Thread safety: free functions are thread-safe; a CConfig is used by one thread.
#ifndef PLUTON_SERVICE_PLUGIN_PLUGIN_CALL_H_
#define PLUTON_SERVICE_PLUGIN_PLUGIN_CALL_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/rich_status.h"
#include "plugin/provider.h"
#include "pluton/storage_plugin.h"

// End offset of a field of an ABI struct: the field exists iff this is <= struct_size.
#define PLUTON_FIELD_END(type, field) (offsetof(type, field) + sizeof(type::field))

namespace pluton::storage::plugin_call {

inline constexpr char kComponent[] = "plugins";
// The ErrorInfo reason of every error that is the plugin's fault rather than the user's.
inline constexpr char kContractViolation[] = "PLUGIN_CONTRACT_VIOLATION";
// More entries than this in a plugin's array is taken as a corrupt count, not data.
inline constexpr size_t kMaxPluginArrayEntries = 4096;

// A plugin's text (a violation's field or description) longer than this is cut when copied.
inline constexpr size_t kMaxPluginTextBytes = 1024;

inline const char* OrEmpty(const char* s) { return s != nullptr ? s : ""; }

// INTERNAL: the plugin broke the ABI contract in a way the host caught.
absl::Status PluginBug(absl::string_view provider_id, absl::string_view what);

// Converts a plugin error into a status (code, ErrorInfo reason, violations) and releases it
// with api->error_destroy. OK for NULL; never OK for an error, however malformed: an error
// whose violations cannot be read (count > 0, array NULL) is INTERNAL
// (PLUGIN_CONTRACT_VIOLATION), and past kMaxPluginArrayEntries violations the rest are
// counted in a final violation (field "") instead of read.
absl::Status TakeError(const pluton_plugin_api* api, absl::string_view provider_id,
                       absl::string_view operation, pluton_error* raw);

// Adds a violation for `field` when `value` holds a NUL (it would cut the C string short).
void CheckNoNul(absl::string_view value, absl::string_view field,
                std::vector<FieldViolation>& violations);
// The bucket and key rules every object operation shares: key non-empty, no NUL, no "." or
// ".." segment; bucket without NUL.
void CheckObjectName(const std::string& bucket, const std::string& key,
                     std::vector<FieldViolation>& violations);

// A ConfigMap as a pluton_config that points into it: valid while both live.
class CConfig {
 public:
  explicit CConfig(const ConfigMap& config);
  CConfig(const CConfig&) = delete;
  CConfig& operator=(const CConfig&) = delete;
  const pluton_config* get() const { return &config_; }

 private:
  std::vector<pluton_kv> entries_;
  pluton_config config_{};
};

// A token reading `cancelled` (NULL: never cancelled). The flag must outlive the token.
pluton_cancel_token MakeCancelToken(const std::atomic<bool>* cancelled);

// A timeout as whole milliseconds for the ABI, saturating; 0 for a non-positive one.
uint32_t ToTimeoutMs(absl::Duration timeout);

}  // namespace pluton::storage::plugin_call

#endif  // PLUTON_SERVICE_PLUGIN_PLUGIN_CALL_H_
