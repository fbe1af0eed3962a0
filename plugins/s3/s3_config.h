// The generic s3 provider's configuration (AWS S3, MinIO, Wasabi and other S3-compatible
// services): its form (schema) and its checks and derivations.
//
// Fields (names are API: stored in users' configurations):
//   endpoint               string: http(s) URL; empty = AWS S3 in `region`
//   region                 string, default "us-east-1": the SigV4 signing region
//   path_style             bool, default true: https://host/bucket (true) or
//                          https://bucket.host (false)
//   access_key_id          string, required
//   secret_access_key      string, required, secret
//   server_side_encryption enum none|AES256|aws:kms|SSE-C, advanced, default "none"
//   sse_kms_key_id         string, advanced: with aws:kms only (empty: the account's default
//                          aws/s3 key)
//   sse_customer_key       string, advanced, secret: base64 of 32 bytes, with SSE-C only
//   storage_class          string, advanced: sent as is when set (STANDARD_IA, GLACIER_IR...)
//   chunk_size, upload_cutoff, upload_concurrency, disable_checksum: shared tuning fields
//
// Thread safety: Schema() is built once (thread-safe static) and immutable; Resolve is
// thread-safe.
#ifndef PLUTON_PLUGINS_S3_S3_CONFIG_H_
#define PLUTON_PLUGINS_S3_S3_CONFIG_H_

#include <string>

#include "pluton/s3provider/provider.h"
#include "pluton/sdk/config_schema.h"

namespace pluton::s3_provider {

// AWS S3's endpoint for a region: https://s3.<region>.amazonaws.com.
std::string AwsEndpointFor(const std::string& region);

// The form. Throws only on a schema bug or bad_alloc.
const plugin_sdk::ConfigSchema& Schema();

// The s3 provider's checks on a configuration the generic rules have seen; fills endpoint,
// credentials and object options. See Provider::Resolve.
void Resolve(s3provider::ConfigCheck& check, s3provider::ResolvedConfig* out);

}  // namespace pluton::s3_provider

#endif  // PLUTON_PLUGINS_S3_S3_CONFIG_H_
