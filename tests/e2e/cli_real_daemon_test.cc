// pluton-storage against the real daemon: every command run in-process (RunCli with the
// system environment's client, so it dials --server like the installed tool) against a real
// StorageServer on 127.0.0.1:0 with the real `local` plugin (and the `minimal` test plugin
// for a secret field), and, on the strict R2 fake, what only a multipart provider shows (a
// restore verified against the service's record, lifecycle rules). The --json output is parsed
// and checked field by field against what the test computed itself (sizes, MD5 and SHA-256 of
// the data, the bytes on disk), the human output where it carries meaning, and every exit code
// (cli.h). tests/client/ runs the same commands against the in-process fake service.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "client/byte_source.h"
#include "client/cli/cli.h"
#include "common/md5.h"
#include "common/temp_dir.h"
#include "common/xattr_probe.h"
#include "grpcpp/grpcpp.h"
#include "nlohmann/json.hpp"
#include "pluton/storage_plugin.h"
#include "r2fake_suite.h"
#include "server_fixture.h"

namespace pluton::testing {
namespace {

namespace cli = ::pluton::storage::client;
using json = nlohmann::json;
using ::testing::AllOf;
using ::testing::ContainsRegex;
using ::testing::ElementsAre;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr char kBucket[] = "backups";
// The plugin version the build gives the local plugin (the project's), as a regex.
std::string VersionPattern() {
  std::string pattern;
  for (char c : std::string(PLUTON_TEST_PROJECT_VERSION)) {
    if (c == '.') pattern += '\\';
    pattern += c;
  }
  return pattern;
}

// pluton-storage run in-process against the server `Fixture` starts (a ServerFixture), with
// captured output, its own environment variables and standard input.
template <class Fixture>
class CliOn : public Fixture {
 protected:
  void SetUp() override {
    Fixture::SetUp();
    env_ = cli::SystemCliEnvironment();  // the real client: a channel to --server
    env_.out = &out_;
    env_.err = &err_;
    env_.err_is_terminal = false;
    env_.input.getenv = [this](const std::string& name) -> std::optional<std::string> {
      auto it = vars_.find(name);
      if (it == vars_.end()) return std::nullopt;
      return it->second;
    };
    // Standard input as a pipe gives it: a descriptor of unknown size.
    env_.open_stdin = [this]() -> std::unique_ptr<cli::ByteSource> {
      const std::string path = WriteFile("stdin", stdin_);
      return std::make_unique<cli::FdByteSource>(::open(path.c_str(), O_RDONLY | O_CLOEXEC),
                                                 "standard input", /*owned=*/true, -1);
    };
  }

  // Runs `pluton-storage --server <the real server> ARGS`; out() and err() hold what it wrote.
  int Run(std::vector<std::string> args) {
    args.insert(args.begin(), {"--server", this->target()});
    return RunWithoutServer(args);
  }
  int RunWithoutServer(const std::vector<std::string>& args) {
    out_.str("");
    err_.str("");
    return cli::RunCli(args, env_);
  }
  // Runs with --json; `doc` is standard output parsed as one JSON document (discarded when it
  // is not JSON).
  int RunJson(std::vector<std::string> args, json* doc) {
    args.insert(args.begin(), "--json");
    const int code = Run(std::move(args));
    *doc = json::parse(out(), nullptr, /*allow_exceptions=*/false);
    return code;
  }
  // Runs with --json; standard output parsed as JSON Lines, one document per line.
  int RunJsonLines(std::vector<std::string> args, std::vector<json>* lines) {
    args.insert(args.begin(), "--json");
    const int code = Run(std::move(args));
    lines->clear();
    for (absl::string_view line : absl::StrSplit(out(), '\n', absl::SkipEmpty())) {
      lines->push_back(json::parse(line, nullptr, /*allow_exceptions=*/false));
    }
    return code;
  }
  std::string out() const { return out_.str(); }
  std::string err() const { return err_.str(); }

  // Writes `data` to a file of the test's temporary directory; returns its path.
  std::string WriteFile(const std::string& name, const std::string& data) const {
    const std::string path = this->dir_.Sub(name);
    std::ofstream(path, std::ios::binary) << data;
    return path;
  }

  std::ostringstream out_, err_;
  std::map<std::string, std::string> vars_;
  std::string stdin_;
  cli::CliEnvironment env_;
};

using CliRealDaemonTest = CliOn<ServerFixture>;

// A storage "disk" of the local provider rooted at objects_root(), added through the API.
class CliObjectsTest : public CliRealDaemonTest {
 protected:
  void SetUp() override {
    CliRealDaemonTest::SetUp();
    disk_ = AddLocalStorage("disk");
    ASSERT_FALSE(disk_.id().empty());
  }

  // `upload disk backups KEY FILE` of `data`, which must succeed.
  void Put(const std::string& key, const std::string& data) {
    ASSERT_EQ(Run({"upload", "disk", kBucket, key, WriteFile("put", data)}), cli::kExitOk) << err();
  }

