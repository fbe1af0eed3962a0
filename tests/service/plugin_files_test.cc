// CheckPluginFilesTrusted: a plugin directory or file (or a link's target) that someone other
// than root or a separate owner can change is refused before anything is loaded.
#include "plugin/plugin_files.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "common/temp_dir.h"

namespace pluton::storage {
namespace {

namespace fs = std::filesystem;
using ::pluton::testing::TempDir;
using ::testing::HasSubstr;

constexpr uid_t kServiceUid = 4242;  // not the test's user, not root

class PluginFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(plugins());
    chmod(plugins().c_str(), 0755);
    fs::copy_file(std::string(PLUTON_TEST_PLUGIN_DIR) + "/pluton_local.so", plugin());
    chmod(plugin().c_str(), 0755);
  }
  std::string plugins() const { return dir_.Sub("plugins"); }
  std::string plugin() const { return dir_.Sub("plugins/pluton_local.so"); }
  absl::Status Check(bool allow_own = false) const {
    return CheckPluginFilesTrusted(plugins(), kServiceUid, allow_own);
  }
  TempDir dir_;
};

TEST_F(PluginFilesTest, FilesOnlyTheirOwnerCanWriteAreTrusted) {
  EXPECT_TRUE(Check().ok()) << Check();
}

TEST_F(PluginFilesTest, AWorldWritableDirectoryIsRefusedNamingItAndTheFix) {
  chmod(plugins().c_str(), 0777);
  const absl::Status status = Check();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr(plugins() + " can be changed by everyone"));
  EXPECT_THAT(status.message(), HasSubstr("chmod go-w"));
}

TEST_F(PluginFilesTest, AGroupWritablePluginIsRefused) {
  chmod(plugin().c_str(), 0775);
  EXPECT_THAT(Check().message(), HasSubstr(plugin() + " can be changed by its group"));
}

TEST_F(PluginFilesTest, ALinkedPluginIsJudgedByItsTargetAndTheTargetsDirectory) {
  fs::create_directories(dir_.Sub("elsewhere"));
  fs::rename(plugin(), dir_.Sub("elsewhere/pluton_local.so"));
  fs::create_symlink(dir_.Sub("elsewhere/pluton_local.so"), plugin());
  chmod(dir_.Sub("elsewhere").c_str(), 0777);
  EXPECT_THAT(Check().message(), HasSubstr(dir_.Sub("elsewhere") + " can be changed by everyone"));
  chmod(dir_.Sub("elsewhere").c_str(), 0755);
  chmod(dir_.Sub("elsewhere/pluton_local.so").c_str(), 0666);
  EXPECT_THAT(Check().message(), HasSubstr("pluton_local.so can be changed by everyone"));
}

TEST_F(PluginFilesTest, PluginsTheServicesOwnUserOwnsAreRefusedUnlessAllowed) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to give the plugin to another user";
  ASSERT_EQ(chown(plugin().c_str(), kServiceUid, kServiceUid), 0);
  const absl::Status status = Check();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("the service's own user 4242"));
  EXPECT_TRUE(Check(/*allow_own=*/true).ok());
  // Root running the service may own its plugins.
  EXPECT_TRUE(CheckPluginFilesTrusted(plugins(), 0, false).ok());
}

}  // namespace
}  // namespace pluton::storage
