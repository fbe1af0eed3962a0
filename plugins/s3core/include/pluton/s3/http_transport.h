// The seam between S3 logic and the network: one abstract HttpTransport that sends a request
// and returns the whole response (Send), or opens it as a stream whose body the caller pulls
// (Open). CurlTransport implements it; FaultInjectingTransport wraps another one for tests;
// an S3 client only ever sees this interface.
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
//
// Streaming a large body (an object download) without holding it in memory:
//
//   absl::StatusOr<std::unique_ptr<HttpResponseStream>> stream = transport->Open(req, cancel);
//   if (stream.ok() && (*stream)->response().status == 206) {
//     for (;;) {
//       absl::StatusOr<size_t> n = (*stream)->Read(buffer, sizeof(buffer), cancel);
//       if (!n.ok()) ...;          // a transport error mid-body (e.g. kConnectionReset)
//       if (*n == 0) break;        // the end of the body
//     }
//   }
#ifndef PLUTON_PLUGINS_S3CORE_HTTP_TRANSPORT_H_
#define PLUTON_PLUGINS_S3CORE_HTTP_TRANSPORT_H_

#include <cstdint>
#include <functional>
#include <memory>
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
  kAddressRefused,   // the host resolved only to link-local / cloud metadata addresses, which
                     // the transport refuses to connect to (not transient: never retried)
  kOther,            // anything else (bad URL, unsupported protocol, out of memory, ...)
};

// "DNS_FAILURE", "CONNECT_FAILED", "TLS_FAILURE", "TIMEOUT", "CONNECTION_RESET", "CANCELLED",
// "ADDRESS_REFUSED", "OTHER".
absl::string_view TransportErrorKindName(TransportErrorKind kind);

// A status for a transport failure: the code follows the kind (kCancelled -> CANCELLED,
// kTimeout -> DEADLINE_EXCEEDED, kAddressRefused -> FAILED_PRECONDITION, kOther -> UNKNOWN,
// the rest -> UNAVAILABLE), the message is
// `message`, and the kind travels in a payload read by GetTransportErrorKind.
absl::Status TransportError(TransportErrorKind kind, absl::string_view message);

// The kind carried by `status`, or nullopt if it is not a transport error.
std::optional<TransportErrorKind> GetTransportErrorKind(const absl::Status& status);

// Polled during Send(); returning true aborts the exchange with kCancelled. Called on the
// thread running Send(), possibly many times per second: it must be cheap and must not
// block. An empty function means "never cancelled".
using CancelCheck = std::function<bool()>;

// A response whose body is pulled by the caller, from HttpTransport::Open.
//
// Ownership: owns its connection (or buffer); destroying it mid-body abandons the rest of the
// body (the connection is closed, not reused).
// Thread safety: one thread at a time (calls may come from different threads in turn). The
// transport that opened it must outlive it.
class HttpResponseStream {
 public:
  virtual ~HttpResponseStream() = default;

  // The final response's status and headers (as in HttpResponse). For a non-2xx status the
  // body is here too, read whole by Open (error documents are small) and Read returns 0; for
  // a 2xx status the body here is empty and comes through Read.
  virtual const HttpResponse& response() const = 0;

  // Copies the next body bytes (at least 1, at most `capacity` > 0) into `buffer`, waiting
  // for them while polling `cancelled`; returns 0 at the end of the body. A failure is a
  // TransportError() status (kConnectionReset for a connection broken mid-body, kTimeout when
  // no byte arrived for the request's stall_timeout, kCancelled); the stream is then dead.
  virtual absl::StatusOr<size_t> Read(uint8_t* buffer, size_t capacity,
                                      const CancelCheck& cancelled) = 0;
};

// A stream over a response already in memory: `response` without its body as the head and,
// for a 2xx status, the body served by Read (a non-2xx body stays in response()).
std::unique_ptr<HttpResponseStream> MakeBufferedResponseStream(HttpResponse response);

// Sends HTTP requests.
//
// Thread safety: implementations must allow concurrent Send() and Open() calls from any
// number of threads on one instance. The destructor requires that no Send() is running and
// no stream opened by Open() is still alive.
class HttpTransport {
 public:
  virtual ~HttpTransport() = default;

  // Sends `request` and returns the response (any status), or a TransportError() status.
  // Never follows redirects. Returns kCancelled promptly (within about a second) once
  // `cancelled` returns true.
  virtual absl::StatusOr<HttpResponse> Send(const HttpRequest& request,
                                            const CancelCheck& cancelled) = 0;

  // Sends `request` (which must have no body: GET, HEAD, DELETE) and returns once the final
  // response's status and headers arrived, leaving a 2xx body to be pulled through the
  // stream. Errors as for Send. `request.timeout` bounds the whole exchange, body included,
  // so a caller streaming a large body passes InfiniteDuration() and relies on
  // stall_timeout. The default implementation buffers the whole response through Send();
  // transports meant for large bodies override it.
  virtual absl::StatusOr<std::unique_ptr<HttpResponseStream>> Open(const HttpRequest& request,
                                                                   const CancelCheck& cancelled);
};

}  // namespace pluton::s3

#endif  // PLUTON_PLUGINS_S3CORE_HTTP_TRANSPORT_H_
