// DataDirLock on a real directory: the owner's pid in the lock file, a second owner refused with
// the pid that holds it (in this process and in another one), the lock free again once its
// owner is destroyed or killed with SIGKILL.
#include "store/data_dir_lock.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store_test_util.h"

namespace pluton::storage {
namespace {

using ::pluton::storage::testing::FileMode;
using ::pluton::storage::testing::ReadFileBytes;
using ::pluton::storage::testing::TempDir;
using ::testing::HasSubstr;

TEST(DataDirLockTest, TheOwnerWritesItsPidIntoTheLockFile) {
  TempDir dir;
  auto lock = DataDirLock::Acquire(dir.path());
  ASSERT_TRUE(lock.ok()) << lock.status();
  EXPECT_EQ(DataDirLockPath(dir.path()), dir.path() + "/pluton-storaged.lock");
  EXPECT_EQ(ReadFileBytes(DataDirLockPath(dir.path())), absl::StrCat(getpid(), "\n"));
  EXPECT_EQ(FileMode(DataDirLockPath(dir.path())), 0600);
}

TEST(DataDirLockTest, ASecondOwnerIsRefusedNamingTheDirectoryTheFileAndThePid) {
  TempDir dir;
  std::optional<absl::StatusOr<DataDirLock>> first(DataDirLock::Acquire(dir.path()));
  ASSERT_TRUE(first->ok()) << first->status();

  auto second = DataDirLock::Acquire(dir.path());
  ASSERT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition) << second.status();
  EXPECT_THAT(
      second.status().message(),
      HasSubstr(absl::StrCat("--data_dir ", dir.path(), " is in use: process ", getpid(),
                             " holds its lock file ", dir.path(), "/pluton-storaged.lock")));
  EXPECT_THAT(second.status().message(), HasSubstr("; stop it first"));

  first.reset();  // released with its owner
  auto third = DataDirLock::Acquire(dir.path());
  EXPECT_TRUE(third.ok()) << third.status();
}

TEST(DataDirLockTest, AMovedLockStaysHeldUntilItsLastOwnerGoes) {
  TempDir dir;
  auto acquired = DataDirLock::Acquire(dir.path());
  ASSERT_TRUE(acquired.ok()) << acquired.status();
  std::optional<DataDirLock> moved(std::move(*acquired));
  acquired = absl::UnknownError("moved from");  // destroys the moved-from lock
  EXPECT_FALSE(DataDirLock::Acquire(dir.path()).ok());
  moved.reset();
  EXPECT_TRUE(DataDirLock::Acquire(dir.path()).ok());
}

TEST(DataDirLockTest, AnotherProcessHoldingItIsNamedAndItsKillFreesTheLock) {
  TempDir dir;
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto lock = DataDirLock::Acquire(dir.path());
    const char byte = lock.ok() ? '1' : '0';
    (void)!write(ready[1], &byte, 1);
    for (;;) pause();  // holds the lock until killed
  }
  close(ready[1]);
  char byte = 0;
  ASSERT_EQ(read(ready[0], &byte, 1), 1);
  close(ready[0]);
  EXPECT_EQ(byte, '1') << "the child could not take the lock";

  auto refused = DataDirLock::Acquire(dir.path());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.status().message(), HasSubstr(absl::StrCat("process ", child, " holds")));

  ASSERT_EQ(kill(child, SIGKILL), 0);
  ASSERT_EQ(waitpid(child, nullptr, 0), child);
  auto after_crash = DataDirLock::Acquire(dir.path());  // no stale lock
  EXPECT_TRUE(after_crash.ok()) << after_crash.status();
}

TEST(DataDirLockTest, AMissingDirectoryIsNamed) {
  TempDir dir;
  auto lock = DataDirLock::Acquire(dir.Sub("absent"));
  EXPECT_EQ(lock.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(lock.status().message(),
              HasSubstr("cannot open the lock file " + dir.Sub("absent") +
                        "/pluton-storaged.lock of --data_dir " + dir.Sub("absent") +
                        ": No such file or directory"));
}

}  // namespace
}  // namespace pluton::storage
