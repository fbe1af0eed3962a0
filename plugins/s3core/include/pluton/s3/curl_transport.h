// HttpTransport over libcurl (easy interface), with connection reuse.
//
//   absl::StatusOr<std::unique_ptr<CurlTransport>> transport = CurlTransport::Create({});
//   absl::StatusOr<HttpResponse> resp = (*transport)->Send(request, cancel_check);
//
// Connection reuse: a pool of idle easy handles; Send() takes the most recently returned one
// (LIFO, so a warm connection is reused first) or creates one, and gives it back afterwards.
// Each handle keeps its own live connections between requests. A share object (CURLSH)
// shares the DNS cache and TLS session cache among all handles. Live connections are
// deliberately not shared through CURLSH: libcurl documents sharing the connection cache
// between concurrently running threads as unsupported.
//
// Per request: HTTP/1.1, no redirects, the path sent as is (CURLOPT_PATH_AS_IS: S3 keys may
// contain "/../" or "//"), "Expect:" sent empty so libcurl never adds Expect: 100-continue
// (R2 rejects a signed Expect and the round trip is wasted), the body streamed from the
// request's spans by a read callback (no copy into one buffer; rewindable, so libcurl can
// resend it on a fresh connection), CURLOPT_NOSIGNAL, TCP keepalive, the three timeouts, and
// a progress callback that polls the CancelCheck.
//
// No server-side request forgery by name: before a connection's socket is opened, its
// resolved address is checked, and a link-local or cloud metadata address (169.254.0.0/16,
// fe80::/10, fd00:ec2::254, 0.0.0.0/8, ::, and their IPv4-mapped forms) is refused unless the
// URL's host is that very address written literally; when a name resolves to nothing else,
// the request fails with kAddressRefused (FAILED_PRECONDITION, never retried) naming the host
// and the address, and no packet is sent to it. Redirects are never followed, and
// environment proxies are ignored unless use_environment_proxy is set.
//
// Streams (Open): a pool of multi handles, each driving one easy handle, so a stream is
// pumped from the caller's own Read() calls with no thread of its own (curl_multi_perform,
// then curl_multi_poll for at most 100 ms so the CancelCheck is polled). The body is never
// buffered: libcurl's write callback copies into the caller's buffer and, when that is full,
// keeps at most the rest of that one callback chunk (CURL_MAX_WRITE_SIZE) and pauses the
// transfer (CURL_WRITEFUNC_PAUSE) until the next Read(). A stall is measured while a caller
// waits: no byte for request.stall_timeout is kTimeout. A multi handle whose transfer was
// read to the end keeps its connection for the next stream; one abandoned mid-body closes it.
//
// Thread safety: Send() and Open() may be called concurrently from any number of threads.
// Create() is thread-safe. The destructor requires that no Send() is running and no stream
// is alive.
#ifndef PLUTON_PLUGINS_S3CORE_CURL_TRANSPORT_H_
#define PLUTON_PLUGINS_S3CORE_CURL_TRANSPORT_H_

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "pluton/s3/http_transport.h"

namespace pluton::s3 {

struct CurlTransportOptions {
  // PEM CA bundle to verify servers with; empty: libcurl's default (the system store).
  std::string ca_bundle_path;
  // Verify the server certificate and host name. Turn off only in tests.
  bool verify_tls = true;
  // Use http_proxy / https_proxy / all_proxy / no_proxy from the environment (libcurl's
  // default). Off by default: a proxy resolves the endpoint's name itself, so the link-local
  // check (below) would see only the proxy's address.
  bool use_environment_proxy = false;
  // "HOST:PORT:ADDRESS" entries (libcurl's CURLOPT_RESOLVE): a request to HOST:PORT connects
  // to ADDRESS ("127.0.0.1", "[::1]") without asking DNS, e.g. to pin a name or to test name
  // handling without a DNS server. The link-local check applies to ADDRESS as to any resolved
  // address. A transport option only: no plugin config sets it.
  std::vector<std::string> pinned_addresses;
  // Sent as User-Agent (never signed).
  std::string user_agent = "pluton-s3core/1";
  // Idle handles kept for reuse; a handle returned to a full pool is closed.
  size_t max_idle_handles = 16;
  // TCP keepalive probes on every connection.
  absl::Duration tcp_keepalive_idle = absl::Seconds(60);
  absl::Duration tcp_keepalive_interval = absl::Seconds(20);
};

class CurlTransport final : public HttpTransport {
 public:
  // Initializes libcurl for the process once (thread-safe) and builds the share object.
  // Returns Internal if libcurl cannot be initialized.
  static absl::StatusOr<std::unique_ptr<CurlTransport>> Create(CurlTransportOptions options);

  ~CurlTransport() override;
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  // See HttpTransport::Send. Returns InvalidArgument (not a transport error) for a request
  // that breaks HttpRequest's preconditions (bad method, non-http(s) URL, CR/LF in a header,
  // Expect / Transfer-Encoding present, Content-Length different from the body size).
  absl::StatusOr<HttpResponse> Send(const HttpRequest& request,
                                    const CancelCheck& cancelled) override;

  // See HttpTransport::Open. Also InvalidArgument for a request with a body.
  absl::StatusOr<std::unique_ptr<HttpResponseStream>> Open(const HttpRequest& request,
                                                           const CancelCheck& cancelled) override;

  // Easy handles created so far (a reused handle is not counted again). For tests.
  size_t HandlesCreatedForTesting() const;

 private:
  struct Impl;
  explicit CurlTransport(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> impl_;
};

}  // namespace pluton::s3

#endif  // PLUTON_PLUGINS_S3CORE_CURL_TRANSPORT_H_
