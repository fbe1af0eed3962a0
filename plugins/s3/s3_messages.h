// The generic s3 provider's words for failures (Provider::Explain): the shared reason codes
// (failure.h; a name that does not resolve is ENDPOINT_NOT_FOUND) with messages in S3 terms
// (endpoint, region, access key, bucket policy).
//
// Thread safety: pure function, safe from any thread.
#ifndef PLUTON_PLUGINS_S3_S3_MESSAGES_H_
#define PLUTON_PLUGINS_S3_S3_MESSAGES_H_

#include "pluton/s3provider/failure.h"
#include "pluton/s3provider/provider.h"

namespace pluton::s3_provider {

s3provider::Explanation Explain(const s3provider::Failure& failure,
                                const s3provider::FailureContext& context);

}  // namespace pluton::s3_provider

#endif  // PLUTON_PLUGINS_S3_S3_MESSAGES_H_
