// Byte sizes as users write them in configuration ("5242880", "5MiB", "64K").
//
// Thread safety: pure functions, safe from any thread.
#ifndef PLUTON_PLUGINS_SDK_SIZE_H_
#define PLUTON_PLUGINS_SDK_SIZE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pluton::plugin_sdk {

// Parses a size in bytes. Accepted forms, all suffixes binary (1024-based) like rclone's
// SizeSuffix, letters case-insensitive:
//   "5242880"            plain bytes
//   "512B"               bytes with a "B"
//   "5K" "5Ki" "5KB" "5KiB"   5 * 1024, and likewise M (1024^2), G (1024^3), T (1024^4)
// Rejected (nullopt): empty, signs ("-1", "+1"), fractions ("1.5M"), whitespace, a suffix
// without digits, unknown suffixes, and values that do not fit in uint64_t.
std::optional<uint64_t> ParseSize(std::string_view text);

// Formats bytes with the largest binary suffix that divides it exactly: 5242880 -> "5MiB",
// 1000 -> "1000". The output parses back with ParseSize to the same value.
std::string FormatSize(uint64_t bytes);

}  // namespace pluton::plugin_sdk

#endif  // PLUTON_PLUGINS_SDK_SIZE_H_
