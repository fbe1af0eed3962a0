// delete_objects of the local plugin, through its C ABI: idempotence, per-key failures, empty
// directories, symlinks.
#include <string>
#include <vector>

#include "common/without_privilege.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "local_plugin_housekeeping_util.h"

namespace pluton::local_test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;

using LocalDeleteTest = LocalHousekeepingTest;

TEST_F(LocalDeleteTest, ExistingMissingAndSeveralKeys) {
  Put("b", "a");
  Put("b", "dir/keep");
  Put("b", "dir/sub/c");
  Put("b", "other");
  const DeleteOutcome outcome =
      Delete("b", {"a", "missing", "dir/sub/c", "nodir/x", "a/below-a-file", "a"});
  ASSERT_TRUE(outcome.error.ok) << outcome.error;
  EXPECT_THAT(outcome.failures, IsEmpty());
  EXPECT_FALSE(fs::exists(root_ / "b" / "a"));
  EXPECT_FALSE(fs::exists(root_ / "b" / "dir" / "sub"));  // became empty: removed
  EXPECT_TRUE(fs::exists(root_ / "b" / "dir" / "keep"));
  EXPECT_THAT(Tree(root_ / "b"), ElementsAre("dir", "dir/keep", "other"));
  EXPECT_THAT(ListObjects("b").keys(), ElementsAre("dir/keep", "other"));
}

TEST_F(LocalDeleteTest, EmptyParentsGoButTheBucketStays) {
  Put("b", "x/y/z/k");
  const DeleteOutcome outcome = Delete("b", {"x/y/z/k"});
  ASSERT_TRUE(outcome.error.ok) << outcome.error;
  EXPECT_THAT(outcome.failures, IsEmpty());
  EXPECT_TRUE(fs::is_directory(root_ / "b"));
  EXPECT_THAT(Tree(root_ / "b"), IsEmpty());
  // Uploading there again recreates the directories.
  ASSERT_TRUE(Upload("b", "x/y/z/k", "again").ok);
  EXPECT_EQ(ReadFile(root_ / "b" / "x" / "y" / "z" / "k"), "again");
}

TEST_F(LocalDeleteTest, LeftoverEmptyDirectoriesOfAMissingKeyAreTidied) {
  fs::create_directories(root_ / "b" / "p" / "q");
  Put("b", "p/sibling");
  const DeleteOutcome outcome = Delete("b", {"p/q/gone"});
  ASSERT_TRUE(outcome.error.ok) << outcome.error;
  EXPECT_THAT(outcome.failures, IsEmpty());
  EXPECT_THAT(Tree(root_ / "b"), ElementsAre("p", "p/sibling"));
}

TEST_F(LocalDeleteTest, ADirectoryKeyIsAPerKeyFailure) {
  Put("b", "d/child");
  Put("b", "plain");
  const DeleteOutcome outcome = Delete("b", {"d", "plain"});
  ASSERT_TRUE(outcome.error.ok) << outcome.error;
  ASSERT_THAT(outcome.failures, ElementsAre(Pair("d", PLUTON_FAILED_PRECONDITION)));
  EXPECT_THAT(outcome.messages[0], HasSubstr("directory"));
  EXPECT_TRUE(fs::exists(root_ / "b" / "d" / "child"));
  EXPECT_FALSE(fs::exists(root_ / "b" / "plain"));  // the other key was still deleted
}

TEST_F(LocalDeleteTest, SymlinksAreNeverFollowedNorRemoved) {
  const fs::path outside = tmp_ / "outside";
  fs::create_directories(outside);
  WriteFile(outside / "secret", "secret");
  fs::create_directories(root_ / "b");
  fs::create_symlink(outside / "secret", root_ / "b" / "file-link");
  fs::create_directory_symlink(outside, root_ / "b" / "dir-link");

  const DeleteOutcome outcome = Delete("b", {"file-link", "dir-link/secret", "dir-link"});
  ASSERT_TRUE(outcome.error.ok) << outcome.error;
  EXPECT_THAT(outcome.failures, ElementsAre(Pair("file-link", PLUTON_FAILED_PRECONDITION),
                                            Pair("dir-link/secret", PLUTON_FAILED_PRECONDITION),
                                            Pair("dir-link", PLUTON_FAILED_PRECONDITION)));
  EXPECT_EQ(ReadFile(outside / "secret"), "secret");
  EXPECT_TRUE(fs::is_symlink(root_ / "b" / "file-link"));
  EXPECT_TRUE(fs::is_symlink(root_ / "b" / "dir-link"));
}

