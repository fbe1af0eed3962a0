// The seam between S3 logic and the network: one abstract HttpTransport that sends a request
// and returns the whole response. CurlTransport implements it; FaultInjectingTransport wraps
// another one for tests; an S3 client only ever sees this interface.
//
//   HttpRequest req;
//   req.method = "PUT";
//   req.url = "https://acct.r2.cloudflarestorage.com/bucket/key";
//   req.headers = signed_headers;
//   req.body = {header_span, payload_span};          // sent back to back, not copied
//   absl::StatusOr<HttpResponse> resp = transport->Send(req, [&] { return stop.load(); });
//   if (!resp.ok()) {
//     switch (GetTransportErrorKind(resp.status()).value_or(TransportErrorKind::kOther)) {
//       case TransportErrorKind::kDnsFailure: ...   // e.g. a wrong R2 account id
//     }
//   }
//
// Any HTTP status (404, 503, ...) is a successful Send: only failures to exchange a request
// and a response are errors. Those carry a TransportErrorKind in the status payload.
#ifndef PLUTON_PLUGINS_S3CORE_HTTP_TRANSPORT_H_
#define PLUTON_PLUGINS_S3CORE_HTTP_TRANSPORT_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "pluton/s3/http_headers.h"

namespace pluton::s3 {

// A request. The transport reads it only during Send().
struct HttpRequest {
  // "GET", "HEAD", "PUT", "POST", "DELETE", ...
  std::string method;
  // Absolute http(s) URL, already encoded (path and query exactly as signed).
  std::string url;
  // Headers to send in this order. Must not hold Expect or Transfer-Encoding (the transport
  // owns framing: it sends a Content-Length for the body and suppresses Expect); a
  // Content-Length, if present, must equal BodySize().
  HeaderList headers;
  // The body as a scatter list, sent back to back without copying into one buffer. The bytes
  // belong to the caller and must stay valid and unchanged until Send() returns (a transport
  // may read them more than once, e.g. to resend on a fresh connection).
  std::vector<absl::Span<const uint8_t>> body;
  // Limit for the whole exchange; InfiniteDuration() for none.
  absl::Duration timeout = absl::InfiniteDuration();
  // Limit for DNS resolution plus TCP and TLS connection setup.
  absl::Duration connect_timeout = absl::Seconds(30);
  // Fail with kTimeout when less than one byte moved in either direction for this long;
  // InfiniteDuration() for no limit. Unlike `timeout`, it does not cap large transfers.
  absl::Duration stall_timeout = absl::Minutes(2);

  // Sum of the body span sizes.
  uint64_t BodySize() const;
};

// A complete response.
struct HttpResponse {
  int status = 0;
  // Header names lowercased; values with surrounding whitespace trimmed; wire order.
  HeaderList headers;
  std::string body;
};

// Why a request could not be exchanged. Stable: callers switch on it to explain failures.
enum class TransportErrorKind {
  kDnsFailure,       // the host name does not resolve (wrong endpoint or account id)
  kConnectFailed,    // TCP connect refused or unreachable
  kTlsFailure,       // TLS handshake or certificate verification failed
  kTimeout,          // connect, stall or total timeout expired
  kConnectionReset,  // the connection broke mid-exchange (reset, EOF, send/recv error)
  kCancelled,        // the CancelCheck returned true
  kOther,            // anything else (bad URL, unsupported protocol, out of memory, ...)
};

// "DNS_FAILURE", "CONNECT_FAILED", "TLS_FAILURE", "TIMEOUT", "CONNECTION_RESET", "CANCELLED",
// "OTHER".
absl::string_view TransportErrorKindName(TransportErrorKind kind);

// A status for a transport failure: the code follows the kind (kCancelled -> CANCELLED,
// kTimeout -> DEADLINE_EXCEEDED, kOther -> UNKNOWN, the rest -> UNAVAILABLE), the message is
// `message`, and the kind travels in a payload read by GetTransportErrorKind.
absl::Status TransportError(TransportErrorKind kind, absl::string_view message);

// The kind carried by `status`, or nullopt if it is not a transport error.
std::optional<TransportErrorKind> GetTransportErrorKind(const absl::Status& status);

// Polled during Send(); returning true aborts the exchange with kCancelled. Called on the
// thread running Send(), possibly many times per second: it must be cheap and must not
// block. An empty function means "never cancelled".
using CancelCheck = std::function<bool()>;

// Sends HTTP requests.
//
// Thread safety: implementations must allow concurrent Send() calls from any number of
// threads on one instance. The destructor requires that no Send() is running.
class HttpTransport {
 public:
  virtual ~HttpTransport() = default;

  // Sends `request` and returns the response (any status), or a TransportError() status.
  // Never follows redirects. Returns kCancelled promptly (within about a second) once
  // `cancelled` returns true.
  virtual absl::StatusOr<HttpResponse> Send(const HttpRequest& request,
                                            const CancelCheck& cancelled) = 0;
};

}  // namespace pluton::s3

#endif  // PLUTON_PLUGINS_S3CORE_HTTP_TRANSPORT_H_
