#include "metrics/metrics_listen_address.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace pluton::storage {

absl::StatusOr<std::string> CivetwebListeningPort(absl::string_view address) {
  const size_t colon = address.rfind(':');
  uint32_t port = 0;
  if (colon == absl::string_view::npos || colon == 0 ||
      !absl::SimpleAtoi(address.substr(colon + 1), &port) || port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("--metrics_listen ", address, " is not HOST:PORT (e.g. 127.0.0.1:9090)"));
  }
  const absl::string_view host = address.substr(0, colon);
  if (host == "[::]") return absl::StrCat("0.0.0.0:", port);
  if (host.find(':') != absl::string_view::npos || host.front() == '[') {
    return absl::InvalidArgumentError(
        absl::StrCat("--metrics_listen ", address,
                     ": the metrics endpoint serves IPv4 only (Debian's civetweb has no IPv6); "
                     "use an IPv4 address, or [::] or 0.0.0.0 for all interfaces"));
  }
  return std::string(address);
}

}  // namespace pluton::storage
