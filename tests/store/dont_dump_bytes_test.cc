// DontDumpBytes on the real kernel: its pages are marked MADV_DONTDUMP ("dd" in the VmFlags of
// their mapping in /proc/self/smaps), hold what is written, and start zeroed.
#include "common/dont_dump_bytes.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>

namespace pluton::storage {
namespace {

// The VmFlags line of the mapping that holds `address` in /proc/self/smaps, or "".
std::string VmFlagsOf(const void* address) {
  std::ifstream smaps("/proc/self/smaps");
  const auto target = reinterpret_cast<uintptr_t>(address);
  bool inside = false;
  std::string line;
  while (std::getline(smaps, line)) {
    uintptr_t start = 0, end = 0;
    char dash = 0;
    std::istringstream range(line);
    if (range >> std::hex >> start >> dash >> end && dash == '-') {
      inside = start <= target && target < end;
    } else if (inside && line.rfind("VmFlags:", 0) == 0) {
      return line;
    }
  }
  return "";
}

TEST(DontDumpBytesTest, ItsPagesAreLeftOutOfCoreDumps) {
  auto bytes = DontDumpBytes::Create(32);
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  const std::string flags = VmFlagsOf((*bytes)->data());
  ASSERT_FALSE(flags.empty()) << "no mapping found for the buffer";
  EXPECT_NE((flags + " ").find(" dd "), std::string::npos) << flags;
  EXPECT_EQ(reinterpret_cast<uintptr_t>((*bytes)->data()) % sysconf(_SC_PAGESIZE), 0u);
}

TEST(DontDumpBytesTest, StartsZeroedAndHoldsWhatIsWritten) {
  auto bytes = DontDumpBytes::Create(5000);  // more than a page
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  ASSERT_EQ((*bytes)->size(), 5000u);
  for (size_t i = 0; i < (*bytes)->size(); ++i) ASSERT_EQ((*bytes)->data()[i], 0) << i;
  for (size_t i = 0; i < (*bytes)->size(); ++i) (*bytes)->data()[i] = static_cast<uint8_t>(i);
  EXPECT_EQ((*bytes)->data()[4999], static_cast<uint8_t>(4999));
  EXPECT_NE((" " + VmFlagsOf((*bytes)->data() + 4999) + " ").find(" dd "), std::string::npos);
}

TEST(DontDumpBytesTest, RefusesAnEmptyBuffer) {
  EXPECT_EQ(DontDumpBytes::Create(0).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace pluton::storage
