// What CurlTransport's two ways of exchanging a request (Send: one easy handle performed to
// the end; Open: a streamed response driven through a multi handle) share: request checks,
// the header list, the options every exchange sets (the connect-time address check among
// them), header line parsing and the mapping of libcurl's result codes to transport errors.
//
// Thread safety: pure functions, except that SetCommonOptions writes to the given handle
// (which the caller must own exclusively).
#ifndef PLUTON_PLUGINS_S3CORE_SRC_CURL_SETUP_H_
#define PLUTON_PLUGINS_S3CORE_SRC_CURL_SETUP_H_

#include <curl/curl.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "connect_guard.h"
#include "pluton/s3/curl_transport.h"
#include "pluton/s3/http_transport.h"

namespace pluton::s3::internal {

// The URL without its query (which may hold upload ids), for messages.
absl::string_view UrlForMessage(absl::string_view url);

// InvalidArgument when `request` breaks HttpRequest's preconditions (bad method, non-http(s)
// URL, CR/LF in a header, Expect / Transfer-Encoding present, a wrong Content-Length).
absl::Status CheckRequest(const HttpRequest& request);

// The kind of failure a libcurl result code stands for.
TransportErrorKind KindOf(CURLcode code);

// curl_slist owner.
struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

// What the common options of one exchange point into. The caller owns it and keeps it in
// place (no move) until the transfer ends or the handle is reset.
struct ExchangeResources {
  // The request's headers as libcurl wants them, plus an empty "Expect:" that stops libcurl
  // from adding Expect: 100-continue.
  Slist headers;
  // CurlTransportOptions::pinned_addresses (CURLOPT_RESOLVE); null when there are none.
  Slist pinned_addresses;
  // The connect-time address check for the request's URL.
  ConnectGuard guard;
};

// Fills `out` for `request`. False when out of memory.
bool PrepareExchange(const CurlTransportOptions& options, const HttpRequest& request,
                     ExchangeResources* out);

// Sets on `curl` what every exchange shares: URL, http/https only, HTTP/1.1, no redirects,
// the path as is, no signals, TCP keepalive, User-Agent, TLS verification and CA bundle,
// proxy choice (none unless options.use_environment_proxy), connect and total timeouts, the
// headers, pinned addresses and connect guard of `resources`, and the error buffer
// (CURL_ERROR_SIZE bytes, must outlive the handle's use). Returns the first refusal, or
// CURLE_OK. Stall detection, callbacks and the method are the caller's.
CURLcode SetCommonOptions(CURL* curl, const CurlTransportOptions& options,
                          const HttpRequest& request, ExchangeResources* resources,
                          char* error_buffer);

// The error for an exchange that libcurl ended with `code`: the connect guard's refusal when
// it refused every address, else CurlError(kind, ...) (`kind` being the caller's reading of
// `code`, e.g. kCancelled after its CancelCheck fired).
absl::Status ExchangeError(const ExchangeResources& resources, TransportErrorKind kind,
                           absl::string_view what, CURLcode code, absl::string_view detail);

// Folds one received header line (CR/LF included, as libcurl passes it) into `headers`: a
// status line ("HTTP/1.1 200 OK") starts a new response and clears them and returns its
// status code through *status_line_code (else it is left alone); an indented line continues
// the previous value; "name: value" is appended with the name lowercased and the value
// trimmed. Returns true when `line` is the empty line that ends a header block.
bool AddHeaderLine(absl::string_view line, HeaderList* headers, int* status_line_code);

// `duration` for libcurl: milliseconds (at least 1), and whole seconds rounded up (at least 1).
long ToMillis(absl::Duration duration);       // NOLINT(runtime/int): libcurl takes long
long ToSecondsCeil(absl::Duration duration);  // NOLINT(runtime/int)

// A transport error for a failed libcurl exchange: "<what>: <curl's text> (<detail>)".
absl::Status CurlError(TransportErrorKind kind, absl::string_view what, CURLcode code,
                       absl::string_view detail);

}  // namespace pluton::s3::internal

#endif  // PLUTON_PLUGINS_S3CORE_SRC_CURL_SETUP_H_
