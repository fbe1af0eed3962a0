#include "curl_setup.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace pluton::s3::internal {
namespace {

bool Append(Slist& list, const std::string& line) {
  curl_slist* next = curl_slist_append(list.get(), line.c_str());
  if (next == nullptr) return false;
  list.release();
  list.reset(next);
  return true;
}

}  // namespace

absl::string_view UrlForMessage(absl::string_view url) { return url.substr(0, url.find('?')); }

absl::Status CheckRequest(const HttpRequest& request) {
  if (!IsValidHeaderName(request.method)) {
    return absl::InvalidArgumentError(
        absl::StrCat("HTTP: invalid method \"", absl::CEscape(request.method), "\""));
  }
  const std::string lower_url = absl::AsciiStrToLower(
      absl::string_view(request.url).substr(0, std::min<size_t>(request.url.size(), 8)));
  if (!absl::StartsWith(lower_url, "http://") && !absl::StartsWith(lower_url, "https://")) {
    return absl::InvalidArgumentError(absl::StrCat("HTTP: the URL must be http(s)://, got \"",
                                                   absl::CEscape(UrlForMessage(request.url)),
                                                   "\""));
  }
  if (!IsValidHeaderValue(request.url) || request.url.find(' ') != std::string::npos) {
    return absl::InvalidArgumentError("HTTP: the URL holds spaces, CR, LF or NUL");
  }
  for (const auto& [name, value] : request.headers) {
    if (!IsValidHeaderName(name) || !IsValidHeaderValue(value)) {
      return absl::InvalidArgumentError(
          absl::StrCat("HTTP: invalid header \"", absl::CEscape(name), "\""));
    }
    if (absl::EqualsIgnoreCase(name, "expect") ||
        absl::EqualsIgnoreCase(name, "transfer-encoding")) {
      return absl::InvalidArgumentError(
          absl::StrCat("HTTP: header ", name, " is managed by the transport; do not pass it"));
    }
    if (absl::EqualsIgnoreCase(name, "content-length") &&
        value != absl::StrCat(request.BodySize())) {
      return absl::InvalidArgumentError(absl::StrCat(
          "HTTP: Content-Length ", value, " differs from the body size ", request.BodySize()));
    }
  }
  return absl::OkStatus();
}

TransportErrorKind KindOf(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return TransportErrorKind::kDnsFailure;
    case CURLE_COULDNT_CONNECT:
      return TransportErrorKind::kConnectFailed;
    case CURLE_OPERATION_TIMEDOUT:
      return TransportErrorKind::kTimeout;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_USE_SSL_FAILED:
      return TransportErrorKind::kTlsFailure;
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return TransportErrorKind::kConnectionReset;
    case CURLE_ABORTED_BY_CALLBACK:
      return TransportErrorKind::kCancelled;
    default:
      return TransportErrorKind::kOther;
  }
}

bool PrepareExchange(const CurlTransportOptions& options, const HttpRequest& request,
                     ExchangeResources* out) {
  Slist headers;
  for (const auto& [name, value] : request.headers) {
    // "Name;" is libcurl's way to send a header with an empty value ("Name:" removes it).
    const std::string line =
        value.empty() ? absl::StrCat(name, ";") : absl::StrCat(name, ": ", value);
    if (!Append(headers, line)) return false;
  }
  if (!Append(headers, "Expect:")) return false;  // suppress Expect: 100-continue
  Slist pinned;
  for (const std::string& entry : options.pinned_addresses) {
    if (!Append(pinned, entry)) return false;
  }
  out->headers = std::move(headers);
  out->pinned_addresses = std::move(pinned);
  out->guard = ConnectGuard(request.url);
  return true;
}

long ToMillis(absl::Duration d) {  // NOLINT(runtime/int): libcurl takes long
  return static_cast<long>(std::max<int64_t>(1, absl::ToInt64Milliseconds(d)));  // NOLINT
}

long ToSecondsCeil(absl::Duration d) {  // NOLINT(runtime/int)
  return static_cast<long>(
      std::max<int64_t>(1, absl::ToInt64Seconds(absl::Ceil(d, absl::Seconds(1)))));  // NOLINT
}

