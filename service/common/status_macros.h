// RETURN_IF_ERROR and ASSIGN_OR_RETURN for absl::Status / absl::StatusOr, which the Abseil
// release on Debian bookworm (20220623) does not ship.
//
//   absl::StatusOr<Config> Load(const std::string& path) {
//     RETURN_IF_ERROR(CheckReadable(path));
//     ASSIGN_OR_RETURN(std::string text, ReadFile(path));
//     return Parse(text);
//   }
#ifndef PLUTON_SERVICE_COMMON_STATUS_MACROS_H_
#define PLUTON_SERVICE_COMMON_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define PLUTON_STATUS_CONCAT_INNER_(a, b) a##b
#define PLUTON_STATUS_CONCAT_(a, b) PLUTON_STATUS_CONCAT_INNER_(a, b)

// Evaluates `expr` (an absl::Status) and returns it from the current function if not OK.
#define RETURN_IF_ERROR(expr)                        \
  do {                                               \
    ::absl::Status pluton_status_ = (expr);          \
    if (!pluton_status_.ok()) return pluton_status_; \
  } while (false)

// Evaluates `rexpr` (an absl::StatusOr<T>); returns its status if not OK, else moves the
// value into `lhs` (a declaration or an existing variable).
#define ASSIGN_OR_RETURN(lhs, rexpr) \
  PLUTON_ASSIGN_OR_RETURN_IMPL_(PLUTON_STATUS_CONCAT_(pluton_statusor_, __LINE__), lhs, rexpr)

#define PLUTON_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                                  \
  if (!statusor.ok()) return statusor.status();             \
  lhs = std::move(statusor).value()

#endif  // PLUTON_SERVICE_COMMON_STATUS_MACROS_H_
