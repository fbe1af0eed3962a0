#include "api_world.h"

#include <grpcpp/grpcpp.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "fuzz_check.h"
#include "scratch_dir.h"

namespace pluton::fuzz {
ApiWorld& ApiWorld::Get() {
  static ApiWorld* world = new ApiWorld();  // lives until exit
  return *world;
}

ApiWorld::ApiWorld() {
  storage::SetMinLogLevel(storage::LogLevel::kError);
  dir_ = ScratchDir().path();
  sandbox_ = dir_ + "/sandbox";
  root_ = sandbox_ + "/objects";
  std::filesystem::create_directories(root_);
  stores_attributes_ = setxattr(root_.c_str(), "user.pluton.probe", "1", 1, 0) == 0;
  removexattr(root_.c_str(), "user.pluton.probe");

  storage::ServerConfig config;
  config.listen_address = "127.0.0.1:0";
  config.data_dir = dir_ + "/data";
  config.plugin_dir = PLUTON_FUZZ_PLUGIN_DIR;
  config.upload_buffer_budget_bytes = 64ull << 20;
  config.local_roots = {root_};  // the one local storage below; nothing else on the host
  config.allow_plugins_owned_by_service_user = geteuid() != 0;  // a developer's own build
  absl::StatusOr<std::unique_ptr<storage::StorageServer>> server =
      storage::StorageServer::Start(config);
  if (!server.ok()) {
    std::fprintf(stderr, "fuzz setup: the server: %s\n", server.status().ToString().c_str());
    std::abort();
  }
  server_ = *std::move(server);
  stub_ = storage::v1::StorageService::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", server_->port()), grpc::InsecureChannelCredentials()));

  storage::v1::AddStorageRequest add;
  add.mutable_storage()->set_name(local_storage_);
  add.mutable_storage()->set_provider("local");
  (*add.mutable_storage()->mutable_config())["root"] = root_;
  storage::v1::Storage added;
  grpc::ClientContext context;
  const grpc::Status status = stub_->AddStorage(&context, add, &added);
  if (!status.ok()) {
    std::fprintf(stderr, "fuzz setup: AddStorage: %s\n", status.error_message().c_str());
    std::abort();
  }
}

void ApiWorld::EmptyRoot() {
  for (const auto& entry : std::filesystem::directory_iterator(root_)) {
    std::filesystem::remove_all(entry.path());
  }
}

bool ApiWorld::SandboxHoldsOnlyRoot() const {
  for (const auto& entry : std::filesystem::directory_iterator(sandbox_)) {
    if (entry.path() != root_) return false;
  }
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    if (entry.path() != sandbox_ && entry.path() != dir_ + "/data") return false;
  }
  return true;
}

}  // namespace pluton::fuzz
