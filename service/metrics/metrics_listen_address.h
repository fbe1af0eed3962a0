// --metrics_listen in civetweb's "listening_ports" syntax. Debian's civetweb (bookworm 1.15)
// is built without IPv6, so "[::]:PORT" (the manifests' all-interfaces address) is served on
// IPv4's 0.0.0.0:PORT, and any other IPv6 address is refused rather than misread.
//
// Thread safety: free function, no shared state.
#ifndef PLUTON_SERVICE_METRICS_METRICS_LISTEN_ADDRESS_H_
#define PLUTON_SERVICE_METRICS_METRICS_LISTEN_ADDRESS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace pluton::storage {

// "HOST:PORT" (IPv4 address or localhost) unchanged; "[::]:PORT" as "0.0.0.0:PORT".
// INVALID_ARGUMENT naming --metrics_listen for an address without a port, with another IPv6
// host, or with a port that is not 0..65535.
absl::StatusOr<std::string> CivetwebListeningPort(absl::string_view address);

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_METRICS_METRICS_LISTEN_ADDRESS_H_
