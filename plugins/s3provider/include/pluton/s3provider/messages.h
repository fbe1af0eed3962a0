// Pieces of the failure messages (Provider::Explain) that both S3 plugins word the same way
// but for the service's name. `service` is how a message names the service at the start of a
// sentence or after "to": "R2", "the S3 service".
//
// Thread safety: pure functions, safe from any thread.
#ifndef PLUTON_PLUGINS_S3PROVIDER_MESSAGES_H_
#define PLUTON_PLUGINS_S3PROVIDER_MESSAGES_H_

#include <string>
#include <string_view>

#include "pluton/s3provider/failure.h"
#include "pluton/s3provider/provider.h"

namespace pluton::s3provider {

// True for the object housekeeping operations (listing, deletion, incomplete uploads,
// lifecycle rules), whose failures are worded as requests of a feature rather than of an
// upload's settings.
bool IsHousekeeping(Operation operation);

// `bucket "name"`, the context's bucket as messages name it.
std::string BucketOf(const FailureContext& context);

// What the failed request was doing, for "while ..." clauses: "listing buckets",
// "reading bucket \"b\"", ...; "talking to <service>" for an unknown operation.
std::string Doing(const FailureContext& context, std::string_view service);

// kTimeout: with a connection test's limit (context.timeout_ms > 0) "<service> did not answer
// within the test's N ms while ... (<endpoint>): <advice>, then try again"; otherwise "did not
// answer in time", with advice to check the network connection.
std::string TimeoutMessage(const FailureContext& context, std::string_view service,
                           std::string_view advice);

// The message for the kinds both plugins word alike but for the service's name: kCancelled,
// kClockSkew (the clock is off by more than 15 minutes), kNotImplemented (points at the
// advanced settings; for housekeeping operations says the service lacks the feature), kBadDigest
// (Content-MD5 mismatch) and kRejected (with S3's code when there is one), kNoSuchKey ("object
// \"key\" not found in bucket \"b\""), kObjectChanged (replaced during a download) and
// kAddressRefused (the endpoint resolves to a link-local or metadata address: the transport's
// detail, and how to fix the name or allow the address literally). Any other
// kind: failure.detail. A plugin's Explain words the kinds it words itself and hands every other
// kind to this.
std::string CommonMessage(const Failure& failure, const FailureContext& context,
                          std::string_view service);

}  // namespace pluton::s3provider

#endif  // PLUTON_PLUGINS_S3PROVIDER_MESSAGES_H_
