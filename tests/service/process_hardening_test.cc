// KeepSecretsOutOfDumps in this test process: afterwards it is not dumpable and may write no
// core file. (The daemon's own limits are checked from outside by core_dump_test.sh.)
#include "server/process_hardening.h"

#include <gtest/gtest.h>
#include <sys/prctl.h>
#include <sys/resource.h>

namespace pluton::storage {
namespace {

TEST(ProcessHardeningTest, TheProcessBecomesNonDumpableWithNoCoreLimit) {
  ASSERT_TRUE(KeepSecretsOutOfDumps().ok());
  EXPECT_EQ(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 0);
  struct rlimit core;
  ASSERT_EQ(getrlimit(RLIMIT_CORE, &core), 0);
  EXPECT_EQ(core.rlim_cur, 0u);
  EXPECT_EQ(core.rlim_max, 0u);
}

}  // namespace
}  // namespace pluton::storage
