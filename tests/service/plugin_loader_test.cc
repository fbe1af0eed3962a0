#include "plugin/plugin_loader.h"

#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "common/without_privilege.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "plugin/host_services.h"
#include "plugin_test_util.h"

namespace pluton::storage {
namespace {

#define PLUTON_STRINGIFY_(x) #x
#define PLUTON_STRINGIFY(x) PLUTON_STRINGIFY_(x)
// The ABI version this host speaks, as "MAJOR.MINOR".
#define HOST_ABI_LITERAL \
  PLUTON_STRINGIFY(PLUTON_PLUGIN_ABI_MAJOR) "." PLUTON_STRINGIFY(PLUTON_PLUGIN_ABI_MINOR)
constexpr char kHostAbi[] = HOST_ABI_LITERAL;

using ::pluton::storage::testing::TempPluginDir;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class PluginLoaderTest : public ::testing::Test {
 protected:
  absl::StatusOr<std::unique_ptr<PluginSet>> Load() {
    return PluginSet::Load(dir_.path(), host_.api());
  }

  HostServices host_{1 << 20};
  TempPluginDir dir_;
};

std::vector<std::string> Ids(const PluginSet& set) {
  std::vector<std::string> ids;
  for (const auto& p : set.providers()) ids.push_back(p->id());
  return ids;
}

// ---- One broken plugin next to the good one: the good one loads, the broken one is refused.

struct BrokenCase {
  std::string plugin;  // test plugin name; "garbage" writes a text file instead
  std::vector<std::string> reason_words;
};

void PrintTo(const BrokenCase& c, std::ostream* os) { *os << c.plugin; }

class BrokenPluginTest : public PluginLoaderTest,
                         public ::testing::WithParamInterface<BrokenCase> {};

TEST_P(BrokenPluginTest, IsRefusedWithoutStoppingTheGoodOne) {
  const BrokenCase& c = GetParam();
  dir_.AddPlugin("good_minimal");
  const std::string broken_path =
      c.plugin == "garbage" ? dir_.AddFile("garbage.so", "this is not an ELF shared object\n")
                            : dir_.AddPlugin(c.plugin);

  auto set = Load();
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(Ids(**set), std::vector<std::string>{"minimal"});
  ASSERT_EQ((*set)->rejected().size(), 1u);
  const RejectedPluginInfo& rejected = (*set)->rejected()[0];
  EXPECT_EQ(rejected.path, broken_path);
  for (const std::string& word : c.reason_words) {
    EXPECT_THAT(rejected.reason, HasSubstr(word));
  }
  // The good plugin works regardless.
  auto minimal = (*set)->Find("minimal");
  ASSERT_NE(minimal, nullptr);
  EXPECT_TRUE(minimal->ValidateConfig({{"token", "t"}}).ok());
}

INSTANTIATE_TEST_SUITE_P(
    FailureModes, BrokenPluginTest,
    ::testing::Values(
        BrokenCase{"wrong_major",
                   {"plugin speaks ABI 2.0; this service speaks " HOST_ABI_LITERAL,
                    "rebuild the plugin against pluton/storage_plugin.h 1.x"}},
        BrokenCase{"no_entry_symbol",
                   {"does not export the entry symbol pluton_storage_plugin_entry",
                    "PLUTON_PLUGIN_EXPORT"}},
        BrokenCase{"entry_returns_null", {"entry function returned NULL"}},
        BrokenCase{"null_required_function",
                   {"required function upload_write is NULL", "must implement"}},
        BrokenCase{"struct_too_small", {"smaller than ABI 1.0 requires", "struct_size", "rebuild"}},
        BrokenCase{"bad_schema_json", {"invalid config schema", "not valid JSON"}},
        BrokenCase{"bad_provider_id", {"provider_id \"Bad ID!\"", "[a-z0-9_-]{1,32}"}},
        BrokenCase{"garbage", {"dlopen failed", "shared object"}}),
    [](const ::testing::TestParamInfo<BrokenCase>& info) { return info.param.plugin; });

// ---- Valid plugins

TEST_F(PluginLoaderTest, LoadsAPluginFromALaterMinorVersion) {
  dir_.AddPlugin("good_minimal");
  // Named to load after good_minimal, so the providers' id order is the loader's doing.
  dir_.AddPlugin("future_minor", "z_future_minor.so");
  auto set = Load();
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_THAT((*set)->rejected(), IsEmpty());
  EXPECT_EQ(Ids(**set), (std::vector<std::string>{"future", "minimal"}));
  auto future = (*set)->Find("future");
  ASSERT_NE(future, nullptr);
  EXPECT_EQ(future->abi_version(), "1.7");
  EXPECT_EQ(future->display_name(), "Stub future");
  EXPECT_EQ((*set)->Find("minimal")->abi_version(), kHostAbi);
}

TEST_F(PluginLoaderTest, DuplicateIdIsRefusedAndTheFirstInNameOrderWins) {
  const std::string good = dir_.AddPlugin("good_minimal");
  const std::string duplicate = dir_.AddPlugin("duplicate_id", "zz_duplicate_id.so");
  auto set = Load();
  ASSERT_TRUE(set.ok()) << set.status();
  ASSERT_EQ(Ids(**set), std::vector<std::string>{"minimal"});
  EXPECT_EQ((*set)->Find("minimal")->plugin_version(), "1.0.0");  // good_minimal's
  ASSERT_EQ((*set)->rejected().size(), 1u);
  EXPECT_EQ((*set)->rejected()[0].path, duplicate);
  EXPECT_THAT((*set)->rejected()[0].reason,
              AllOf(HasSubstr("provider id \"minimal\" is already provided by " + good),
                    HasSubstr("remove one of the two plugins")));
}

TEST_F(PluginLoaderTest, DuplicateIdSortedFirstWins) {
  const std::string duplicate = dir_.AddPlugin("duplicate_id", "aa_duplicate_id.so");
  const std::string good = dir_.AddPlugin("good_minimal");
  auto set = Load();
  ASSERT_TRUE(set.ok()) << set.status();
  ASSERT_EQ(Ids(**set), std::vector<std::string>{"minimal"});
  EXPECT_EQ((*set)->Find("minimal")->plugin_version(), "0.0.1");  // the stub's
  ASSERT_EQ((*set)->rejected().size(), 1u);
  EXPECT_EQ((*set)->rejected()[0].path, good);
  EXPECT_THAT((*set)->rejected()[0].reason, HasSubstr("already provided by " + duplicate));
}

TEST_F(PluginLoaderTest, EveryPluginAtOnce) {
  for (const char* name : {"good_minimal", "wrong_major", "no_entry_symbol", "entry_returns_null",
                           "null_required_function", "struct_too_small", "bad_schema_json",
                           "bad_provider_id", "future_minor"}) {
    dir_.AddPlugin(name);
  }
  dir_.AddPlugin("duplicate_id", "zz_duplicate_id.so");
  dir_.AddFile("garbage.so", "garbage");
  auto set = Load();
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(Ids(**set), (std::vector<std::string>{"future", "minimal"}));
  std::vector<std::string> rejected;
  for (const auto& r : (*set)->rejected()) {
    rejected.push_back(std::filesystem::path(r.path).filename().string());
  }
  // Tried in file name order.
  EXPECT_EQ(rejected, (std::vector<std::string>{
                          "bad_provider_id.so", "bad_schema_json.so", "entry_returns_null.so",
                          "garbage.so", "no_entry_symbol.so", "null_required_function.so",
                          "struct_too_small.so", "wrong_major.so", "zz_duplicate_id.so"}));
}

TEST_F(PluginLoaderTest, IgnoresFilesThatAreNotSharedObjects) {
  dir_.AddPlugin("good_minimal");
  dir_.AddFile("README.txt", "not a plugin");
  dir_.AddFile("good_minimal.so.bak", "not a plugin either");
  std::filesystem::create_directory(dir_.path() + "/subdir.so");
  auto set = Load();
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(Ids(**set), std::vector<std::string>{"minimal"});
  EXPECT_THAT((*set)->rejected(), IsEmpty());
}

TEST_F(PluginLoaderTest, DanglingSymlinkIsRefusedAndSymlinkedPluginLoads) {
  const std::string real = dir_.AddPlugin("good_minimal", "real.bin");
  std::filesystem::create_symlink(real, dir_.path() + "/linked.so");
  std::filesystem::create_symlink(dir_.path() + "/gone", dir_.path() + "/dangling.so");
  auto set = Load();
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(Ids(**set), std::vector<std::string>{"minimal"});
  ASSERT_EQ((*set)->rejected().size(), 1u);
  EXPECT_EQ((*set)->rejected()[0].path, dir_.path() + "/dangling.so");
  EXPECT_THAT((*set)->rejected()[0].reason,
              AllOf(HasSubstr("dlopen failed"), HasSubstr("No such file")));
}

TEST_F(PluginLoaderTest, EmptyDirectoryLoadsNothing) {
  auto set = Load();
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_THAT((*set)->providers(), IsEmpty());
  EXPECT_THAT((*set)->rejected(), IsEmpty());
  EXPECT_EQ((*set)->Find("minimal"), nullptr);
}

TEST_F(PluginLoaderTest, FindReturnsNullForUnknownIds) {
  dir_.AddPlugin("good_minimal");
  dir_.AddPlugin("future_minor");
  auto set = Load();
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ((*set)->Find("r2"), nullptr);
  EXPECT_EQ((*set)->Find(""), nullptr);
  EXPECT_EQ((*set)->Find("zzz"), nullptr);
  ASSERT_NE((*set)->Find("future"), nullptr);
  EXPECT_EQ((*set)->Find("future")->id(), "future");
}

// ---- The directory itself

TEST_F(PluginLoaderTest, MissingDirectoryIsNotFoundAndNamesTheFlag) {
  const std::string missing = dir_.path() + "/does-not-exist";
  auto set = PluginSet::Load(missing, host_.api());
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(set.status().message(), AllOf(HasSubstr(missing), HasSubstr("--plugin_dir")));
}

TEST_F(PluginLoaderTest, FileInsteadOfDirectoryIsFailedPrecondition) {
  const std::string file = dir_.AddFile("plain-file", "x");
  auto set = PluginSet::Load(file, host_.api());
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(set.status().message(),
              AllOf(HasSubstr(file), HasSubstr("not a directory"), HasSubstr("--plugin_dir")));
}

TEST_F(PluginLoaderTest, UnreadableDirectoryIsFailedPrecondition) {
  const std::string locked = dir_.path() + "/locked";
  std::filesystem::create_directory(locked);
  std::filesystem::permissions(locked, std::filesystem::perms::none);
  // Without file privileges, so the mode applies also when the test runs as root.
  auto set = ::pluton::testing::RunWithoutFilePrivileges(
      [&] { return PluginSet::Load(locked, host_.api()); });
  std::filesystem::permissions(locked, std::filesystem::perms::owner_all);
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(set.status().message(), AllOf(HasSubstr(locked), HasSubstr("--plugin_dir")));
}

TEST_F(PluginLoaderTest, NullHostIsInvalidArgument) {
  auto set = PluginSet::Load(dir_.path(), nullptr);
  EXPECT_EQ(set.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace pluton::storage
