// The local provider's connection test. Checks, in order, each recorded with its latency:
//   root_directory    config.root exists and is a directory
//   bucket_directory  (when params->bucket is not "") the bucket directory exists, or will be
//                     created on first upload (create_buckets)
//   write_probe       (unless params->read_only) a small file can be created, written, flushed
//                     and removed under <root>/.pluton-partial/
// The first failed check ends the test. params->timeout_ms is checked between checks (local
// checks are fast; a hung filesystem call cannot be interrupted).
//
// Thread safety: thread-safe; tests may run concurrently (probe files have random names).
#ifndef PLUTON_PLUGINS_LOCAL_LOCAL_TEST_CONNECTION_H_
#define PLUTON_PLUGINS_LOCAL_LOCAL_TEST_CONNECTION_H_

#include "pluton/storage_plugin.h"

namespace pluton::local_provider {

// An error only for an invalid config or bucket name, or cancellation; otherwise NULL and
// *out_report is set (success or not). `params` may be NULL (defaults: no bucket, writes
// allowed, no timeout).
pluton_error* TestConnection(const pluton_config* config, const pluton_test_params* params,
                             pluton_test_report** out_report);

}  // namespace pluton::local_provider

#endif  // PLUTON_PLUGINS_LOCAL_LOCAL_TEST_CONNECTION_H_
