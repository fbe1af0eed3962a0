// ParseKeyLines, UniqueInOrder and ReadAll: the keys `rm --stdin/--from-file` reads.
#include "client/cli/key_list.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace pluton::storage::client {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(ParseKeyLinesTest, OneKeyPerLineExactly) {
  EXPECT_THAT(ParseKeyLines("a\nb c \r\n\n\r\n last"), ElementsAre("a", "b c ", " last"));
  EXPECT_THAT(ParseKeyLines(""), IsEmpty());
  EXPECT_THAT(ParseKeyLines("\n\n"), IsEmpty());
}

TEST(UniqueInOrderTest, KeepsFirstOccurrences) {
  EXPECT_THAT(UniqueInOrder({"b", "a", "b", "c", "a"}), ElementsAre("b", "a", "c"));
}

TEST(ReadAllTest, ReadsToTheEnd) {
  std::string big(200000, 'x');
  MemoryByteSource source(big);
  absl::StatusOr<std::string> all = ReadAll(source);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), big.size());
}

}  // namespace
}  // namespace pluton::storage::client
