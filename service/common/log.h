// A minimal leveled logger writing one line per event to stderr, as text (the default):
//   2026-11-27T02:10:00.123Z INFO  [upload] stored bucket=b key=k bytes=5
// or as one JSON object per line (SetLogFormat(kJson), for log collectors):
//   {"time":"2026-11-27T02:10:00.123Z","level":"info","component":"upload","message":"stored ..."}
// Messages must never contain secrets: callers log field names, never their values.
//
// Thread safety: Log may be called from any thread; lines are written whole.
#ifndef PLUTON_SERVICE_COMMON_LOG_H_
#define PLUTON_SERVICE_COMMON_LOG_H_

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace pluton::storage {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };

// Lines below this level are dropped. Default kInfo.
void SetMinLogLevel(LogLevel level);

enum class LogFormat { kText, kJson };
// How lines are written from now on. Default kText.
void SetLogFormat(LogFormat format);

void Log(LogLevel level, absl::string_view component, absl::string_view message);

template <typename... Args>
void LogInfo(absl::string_view component, const Args&... args) {
  Log(LogLevel::kInfo, component, absl::StrCat(args...));
}
template <typename... Args>
void LogWarning(absl::string_view component, const Args&... args) {
  Log(LogLevel::kWarning, component, absl::StrCat(args...));
}
template <typename... Args>
void LogError(absl::string_view component, const Args&... args) {
  Log(LogLevel::kError, component, absl::StrCat(args...));
}

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_COMMON_LOG_H_
