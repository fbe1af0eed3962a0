// The r2 provider's configuration: its form (schema) and the checks and derivations only R2
// has (identifier formats, the endpoint from account id and jurisdiction, R2's encryption
// and storage classes).
//
// Fields (names are API: stored in users' configurations):
//   account_id             string, required: 32 lowercase hex
//   access_key_id          string, required: 32 characters
//   secret_access_key      string, required, secret: 64 lowercase hex
//   jurisdiction           enum default|eu|fedramp, default "default"
//   endpoint               string, advanced: http(s) URL overriding the derived endpoint
//   server_side_encryption enum AES256|SSE-C, advanced, default "AES256" (KMS is refused)
//   sse_customer_key       string, advanced, secret: base64 of 32 bytes, with SSE-C only
//   storage_class          enum STANDARD|STANDARD_IA, advanced, default STANDARD
//   chunk_size, upload_cutoff, upload_concurrency, disable_checksum: shared tuning fields
//
// Thread safety: Schema() is built once (thread-safe static) and immutable; Resolve is
// thread-safe.
#ifndef PLUTON_PLUGINS_R2_R2_CONFIG_H_
#define PLUTON_PLUGINS_R2_R2_CONFIG_H_

#include <string>

#include "pluton/s3provider/provider.h"
#include "pluton/sdk/config_schema.h"

namespace pluton::r2_provider {

// The endpoint of an account in a jurisdiction ("default", "eu", "fedramp"):
// https://<account>.r2.cloudflarestorage.com, https://<account>.eu.r2.cloudflarestorage.com...
std::string EndpointFor(const std::string& account_id, const std::string& jurisdiction);

// The form. Throws only on a schema bug or bad_alloc.
const plugin_sdk::ConfigSchema& Schema();

// R2's checks on a configuration the generic rules have seen; fills endpoint (region "auto",
// path-style), credentials and object options. See Provider::Resolve.
//   server_side_encryption: AES256 sends no header (R2 always encrypts with AES-256 and does
//     not implement x-amz-server-side-encryption); SSE-C sends the customer key (requires
//     sse_customer_key); "aws:kms"/"KMS"/... are refused with why and what to use instead.
//   storage_class: STANDARD sends no header; STANDARD_IA sends x-amz-storage-class.
void Resolve(s3provider::ConfigCheck& check, s3provider::ResolvedConfig* out);

}  // namespace pluton::r2_provider

#endif  // PLUTON_PLUGINS_R2_R2_CONFIG_H_
