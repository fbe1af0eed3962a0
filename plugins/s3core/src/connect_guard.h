// The transport's connect-time address check: an endpoint name that DNS (or a pinned address)
// turns into a link-local or cloud metadata address (ip_address.h) is not connected to.
//
// Why CURLOPT_OPENSOCKETFUNCTION: libcurl calls it with each resolved address it is about to
// try, before the socket exists, so a refused address gets no packet at all (not even a SYN),
// and the check sees exactly the address libcurl would connect to (no second resolution that
// DNS could answer differently). The later hooks run too late (CURLOPT_PREREQFUNCTION: after
// the TCP and TLS handshakes) or without the address (CURLOPT_SOCKOPTFUNCTION). A refused
// address makes libcurl try the name's next address; when none is left the transfer fails
// with CURLE_COULDNT_CONNECT, which Refusal() turns into a kAddressRefused error.
//
// The one exception: a URL whose host is itself that literal address (http://169.254.10.10/)
// may reach it. Such an endpoint override passed the host policy only because the operator
// listed that address in --allowed_endpoint, and a literal involves no name resolution that
// could be redirected.
//
// With a proxy, libcurl connects to the proxy and the proxy resolves the endpoint's name, so
// the check sees only the proxy's address; CurlTransport therefore ignores environment
// proxies unless told otherwise (CurlTransportOptions::use_environment_proxy).
//
// Thread safety: one guard per transfer; libcurl calls it on the thread driving the transfer.
#ifndef PLUTON_PLUGINS_S3CORE_SRC_CONNECT_GUARD_H_
#define PLUTON_PLUGINS_S3CORE_SRC_CONNECT_GUARD_H_

#include <curl/curl.h>
#include <sys/socket.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace pluton::s3::internal {

class ConnectGuard {
 public:
  // A guard that refuses every link-local and metadata address.
  ConnectGuard() = default;
  // A guard for a request to `url`: its host (for messages) and, when the host is an IP
  // literal, the one address it lets through even if link-local.
  explicit ConnectGuard(absl::string_view url);

  // Makes `curl` ask this guard before opening each connection's socket. REQUIRES: the guard
  // neither moves nor dies until the transfer ends (or the handle is reset).
  CURLcode Install(CURL* curl);

  // When the transfer failed with `code` because every address it tried was refused: a
  // kAddressRefused transport error "<what>: <host> resolved to <addresses>, a link-local or
  // cloud metadata address: ...". nullopt otherwise (no refusal, or a failure of its own).
  std::optional<absl::Status> Refusal(absl::string_view what, CURLcode code) const;

 private:
  static curl_socket_t OpenSocket(void* guard, curlsocktype purpose, curl_sockaddr* address);

  std::string host_;                         // the URL's host, for messages
  std::optional<sockaddr_storage> literal_;  // the host, when it is an IP literal
  std::vector<std::string> refused_;         // addresses refused so far, as text, distinct
  bool allowed_any_ = false;                 // a socket was opened for some address
};

}  // namespace pluton::s3::internal

#endif  // PLUTON_PLUGINS_S3CORE_SRC_CONNECT_GUARD_H_
