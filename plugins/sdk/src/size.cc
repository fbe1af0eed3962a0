#include "pluton/sdk/size.h"

#include <limits>

namespace pluton::plugin_sdk {
namespace {

constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Power of 1024 for a unit letter, or -1.
int UnitShift(char c) {
  switch (Lower(c)) {
    case 'k':
      return 10;
    case 'm':
      return 20;
    case 'g':
      return 30;
    case 't':
      return 40;
    default:
      return -1;
  }
}

}  // namespace

std::optional<uint64_t> ParseSize(std::string_view text) {
  size_t i = 0;
  uint64_t value = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    const uint64_t digit = static_cast<uint64_t>(text[i] - '0');
    if (value > (kMax - digit) / 10) return std::nullopt;  // overflow
    value = value * 10 + digit;
    ++i;
  }
  if (i == 0) return std::nullopt;  // empty, sign, or a suffix without digits

  std::string_view suffix = text.substr(i);
  int shift = 0;
  if (!suffix.empty() && UnitShift(suffix[0]) >= 0) {
    shift = UnitShift(suffix[0]);
    suffix.remove_prefix(1);
    if (!suffix.empty() && Lower(suffix[0]) == 'i') suffix.remove_prefix(1);
  }
  if (!suffix.empty() && Lower(suffix[0]) == 'b') suffix.remove_prefix(1);
  if (!suffix.empty()) return std::nullopt;  // fraction, whitespace or unknown suffix

  if (shift > 0 && value > (kMax >> shift)) return std::nullopt;  // overflow
  return value << shift;
}

std::string FormatSize(uint64_t bytes) {
  static constexpr struct {
    int shift;
    const char* suffix;
  } kUnits[] = {{40, "TiB"}, {30, "GiB"}, {20, "MiB"}, {10, "KiB"}};
  if (bytes != 0) {
    for (const auto& unit : kUnits) {
      const uint64_t mask = (uint64_t{1} << unit.shift) - 1;
      if ((bytes & mask) == 0) return std::to_string(bytes >> unit.shift) + unit.suffix;
    }
  }
  return std::to_string(bytes);
}

}  // namespace pluton::plugin_sdk
