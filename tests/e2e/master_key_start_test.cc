// The master key checked at start, through the real StorageServer: a fresh data directory
// generates its key and serves; afterwards a wrong key or a missing default key stops the
// start with FAILED_PRECONDITION naming the file, and nothing is regenerated over the data.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "server_fixture.h"
#include "store/master_key.h"
#include "store/master_key_check.h"
#include "store/master_key_rotation.h"
#include "store/sqlite_storage_store.h"

namespace pluton::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kOtherKeyHex[] = "ffeeddccbbaa99887766554433221100f0e1d2c3b4a5968778695a4b3c2d1e0f";

constexpr char kSecret[] = "5ec7e7bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

class MasterKeyStartTest : public ServerFixture {
 protected:
  MasterKeyStartTest() {
    plugins_.push_back(std::string(PLUTON_TEST_PLUGIN_DIR) + "/pluton_r2.so");
  }

  // An r2 storage whose secret_access_key is sealed in the database; returns its id.
  std::string AddR2WithSecret() {
    v1::AddStorageRequest request;
    request.mutable_storage()->set_name("r2");
    request.mutable_storage()->set_provider("r2");
    auto& config = *request.mutable_storage()->mutable_config();
    config["account_id"] = "0123456789abcdef0123456789abcdef";
    config["access_key_id"] = "abcdef0123456789abcdef0123456789";
    config["secret_access_key"] = kSecret;
    auto added = client_->AddStorage(request);
    EXPECT_TRUE(added.ok()) << added.status();
    return added.ok() ? added->id() : "";
  }

  // The storage's secrets opened with the key in `key_file` (the server must be stopped).
  absl::StatusOr<std::string> OpenSecretsWith(const std::string& key_file,
                                              const std::string& id) const {
    auto store = storage::SqliteStorageStore::Open(dir_.Sub("data/storages.db"));
    if (!store.ok()) return store.status();
    auto record = (*store)->GetById(id);
    if (!record.ok()) return record.status();
    auto key = storage::LoadOrCreateMasterKey(key_file, false);
    if (!key.ok()) return key.status();
    auto box = storage::SecretBox::FromKey(*std::move(key));
    if (!box.ok()) return box.status();
    return box->Open(record->sealed_secrets, id);
  }

  std::string key_path() const { return dir_.Sub("data/master.key"); }

  std::string ReadKeyFile() const {
    std::ifstream in(key_path(), std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }

  void WriteKeyFile(const std::string& path, const std::string& content) const {
    {
      std::ofstream out(path, std::ios::binary | std::ios::trunc);
      out << content;
    }
    ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
  }

  absl::Status TryStart(const std::string& master_key_file = "") const {
    storage::ServerConfig config = TestServerConfig(dir_);
    config.master_key_file = master_key_file;
    auto server = storage::StorageServer::Start(config);
    return server.status();
  }
};

TEST_F(MasterKeyStartTest, AFreshDataDirectoryGeneratesItsKeyAndServes) {
  struct stat st;
  ASSERT_EQ(::stat(key_path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(ReadKeyFile().size(), 65u);  // 64 hex digits and a newline
  AddLocalStorage("kept");
}

TEST_F(MasterKeyStartTest, AWrongKeyStopsTheStartNamingTheFile) {
  AddLocalStorage("kept");
  const std::string original = ReadKeyFile();
  StopServer();

  WriteKeyFile(key_path(), std::string(kOtherKeyHex) + "\n");
  absl::Status status = TryStart();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(),
              HasSubstr("the master key file \"" + key_path() +
                        "\" is not the key this database's secrets were sealed with"));
  EXPECT_THAT(status.message(), HasSubstr("--master_key_file"));
  EXPECT_THAT(std::string(status.message()), ::testing::Not(HasSubstr(kOtherKeyHex)));

  // The same wrong key given explicitly is refused the same way.
  const std::string explicit_path = dir_.Sub("explicit.key");
  WriteKeyFile(explicit_path, std::string(kOtherKeyHex) + "\n");
  status = TryStart(explicit_path);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("\"" + explicit_path + "\" is not the key"));

  // The right key starts it again, with the storage still there.
  WriteKeyFile(key_path(), original);
  StartServer();
  auto page = client_->ListStorages(v1::ListStoragesRequest());
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->storages_size(), 1);
  EXPECT_EQ(page->storages(0).name(), "kept");
}

TEST_F(MasterKeyStartTest, AMissingDefaultKeyOverExistingDataStopsTheStart) {
  AddLocalStorage("kept");
  const std::string original = ReadKeyFile();
  StopServer();
  ASSERT_EQ(::unlink(key_path().c_str()), 0);

  absl::Status status = TryStart();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("the master key file \"" + key_path() +
                                          "\" (the default under --data_dir) does not exist"));
  EXPECT_THAT(status.message(), HasSubstr("restore that key file"));
  EXPECT_FALSE(std::filesystem::exists(key_path()));  // never regenerated silently

  WriteKeyFile(key_path(), original);
  StartServer();
}

TEST_F(MasterKeyStartTest, RotationResealsTheSavedSecretAndTheServerStartsOnTheNewKey) {
  const std::string id = AddR2WithSecret();
  StopServer();
  const std::string old_key = dir_.Sub("old.key");
  WriteKeyFile(old_key, ReadKeyFile());
  auto before = OpenSecretsWith(key_path(), id);
  ASSERT_TRUE(before.ok()) << before.status();
  EXPECT_THAT(*before, HasSubstr(kSecret));

  {
    auto store = storage::SqliteStorageStore::Open(dir_.Sub("data/storages.db"));
    ASSERT_TRUE(store.ok()) << store.status();
    auto resealed =
        storage::RotateMasterKey(**store, key_path(), storage::PendingKeyPath(key_path()));
    ASSERT_TRUE(resealed.ok()) << resealed.status();
    EXPECT_EQ(*resealed, 1u);
  }
  auto after = OpenSecretsWith(key_path(), id);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(*after, *before);
  EXPECT_EQ(OpenSecretsWith(old_key, id).status().code(), absl::StatusCode::kDataLoss);

  EXPECT_EQ(TryStart(old_key).code(), absl::StatusCode::kFailedPrecondition);
  StartServer();
  auto storage = client_->GetStorage([&] {
    v1::GetStorageRequest request;
    request.set_storage("r2");
    return request;
  }());
  ASSERT_TRUE(storage.ok()) << storage.status();
  EXPECT_EQ(storage->id(), id);
}

}  // namespace
}  // namespace pluton::testing
