// The registry RPCs end to end: real server, real client, real plugins, real SQLite file.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "client/error_details.h"
#include "google/protobuf/field_mask.pb.h"
#include "pluton/storage_plugin.h"
#include "server_fixture.h"

namespace pluton::testing {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::Pair;

constexpr char kSecretToken[] = "tok-3f9a1c77e2-very-secret-value";

class RegistryApiTest : public ServerFixture {
 protected:
  absl::StatusOr<v1::Storage> AddMinimal(const std::string& name, const std::string& token) {
    v1::AddStorageRequest request;
    request.mutable_storage()->set_name(name);
    request.mutable_storage()->set_provider("minimal");
    (*request.mutable_storage()->mutable_config())["token"] = token;
    return client_->AddStorage(request);
  }

  // Field names of the violations attached to `status`.
  static std::vector<std::string> ViolatedFields(const absl::Status& status) {
    std::vector<std::string> fields;
    for (const auto& v : storage::client::GetErrorDetails(status).field_violations) {
      fields.push_back(v.field);
    }
    return fields;
  }
};

TEST_F(RegistryApiTest, ListProvidersDescribesTheLocalProviderForm) {
  auto providers = client_->ListProviders();
  ASSERT_TRUE(providers.ok()) << providers.status();
  const v1::Provider* local = nullptr;
  for (const auto& p : providers->providers()) {
    if (p.id() == "local") local = &p;
  }
  ASSERT_NE(local, nullptr);
  EXPECT_EQ(local->abi_version(), std::to_string(PLUTON_PLUGIN_ABI_MAJOR) + "." +
                                      std::to_string(PLUTON_PLUGIN_ABI_MINOR));
  EXPECT_FALSE(local->display_name().empty());
  std::vector<std::string> names;
  for (const auto& f : local->config_fields()) names.push_back(f.name());
  EXPECT_THAT(names, Contains("root"));
  EXPECT_THAT(names, Contains("fsync"));
  for (const auto& f : local->config_fields()) {
    if (f.name() == "root") {
      EXPECT_TRUE(f.required());
      EXPECT_EQ(f.type(), v1::CONFIG_FIELD_TYPE_STRING);
    }
    if (f.name() == "fsync") {
      EXPECT_EQ(f.type(), v1::CONFIG_FIELD_TYPE_BOOL);
      EXPECT_EQ(f.default_value(), "true");
      EXPECT_TRUE(f.advanced());
    }
  }
}

TEST_F(RegistryApiTest, AddGetListUpdateDeleteNeverReturnTheSecret) {
  auto added = AddMinimal("backups", kSecretToken);
  ASSERT_TRUE(added.ok()) << added.status();
  EXPECT_THAT(added->id(), ::testing::StartsWith("stg_"));
  EXPECT_EQ(added->name(), "backups");
  EXPECT_EQ(added->config().count("token"), 0u);
  EXPECT_THAT(added->secret_fields_set(), ElementsAre("token"));
  EXPECT_THAT(added->DebugString(), Not(HasSubstr(kSecretToken)));

  v1::GetStorageRequest get;
  get.set_storage("backups");
  auto by_name = client_->GetStorage(get);
  ASSERT_TRUE(by_name.ok()) << by_name.status();
  get.set_storage(added->id());
  auto by_id = client_->GetStorage(get);
  ASSERT_TRUE(by_id.ok()) << by_id.status();
  EXPECT_EQ(by_name->id(), added->id());
  EXPECT_EQ(by_id->name(), "backups");
  EXPECT_THAT(by_id->DebugString(), Not(HasSubstr(kSecretToken)));

  // Rename without re-sending the secret: the secret is kept.
  v1::UpdateStorageRequest update;
  update.set_storage("backups");
  update.mutable_update()->set_name("offsite");
  update.mutable_update_mask()->add_paths("name");
  auto renamed = client_->UpdateStorage(update);
  ASSERT_TRUE(renamed.ok()) << renamed.status();
  EXPECT_EQ(renamed->name(), "offsite");
  EXPECT_EQ(renamed->id(), added->id());
  EXPECT_THAT(renamed->secret_fields_set(), ElementsAre("token"));

  auto all = client_->ListAllStorages();
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].name(), "offsite");
  EXPECT_THAT((*all)[0].DebugString(), Not(HasSubstr(kSecretToken)));

  v1::DeleteStorageRequest del;
  del.set_storage(added->id());
  ASSERT_TRUE(client_->DeleteStorage(del).ok());
  get.set_storage(added->id());
  auto gone = client_->GetStorage(get);
  EXPECT_EQ(gone.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(gone.status().message()), HasSubstr(added->id()));
  EXPECT_EQ(client_->DeleteStorage(del).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(RegistryApiTest, SecretIsEncryptedAtRestAndSurvivesRestart) {
  auto added = AddMinimal("vault", kSecretToken);
  ASSERT_TRUE(added.ok()) << added.status();
  StopServer();

  for (const char* file : {"data/storages.db", "data/storages.db-wal"}) {
    const std::string bytes = ReadFileBytes(dir_.Sub(file));
    EXPECT_EQ(bytes.find(kSecretToken), std::string::npos) << file;
  }
  EXPECT_EQ(std::filesystem::status(dir_.Sub("data/master.key")).permissions() &
                std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);

  StartServer();
  v1::GetStorageRequest get;
  get.set_storage("vault");
  auto reloaded = client_->GetStorage(get);
  ASSERT_TRUE(reloaded.ok()) << reloaded.status();
  EXPECT_EQ(reloaded->id(), added->id());
  EXPECT_THAT(reloaded->secret_fields_set(), ElementsAre("token"));
  // The secret still opens with the persisted master key: a saved-storage test uses it.
  v1::TestConnectionRequest test;
  test.set_storage("vault");
  auto result = client_->TestConnection(test);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(result->success()) << result->message();
}

TEST_F(RegistryApiTest, UnknownProviderIsInvalidArgumentNamingTheField) {
  v1::AddStorageRequest request;
  request.mutable_storage()->set_name("x");
  request.mutable_storage()->set_provider("dropbox");
  auto added = client_->AddStorage(request);
  EXPECT_EQ(added.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(added.status().message()), HasSubstr("dropbox"));
  EXPECT_THAT(std::string(added.status().message()), HasSubstr("local"));
  EXPECT_THAT(ViolatedFields(added.status()), Contains("storage.provider"));
  EXPECT_EQ(storage::client::GetErrorDetails(added.status()).reason, "UNKNOWN_PROVIDER");
}

TEST_F(RegistryApiTest, EveryConfigProblemIsReportedAtOnce) {
  v1::AddStorageRequest request;
  request.mutable_storage()->set_name("-bad name");
  request.mutable_storage()->set_provider("local");
  (*request.mutable_storage()->mutable_config())["fsync"] = "maybe";
  (*request.mutable_storage()->mutable_config())["colour"] = "blue";
  auto added = client_->AddStorage(request);
  ASSERT_EQ(added.status().code(), absl::StatusCode::kInvalidArgument);
  const auto fields = ViolatedFields(added.status());
  EXPECT_THAT(fields, Contains("storage.name"));
  EXPECT_THAT(fields, Contains("storage.config.root"));
  EXPECT_THAT(fields, Contains("storage.config.fsync"));
  EXPECT_THAT(fields, Contains("storage.config.colour"));
  EXPECT_THAT(std::string(added.status().message()), HasSubstr("maybe"));
  // Nothing was stored.
  auto all = client_->ListAllStorages();
  ASSERT_TRUE(all.ok());
  EXPECT_THAT(*all, IsEmpty());
}

TEST_F(RegistryApiTest, DuplicateNameIsAlreadyExists) {
  AddLocalStorage("primary");
  v1::AddStorageRequest request;
  request.mutable_storage()->set_name("primary");
  request.mutable_storage()->set_provider("local");
  (*request.mutable_storage()->mutable_config())["root"] = objects_root();
  auto again = client_->AddStorage(request);
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(std::string(again.status().message()), HasSubstr("primary"));
}

TEST_F(RegistryApiTest, ValidateOnlyStoresNothing) {
  v1::AddStorageRequest request;
  request.set_validate_only(true);
  request.mutable_storage()->set_name("dry");
  request.mutable_storage()->set_provider("local");
  (*request.mutable_storage()->mutable_config())["root"] = objects_root();
  ASSERT_TRUE(client_->AddStorage(request).ok());
  auto all = client_->ListAllStorages();
  ASSERT_TRUE(all.ok());
  EXPECT_THAT(*all, IsEmpty());
}

TEST_F(RegistryApiTest, ListPagesThroughEveryStorageInNameOrder) {
  for (const char* name : {"e", "a", "d", "c", "b"}) AddLocalStorage(name);
  v1::ListStoragesRequest request;
  request.set_page_size(2);
  std::vector<std::string> seen;
  int pages = 0;
  do {
    auto page = client_->ListStorages(request);
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_LE(page->storages_size(), 2);
    for (const auto& s : page->storages()) seen.push_back(s.name());
    request.set_page_token(page->next_page_token());
    ++pages;
  } while (!request.page_token().empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  EXPECT_THAT(seen, ElementsAre("a", "b", "c", "d", "e"));

  request.set_page_token("not-a-token");
  EXPECT_EQ(client_->ListStorages(request).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(RegistryApiTest, UpdateConfigFieldIsValidatedByThePlugin) {
  AddLocalStorage("disk");
  v1::UpdateStorageRequest update;
  update.set_storage("disk");
  (*update.mutable_update()->mutable_config())["fsync"] = "sometimes";
  update.mutable_update_mask()->add_paths("config.fsync");
  auto bad = client_->UpdateStorage(update);
  ASSERT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolatedFields(bad.status()), Contains("update.config.fsync"));

  (*update.mutable_update()->mutable_config())["fsync"] = "false";
  auto good = client_->UpdateStorage(update);
  ASSERT_TRUE(good.ok()) << good.status();
  EXPECT_THAT(good->config(), Contains(Pair("fsync", "false")));
  EXPECT_THAT(good->config(), Contains(Pair("root", objects_root())));

  update.mutable_update_mask()->Clear();
  update.mutable_update_mask()->add_paths("provider");
  EXPECT_EQ(client_->UpdateStorage(update).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(RegistryApiTest, RenameToATakenNameIsAlreadyExists) {
  AddLocalStorage("one");
  AddLocalStorage("two");
  v1::UpdateStorageRequest update;
  update.set_storage("two");
  update.mutable_update()->set_name("one");
  update.mutable_update_mask()->add_paths("name");
  EXPECT_EQ(client_->UpdateStorage(update).status().code(), absl::StatusCode::kAlreadyExists);
}

TEST_F(RegistryApiTest, TestConnectionOfSavedAndUnsavedStorages) {
  AddLocalStorage("disk");
  v1::TestConnectionRequest saved;
  saved.set_storage("disk");
  saved.set_bucket("photos");
  auto ok = client_->TestConnection(saved);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_TRUE(ok->success()) << ok->message();
  ASSERT_GE(ok->checks_size(), 2);
  for (const auto& check : ok->checks()) EXPECT_TRUE(check.passed()) << check.name();
  EXPECT_TRUE(ok->has_latency());

  v1::TestConnectionRequest unsaved;
  unsaved.mutable_unsaved()->set_provider("local");
  (*unsaved.mutable_unsaved()->mutable_config())["root"] = dir_.Sub("does-not-exist");
  auto failed = client_->TestConnection(unsaved);
  ASSERT_TRUE(failed.ok()) << failed.status();
  EXPECT_FALSE(failed->success());
  EXPECT_EQ(failed->reason(), "NOT_FOUND");
  EXPECT_THAT(failed->message(), HasSubstr("does-not-exist"));

  (*unsaved.mutable_unsaved()->mutable_config())["root"] = "relative/path";
  auto invalid = client_->TestConnection(unsaved);
  EXPECT_EQ(invalid.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolatedFields(invalid.status()), Contains("unsaved.config.root"));

  v1::TestConnectionRequest unknown;
  unknown.set_storage("nope");
  EXPECT_EQ(client_->TestConnection(unknown).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(RegistryApiTest, TestConnectionTimeoutIsBoundedNotClamped) {
  ASSERT_TRUE(AddMinimal("mini", kSecretToken).ok());
  v1::TestConnectionRequest test;
  test.set_storage("mini");
  // The minimal plugin echoes the timeout it was given.
  auto timeout_seen = [&](int64_t seconds) -> std::string {
    test.mutable_timeout()->set_seconds(seconds);
    auto result = client_->TestConnection(test);
    if (!result.ok()) return result.status().ToString();
    return result->checks_size() == 1 ? result->checks(0).description() : "no check";
  };
  EXPECT_THAT(timeout_seen(120), HasSubstr("timeout_ms=120000"));
  EXPECT_THAT(timeout_seen(0), HasSubstr("timeout_ms=20000"));
  EXPECT_THAT(timeout_seen(7), HasSubstr("timeout_ms=7000"));

  for (int64_t seconds : {500, 121, -5}) {
    test.mutable_timeout()->set_seconds(seconds);
    auto refused = client_->TestConnection(test);
    ASSERT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument) << seconds;
    const auto violations = storage::client::GetErrorDetails(refused.status()).field_violations;
    ASSERT_EQ(violations.size(), 1u);
    EXPECT_EQ(violations[0].field, "timeout");
    EXPECT_THAT(violations[0].description,
                HasSubstr(absl::StrCat("is ", seconds, " s; use at most 120 s")));
  }
}

}  // namespace
}  // namespace pluton::testing
