// What a storage may name on the service's host, through the API: local roots only below
// --local_root and never the service's own files, endpoint overrides only to --allowed_endpoint
// hosts, and no re-pointing of a saved storage without its secret. Each case replays an attack
// and checks the code, the field named, and that nothing was saved or touched.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "client/error_details.h"
#include "server_fixture.h"

namespace pluton::testing {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kAccount[] = "0123456789abcdef0123456789abcdef";
constexpr char kKeyId[] = "abcdef0123456789abcdef0123456789";
constexpr char kSecret[] = "5ec7e7aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

class HostPolicyApiTest : public ServerFixture {
 protected:
  HostPolicyApiTest() { plugins_.push_back(std::string(PLUTON_TEST_PLUGIN_DIR) + "/pluton_r2.so"); }

  absl::StatusOr<v1::Storage> AddLocal(const std::string& name, const std::string& root) {
    v1::AddStorageRequest request;
    request.mutable_storage()->set_name(name);
    request.mutable_storage()->set_provider("local");
    (*request.mutable_storage()->mutable_config())["root"] = root;
    return client_->AddStorage(request);
  }

  absl::StatusOr<v1::Storage> AddR2(const std::string& name, const std::string& endpoint) {
    v1::AddStorageRequest request;
    request.mutable_storage()->set_name(name);
    request.mutable_storage()->set_provider("r2");
    auto& config = *request.mutable_storage()->mutable_config();
    config["account_id"] = kAccount;
    config["access_key_id"] = kKeyId;
    config["secret_access_key"] = kSecret;
    if (!endpoint.empty()) config["endpoint"] = endpoint;
    return client_->AddStorage(request);
  }

  // The one violation's field and description, checked to be the only one.
  static storage::client::FieldViolation OnlyViolation(const absl::Status& status) {
    const auto details = storage::client::GetErrorDetails(status);
    EXPECT_EQ(details.field_violations.size(), 1u) << status;
    return details.field_violations.empty() ? storage::client::FieldViolation{}
                                            : details.field_violations[0];
  }

