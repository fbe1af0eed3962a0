// The r2 provider's words for failures (Provider::Explain): R2's reason codes and messages
// that name the fix in Cloudflare's terms (Account ID, API tokens, jurisdictions).
//
// Reasons: INVALID_ACCOUNT_ID (the derived endpoint does not resolve; with an endpoint
// override ENDPOINT_NOT_FOUND), ACCESS_DENIED, SIGNATURE_MISMATCH, INVALID_ACCESS_KEY_ID,
// NO_SUCH_BUCKET, CLOCK_SKEW, R2_NOT_ENABLED, UNAUTHORIZED, ENDPOINT_UNREACHABLE, TLS_ERROR,
// TIMEOUT, and the shared defaults (failure.h) for the rest.
//
// A Zone ID looks exactly like an Account ID (r2_identifiers.h), so every message for a
// failure a wrong account would also cause says "Account ID (not a Zone ID)".
//
// Thread safety: pure function, safe from any thread.
#ifndef PLUTON_PLUGINS_R2_R2_MESSAGES_H_
#define PLUTON_PLUGINS_R2_R2_MESSAGES_H_

#include "pluton/s3provider/failure.h"
#include "pluton/s3provider/provider.h"

namespace pluton::r2_provider {

s3provider::Explanation Explain(const s3provider::Failure& failure,
                                const s3provider::FailureContext& context);

}  // namespace pluton::r2_provider

#endif  // PLUTON_PLUGINS_R2_R2_MESSAGES_H_
