// Internal to pluton_s3provider: set_lifecycle's checks of the rules the host hands over,
// before anything is sent. Every problem is reported, one violation per field:
//   "rules"                         more than 1000 rules
//   "rules[i].id"                   empty, over 255 characters, a control character, or the
//                                   id of an earlier rule
//   "rules[i].prefix"               over 1024 bytes (S3's longest key) or a control character
//   "rules[i]"                      no action (neither expire_after_days nor
//                                   abort_incomplete_after_days)
//   "rules[i].expire_after_days",
//   "rules[i].abort_incomplete_after_days"   above 2147483647 (S3's day counts are int32)
// 0 days means "no such action", so a day count that is set is always >= 1.
//
// Thread safety: pure function.
#ifndef PLUTON_PLUGINS_S3PROVIDER_SRC_LIFECYCLE_CHECKS_H_
#define PLUTON_PLUGINS_S3PROVIDER_SRC_LIFECYCLE_CHECKS_H_

#include <vector>

#include "pluton/sdk/errors.h"
#include "pluton/sdk/housekeeping.h"

namespace pluton::s3provider {

inline constexpr size_t kMaxLifecycleRules = 1000;
inline constexpr size_t kMaxLifecycleIdLength = 255;
inline constexpr size_t kMaxLifecyclePrefixBytes = 1024;

std::vector<plugin_sdk::Violation> CheckLifecycleRules(
    const std::vector<plugin_sdk::LifecycleRule>& rules);

}  // namespace pluton::s3provider

#endif  // PLUTON_PLUGINS_S3PROVIDER_SRC_LIFECYCLE_CHECKS_H_
