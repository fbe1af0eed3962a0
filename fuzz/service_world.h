// ServiceWorld: the service's own parts, real and assembled once per fuzzing process, for the
// fuzz targets that go through the host: a SQLite registry in a temporary directory, a secret
// box, the host services and every provider plugin of the build loaded with dlopen (local,
// r2, s3), and one registered `local` storage rooted in the temporary directory.
//
//   ServiceWorld& world = ServiceWorld::Get();
//   world.registry().Add(name, "r2", config, /*validate_only=*/true);
//
// No network is involved: the `local` storage is the only one calls reach, and validation
// of r2 and s3 configurations never connects. The temporary directory (ScratchDir) is removed at
// exit.
//
// Thread safety: Get() is thread-safe; the registry is thread-safe. The world lives until
// the process exits.
#ifndef PLUTON_FUZZ_SERVICE_WORLD_H_
#define PLUTON_FUZZ_SERVICE_WORLD_H_

#include <memory>
#include <string>

#include "plugin/host_services.h"
#include "plugin/plugin_loader.h"
#include "registry/storage_registry.h"
#include "store/secret_box.h"
#include "store/sqlite_storage_store.h"

namespace pluton::fuzz {

class ServiceWorld {
 public:
  static ServiceWorld& Get();

  storage::StorageRegistry& registry() { return *registry_; }
  const storage::PluginSet& plugins() const { return *plugins_; }
  // The name of the registered `local` storage.
  const std::string& local_storage() const { return local_storage_; }
  // Its root directory (buckets are directories below it).
  const std::string& local_root() const { return local_root_; }

 private:
  ServiceWorld();

  std::string dir_;
  std::string local_root_;
  std::string local_storage_ = "fuzz-local";
  std::unique_ptr<storage::SecretBox> secret_box_;
  std::unique_ptr<storage::SqliteStorageStore> store_;
  std::unique_ptr<storage::HostServices> host_;
  std::unique_ptr<storage::PluginSet> plugins_;
  std::unique_ptr<storage::HostPolicy> policy_;
  std::unique_ptr<storage::StorageRegistry> registry_;
};

}  // namespace pluton::fuzz

#endif  // PLUTON_FUZZ_SERVICE_WORLD_H_