  v1::Storage disk_;
};

// The keys of a JSON array of objects with a "name" (or "key") member, in order.
std::vector<std::string> Names(const json& array, const char* member = "name") {
  std::vector<std::string> names;
  for (const json& item : array) names.push_back(item.value(member, "?"));
  return names;
}

const json* FindByName(const json& array, const std::string& name, const char* member = "name") {
  for (const json& item : array) {
    if (item.value(member, "") == name) return &item;
  }
  return nullptr;
}

// ---------------------------------------------------------------------------------------------
// providers

TEST_F(CliRealDaemonTest, ProvidersJsonListsLocalWithItsFields) {
  json doc;
  ASSERT_EQ(RunJson({"providers"}, &doc), cli::kExitOk) << err();
  ASSERT_FALSE(doc.is_discarded()) << out();
  EXPECT_EQ(doc["rejectedPlugins"], json::array());
  EXPECT_THAT(Names(doc["providers"], "id"), ElementsAre("local", "minimal"));
  const json* local = FindByName(doc["providers"], "local", "id");
  ASSERT_NE(local, nullptr);
  EXPECT_EQ((*local)["displayName"], "Local directory");
  EXPECT_THAT((*local)["description"].get<std::string>(), StartsWith("Stores backups in a"));
  EXPECT_EQ((*local)["abiVersion"],
            absl::StrCat(PLUTON_PLUGIN_ABI_MAJOR, ".", PLUTON_PLUGIN_ABI_MINOR));
  EXPECT_EQ((*local)["pluginVersion"], PLUTON_TEST_PROJECT_VERSION);
  const json& fields = (*local)["configFields"];
  EXPECT_THAT(Names(fields), ElementsAre("root", "fsync", "create_buckets"));
  EXPECT_EQ(fields[0]["type"], "CONFIG_FIELD_TYPE_STRING");
  EXPECT_EQ(fields[0]["required"], true);
  EXPECT_EQ(fields[0]["secret"], false);
  EXPECT_EQ(fields[0]["advanced"], false);
  EXPECT_EQ(fields[0]["label"], "Root directory");
  EXPECT_EQ(fields[0]["placeholder"], "/var/lib/pluton/storage");
  EXPECT_EQ(fields[0]["defaultValue"], "");
  for (int i : {1, 2}) {
    EXPECT_EQ(fields[i]["type"], "CONFIG_FIELD_TYPE_BOOL") << fields[i];
    EXPECT_EQ(fields[i]["required"], false) << fields[i];
    EXPECT_EQ(fields[i]["advanced"], true) << fields[i];
    EXPECT_EQ(fields[i]["defaultValue"], "true") << fields[i];
  }
  const json* minimal = FindByName(doc["providers"], "minimal", "id");
  ASSERT_NE(minimal, nullptr);
  const json* token = FindByName((*minimal)["configFields"], "token");
  ASSERT_NE(token, nullptr);
  EXPECT_EQ((*token)["secret"], true);

  // One provider: the same object alone.
  json one;
  ASSERT_EQ(RunJson({"providers", "local"}, &one), cli::kExitOk) << err();
  EXPECT_EQ(one, *local);
}

TEST_F(CliRealDaemonTest, ProvidersHumanTableDetailAndUnknownId) {
  ASSERT_EQ(Run({"providers"}), cli::kExitOk) << err();
  EXPECT_THAT(out(), ContainsRegex("^ID +NAME +ABI +VERSION\n"));
  EXPECT_THAT(out(), ContainsRegex(
                         absl::StrCat("\nlocal +Local directory +", PLUTON_PLUGIN_ABI_MAJOR, "\\.",
                                      PLUTON_PLUGIN_ABI_MINOR, " +", VersionPattern(), "\n")));

  ASSERT_EQ(Run({"providers", "local"}), cli::kExitOk) << err();
  EXPECT_THAT(out(), StartsWith("local: Local directory (ABI "));
  EXPECT_THAT(out(), HasSubstr("\n    root (string, required)\n        Root directory\n"));
  EXPECT_THAT(out(), HasSubstr("\n    fsync (bool, advanced)\n"));
  EXPECT_THAT(out(), HasSubstr("        default: true\n"));

  EXPECT_EQ(Run({"providers", "nosuch"}), cli::kExitFailure);
  EXPECT_EQ(out(), "");
  EXPECT_EQ(err(), "error: NOT_FOUND: no provider \"nosuch\" is loaded\n");
}

// ---------------------------------------------------------------------------------------------
// add, list, get, update, delete

TEST_F(CliRealDaemonTest, AddJsonShowsWhichSecretsAreSetNeverTheirValues) {
  vars_["PLUTON_TEST_TOKEN"] = "tok-3141592653";
  json added;
  ASSERT_EQ(RunJson({"add", "vault", "--provider", "minimal", "--secret-env",
                     "token=PLUTON_TEST_TOKEN", "--set", "mode=fast"},
                    &added),
            cli::kExitOk)
      << err();
  ASSERT_FALSE(added.is_discarded()) << out();
  EXPECT_EQ(added["name"], "vault");
  EXPECT_EQ(added["provider"], "minimal");
  EXPECT_FALSE(added["id"].get<std::string>().empty());
  EXPECT_EQ(added["config"], json({{"mode", "fast"}}));
  EXPECT_EQ(added["secretFieldsSet"], json::array({"token"}));
  EXPECT_TRUE(added.contains("createTime")) << added;
  EXPECT_THAT(out(), Not(HasSubstr("tok-3141592653")));

  // The registry kept it, secret included: get shows the same, and a connection test with the
  // stored token runs.
  json got;
  ASSERT_EQ(RunJson({"get", added["id"]}, &got), cli::kExitOk) << err();
  EXPECT_EQ(got, added);
  ASSERT_EQ(Run({"get", "vault"}), cli::kExitOk) << err();
  EXPECT_THAT(out(), StartsWith(absl::StrCat(
                         "name:      vault\nid:        ", added["id"].get<std::string>(),
                         "\nprovider:  minimal\n")));
  EXPECT_THAT(out(), HasSubstr("\nconfig:\n  mode = fast\nsecrets:   token (set)\n"));
  EXPECT_THAT(out(), Not(HasSubstr("tok-3141592653")));
}

TEST_F(CliRealDaemonTest, AddLocalHumanAndValidateOnly) {
  ASSERT_EQ(Run({"add", "scratch", "--provider", "local", "--set",
                 absl::StrCat("root=", objects_root()), "--validate-only"}),
            cli::kExitOk)
      << err();
  EXPECT_EQ(out(), "configuration is valid (nothing saved)\n");
  json listed;
  ASSERT_EQ(RunJson({"list"}, &listed), cli::kExitOk) << err();
  EXPECT_EQ(listed["storages"], json::array());

  ASSERT_EQ(
      Run({"add", "disk", "--provider", "local", "--set", absl::StrCat("root=", objects_root())}),
      cli::kExitOk)
      << err();
  ASSERT_EQ(RunJson({"list"}, &listed), cli::kExitOk) << err();
  ASSERT_EQ(listed["storages"].size(), 1u) << listed;
  const json& disk = listed["storages"][0];
  EXPECT_EQ(disk["name"], "disk");
  EXPECT_EQ(disk["config"], json({{"root", objects_root()}}));
  EXPECT_EQ(disk["secretFieldsSet"], json::array());
  ASSERT_EQ(Run({"get", "disk"}), cli::kExitOk);
  EXPECT_THAT(out(), HasSubstr(absl::StrCat("\nconfig:\n  root = ", objects_root(),
                                            "\nsecrets:   (none set)\n")));
  // The human confirmation of `add` names the id the registry gave.
  ASSERT_EQ(
      Run({"add", "disk2", "--provider", "local", "--set", absl::StrCat("root=", objects_root())}),
      cli::kExitOk);
  const std::string confirmation = out();
  json disk2;
  ASSERT_EQ(RunJson({"get", "disk2"}, &disk2), cli::kExitOk);
  EXPECT_EQ(confirmation,
            absl::StrCat("added storage disk2 (", disk2["id"].get<std::string>(), ")\n"));
}

TEST_F(CliRealDaemonTest, AddWithABadConfigNamesTheFieldAndSavesNothing) {
  // The service refuses: exit 1, the code, and one line per violated field.
  EXPECT_EQ(Run({"add", "bad", "--provider", "local", "--set", "root=relative/dir"}),
            cli::kExitFailure);
  EXPECT_EQ(out(), "");
  EXPECT_EQ(err(),
            "error: INVALID_ARGUMENT: the storage is invalid\n"
            "  storage.config.root: \"relative/dir\" is not an absolute path; use a path that "
            "starts with /, e.g. /var/lib/pluton/storage\n");

  EXPECT_EQ(Run({"add", "bad", "--provider", "local"}), cli::kExitFailure);
  EXPECT_EQ(err(),
            "error: INVALID_ARGUMENT: the storage is invalid\n"
            "  storage.config.root: required but not set; set root (Root directory), e.g. "
            "\"/var/lib/pluton/storage\"\n");

  EXPECT_EQ(Run({"add", "bad", "--provider", "local", "--set",
                 absl::StrCat("root=", objects_root()), "--set", "colour=red"}),
            cli::kExitFailure);
  EXPECT_EQ(err(),
            "error: INVALID_ARGUMENT: the storage is invalid\n"
            "  storage.config.colour: unknown option for provider local; known: root, fsync, "
            "create_buckets\n");

  EXPECT_EQ(Run({"add", "bad", "--provider", "nosuch", "--set", "root=/"}), cli::kExitFailure);
  EXPECT_EQ(err(),
            "error: INVALID_ARGUMENT: no provider \"nosuch\" is loaded; loaded providers: local, "
            "minimal\n  storage.provider: use one of: local, minimal\n");

  // The CLI refuses before calling: exit 2.
  EXPECT_EQ(Run({"add", "bad"}), cli::kExitUsage);
  EXPECT_THAT(err(), StartsWith("error: --provider is required\nusage: pluton-storage add NAME"));
  EXPECT_EQ(Run({"add", "bad", "--provider", "local", "--set", "root"}), cli::kExitUsage);
  EXPECT_EQ(err(), "error: --set: expected KEY=VALUE, got \"root\"\n");
  EXPECT_EQ(Run({"add", "bad", "--provider", "minimal", "--secret-env", "token=UNSET_VAR"}),
            cli::kExitUsage);
  EXPECT_THAT(err(), HasSubstr("UNSET_VAR"));

  json listed;
  ASSERT_EQ(RunJson({"list"}, &listed), cli::kExitOk) << err();
  EXPECT_EQ(listed["storages"], json::array());
}

TEST_F(CliRealDaemonTest, ListFiltersByProviderAndGetFindsByIdOrName) {
  const v1::Storage disk = AddLocalStorage("disk");
  vars_["T"] = "secret";
  ASSERT_EQ(Run({"add", "vault", "--provider", "minimal", "--secret-env", "token=T"}), cli::kExitOk)
      << err();

  json all;
  ASSERT_EQ(RunJson({"list", "--page-size", "1"}, &all), cli::kExitOk) << err();
  EXPECT_THAT(Names(all["storages"]), ElementsAre("disk", "vault"));
  json only_local;
  ASSERT_EQ(RunJson({"list", "--provider", "local"}, &only_local), cli::kExitOk) << err();
  ASSERT_EQ(only_local["storages"].size(), 1u);
  EXPECT_EQ(only_local["storages"][0]["id"], disk.id());
  EXPECT_EQ(only_local["storages"][0]["provider"], "local");

  ASSERT_EQ(Run({"list"}), cli::kExitOk) << err();
  std::vector<std::string> lines = absl::StrSplit(out(), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 3u) << out();
  EXPECT_THAT(lines[0], StartsWith("NAME   ID"));
  EXPECT_THAT(lines[0], EndsWith("PROVIDER"));
  EXPECT_THAT(lines[1], AllOf(StartsWith("disk   " + disk.id()), EndsWith("  local")));
  EXPECT_THAT(lines[2], AllOf(StartsWith("vault  "), EndsWith("  minimal")));

  json by_id, by_name;
  ASSERT_EQ(RunJson({"get", disk.id()}, &by_id), cli::kExitOk) << err();
  ASSERT_EQ(RunJson({"get", "disk"}, &by_name), cli::kExitOk) << err();
  EXPECT_EQ(by_id, by_name);
  EXPECT_EQ(by_id["id"], disk.id());
  EXPECT_EQ(by_id["config"], json({{"root", objects_root()}}));

  EXPECT_EQ(Run({"get", "nosuch"}), cli::kExitFailure);
  EXPECT_EQ(out(), "");
  EXPECT_EQ(err(),
            "error: NOT_FOUND: no storage named or with id \"nosuch\"; `pluton-storage list` "
            "shows the registered ones\n");
  EXPECT_EQ(Run({"list", "--page-size", "0"}), cli::kExitUsage);
}

TEST_F(CliRealDaemonTest, UpdateRenamesAndChangesConfigKeepingTheRest) {
  const v1::Storage disk = AddLocalStorage("disk");
  json renamed;
  ASSERT_EQ(RunJson({"update", "disk", "--rename", "archive"}, &renamed), cli::kExitOk) << err();
  EXPECT_EQ(renamed["id"], disk.id());
  EXPECT_EQ(renamed["name"], "archive");
  EXPECT_EQ(renamed["config"], json({{"root", objects_root()}}));
  EXPECT_EQ(Run({"get", "disk"}), cli::kExitFailure);
  EXPECT_THAT(err(), StartsWith("error: NOT_FOUND: "));

  ASSERT_EQ(Run({"update", disk.id(), "--set", "fsync=false"}), cli::kExitOk) << err();
  EXPECT_EQ(out(), absl::StrCat("updated storage archive (", disk.id(), ")\n"));
  json got;
  ASSERT_EQ(RunJson({"get", "archive"}, &got), cli::kExitOk) << err();
  EXPECT_EQ(got["config"], json({{"root", objects_root()}, {"fsync", "false"}}));
  EXPECT_TRUE(got.contains("updateTime")) << got;

  ASSERT_EQ(RunJson({"update", "archive", "--unset", "fsync"}, &got), cli::kExitOk) << err();
  EXPECT_EQ(got["config"], json({{"root", objects_root()}}));

  // A bad value is refused with its field, and changes nothing.
  EXPECT_EQ(Run({"update", "archive", "--set", "root=not/absolute"}), cli::kExitFailure);
  EXPECT_THAT(err(), StartsWith("error: INVALID_ARGUMENT: "));
  EXPECT_THAT(err(), HasSubstr("\n  update.config.root: \"not/absolute\" is not an absolute path"));
  ASSERT_EQ(RunJson({"get", "archive"}, &got), cli::kExitOk) << err();
  EXPECT_EQ(got["config"], json({{"root", objects_root()}}));

  EXPECT_EQ(Run({"update", "archive"}), cli::kExitUsage);
  EXPECT_THAT(err(), StartsWith("error: nothing to update"));
  EXPECT_EQ(Run({"update", "nosuch", "--rename", "x"}), cli::kExitFailure);
  EXPECT_THAT(err(), StartsWith("error: NOT_FOUND: "));
}

TEST_F(CliRealDaemonTest, UpdateReplacesASecretFromAFileWithoutShowingIt) {
  vars_["T"] = "first-token";
  ASSERT_EQ(Run({"add", "vault", "--provider", "minimal", "--secret-env", "token=T"}), cli::kExitOk)
      << err();
  const std::string token_file = WriteFile("token", "second-token\n");
  json updated;
  ASSERT_EQ(RunJson({"update", "vault", "--secret-file", "token=" + token_file}, &updated),
            cli::kExitOk)
      << err();
  EXPECT_EQ(updated["secretFieldsSet"], json::array({"token"}));
  EXPECT_EQ(updated["config"], json::object());
  EXPECT_THAT(out(), Not(HasSubstr("second-token")));
}

TEST_F(CliObjectsTest, DeleteStorageForgetsItAndKeepsItsData) {
  Put("kept.bin", "data that outlives the registration");
  ASSERT_EQ(Run({"delete", "disk"}), cli::kExitOk) << err();
  EXPECT_EQ(out(), "deleted storage disk\n");
  EXPECT_EQ(Run({"get", disk_.id()}), cli::kExitFailure);
  EXPECT_THAT(err(), StartsWith("error: NOT_FOUND: "));
  EXPECT_EQ(ReadFileBytes(ObjectPath(kBucket, "kept.bin")), "data that outlives the registration");

  EXPECT_EQ(Run({"delete", "disk"}), cli::kExitFailure);
  EXPECT_THAT(err(), StartsWith("error: NOT_FOUND: "));

  AddLocalStorage("other");
  json deleted;
  ASSERT_EQ(RunJson({"delete", "other"}, &deleted), cli::kExitOk) << err();
  EXPECT_EQ(deleted, json::object());
  json listed;
  ASSERT_EQ(RunJson({"list"}, &listed), cli::kExitOk) << err();
  EXPECT_EQ(listed["storages"], json::array());
}

// ---------------------------------------------------------------------------------------------
// test

TEST_F(CliObjectsTest, TestOfALocalStoragePasses) {
  ASSERT_EQ(Run({"test", "disk", "--bucket", kBucket}), cli::kExitOk) << err();
  std::vector<std::string> lines = absl::StrSplit(out(), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 4u) << out();
  EXPECT_THAT(lines[0], StartsWith("PASS root_directory  "));
  EXPECT_THAT(lines[1], StartsWith("PASS bucket_directory  "));
  EXPECT_THAT(lines[2], AllOf(StartsWith("PASS write_probe  "),
                              EndsWith("  a small file can be created, written, flushed and "
                                       "removed under config.root")));
  EXPECT_THAT(lines[3], StartsWith("connection test passed ("));

  vars_["LANG"] = "C.UTF-8";
  ASSERT_EQ(Run({"test", "disk"}), cli::kExitOk) << err();
  EXPECT_THAT(out(), StartsWith("\u2713 root_directory"));

  json doc;
  ASSERT_EQ(RunJson({"test", "disk", "--bucket", kBucket, "--read-only"}, &doc), cli::kExitOk)
      << err();
  ASSERT_FALSE(doc.is_discarded()) << out();
  EXPECT_EQ(doc["success"], true);
  EXPECT_EQ(doc["reason"], "");
  EXPECT_THAT(Names(doc["checks"]), ElementsAre("root_directory", "bucket_directory"));
  for (const json& check : doc["checks"]) EXPECT_EQ(check["passed"], true) << check;

  // An unsaved configuration, as `add` would save it.
  ASSERT_EQ(RunJson({"test", "--provider", "local", "--set", "root=" + objects_root()}, &doc),
            cli::kExitOk)
      << err();
  EXPECT_EQ(doc["success"], true);
  EXPECT_THAT(Names(doc["checks"]), ElementsAre("root_directory", "write_probe"));
}

TEST_F(CliRealDaemonTest, TestOfAMissingRootFailsWithExit3) {
  const std::string missing = dir_.Sub("no-such-root");
  ASSERT_EQ(Run({"test", "--provider", "local", "--set", "root=" + missing}), cli::kExitTestFailed)
      << err();
  std::vector<std::string> lines = absl::StrSplit(out(), '\n', absl::SkipEmpty());
  ASSERT_GE(lines.size(), 3u) << out();
  EXPECT_THAT(lines[0], AllOf(StartsWith("FAIL root_directory  "),
                              EndsWith("  config.root exists and is a directory")));
  EXPECT_EQ(lines[1], "    No such file or directory");
  EXPECT_THAT(out(), HasSubstr("\nconnection test failed ("));
  EXPECT_THAT(out(), HasSubstr("): NOT_FOUND\n  root directory \"" + missing +
                               "\" does not exist; create it or fix config.root\n"));

  // Saved with that root (validation does not look at the disk), the test fails the same way.
  ASSERT_EQ(Run({"add", "gone", "--provider", "local", "--set", "root=" + missing}), cli::kExitOk)
      << err();
  json doc;
  ASSERT_EQ(RunJson({"test", "gone"}, &doc), cli::kExitTestFailed) << err();
  EXPECT_EQ(doc["success"], false);
  EXPECT_EQ(doc["reason"], "NOT_FOUND");
  EXPECT_THAT(doc["message"].get<std::string>(), HasSubstr(missing));
  ASSERT_EQ(doc["checks"].size(), 1u) << doc;
  EXPECT_EQ(doc["checks"][0]["name"], "root_directory");
  EXPECT_EQ(doc["checks"][0]["passed"], false);

  // An invalid configuration cannot be tested at all: exit 1, not 3.
  EXPECT_EQ(Run({"test", "--provider", "local", "--set", "root=relative"}), cli::kExitFailure);
  EXPECT_EQ(out(), "");
  EXPECT_THAT(err(), StartsWith("error: INVALID_ARGUMENT: "));
  EXPECT_THAT(err(), HasSubstr("\n  unsaved.config.root: \"relative\" is not an absolute path"));
  EXPECT_EQ(Run({"test", "gone", "--provider", "local"}), cli::kExitUsage);
}

// ---------------------------------------------------------------------------------------------
// upload

TEST_F(CliObjectsTest, UploadFromAFileReportsWhatWasStored) {
  const std::string data = PatternBytes(300 * 1024 + 7);
  json doc;
  ASSERT_EQ(RunJson({"upload", "disk", kBucket, "db/dump.sql", WriteFile("dump.sql", data),
                     "--sha256"},
                    &doc),
            cli::kExitOk)
      << err();
  ASSERT_FALSE(doc.is_discarded()) << out();
  EXPECT_EQ(doc["bytesStored"], std::to_string(data.size()));  // int64: a JSON string
  EXPECT_EQ(doc["md5Hex"], Md5Hex(data));
  EXPECT_EQ(doc["sha256Hex"], Sha256Hex(data));
  EXPECT_EQ(doc["storageId"], disk_.id());
  EXPECT_EQ(doc["bucket"], kBucket);
  EXPECT_EQ(doc["key"], "db/dump.sql");
  EXPECT_EQ(doc["partCount"], 0);
  EXPECT_FALSE(doc["etag"].get<std::string>().empty());
  EXPECT_EQ(ReadFileBytes(ObjectPath(kBucket, "db/dump.sql")), data);

  // The human summary carries the same digests; without --sha256 the service computes none.
  ASSERT_EQ(Run({"upload", "disk", kBucket, "db/again.sql", WriteFile("dump.sql", data)}),
            cli::kExitOk)
      << err();
  EXPECT_THAT(out(), StartsWith(absl::StrCat(
                         "uploaded ", data.size(), " bytes (300.0 KiB) to backups/db/again.sql\n",
                         "  storage: ", disk_.id(), "\n", "  md5:     ", Md5Hex(data), "\n",
                         "  sha256:  -\n")));
  EXPECT_THAT(out(), HasSubstr("\n  parts:   single request\n"));
}

TEST_F(CliObjectsTest, UploadFromStandardInputOfUnknownSize) {
  stdin_ = PatternBytes(2 * 1024 * 1024 + 11, /*seed=*/5);
  json doc;
  ASSERT_EQ(RunJson({"upload", "disk", kBucket, "stream.tar", "-", "--chunk-size", "64K",
                     "--metadata", "host=db1"},
                    &doc),
            cli::kExitOk)
      << err();
  EXPECT_EQ(doc["bytesStored"], std::to_string(stdin_.size()));
  EXPECT_EQ(doc["md5Hex"], Md5Hex(stdin_));
  EXPECT_EQ(doc["sha256Hex"], "");
  EXPECT_EQ(doc["key"], "stream.tar");
  EXPECT_EQ(ReadFileBytes(ObjectPath(kBucket, "stream.tar")), stdin_);

  // FILE absent means standard input too.
  stdin_ = "short";
  ASSERT_EQ(RunJson({"upload", "disk", kBucket, "short.txt", "--md5-trailer"}, &doc), cli::kExitOk)
      << err();
  EXPECT_EQ(doc["bytesStored"], "5");
  EXPECT_EQ(doc["md5Hex"], Md5Hex("short"));
  EXPECT_EQ(ReadFileBytes(ObjectPath(kBucket, "short.txt")), "short");
}

TEST_F(CliObjectsTest, UploadRefusedLeavesNoObject) {
  const std::string data = "checked content";
  // The MD5 given is another's: the service refuses and nothing is stored.
  EXPECT_EQ(Run({"upload", "disk", kBucket, "bad.bin", WriteFile("bad", data), "--content-md5",
                 Md5Hex("other content")}),
            cli::kExitFailure);
  EXPECT_EQ(out(), "");
  EXPECT_EQ(err(),
            absl::StrCat("error: DATA_LOSS: the header.content_md5 the client sent (",
                         Md5Hex("other content"), ") does not match the bytes received (",
                         Md5Hex(data), "); the upload was aborted and nothing was stored\n"));
  EXPECT_FALSE(std::filesystem::exists(ObjectPath(kBucket, "bad.bin")));

  EXPECT_EQ(Run({"upload", "nosuch", kBucket, "x", WriteFile("x", data)}), cli::kExitFailure);
  EXPECT_THAT(err(), StartsWith("error: NOT_FOUND: "));
  EXPECT_EQ(Run({"upload", "disk", kBucket, "x", dir_.Sub("missing-file")}), cli::kExitUsage);
  EXPECT_THAT(err(), HasSubstr("missing-file"));
  EXPECT_EQ(Run({"upload", "disk", kBucket, "x", WriteFile("x", data), "--content-md5", "zz"}),
            cli::kExitUsage);
  EXPECT_THAT(err(), StartsWith("error: --content-md5: give the MD5 as 32 hex digits\n"));
}

// ---------------------------------------------------------------------------------------------
// download

TEST_F(CliObjectsTest, DownloadToAFileAndToStandardOutputVerified) {
  const std::string data = PatternBytes(200 * 1024 + 3, /*seed=*/9);
  Put("img/disk.img", data);
  // Where the directory keeps user xattrs the local provider stores the MD5 itself; elsewhere
  // the service's record of the upload vouches for it.
  const bool provider_md5 = DirectoryTakesUserXattrs(objects_root());
  const std::string checksum =
      provider_md5 ? "  checksum: verified against the stored MD5 " + Md5Hex(data) + "\n"
                   : "  checksum: verified against the service's record of the upload, MD5 " +
                         Md5Hex(data) + "\n";

  const std::string file = dir_.Sub("restored.img");
  ASSERT_EQ(Run({"download", "disk", kBucket, "img/disk.img", file}), cli::kExitOk) << err();
  EXPECT_EQ(ReadFileBytes(file), data);
  EXPECT_THAT(
      out(), StartsWith(absl::StrCat(
                 "downloaded ", data.size(), " bytes (200.0 KiB) of backups/img/disk.img to ", file,
                 "\n  range:    0..", data.size(), " of ", data.size(), " bytes\n")));
  EXPECT_THAT(out(), HasSubstr(checksum));
  EXPECT_EQ(err(), "");

  // To standard output: the bytes alone there, the summary on stderr.
  ASSERT_EQ(Run({"download", "disk", kBucket, "img/disk.img", "-"}), cli::kExitOk) << err();
  EXPECT_TRUE(out() == data) << "standard output differs from the object (" << out().size()
                             << " bytes)";
  EXPECT_THAT(err(), HasSubstr(" to standard output\n"));
  EXPECT_THAT(err(), HasSubstr(checksum));

  json info;
  ASSERT_EQ(RunJson({"download", "disk", kBucket, "img/disk.img", file}, &info), cli::kExitOk)
      << err();
  EXPECT_EQ(ReadFileBytes(file), data);
  EXPECT_EQ(info["objectSize"], std::to_string(data.size()));
  EXPECT_EQ(info["offset"], "0");
  EXPECT_EQ(info["length"], std::to_string(data.size()));
  EXPECT_EQ(info["storedMd5Hex"], Md5Hex(data));
  EXPECT_EQ(info["verified"], true);
  EXPECT_EQ(info["verifiedAgainst"], provider_md5 ? "VERIFICATION_SOURCE_PROVIDER_MD5"
                                                  : "VERIFICATION_SOURCE_SERVICE_RECORD");
  EXPECT_EQ(info["storageId"], disk_.id());

  // --json with "-": only the data on standard output.
  ASSERT_EQ(Run({"--json", "download", "disk", kBucket, "img/disk.img"}), cli::kExitOk) << err();
  EXPECT_TRUE(out() == data);
}

TEST_F(CliObjectsTest, DownloadOfARangeIsNotVerifiedAndAMissingKeyLeavesNoFile) {
  const std::string data = PatternBytes(4096, /*seed=*/3);
  Put("r.bin", data);
  ASSERT_EQ(Run({"download", "disk", kBucket, "r.bin", "-", "--offset", "100", "--length", "50"}),
            cli::kExitOk)
      << err();
  EXPECT_EQ(out(), data.substr(100, 50));
  EXPECT_THAT(err(), HasSubstr("\n  range:    100..150 of 4096 bytes\n"));
  EXPECT_THAT(err(), HasSubstr("\n  checksum: not verified (a range of the object)\n"));

  const std::string file = dir_.Sub("never.bin");
  EXPECT_EQ(Run({"download", "disk", kBucket, "absent.bin", file}), cli::kExitFailure);
  EXPECT_THAT(err(), StartsWith("error: NOT_FOUND: "));
  EXPECT_THAT(err(), HasSubstr("removed the incomplete " + file + "\n"));
  EXPECT_FALSE(std::filesystem::exists(file));
}

// ---------------------------------------------------------------------------------------------
// ls

TEST_F(CliObjectsTest, LsJsonLinesRollUpPrefixesAtTheDelimiter) {
  Put("a/1.bin", "one");
  Put("a/2.bin", "two!");
  Put("b.txt", "bee");
  Put("c/d/e.bin", "deep file");

  std::vector<json> lines;
  ASSERT_EQ(RunJsonLines({"ls", "disk", kBucket}, &lines), cli::kExitOk) << err();
  ASSERT_EQ(lines.size(), 3u) << out();
  EXPECT_EQ(lines[0], json({{"prefix", "a/"}}));
  EXPECT_EQ(lines[1]["key"], "b.txt");
  EXPECT_EQ(lines[1]["size"], "3");
  EXPECT_TRUE(lines[1].contains("modifyTime")) << lines[1];
  EXPECT_EQ(lines[2], json({{"prefix", "c/"}}));

  ASSERT_EQ(RunJsonLines({"ls", "disk", kBucket, "c/"}, &lines), cli::kExitOk) << err();
  ASSERT_EQ(lines.size(), 1u) << out();
  EXPECT_EQ(lines[0], json({{"prefix", "c/d/"}}));

  ASSERT_EQ(RunJsonLines({"ls", "disk", kBucket, "--recursive", "--page-size", "1"}, &lines),
            cli::kExitOk)
      << err();
  ASSERT_EQ(lines.size(), 4u) << out();
  EXPECT_THAT(Names(lines, "key"), ElementsAre("a/1.bin", "a/2.bin", "b.txt", "c/d/e.bin"));
  EXPECT_EQ(lines[1]["size"], "4");
  EXPECT_EQ(lines[3]["size"], "9");

  // Human: "PRE dir/" for a prefix, "<time> <size> <key>" for an object.
  ASSERT_EQ(Run({"ls", "disk", kBucket}), cli::kExitOk) << err();
  std::vector<std::string> text = absl::StrSplit(out(), '\n', absl::SkipEmpty());
  ASSERT_EQ(text.size(), 3u) << out();
  EXPECT_EQ(text[0], std::string(27, ' ') + "PRE a/");
  EXPECT_THAT(text[1], EndsWith("          3 b.txt"));
  EXPECT_EQ(text[2], std::string(27, ' ') + "PRE c/");
  ASSERT_EQ(Run({"ls", "disk", kBucket, "a/"}), cli::kExitOk) << err();
  text = absl::StrSplit(out(), '\n', absl::SkipEmpty());
  ASSERT_EQ(text.size(), 2u) << out();
  EXPECT_THAT(text[0], EndsWith("          3 a/1.bin"));
  EXPECT_THAT(text[1], EndsWith("          4 a/2.bin"));

  ASSERT_EQ(Run({"ls", "disk", kBucket, "zzz/"}), cli::kExitOk) << err();
  EXPECT_EQ(out(), "");
  EXPECT_EQ(Run({"ls", "nosuch", kBucket}), cli::kExitFailure);
  EXPECT_THAT(err(), StartsWith("error: NOT_FOUND: "));
  EXPECT_EQ(Run({"ls", "disk", kBucket, "--page-size", "1001"}), cli::kExitUsage);
}

// ---------------------------------------------------------------------------------------------
// stat

TEST_F(CliObjectsTest, StatShowsTheRecordedDigestsAndExit4ForAMissingKey) {
  const std::string data = PatternBytes(10000, /*seed=*/4);
  Put("s/object.bin", data);
  json doc;
  ASSERT_EQ(RunJson({"stat", "disk", kBucket, "s/object.bin"}, &doc), cli::kExitOk) << err();
  ASSERT_FALSE(doc.is_discarded()) << out();
  EXPECT_EQ(doc["key"], "s/object.bin");
  EXPECT_EQ(doc["size"], "10000");
  EXPECT_EQ(doc["md5Hex"], Md5Hex(data));
  EXPECT_EQ(doc["sha256Hex"], "");  // not asked for at upload
  EXPECT_FALSE(doc["etag"].get<std::string>().empty());
  EXPECT_TRUE(doc.contains("modifyTime")) << doc;

  ASSERT_EQ(Run({"stat", "disk", kBucket, "s/object.bin"}), cli::kExitOk) << err();
  EXPECT_THAT(out(), StartsWith("key:           s/object.bin\n"
                                "size:          10000 bytes (9.8 KiB)\n"));
  EXPECT_THAT(out(), HasSubstr("\nmd5:           " + Md5Hex(data) + "\n"));
  EXPECT_THAT(out(), HasSubstr("\nsha256:        -\n"));
  EXPECT_THAT(out(),
              EndsWith("\ncontent type:  application/octet-stream\nmetadata:      (none)\n"));

  EXPECT_EQ(Run({"stat", "disk", kBucket, "s/absent.bin"}), cli::kExitNotFound);
  EXPECT_EQ(out(), "");
  EXPECT_EQ(err(), "error: NOT_FOUND: no object \"s/absent.bin\" in bucket \"backups\"\n");
  EXPECT_EQ(RunJson({"stat", "disk", kBucket, "s/absent.bin"}, &doc), cli::kExitNotFound);
  // An unknown storage is a mistake in the command, not an absent object.
  EXPECT_EQ(Run({"stat", "nosuch", kBucket, "s/object.bin"}), cli::kExitFailure);
  EXPECT_THAT(err(), StartsWith("error: NOT_FOUND: "));
}

// ---------------------------------------------------------------------------------------------
// rm

TEST_F(CliObjectsTest, RmDeletesOneOrSeveralKeysAndAnAbsentKeySucceeds) {
  for (const char* key : {"k/1", "k/2", "k/3", "k/4", "keep"}) Put(key, key);

  ASSERT_EQ(Run({"rm", "disk", kBucket, "k/1"}), cli::kExitOk) << err();
  EXPECT_EQ(out(), "delete: k/1\n");
  EXPECT_FALSE(std::filesystem::exists(ObjectPath(kBucket, "k/1")));

  json doc;
  ASSERT_EQ(RunJson({"rm", "disk", kBucket, "k/1"}, &doc), cli::kExitOk) << err();
  EXPECT_EQ(doc, json({{"deletedCount", 1}, {"failures", json::array()}}));

  ASSERT_EQ(Run({"rm", "disk", kBucket, "k/2", "k/3", "never-was"}), cli::kExitOk) << err();
  EXPECT_EQ(out(), "delete: k/2\ndelete: k/3\ndelete: never-was\n");

  stdin_ = "k/4\n\nk/4\nnot/there\n";
  ASSERT_EQ(RunJson({"rm", "disk", kBucket, "--stdin"}, &doc), cli::kExitOk) << err();
  EXPECT_EQ(doc, json({{"deletedCount", 2}, {"failures", json::array()}}));

  std::vector<json> left;
  ASSERT_EQ(RunJsonLines({"ls", "disk", kBucket, "--recursive"}, &left), cli::kExitOk) << err();
  EXPECT_THAT(Names(left, "key"), ElementsAre("keep"));
  EXPECT_EQ(Run({"rm", "disk", kBucket}), cli::kExitUsage);
  EXPECT_THAT(err(), StartsWith("error: give the KEY to delete"));
  EXPECT_EQ(Run({"rm", "nosuch", kBucket, "keep"}), cli::kExitFailure);
  EXPECT_THAT(err(), StartsWith("error: NOT_FOUND: "));
  EXPECT_EQ(ReadFileBytes(ObjectPath(kBucket, "keep")), "keep");
}

// ---------------------------------------------------------------------------------------------
// cleanup

TEST_F(CliObjectsTest, CleanupDryRunNamesAStaleUploadAndAbortsNothing) {
  // An upload left open: its header sent, no data (which would touch the staged file after it
  // is aged below), the stream not finished.
  auto stub = v1::StorageService::NewStub(
      grpc::CreateChannel(target(), grpc::InsecureChannelCredentials()));
  grpc::ClientContext upload_context;
  v1::UploadResponse upload_response;
  auto writer = stub->Upload(&upload_context, &upload_response);
  v1::UploadRequest message;
  *message.mutable_header() = Header("disk", kBucket, "big/backup.tar", -1);
  ASSERT_TRUE(writer->Write(message));
  for (int i = 0; i < 500 && PartialFileCount() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(PartialFileCount(), 1u);
  // Started two hours ago, as far as its age goes.
  for (const auto& entry :
       std::filesystem::directory_iterator(objects_root() + "/.pluton-partial")) {
    std::filesystem::last_write_time(
        entry.path(), std::filesystem::last_write_time(entry.path()) - std::chrono::hours(2));
  }

  std::vector<json> listed;
  ASSERT_EQ(RunJsonLines({"cleanup", "disk", kBucket, "--list"}, &listed), cli::kExitOk) << err();
  ASSERT_EQ(listed.size(), 1u) << out();
  EXPECT_EQ(listed[0]["key"], "big/backup.tar");
  const std::string upload_id = listed[0].value("uploadId", "");
  EXPECT_FALSE(upload_id.empty()) << listed[0];
  EXPECT_TRUE(listed[0].contains("initiateTime")) << listed[0];

  // The default age (24h) keeps it.
  ASSERT_EQ(Run({"cleanup", "disk", kBucket, "--dry-run"}), cli::kExitOk) << err();
  EXPECT_EQ(out(),
            "dry run: would abort 0 incomplete uploads; kept 1 started less than 24h ago or of "
            "unknown age\n");

  ASSERT_EQ(Run({"cleanup", "disk", kBucket, "--dry-run", "--older-than", "1h"}), cli::kExitOk)
      << err();
  EXPECT_THAT(out(), StartsWith("would abort: big/backup.tar (upload " + upload_id + ", started "));
  EXPECT_THAT(out(), EndsWith("\ndry run: would abort 1 incomplete upload; kept 0 started less "
                              "than 1h ago or of unknown age\n"));
  json doc;
  ASSERT_EQ(RunJson({"cleanup", "disk", kBucket, "--dry-run", "--older-than", "1h"}, &doc),
            cli::kExitOk)
      << err();
  ASSERT_EQ(doc["aborted"].size(), 1u) << doc;
  EXPECT_EQ(doc["aborted"][0]["key"], "big/backup.tar");
  EXPECT_EQ(doc["aborted"][0]["uploadId"], upload_id);
  EXPECT_EQ(doc["keptCount"], 0);
  EXPECT_EQ(doc["failures"], json::array());
  EXPECT_EQ(PartialFileCount(), 1u);  // a dry run aborts nothing

  // For real: the staged data goes, and the upload can no longer complete.
  ASSERT_EQ(Run({"cleanup", "disk", kBucket, "--older-than", "1h"}), cli::kExitOk) << err();
  EXPECT_THAT(out(), StartsWith("aborted: big/backup.tar (upload " + upload_id));
  EXPECT_EQ(PartialFileCount(), 0u);
  ASSERT_EQ(Run({"cleanup", "disk", kBucket, "--list"}), cli::kExitOk) << err();
  EXPECT_EQ(out(), "no incomplete uploads\n");

  v1::UploadRequest end;
  end.mutable_trailer();
  writer->Write(end);
  writer->WritesDone();
  const grpc::Status finished = writer->Finish();
  EXPECT_EQ(finished.error_code(), grpc::StatusCode::ABORTED) << finished.error_message();
  EXPECT_FALSE(std::filesystem::exists(ObjectPath(kBucket, "big/backup.tar")));

  EXPECT_EQ(Run({"cleanup", "disk", kBucket, "--older-than", "soon"}), cli::kExitUsage);
  EXPECT_THAT(err(), StartsWith("error: --older-than: "));
}

// ---------------------------------------------------------------------------------------------
// lifecycle

TEST_F(CliObjectsTest, LifecycleIsUnsupportedOnLocal) {
  const std::string rules =
      WriteFile("rules.json", R"([{"id": "old", "prefix": "db/", "expire_after_days": 30}])");
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"lifecycle", "get", "disk", kBucket},
        std::vector<std::string>{"lifecycle", "set", "disk", kBucket, "--file", rules},
        std::vector<std::string>{"lifecycle", "clear", "disk", kBucket}}) {
    json doc;
    EXPECT_EQ(RunJson(args, &doc), cli::kExitFailure) << args[1];
    EXPECT_EQ(out(), "") << args[1];
    EXPECT_EQ(err(), absl::StrCat("error: UNIMPLEMENTED: storage provider \"local\" (plugin ABI ",
                                  PLUTON_PLUGIN_ABI_MAJOR, ".", PLUTON_PLUGIN_ABI_MINOR,
                                  ") cannot manage lifecycle rules\n"))
        << args[1];
  }
  EXPECT_EQ(Run({"lifecycle", "set", "disk", kBucket}), cli::kExitUsage);
  EXPECT_THAT(err(), StartsWith("error: lifecycle set needs --file RULES.json\n"));
  EXPECT_EQ(Run({"lifecycle", "list", "disk", kBucket}), cli::kExitUsage);
}

