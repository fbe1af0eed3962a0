#include "connect_guard.h"

#include <algorithm>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "ip_address.h"
#include "pluton/s3/http_transport.h"

namespace pluton::s3::internal {
namespace {

// The URL's host as libcurl's URL parser (the one the request goes through) reads it, IPv6
// without brackets; "" when it has none.
std::string HostOf(absl::string_view url) {
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> handle(curl_url(), &curl_url_cleanup);
  if (!handle ||
      curl_url_set(handle.get(), CURLUPART_URL, std::string(url).c_str(), 0) != CURLUE_OK) {
    return "";
  }
  char* text = nullptr;
  if (curl_url_get(handle.get(), CURLUPART_HOST, &text, 0) != CURLUE_OK) return "";
  std::string host = text;
  curl_free(text);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return host;
}

}  // namespace

ConnectGuard::ConnectGuard(absl::string_view url)
    : host_(HostOf(url)), literal_(ParseIpLiteral(host_)) {}

CURLcode ConnectGuard::Install(CURL* curl) {
  CURLcode rc = curl_easy_setopt(curl, CURLOPT_OPENSOCKETFUNCTION, &ConnectGuard::OpenSocket);
  if (rc == CURLE_OK) rc = curl_easy_setopt(curl, CURLOPT_OPENSOCKETDATA, this);
  return rc;
}

curl_socket_t ConnectGuard::OpenSocket(void* guard, curlsocktype, curl_sockaddr* address) {
  auto& self = *static_cast<ConnectGuard*>(guard);
  // libcurl's curl_sockaddr ends in a union as large as sockaddr_storage, so `addr` holds a
  // whole sockaddr_in / sockaddr_in6 for those families.
  const sockaddr* ip = &address->addr;
  if (IsLinkLocalOrMetadata(ip) &&
      !(self.literal_.has_value() &&
        SameIpAddress(ip, reinterpret_cast<const sockaddr*>(&*self.literal_)))) {
    std::string text = IpAddressText(ip);
    if (std::find(self.refused_.begin(), self.refused_.end(), text) == self.refused_.end()) {
      self.refused_.push_back(std::move(text));
    }
    return CURL_SOCKET_BAD;  // no socket: libcurl tries the next address, if any
  }
  self.allowed_any_ = true;
  // What libcurl does without this callback.
  return socket(address->family, address->socktype, address->protocol);
}

std::optional<absl::Status> ConnectGuard::Refusal(absl::string_view what, CURLcode code) const {
  // A connect failure after an allowed address was tried is that address's (and transient).
  if (refused_.empty() || allowed_any_ || code != CURLE_COULDNT_CONNECT) return std::nullopt;
  return TransportError(
      TransportErrorKind::kAddressRefused,
      absl::StrCat(what, ": ", host_, " resolved to ", absl::StrJoin(refused_, ", "),
                   ", a link-local or cloud metadata address: refused after name resolution, "
                   "nothing was sent (only an endpoint whose URL names such an address itself "
                   "may reach it)"));
}

}  // namespace pluton::s3::internal
