// RETURN_IF_ERROR / ASSIGN_OR_RETURN for pluton_s3core's sources (absl 20220623 has none).
// Internal: not installed, prefixed so they never clash with another component's macros.
#ifndef PLUTON_PLUGINS_S3CORE_SRC_STATUS_MACROS_H_
#define PLUTON_PLUGINS_S3CORE_SRC_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define S3_STATUS_CONCAT_INNER_(a, b) a##b
#define S3_STATUS_CONCAT_(a, b) S3_STATUS_CONCAT_INNER_(a, b)

// Returns the status of `expr` from the enclosing function unless it is OK.
#define S3_RETURN_IF_ERROR(expr)                     \
  do {                                               \
    ::absl::Status s3_status_macro_status_ = (expr); \
    if (!s3_status_macro_status_.ok()) {             \
      return s3_status_macro_status_;                \
    }                                                \
  } while (false)

// `lhs = std::move(*rexpr)` if `rexpr` (a StatusOr) is OK, else returns its status.
#define S3_ASSIGN_OR_RETURN(lhs, rexpr) \
  S3_ASSIGN_OR_RETURN_IMPL_(S3_STATUS_CONCAT_(s3_statusor_, __LINE__), lhs, rexpr)
#define S3_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr)    \
  auto statusor = (rexpr);                                 \
  if (!statusor.ok()) return std::move(statusor).status(); \
  lhs = std::move(statusor).value()

#endif  // PLUTON_PLUGINS_S3CORE_SRC_STATUS_MACROS_H_