CURLcode SetCommonOptions(CURL* curl, const CurlTransportOptions& options,
                          const HttpRequest& request, ExchangeResources* resources,
                          char* error_buffer) {
  CURLcode rc = CURLE_OK;
  auto set = [&rc](CURLcode r) {
    if (rc == CURLE_OK) rc = r;
  };
  set(curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer));
  set(curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str()));
  set(curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https"));
  set(curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L));
  set(curl_easy_setopt(curl, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1)));
  set(curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L));
  set(curl_easy_setopt(curl, CURLOPT_PATH_AS_IS, 1L));
  set(curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L));
  set(curl_easy_setopt(curl, CURLOPT_TCP_KEEPIDLE, ToSecondsCeil(options.tcp_keepalive_idle)));
  set(curl_easy_setopt(curl, CURLOPT_TCP_KEEPINTVL, ToSecondsCeil(options.tcp_keepalive_interval)));
  set(curl_easy_setopt(curl, CURLOPT_USERAGENT, options.user_agent.c_str()));
  set(curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, options.verify_tls ? 1L : 0L));
  set(curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, options.verify_tls ? 2L : 0L));
  if (!options.ca_bundle_path.empty()) {
    set(curl_easy_setopt(curl, CURLOPT_CAINFO, options.ca_bundle_path.c_str()));
  }
  // "" turns off http_proxy, https_proxy and all_proxy from the environment: a proxy would
  // resolve the endpoint's name itself, out of the connect guard's sight.
  if (!options.use_environment_proxy) set(curl_easy_setopt(curl, CURLOPT_PROXY, ""));
  if (resources->pinned_addresses != nullptr) {
    set(curl_easy_setopt(curl, CURLOPT_RESOLVE, resources->pinned_addresses.get()));
  }
  set(resources->guard.Install(curl));
  if (request.connect_timeout != absl::InfiniteDuration()) {
    set(curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, ToMillis(request.connect_timeout)));
  }
  if (request.timeout != absl::InfiniteDuration()) {
    set(curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, ToMillis(request.timeout)));
  }
  set(curl_easy_setopt(curl, CURLOPT_HTTPHEADER, resources->headers.get()));
  return rc;
}

bool AddHeaderLine(absl::string_view line, HeaderList* headers, int* status_line_code) {
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
  if (line.empty()) return true;
  if (absl::StartsWith(line, "HTTP/")) {
    headers->clear();  // a new response begins: keep only the final one's
    // "HTTP/1.1 200 OK": the code is the second field.
    absl::string_view rest = line.substr(std::min(line.size(), line.find(' ')));
    rest = absl::StripLeadingAsciiWhitespace(rest);
    int code = 0;
    if (absl::SimpleAtoi(rest.substr(0, 3), &code)) *status_line_code = code;
  } else if (line[0] == ' ' || line[0] == '\t') {
    if (!headers->empty()) {  // obsolete line folding
      std::string& value = headers->back().second;
      absl::StrAppend(&value, " ", absl::StripAsciiWhitespace(line));
    }
  } else if (size_t colon = line.find(':'); colon != absl::string_view::npos) {
    headers->emplace_back(absl::AsciiStrToLower(line.substr(0, colon)),
                          std::string(absl::StripAsciiWhitespace(line.substr(colon + 1))));
  }
  return false;
}

absl::Status CurlError(TransportErrorKind kind, absl::string_view what, CURLcode code,
                       absl::string_view detail) {
  std::string message = absl::StrCat(what, ": ", curl_easy_strerror(code));
  if (!detail.empty()) absl::StrAppend(&message, " (", detail, ")");
  return TransportError(kind, message);
}

absl::Status ExchangeError(const ExchangeResources& resources, TransportErrorKind kind,
                           absl::string_view what, CURLcode code, absl::string_view detail) {
  if (kind != TransportErrorKind::kCancelled) {
    if (std::optional<absl::Status> refusal = resources.guard.Refusal(what, code)) {
      return *std::move(refusal);
    }
  }
  return CurlError(kind, what, code, detail);
}

}  // namespace pluton::s3::internal