TEST_F(LocalDeleteTest, BucketErrorsFailTheWholeCall) {
  DeleteOutcome outcome = Delete("nobucket", {"k"});
  EXPECT_EQ(outcome.error.code, PLUTON_NOT_FOUND) << outcome.error;
  EXPECT_EQ(outcome.error.reason, "BUCKET_NOT_FOUND");
  outcome = Delete("..", {"k"});
  EXPECT_EQ(outcome.error.code, PLUTON_INVALID_ARGUMENT) << outcome.error;
  config_.Set("root", "not/absolute");
  outcome = Delete("b", {"k"});
  EXPECT_EQ(outcome.error.code, PLUTON_INVALID_ARGUMENT) << outcome.error;
}

TEST_F(LocalDeleteTest, InvalidKeysFailAloneAndNothingEscapes) {
  WriteFile(root_ / "victim", "v");
  fs::create_directories(root_ / "b");
  Put("b", "ok");
  const DeleteOutcome outcome = Delete("b", {"../victim", "ok", "/abs", ""});
  ASSERT_TRUE(outcome.error.ok) << outcome.error;
  EXPECT_THAT(outcome.failures, ElementsAre(Pair("../victim", PLUTON_INVALID_ARGUMENT),
                                            Pair("/abs", PLUTON_INVALID_ARGUMENT),
                                            Pair("", PLUTON_INVALID_ARGUMENT)));
  EXPECT_TRUE(fs::exists(root_ / "victim"));
  EXPECT_FALSE(fs::exists(root_ / "b" / "ok"));
}

TEST_F(LocalDeleteTest, PermissionFailuresArePerKey) {
  Put("b", "locked/k");
  Put("b", "free");
  fs::permissions(root_ / "b" / "locked", fs::perms::owner_read | fs::perms::owner_exec);
  // Without file privileges, so the directory's mode applies also when the test runs as root.
  const DeleteOutcome outcome = ::pluton::testing::RunWithoutFilePrivileges([&] {
    return Delete("b", {"locked/k", "free"});
  });
  fs::permissions(root_ / "b" / "locked", fs::perms::owner_all);
  ASSERT_TRUE(outcome.error.ok) << outcome.error;
  EXPECT_THAT(outcome.failures, ElementsAre(Pair("locked/k", PLUTON_PERMISSION_DENIED)));
  EXPECT_TRUE(fs::exists(root_ / "b" / "locked" / "k"));
  EXPECT_FALSE(fs::exists(root_ / "b" / "free"));
}

TEST_F(LocalDeleteTest, CancellationFailsTheKeysNotHandled) {
  Put("b", "k1");
  Put("b", "k2");
  const pluton_cancel_token token = {[](void*) { return 1; }, nullptr};
  const std::string bucket = "b", k1 = "k1", k2 = "k2";
  const char* keys[] = {k1.c_str(), k2.c_str()};
  pluton_delete_params params{};
  params.struct_size = sizeof(params);
  params.bucket = bucket.c_str();
  params.key_count = 2;
  params.keys = keys;
  params.cancel = &token;
  pluton_delete_result* result = nullptr;
  ASSERT_TRUE(Check(api_->delete_objects(config_.get(), &params, &result)).ok);
  ASSERT_NE(result, nullptr);
  ASSERT_EQ(result->failure_count, 2u);
  EXPECT_EQ(result->failures[0].code, PLUTON_CANCELLED);
  EXPECT_STREQ(result->failures[1].key, "k2");
  api_->delete_result_destroy(result);
  EXPECT_TRUE(fs::exists(root_ / "b" / "k1"));
}

}  // namespace
}  // namespace pluton::local_test
