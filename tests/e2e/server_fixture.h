// ServerFixture: a real StorageServer on a real port (127.0.0.1:0) with the real plugins
// loaded by dlopen and a real SQLite file, and a real client connected to it.
//
// Plugins: the built `local` provider and the `minimal` test plugin (which has a secret
// field, "token"), symlinked into a per-test plugin directory.
#ifndef PLUTON_TESTS_E2E_SERVER_FIXTURE_H_
#define PLUTON_TESTS_E2E_SERVER_FIXTURE_H_

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/storage_client.h"
#include "common/temp_dir.h"
#include "server/storage_server.h"
#include "test_server_config.h"

namespace pluton::testing {

namespace v1 = ::pluton::storage::v1;

class ServerFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir_.Sub("plugins"));
    std::filesystem::create_symlink(std::string(PLUTON_TEST_PLUGIN_DIR) + "/pluton_local.so",
                                    dir_.Sub("plugins/pluton_local.so"));
    std::filesystem::create_symlink(std::string(PLUTON_TEST_BROKEN_PLUGIN_DIR) + "/good_minimal.so",
                                    dir_.Sub("plugins/good_minimal.so"));
    for (const std::string& plugin : plugins_) {
      std::filesystem::create_symlink(
          plugin, dir_.Sub("plugins/" + std::filesystem::path(plugin).filename().string()));
    }
    std::filesystem::create_directories(objects_root());
    StartServer();
  }

  void TearDown() override { StopServer(); }

  void StartServer() {
    storage::ServerConfig config = TestServerConfig(dir_);
    if (local_roots_) config.local_roots = *local_roots_;
    config.upload_read_window_bytes = read_window_bytes_;
    config.upload_buffer_budget_bytes = upload_buffer_budget_bytes_;
    config.enable_reflection = enable_reflection_;
    config.max_concurrent_downloads = max_concurrent_downloads_;
    config.storage_share_percent = storage_share_percent_;
    config.caller_share_percent = caller_share_percent_;
    config.health_listen_address = health_listen_address_;
    config.metrics_listen_address = metrics_listen_;
    auto server = storage::StorageServer::Start(config);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    client_ = std::make_unique<storage::client::StorageClient>(target());
  }

  void StopServer() {
    client_.reset();
    if (server_) server_->Shutdown(absl::ZeroDuration());
    server_.reset();
  }

  std::string target() const { return absl::StrCat("127.0.0.1:", server_->port()); }
  std::string objects_root() const { return dir_.Sub("objects"); }
  std::string ObjectPath(const std::string& bucket, const std::string& key) const {
    return absl::StrCat(objects_root(), "/", bucket, "/", key);
  }
  // Files under the local provider's staging directory (abandoned uploads would show here).
  size_t PartialFileCount() const {
    const std::string partial = objects_root() + "/.pluton-partial";
    if (!std::filesystem::exists(partial)) return 0;
    size_t count = 0;
    for (const auto& entry : std::filesystem::directory_iterator(partial)) {
      (void)entry;
      ++count;
    }
    return count;
  }

  // Registers a local storage rooted at objects_root().
  v1::Storage AddLocalStorage(const std::string& name) {
    v1::AddStorageRequest request;
    request.mutable_storage()->set_name(name);
    request.mutable_storage()->set_provider("local");
    (*request.mutable_storage()->mutable_config())["root"] = objects_root();
    auto added = client_->AddStorage(request);
    EXPECT_TRUE(added.ok()) << added.status();
    return added.ok() ? *added : v1::Storage();
  }

  static v1::UploadHeader Header(const std::string& storage, const std::string& bucket,
                                 const std::string& key, int64_t size) {
    v1::UploadHeader header;
    header.set_storage(storage);
    header.set_bucket(bucket);
    header.set_key(key);
    if (size >= 0) header.set_expected_size(size);
    return header;
  }

  TempDir dir_;
  std::vector<std::string> plugins_;  // more plugin files to load, set before SetUp
  size_t read_window_bytes_ = 4 << 20;
  uint64_t upload_buffer_budget_bytes_ = 256ull << 20;   // the daemon's default
  bool enable_reflection_ = false;                       // the daemon's default
  int max_concurrent_downloads_ = 64;                    // the daemon's default
  int storage_share_percent_ = 50;                       // the daemon's default
  int caller_share_percent_ = 50;                        // the daemon's default
  std::string health_listen_address_;                    // the daemon's default: none
  std::string metrics_listen_;                           // "": no /metrics (the default)
  std::optional<std::vector<std::string>> local_roots_;  // unset: the test's directory
  std::unique_ptr<storage::StorageServer> server_;
  std::unique_ptr<storage::client::StorageClient> client_;
};

}  // namespace pluton::testing

#endif  // PLUTON_TESTS_E2E_SERVER_FIXTURE_H_