// ---------------------------------------------------------------------------------------------
// the server address

TEST_F(CliObjectsTest, TheServerComesFromTheEnvironmentWhenNotGiven) {
  vars_[cli::kServerEnvVar] = target();
  ASSERT_EQ(RunWithoutServer({"get", "disk"}), cli::kExitOk) << err();
  EXPECT_THAT(out(), StartsWith("name:      disk\n"));

  // --server wins; nothing listens there.
  EXPECT_EQ(RunWithoutServer({"--server", "127.0.0.1:1", "--timeout", "5", "get", "disk"}),
            cli::kExitFailure);
  EXPECT_THAT(err(), StartsWith("error: UNAVAILABLE: failed to connect to all addresses"));
}

// ---------------------------------------------------------------------------------------------
// r2, on the strict R2 fake: what only a multipart provider shows

class CliR2Test : public CliOn<R2FakeSuite> {
 protected:
  void SetUp() override {
    ASSERT_NE(fake_, nullptr);
    fake_->Reset();
    plugins_.push_back(std::string(PLUTON_TEST_PLUGIN_DIR) + "/pluton_r2.so");
    CliOn<R2FakeSuite>::SetUp();
    AddFakeStorage("r2", "r2");  // 5 MiB parts from 6 MiB on
  }
};

