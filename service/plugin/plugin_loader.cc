#include "plugin/plugin_loader.h"

#include <dlfcn.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <system_error>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "plugin/plugin_files.h"
#include "plugin/plugin_provider.h"

namespace pluton::storage {
namespace {

namespace fs = std::filesystem;

constexpr char kComponent[] = "plugins";

std::string DlErrorOr(absl::string_view fallback) {
  const char* error = dlerror();
  return error != nullptr ? std::string(error) : std::string(fallback);
}

}  // namespace

absl::StatusOr<std::unique_ptr<PluginSet>> PluginSet::Load(const std::string& directory,
                                                           const pluton_host_api* host) {
  if (host == nullptr) return absl::InvalidArgumentError("PluginSet::Load: host is NULL");
  absl::StatusOr<std::vector<fs::path>> files = ListPluginFiles(directory);
  if (!files.ok()) return files.status();

  std::unique_ptr<PluginSet> set(new PluginSet());
  std::map<std::string, std::string> path_by_id;
  for (const fs::path& file : *files) {
    const std::string path = file.string();
    auto refuse = [&](void* handle, std::string reason) {
      if (handle != nullptr) dlclose(handle);
      LogWarning(kComponent, "refused plugin ", path, ": ", reason);
      set->rejected_.push_back({path, std::move(reason)});
    };

    dlerror();  // Clears any earlier error.
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      refuse(nullptr, absl::StrCat("dlopen failed: ", DlErrorOr("unknown error"),
                                   "; the file must be a shared object built for this platform "
                                   "(remove it from the plugin directory otherwise)"));
      continue;
    }
    dlerror();
    void* entry_symbol = dlsym(handle, PLUTON_STORAGE_PLUGIN_ENTRY);
    if (entry_symbol == nullptr) {
      refuse(handle,
             absl::StrCat("it does not export the entry symbol " PLUTON_STORAGE_PLUGIN_ENTRY
                          ": build it with pluton_add_provider_plugin and define the entry with "
                          "PLUTON_PLUGIN_EXPORT (",
                          DlErrorOr("symbol not found"), ")"));
      continue;
    }
    auto entry = reinterpret_cast<pluton_plugin_entry_fn>(entry_symbol);
    const pluton_plugin_api* api = nullptr;
    try {
      api = entry(host);
    } catch (...) {
      // The ABI forbids it, but a C++ plugin may get it wrong; it must not stop the others.
      refuse(handle,
             "its entry function threw a C++ exception: every entry point of a plugin "
             "must catch all exceptions");
      continue;
    }
    if (api == nullptr) {
      refuse(handle, absl::StrCat("its entry function returned NULL: the plugin refused this "
                                  "host (ABI ",
                                  PLUTON_PLUGIN_ABI_MAJOR, ".", PLUTON_PLUGIN_ABI_MINOR,
                                  "); see its log lines for why"));
      continue;
    }
    absl::StatusOr<std::unique_ptr<PluginProvider>> provider = PluginProvider::Create(api);
    if (!provider.ok()) {
      refuse(handle, std::string(provider.status().message()));
      continue;
    }
    const std::string& id = (*provider)->id();
    if (auto taken = path_by_id.find(id); taken != path_by_id.end()) {
      refuse(handle, absl::StrCat("provider id \"", id, "\" is already provided by ", taken->second,
                                  ": remove one of the two plugins"));
      continue;
    }
    path_by_id.emplace(id, path);
    LogInfo(
        kComponent, "loaded plugin ", path, ": id=", id, " name=\"", (*provider)->display_name(),
        "\" version=", (*provider)->plugin_version().empty() ? "?" : (*provider)->plugin_version(),
        " abi=", (*provider)->abi_version());
    set->handles_.push_back(handle);
    set->providers_.push_back(*std::move(provider));
  }

  std::sort(set->providers_.begin(), set->providers_.end(),
            [](const auto& a, const auto& b) { return a->id() < b->id(); });
  if (set->providers_.empty()) {
    LogWarning(kComponent, "no storage provider plugin loaded from ", directory,
               "; storages cannot be added until one is installed");
  }
  return set;
}

PluginSet::~PluginSet() {
  // Providers point into the shared objects: drop them first.
  providers_.clear();
  for (void* handle : handles_) dlclose(handle);
}

const std::vector<std::shared_ptr<const Provider>>& PluginSet::providers() const {
  return providers_;
}

std::shared_ptr<const Provider> PluginSet::Find(const std::string& provider_id) const {
  auto it = std::lower_bound(
      providers_.begin(), providers_.end(), provider_id,
      [](const std::shared_ptr<const Provider>& p, const std::string& id) { return p->id() < id; });
  if (it != providers_.end() && (*it)->id() == provider_id) return *it;
  return nullptr;
}

const std::vector<RejectedPluginInfo>& PluginSet::rejected() const { return rejected_; }

}  // namespace pluton::storage
