#include <cstdint>
#include <limits>
#include <string>

#include "gtest/gtest.h"
#include "pluton/sdk/size.h"

namespace pluton::plugin_sdk {
namespace {

TEST(ParseSizeTest, PlainBytes) {
  EXPECT_EQ(ParseSize("0"), 0u);
  EXPECT_EQ(ParseSize("1"), 1u);
  EXPECT_EQ(ParseSize("5242880"), 5242880u);
  EXPECT_EQ(ParseSize("007"), 7u);
  EXPECT_EQ(ParseSize("512B"), 512u);
  EXPECT_EQ(ParseSize("512b"), 512u);
}

TEST(ParseSizeTest, BinarySuffixesInEverySpelling) {
  for (const char* text : {"5M", "5Mi", "5MB", "5MiB", "5m", "5mib", "5mb", "5MIB"}) {
    EXPECT_EQ(ParseSize(text), 5u * 1024 * 1024) << text;
  }
  EXPECT_EQ(ParseSize("1K"), 1024u);
  EXPECT_EQ(ParseSize("64KiB"), 64u * 1024);
  EXPECT_EQ(ParseSize("3G"), 3ull << 30);
  EXPECT_EQ(ParseSize("2TiB"), 2ull << 40);
  EXPECT_EQ(ParseSize("0M"), 0u);
}

TEST(ParseSizeTest, Limits) {
  EXPECT_EQ(ParseSize("18446744073709551615"), std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(ParseSize("16777215T"), 16777215ull << 40);
  EXPECT_EQ(ParseSize("18446744073709551616"), std::nullopt);  // 2^64
  EXPECT_EQ(ParseSize("99999999999999999999999"), std::nullopt);
  EXPECT_EQ(ParseSize("16777216T"), std::nullopt);  // 2^64 bytes
  EXPECT_EQ(ParseSize("18014398509481984K"), std::nullopt);
}

TEST(ParseSizeTest, Rejects) {
  for (const char* text :
       {"",   " ",   "-1", "-5M",   "+5",    "1.5M", "1,5M", "5 MiB", " 5",  "5 ",  "M",    "MiB",
        "iB", "5iB", "5X", "5MiBB", "5MiB ", "5P",   "abc",  "0x10",  "5e3", "5Bi", "5KiBi"}) {
    EXPECT_EQ(ParseSize(text), std::nullopt) << "\"" << text << "\"";
  }
  EXPECT_EQ(ParseSize(std::string_view("5\0M", 3)), std::nullopt);
}

TEST(FormatSizeTest, RoundTrips) {
  EXPECT_EQ(FormatSize(0), "0");
  EXPECT_EQ(FormatSize(1000), "1000");
  EXPECT_EQ(FormatSize(1024), "1KiB");
  EXPECT_EQ(FormatSize(5242880), "5MiB");
  EXPECT_EQ(FormatSize(3ull << 30), "3GiB");
  EXPECT_EQ(FormatSize(1ull << 50), "1024TiB");
  for (uint64_t v : std::initializer_list<uint64_t>{0, 1, 1023, 1024, 1536, 5242880, 1ull << 40,
                                                    std::numeric_limits<uint64_t>::max()}) {
    EXPECT_EQ(ParseSize(FormatSize(v)), v) << v;
  }
}

}  // namespace
}  // namespace pluton::plugin_sdk