constexpr int64_t kMiB = 1 << 20;

TEST_F(CliR2Test, AMultipartStreamFromStdinIsVerifiedAgainstTheServiceRecord) {
  // Without the md5chksum fix-up, so R2 keeps no MD5 of a multipart stream and only the
  // service's record can vouch for the restore.
  AddFakeStorage("r2-record", "r2", {{"md5_after_upload", "false"}});
  const std::string data = PatternBytes(12 * kMiB + 5, /*seed=*/31);
  stdin_ = data;
  json uploaded;
  ASSERT_EQ(RunJson({"upload", "r2-record", kBucket, "stream.tar", "-", "--sha256"}, &uploaded),
            cli::kExitOk)
      << err();
  EXPECT_EQ(uploaded["bytesStored"], std::to_string(data.size()));
  EXPECT_EQ(uploaded["md5Hex"], Md5Hex(data));
  EXPECT_EQ(uploaded["sha256Hex"], Sha256Hex(data));
  EXPECT_EQ(uploaded["partCount"], 3);
  EXPECT_EQ(uploaded["partSize"], std::to_string(5 * kMiB));

  ASSERT_EQ(Run({"download", "r2-record", kBucket, "stream.tar"}), cli::kExitOk) << err();
  EXPECT_TRUE(out() == data) << "standard output differs from the object (" << out().size()
                             << " bytes)";
  EXPECT_THAT(err(), HasSubstr("\n  checksum: verified against the service's record of the "
                               "upload, MD5 " +
                               Md5Hex(data) + "\n"));

  const std::string file = dir_.Sub("restored.tar");
  json info;
  ASSERT_EQ(RunJson({"download", "r2-record", kBucket, "stream.tar", file}, &info), cli::kExitOk)
      << err();
  EXPECT_TRUE(ReadFileBytes(file) == data);
  EXPECT_EQ(info["verified"], true);
  EXPECT_EQ(info["verifiedAgainst"], "VERIFICATION_SOURCE_SERVICE_RECORD");
  EXPECT_EQ(info["storedMd5Hex"], Md5Hex(data));
  EXPECT_EQ(info["recordedSha256Hex"], Sha256Hex(data));
  EXPECT_EQ(info["objectSize"], std::to_string(data.size()));

  ASSERT_EQ(Run({"stat", "r2-record", kBucket, "stream.tar"}), cli::kExitOk) << err();
  EXPECT_THAT(out(), HasSubstr("\nmd5:           " + Md5Hex(data) +
                               "\nsha256:        " + Sha256Hex(data) + "\n"));
  json stat;
  ASSERT_EQ(RunJson({"stat", "r2-record", kBucket, "stream.tar"}, &stat), cli::kExitOk) << err();
  EXPECT_EQ(stat["size"], std::to_string(data.size()));
  EXPECT_EQ(stat["md5Hex"], Md5Hex(data));
  EXPECT_EQ(stat["sha256Hex"], Sha256Hex(data));
}

