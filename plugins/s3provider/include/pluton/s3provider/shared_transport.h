// The plugin's one HTTP transport: a CurlTransport created on first use and kept for the
// life of the shared object, so every upload and connection test of a plugin shares its
// connection pool, DNS cache and TLS session cache. Each plugin links its own copy of this
// library, so the r2 and s3 plugins each have their own.
//
// Thread safety: thread-safe; the first callers race to one creation under a mutex. The
// returned transport is thread-safe (CurlTransport) and lives until the plugin is unloaded;
// REQUIRES: no request is running at unload (the host ends every upload and closes every
// download before dlclose).
#ifndef PLUTON_PLUGINS_S3PROVIDER_SHARED_TRANSPORT_H_
#define PLUTON_PLUGINS_S3PROVIDER_SHARED_TRANSPORT_H_

#include "absl/status/statusor.h"
#include "pluton/s3/http_transport.h"
#include "pluton/s3provider/provider.h"

namespace pluton::s3provider {

// The transport, creating it on first call (User-Agent "pluton-<provider id>/<version>").
// Returns CurlTransport::Create's error when libcurl cannot be initialized; a later call
// tries again.
absl::StatusOr<s3::HttpTransport*> SharedTransport(const Provider& provider);

}  // namespace pluton::s3provider

#endif  // PLUTON_PLUGINS_S3PROVIDER_SHARED_TRANSPORT_H_
