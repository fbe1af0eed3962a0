#include "service_world.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "common/log.h"
#include "fuzz_check.h"
#include "scratch_dir.h"
#include "server/storage_server.h"

namespace pluton::fuzz {
namespace {

void Require(const absl::Status& status, const char* what) {
  if (status.ok()) return;
  std::fprintf(stderr, "fuzz setup: %s: %s\n", what, status.ToString().c_str());
  std::abort();
}

}  // namespace

ServiceWorld& ServiceWorld::Get() {
  static ServiceWorld* world = new ServiceWorld();  // lives until exit
  return *world;
}

ServiceWorld::ServiceWorld() {
  // Every call would log a line; the fuzzer's own output is what matters.
  storage::SetMinLogLevel(storage::LogLevel::kError);
  dir_ = ScratchDir().path();
  local_root_ = dir_ + "/objects";
  std::filesystem::create_directories(local_root_);

  absl::StatusOr<storage::SecretBox> box = storage::SecretBox::FromKey(std::string(32, '\x5a'));
  Require(box.status(), "secret box");
  secret_box_ = std::make_unique<storage::SecretBox>(*std::move(box));
  absl::StatusOr<std::unique_ptr<storage::SqliteStorageStore>> store =
      storage::SqliteStorageStore::Open(dir_ + "/storages.db");
  Require(store.status(), "SQLite store");
  store_ = *std::move(store);
  host_ = std::make_unique<storage::HostServices>(64ull << 20);
  absl::StatusOr<std::unique_ptr<storage::PluginSet>> plugins =
      storage::PluginSet::Load(PLUTON_FUZZ_PLUGIN_DIR, host_->api());
  Require(plugins.status(), "plugins from " PLUTON_FUZZ_PLUGIN_DIR);
  plugins_ = *std::move(plugins);
  for (const char* id : {"local", "r2", "s3"}) {
    FUZZ_CHECK(plugins_->Find(id) != nullptr, "a bundled plugin did not load");
  }
  absl::StatusOr<storage::HostPolicy> policy =
      storage::HostPolicy::Create({local_root_}, {dir_ + "/storages.db"}, {"127.0.0.1"});
  Require(policy.status(), "host policy");
  policy_ = std::make_unique<storage::HostPolicy>(*std::move(policy));
  registry_ = std::make_unique<storage::StorageRegistry>(
      store_.get(), secret_box_.get(), plugins_.get(),
      storage::ServerConfig().upload_buffer_budget_bytes, policy_.get());
  Require(registry_->Add(local_storage_, "local", {{"root", local_root_}}, false).status(),
          "the local storage");
}

}  // namespace pluton::fuzz