TEST_F(CliR2Test, AMultipartStreamWithTheMd5FixUpIsVerifiedAgainstTheProviderMd5) {
  // md5_after_upload (the default) adds the MD5 the service computed to the object after the
  // upload, so the restore is checked against what R2 itself now keeps.
  const std::string data = PatternBytes(12 * kMiB + 5, /*seed=*/33);
  stdin_ = data;
  json uploaded;
  ASSERT_EQ(RunJson({"upload", "r2", kBucket, "fixed.tar", "-"}, &uploaded), cli::kExitOk) << err();
  EXPECT_EQ(uploaded["md5Hex"], Md5Hex(data));
  EXPECT_EQ(uploaded["partCount"], 3);

  ASSERT_EQ(Run({"download", "r2", kBucket, "fixed.tar"}), cli::kExitOk) << err();
  EXPECT_TRUE(out() == data) << "standard output differs from the object (" << out().size()
                             << " bytes)";
  EXPECT_THAT(err(),
              HasSubstr("\n  checksum: verified against the stored MD5 " + Md5Hex(data) + "\n"));
  json info;
  ASSERT_EQ(RunJson({"download", "r2", kBucket, "fixed.tar", dir_.Sub("fixed.tar")}, &info),
            cli::kExitOk)
      << err();
  EXPECT_EQ(info["verifiedAgainst"], "VERIFICATION_SOURCE_PROVIDER_MD5");
  EXPECT_EQ(info["storedMd5Hex"], Md5Hex(data));
  EXPECT_EQ(info["etag"], uploaded["etag"]);
}

