// Whether a gRPC listen address (--listen) can be reached from other machines. Without TLS and
// authentication the server refuses a remote-reachable address unless told otherwise
// (server/server_security.h).
//
// Thread safety: free function, no shared state.
#ifndef PLUTON_SERVICE_SERVER_LISTEN_ADDRESS_H_
#define PLUTON_SERVICE_SERVER_LISTEN_ADDRESS_H_

#include "absl/strings/string_view.h"

namespace pluton::storage {

// True when only this machine can connect to `address`, in gRPC's listen syntax: "host:port",
// "[ipv6]:port", a bare host, or a "unix:"/"unix-abstract:" socket. Local means an IPv4
// loopback address (127.0.0.0/8, also IPv4-mapped as ::ffff:127.x.y.z), ::1, "localhost"
// (any case), or a Unix socket. Everything else counts as remote, erring on the safe side:
// wildcards (0.0.0.0, [::], an empty host), other addresses, and any other host name (it may
// resolve to anything).
bool IsLocalOnlyListenAddress(absl::string_view address);

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_SERVER_LISTEN_ADDRESS_H_
