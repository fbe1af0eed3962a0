// Test Connection for an S3 provider (pluton_plugin_api.test_connection). Checks, in order,
// each recorded with its name, description, outcome, detail and latency:
//   list_buckets  (no bucket given) ListBuckets: the credentials are valid and may list
//                 buckets (on R2 only admin tokens may)
//   list_objects  (bucket given) ListObjectsV2 max-keys=1: the bucket exists and the
//                 credentials may read it (works for bucket-scoped tokens)
//   write_probe   (bucket given, not read_only) PutObject with Content-MD5 of a small object
//                 named kProbePrefix + random hex, with the configuration's storage class and
//                 encryption (so a setting the service refuses shows up here, not mid-backup)
//   delete_probe  (after write_probe passed) DeleteObject of that object
// The first failed check ends the test; the failure is classified (failure.h) and the
// provider's Explain gives the report's reason and message.
//
// Limits: the whole test ends within params->timeout_ms (0 means kDefaultTestTimeoutMs):
// every request is cancelled at the deadline and its own time limit is what remains, so it
// never hangs; running out of time is reported as a failed check with the provider's TIMEOUT
// explanation. Retries are few and short (3 attempts, backoff up to 500 ms) so a failing
// endpoint is reported as what it is, not as a timeout.
// Cancellation: params->cancel is polled during every request; when it fires the test stops
// and returns a PLUTON_CANCELLED error (no report).
//
// Thread safety: thread-safe; tests may run concurrently (probe names are random).
#ifndef PLUTON_PLUGINS_S3PROVIDER_TEST_CONNECTION_H_
#define PLUTON_PLUGINS_S3PROVIDER_TEST_CONNECTION_H_

#include <cstdint>

#include "pluton/s3provider/provider.h"
#include "pluton/storage_plugin.h"

namespace pluton::s3provider {

// Where write probes go: a reserved prefix no backup uses.
inline constexpr char kProbePrefix[] = ".pluton-connection-test/";
inline constexpr uint32_t kDefaultTestTimeoutMs = 60000;

// An error only for an invalid configuration or bucket name, cancellation, or a plugin that
// cannot create its transport; otherwise NULL and *out_report is set (success or not).
// `params` may be NULL (no bucket, writes allowed, default timeout, no cancel token).
pluton_error* RunTestConnection(const Provider& provider, const pluton_config* config,
                                const pluton_test_params* params, pluton_test_report** out_report);

}  // namespace pluton::s3provider

#endif  // PLUTON_PLUGINS_S3PROVIDER_TEST_CONNECTION_H_
