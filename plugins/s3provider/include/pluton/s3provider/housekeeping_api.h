// The ABI 1.2 object housekeeping groups of an S3 provider plugin's table: listing
// (list_objects), deletion (delete_objects), incomplete multipart uploads
// (list_incomplete_uploads, abort_incomplete_upload) and bucket lifecycle rules
// (get_lifecycle, set_lifecycle), each with its *_destroy function from the SDK
// (pluton/sdk/housekeeping.h). Every function resolves the configuration like upload_begin,
// checks the request's fields (INVALID_ARGUMENT with one violation per wrong field) and
// sends the S3 requests over the plugin's shared transport, polling the host's cancel token.
//
// What the S3 requests are:
//   list_objects             ListObjectsV2 with prefix, delimiter, max-keys = max_entries,
//                            continuation-token = page_token, encoding-type=url; the next page
//                            token is S3's NextContinuationToken.
//   delete_objects           one key: DeleteObject; several: DeleteObjects (Quiet, 1..1000
//                            keys), whose per-key <Error>s become the result's failures with a
//                            code from S3's (AccessDenied PERMISSION_DENIED, InternalError /
//                            SlowDown UNAVAILABLE, KeyTooLongError INVALID_ARGUMENT, ...).
//                            Keys XML cannot carry (control characters) and every key of a
//                            service that answers DeleteObjects with 501 are deleted one by one
//                            with DeleteObject. A missing key is deleted, not a failure.
//   list_incomplete_uploads  ListMultipartUploads with prefix and max-uploads = max_entries;
//                            the page token (opaque to the host) carries the key and upload id
//                            markers. A token this plugin did not make: INVALID_ARGUMENT
//                            naming "page_token".
//   abort_incomplete_upload  AbortMultipartUpload; an upload that is already gone is success.
//   get_lifecycle            GetBucketLifecycleConfiguration; none (NoSuchLifecycleConfiguration)
//                            is an empty list. Prefixes are read from <Filter><Prefix>,
//                            <Filter><And><Prefix> and the older <Rule><Prefix>. A rule S3
//                            returns without an ID is named "rule-<position>" (1-based).
//   set_lifecycle            validated first (rules[i].id non-empty, at most 255 characters,
//                            unique, no control characters; rules[i].prefix at most 1024 bytes
//                            without control characters; at least one action per rule, named
//                            "rules[i]"; day counts at most 2147483647; at most 1000 rules),
//                            then the current rules are read (see below), then
//                            PutBucketLifecycleConfiguration with Content-MD5 replaces them, or
//                            DeleteBucketLifecycle when there are no rules.
//
// Lifecycle rules Pluton cannot express. pluton_lifecycle_rule holds an id, a prefix, enabled,
// expiry after N days and aborting incomplete uploads after N days. A bucket may have rules
// that do more (transitions to another storage class, tag or object-size filters, expiry on a
// date, noncurrent-version actions). Such rules are never dropped silently: get_lifecycle
// refuses with FAILED_PRECONDITION, reason "LIFECYCLE_RULES_UNSUPPORTED", a message naming
// each such rule's id and what it uses, and one violation per rule ("rules[2]": the index in
// the bucket's configuration). set_lifecycle refuses the same way before changing anything
// (replacing the rules would delete those), zero rules included. The fix, named in the
// message, is to change or remove those rules with the provider's own tools.
//
// Errors: S3 failures are classified (failure.h) and worded by the provider (Explain), with
// the S3 answer appended: a missing bucket is NOT_FOUND naming the bucket, AccessDenied is
// PERMISSION_DENIED naming the permission the token or key needs (R2: lifecycle rules need an
// Admin token), a 501 NotImplemented is UNIMPLEMENTED, cancellation CANCELLED. No message
// holds a secret.
//
// Thread safety: the table's functions may run concurrently on any thread (the ABI's rule).
#ifndef PLUTON_PLUGINS_S3PROVIDER_HOUSEKEEPING_API_H_
#define PLUTON_PLUGINS_S3PROVIDER_HOUSEKEEPING_API_H_

#include "pluton/s3provider/provider.h"
#include "pluton/storage_plugin.h"

namespace pluton::s3provider {

// Sets the housekeeping function pointers of `table` (every group above, whole).
// REQUIRES: `provider` has static lifetime and is the same on every call (one provider per
// shared object, as for PluginEntry).
void AddHousekeepingFunctions(const Provider& provider, pluton_plugin_api* table) noexcept;

}  // namespace pluton::s3provider

#endif  // PLUTON_PLUGINS_S3PROVIDER_HOUSEKEEPING_API_H_
