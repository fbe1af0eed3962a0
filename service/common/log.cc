#include "common/log.h"

#include <atomic>
#include <cstdio>
#include <string>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"

namespace pluton::storage {
namespace {

std::atomic<int> min_level{static_cast<int>(LogLevel::kInfo)};
std::atomic<LogFormat> format{LogFormat::kText};

const char* LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "DEBUG";
    case LogLevel::kInfo:
      return "INFO ";
    case LogLevel::kWarning:
      return "WARN ";
    case LogLevel::kError:
      return "ERROR";
  }
  return "?    ";
}

const char* JsonLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarning:
      return "warning";
    case LogLevel::kError:
      return "error";
  }
  return "unknown";
}

}  // namespace

void SetLogFormat(LogFormat new_format) { format.store(new_format); }

void SetMinLogLevel(LogLevel level) { min_level.store(static_cast<int>(level)); }

void Log(LogLevel level, absl::string_view component, absl::string_view message) {
  if (static_cast<int>(level) < min_level.load(std::memory_order_relaxed)) return;
  const std::string time =
      absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone());
  std::string line;
  if (format.load(std::memory_order_relaxed) == LogFormat::kJson) {
    const nlohmann::json object = {{"time", time},
                                   {"level", JsonLevelName(level)},
                                   {"component", std::string(component)},
                                   {"message", std::string(message)}};
    // Invalid UTF-8 (a key name, a provider's message) is replaced, never thrown on.
    line = object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  } else {
    line = absl::StrCat(time, " ", LevelName(level), " [", component, "] ", message, "\n");
  }
  // One fwrite per line: stdio locks the stream, so concurrent lines do not interleave.
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace pluton::storage