TEST_F(CliR2Test, WithChecksumsDisabledTheRecordedSha256VerifiesTheRestore) {
  AddFakeStorage("r2-nomd5", "r2", {{"disable_checksum", "true"}});
  const std::string data = PatternBytes(7 * kMiB, /*seed=*/32);
  stdin_ = data;
  json uploaded;
  ASSERT_EQ(RunJson({"upload", "r2-nomd5", kBucket, "nomd5.bin"}, &uploaded), cli::kExitOk)
      << err();
  EXPECT_EQ(uploaded["md5Hex"], "");
  EXPECT_EQ(uploaded["sha256Hex"], Sha256Hex(data));

  const std::string file = dir_.Sub("nomd5.bin");
  ASSERT_EQ(Run({"download", "r2-nomd5", kBucket, "nomd5.bin", file}), cli::kExitOk) << err();
  EXPECT_TRUE(ReadFileBytes(file) == data);
  EXPECT_THAT(out(), HasSubstr("\n  checksum: verified against the service's record of the "
                               "upload, SHA-256 " +
                               Sha256Hex(data) + "\n"));
}

TEST_F(CliR2Test, LifecycleRulesAreSetReadBackAndCleared) {
  const std::string rules =
      WriteFile("rules.json",
                R"([{"id": "old-backups", "prefix": "db/", "expire_after_days": 90,
           "abort_incomplete_upload_after_days": 7}])");
  ASSERT_EQ(Run({"lifecycle", "set", "r2", kBucket, "--file", rules}), cli::kExitOk) << err();
  EXPECT_EQ(out(),
            "lifecycle rules of backups set; the provider now reports:\n"
            "ID           PREFIX  STATUS   EXPIRE  ABORT INCOMPLETE\n"
            "old-backups  db/     enabled  90d     7d\n");

  json got;
  ASSERT_EQ(RunJson({"lifecycle", "get", "r2", kBucket}, &got), cli::kExitOk) << err();
  ASSERT_EQ(got["rules"].size(), 1u) << got;
  const json& rule = got["rules"][0];
  EXPECT_EQ(rule["id"], "old-backups");
  EXPECT_EQ(rule["prefix"], "db/");
  EXPECT_EQ(rule["enabled"], true);
  EXPECT_EQ(rule["expireAfterDays"], 90);
  EXPECT_EQ(rule["abortIncompleteUploadAfterDays"], 7);

  ASSERT_EQ(Run({"lifecycle", "clear", "r2", kBucket}), cli::kExitOk) << err();
  EXPECT_EQ(out(), "removed the lifecycle rules of backups\n");
  ASSERT_EQ(Run({"lifecycle", "get", "r2", kBucket}), cli::kExitOk) << err();
  EXPECT_EQ(out(), "no lifecycle rules\n");
}

}  // namespace
}  // namespace pluton::testing
