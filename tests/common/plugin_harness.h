// Test helpers shared by the binaries that load a real provider plugin (pluton_local.so,
// pluton_r2.so, pluton_s3.so) the way the service does (dlopen + entry symbol) and drive it only
// through the C ABI: the host table's log sink, the loader, a copied pluton_error and a
// pluton_config builder. Each binary keeps its own host budget (Reserve/Release):
//
//   struct TestHost : ::pluton::testing::HostLog {
//     static int32_t Reserve(uint64_t bytes, const pluton_cancel_token* cancel);
//     static void Release(uint64_t bytes);
//     static const pluton_host_api* Api() { return ::pluton::testing::HostApi<TestHost>(); }
//   };
//   using LoadedPlugin = ::pluton::testing::LoadedPlugin<TestHost>;
//   const LoadedPlugin& plugin = LoadedPlugin::Get("pluton_r2.so");
//
// Thread safety: HostLog and LoadedPlugin::Get may be used from any thread; a Config is safe to
// share (get() is const and stable) while nobody calls Set.
#ifndef PLUTON_TESTS_COMMON_PLUGIN_HARNESS_H_
#define PLUTON_TESTS_COMMON_PLUGIN_HARNESS_H_

#include <dlfcn.h>

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <mutex>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "pluton/storage_plugin.h"

namespace pluton::testing {

// The log half of a test host: every line a plugin logs, kept for the test to read.
struct HostLog {
  static inline std::mutex mu;
  static inline std::vector<std::string> log_lines;

  static void Log(pluton_log_level level, const char* plugin_id, const char* message) {
    std::lock_guard<std::mutex> lock(mu);
    log_lines.push_back(std::to_string(level) + " " + plugin_id + ": " + message);
  }
  static std::vector<std::string> Logs() {
    std::lock_guard<std::mutex> lock(mu);
    return log_lines;
  }
};

// The host table handed to the plugins: Host::Log, Host::Reserve and Host::Release.
template <typename Host>
const pluton_host_api* HostApi() {
  static const pluton_host_api api = {sizeof(pluton_host_api), PLUTON_PLUGIN_ABI_MAJOR,
                                      PLUTON_PLUGIN_ABI_MINOR, &Host::Log,
                                      &Host::Reserve,          &Host::Release};
  return &api;
}

// A plugin loaded once per test binary (as in the service), by file name in
// PLUTON_TEST_PLUGIN_DIR, with Host::Api() as its host.
template <typename Host>
struct LoadedPlugin {
  void* handle = nullptr;
  pluton_plugin_entry_fn entry = nullptr;
  const pluton_plugin_api* api = nullptr;
  std::string load_error;

  static const LoadedPlugin& Get(const std::string& file_name) {
    static std::mutex mu;
    static std::map<std::string, LoadedPlugin> plugins;
    std::lock_guard<std::mutex> lock(mu);
    auto it = plugins.find(file_name);
    if (it != plugins.end()) return it->second;
    LoadedPlugin& p = plugins[file_name];
    const std::string path = std::string(PLUTON_TEST_PLUGIN_DIR) + "/" + file_name;
    p.handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (p.handle == nullptr) {
      p.load_error = std::string("dlopen: ") + dlerror();
      return p;
    }
    p.entry =
        reinterpret_cast<pluton_plugin_entry_fn>(dlsym(p.handle, PLUTON_STORAGE_PLUGIN_ENTRY));
    if (p.entry == nullptr) {
      p.load_error = "no entry symbol";
      return p;
    }
    p.api = p.entry(Host::Api());
    if (p.api == nullptr) p.load_error = "entry returned NULL";
    return p;
  }
};

// A copied pluton_error (the plugin's is released at once with error_destroy).
struct Error {
  bool ok = true;
  int32_t code = PLUTON_OK;
  std::string reason;
  std::string message;
  std::vector<std::pair<std::string, std::string>> violations;

  // The description of the violation for `field` ("" when there is none).
  std::string Violation(const std::string& field) const {
    for (const auto& [f, d] : violations) {
      if (f == field) return d;
    }
    return "";
  }
  bool HasViolation(const std::string& field) const {
    for (const auto& v : violations) {
      if (v.first == field) return true;
    }
    return false;
  }
};

// Copies `error` (NULL: OK) and destroys it with the plugin's error_destroy.
inline Error Take(const pluton_plugin_api* api, pluton_error* error) {
  Error out;
  if (error == nullptr) return out;
  out.ok = false;
  out.code = error->code;
  out.reason = error->reason;
  out.message = error->message;
  for (size_t i = 0; i < error->violation_count; ++i) {
    out.violations.emplace_back(error->violations[i].field, error->violations[i].description);
  }
  api->error_destroy(error);
  return out;
}

inline std::ostream& operator<<(std::ostream& os, const Error& e) {
  if (e.ok) return os << "OK";
  os << "code=" << e.code << " reason=" << e.reason << " message=" << e.message;
  for (const auto& [field, description] : e.violations) {
    os << "\n  [" << field << ": " << description << "]";
  }
  return os;
}

// Owns the strings of a pluton_config. get() is const and stable, so several threads may
// share one Config while nobody calls Set.
class Config {
 public:
  Config() { Rebuild(); }
  Config(std::initializer_list<std::pair<std::string, std::string>> entries) : entries_(entries) {
    Rebuild();
  }
  // Copies rebuild the pointers (they must point into the copy's own strings).
  Config(const Config& other) : entries_(other.entries_) { Rebuild(); }
  Config& operator=(const Config& other) {
    entries_ = other.entries_;
    Rebuild();
    return *this;
  }
  // Sets (or replaces) a field.
  Config& Set(const std::string& key, const std::string& value) {
    bool found = false;
    for (auto& [k, v] : entries_) {
      if (k == key) {
        v = value;
        found = true;
      }
    }
    if (!found) entries_.emplace_back(key, value);
    Rebuild();
    return *this;
  }
  const pluton_config* get() const { return &config_; }

 private:
  void Rebuild() {
    kvs_.clear();
    for (const auto& [k, v] : entries_) kvs_.push_back({k.c_str(), v.c_str()});
    config_ = {sizeof(pluton_config), kvs_.size(), kvs_.data()};
  }
  std::vector<std::pair<std::string, std::string>> entries_;
  std::vector<pluton_kv> kvs_;
  pluton_config config_{};
};

}  // namespace pluton::testing

#endif  // PLUTON_TESTS_COMMON_PLUGIN_HARNESS_H_