  size_t StorageCount() {
    auto page = client_->ListStorages(v1::ListStoragesRequest());
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? page->storages_size() : 0;
  }
};

TEST_F(HostPolicyApiTest, RootOfTheFileSystemIsRefusedNamingTheFlag) {
  auto added = AddLocal("everything", "/");
  ASSERT_EQ(added.status().code(), absl::StatusCode::kInvalidArgument) << added.status();
  const auto violation = OnlyViolation(added.status());
  EXPECT_EQ(violation.field, "storage.config.root");
  EXPECT_THAT(violation.description, HasSubstr("--local_root"));
  EXPECT_EQ(StorageCount(), 0u);
}

TEST_F(HostPolicyApiTest, RootsOutsideTheAllowedDirectoriesAreRefused) {
  for (const std::string& root : std::vector<std::string>{
           "/etc", "/proc", "/tmp", objects_root() + "/../../..", "/var/lib"}) {
    auto added = AddLocal("outside", root);
    ASSERT_EQ(added.status().code(), absl::StatusCode::kInvalidArgument) << root;
    EXPECT_THAT(OnlyViolation(added.status()).description, HasSubstr("outside the directories"))
        << root;
  }
  EXPECT_EQ(StorageCount(), 0u);
}

TEST_F(HostPolicyApiTest, ASymbolicLinkOutOfTheAllowedDirectoryIsRefused) {
  std::filesystem::create_directory_symlink("/etc", dir_.Sub("etc-link"));
  auto added = AddLocal("linked", dir_.Sub("etc-link"));
  ASSERT_EQ(added.status().code(), absl::StatusCode::kInvalidArgument) << added.status();
  EXPECT_THAT(OnlyViolation(added.status()).description, HasSubstr("outside the directories"));
}

TEST_F(HostPolicyApiTest, TheServicesOwnFilesAreNeverReachable) {
  // The allowed directory holds the data directory (master key, database) and the plugins:
  // neither they, anything inside them, nor a directory holding them may be a root.
  for (const std::string& root :
       std::vector<std::string>{dir_.path(), dir_.Sub("data"), dir_.Sub("plugins"),
                                dir_.Sub("data") + "/sub", dir_.Sub("objects") + "/../data"}) {
    auto added = AddLocal("own-files", root);
    ASSERT_EQ(added.status().code(), absl::StatusCode::kInvalidArgument) << root;
    EXPECT_THAT(OnlyViolation(added.status()).description, HasSubstr("the service's own files"))
        << root;
  }
  EXPECT_EQ(StorageCount(), 0u);
  // A directory beside them is fine.
  auto added = AddLocal("beside", objects_root());
  EXPECT_TRUE(added.ok()) << added.status();
}

TEST_F(HostPolicyApiTest, WithoutLocalRootsLocalStoragesCannotBeAdded) {
  StopServer();
  local_roots_ = std::vector<std::string>{};
  StartServer();
  auto added = AddLocal("disk", objects_root());
  ASSERT_EQ(added.status().code(), absl::StatusCode::kInvalidArgument) << added.status();
  EXPECT_THAT(OnlyViolation(added.status()).description,
              HasSubstr("local storages are not enabled on this service"));
}

TEST_F(HostPolicyApiTest, AStorageTheOperatorNoLongerAllowsFailsItsCallsNamingTheReason) {
  ASSERT_TRUE(AddLocal("disk", objects_root()).ok());
  StopServer();
  std::filesystem::create_directories(dir_.Sub("elsewhere"));
  local_roots_ = std::vector<std::string>{dir_.Sub("elsewhere")};
  StartServer();
  v1::ListObjectsRequest list;
  list.set_storage("disk");
  list.set_bucket("bucket");
  auto listed = client_->ListObjects(list);
  ASSERT_EQ(listed.status().code(), absl::StatusCode::kFailedPrecondition) << listed.status();
  EXPECT_THAT(listed.status().message(), HasSubstr("no longer allowed"));
  EXPECT_EQ(storage::client::GetErrorDetails(listed.status()).reason,
            "STORAGE_NOT_ALLOWED_BY_HOST_POLICY");
}

TEST_F(HostPolicyApiTest, MetadataAndUnlistedEndpointsAreRefusedBeforeAnyRequest) {
  for (const std::string endpoint :
       {"http://169.254.169.254/", "http://[fd00:ec2::254]/", "https://internal.example:8443",
        "http://10.0.0.1:9000", "http://127.0.0.1.nip.io/", "file:///etc/passwd",
        "gopher://127.0.0.1/"}) {
    v1::TestConnectionRequest test;
    test.mutable_unsaved()->set_provider("r2");
    auto& config = *test.mutable_unsaved()->mutable_config();
    config["account_id"] = kAccount;
    config["access_key_id"] = kKeyId;
    config["secret_access_key"] = kSecret;
    config["endpoint"] = endpoint;
    auto result = client_->TestConnection(test);
    ASSERT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument) << endpoint;
    std::vector<std::string> fields;
    for (const auto& v : storage::client::GetErrorDetails(result.status()).field_violations) {
      fields.push_back(v.field);
    }
    EXPECT_THAT(fields, Contains("unsaved.config.endpoint")) << endpoint;
  }
  auto added = AddR2("metadata", "http://169.254.169.254");
  ASSERT_EQ(added.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(OnlyViolation(added.status()).description, HasSubstr("--allowed_endpoint"));
  EXPECT_EQ(StorageCount(), 0u);
}

TEST_F(HostPolicyApiTest, ReTargetingASavedStorageRequiresItsSecret) {
  ASSERT_TRUE(AddR2("offsite", "").ok());
  const std::vector<std::pair<std::string, std::string>> retargets = {
      {"account_id", std::string(32, 'f')},
      {"endpoint", "http://127.0.0.1:9/"},
      {"jurisdiction", "eu"},
      {"access_key_id", std::string(32, 'e')}};
  for (const auto& [field, value] : retargets) {
    v1::UpdateStorageRequest update;
    update.set_storage("offsite");
    (*update.mutable_update()->mutable_config())[field] = value;
    update.mutable_update_mask()->add_paths("config." + field);
    auto updated = client_->UpdateStorage(update);
    ASSERT_EQ(updated.status().code(), absl::StatusCode::kInvalidArgument) << field;
    const auto violation = OnlyViolation(updated.status());
    EXPECT_EQ(violation.field, "update.config.secret_access_key") << field;
    EXPECT_THAT(violation.description, HasSubstr("changing " + field)) << field;

    // With the secret in the same update it goes through.
    (*update.mutable_update()->mutable_config())["secret_access_key"] = kSecret;
    update.mutable_update_mask()->add_paths("config.secret_access_key");
    auto with_secret = client_->UpdateStorage(update);
    EXPECT_TRUE(with_secret.ok()) << field << ": " << with_secret.status();
  }
  // Fields that do not re-target the credentials need no secret.
  v1::UpdateStorageRequest rename;
  rename.set_storage("offsite");
  rename.mutable_update()->set_name("offsite-2");
  rename.mutable_update_mask()->add_paths("name");
  EXPECT_TRUE(client_->UpdateStorage(rename).ok());
}

TEST_F(HostPolicyApiTest, ReTargetingToAnUnlistedEndpointIsRefusedEvenWithTheSecret) {
  ASSERT_TRUE(AddR2("offsite", "").ok());
  v1::UpdateStorageRequest update;
  update.set_storage("offsite");
  auto& config = *update.mutable_update()->mutable_config();
  config["endpoint"] = "http://169.254.169.254/";
  config["secret_access_key"] = kSecret;
  update.mutable_update_mask()->add_paths("config.endpoint");
  update.mutable_update_mask()->add_paths("config.secret_access_key");
  auto updated = client_->UpdateStorage(update);
  ASSERT_EQ(updated.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(OnlyViolation(updated.status()).field, "update.config.endpoint");
  v1::GetStorageRequest get;
  get.set_storage("offsite");
  auto stored = client_->GetStorage(get);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->config().count("endpoint"), 0u) << "the refused update changed the storage";
}

TEST_F(HostPolicyApiTest, APluginDirectoryOthersCanWriteStopsTheStartBeforeAnyPluginRuns) {
  StopServer();
  ASSERT_EQ(chmod(dir_.Sub("plugins").c_str(), 0777), 0);
  storage::ServerConfig config = TestServerConfig(dir_);
  config.allow_plugins_owned_by_service_user = true;  // the check under test is the mode
  auto server = storage::StorageServer::Start(config);
  ASSERT_EQ(server.status().code(), absl::StatusCode::kFailedPrecondition) << server.status();
  EXPECT_THAT(server.status().message(),
              HasSubstr(dir_.Sub("plugins") + " can be changed by everyone"));
  ASSERT_EQ(chmod(dir_.Sub("plugins").c_str(), 0755), 0);
}

}  // namespace
}  // namespace pluton::testing
