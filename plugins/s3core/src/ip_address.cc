#include "ip_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstdint>
#include <cstring>

namespace pluton::s3::internal {
namespace {

// fd00:ec2::254, the AWS Instance Metadata Service over IPv6 (Nitro instances).
constexpr uint8_t kAwsMetadataV6[16] = {0xfd, 0x00, 0x0e, 0xc2, 0, 0, 0,    0,
                                        0,    0,    0,    0,    0, 0, 0x02, 0x54};

// `ip` in host byte order.
bool IsLinkLocalOrThisNetworkV4(uint32_t ip) {
  const uint32_t first = ip >> 24;
  return first == 0 ||                        // 0.0.0.0/8, "this network"
         (ip >> 16) == ((169u << 8) | 254u);  // 169.254.0.0/16, link-local
}

uint32_t V4Of(const uint8_t* four_bytes) {
  return (uint32_t{four_bytes[0]} << 24) | (uint32_t{four_bytes[1]} << 16) |
         (uint32_t{four_bytes[2]} << 8) | uint32_t{four_bytes[3]};
}

bool IsLinkLocalOrMetadataV6(const uint8_t* ip) {
  static constexpr uint8_t kUnspecified[16] = {};
  static constexpr uint8_t kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(ip, kUnspecified, 16) == 0) return true;
  if (ip[0] == 0xfe && (ip[1] & 0xc0) == 0x80) return true;  // fe80::/10
  if (std::memcmp(ip, kAwsMetadataV6, 16) == 0) return true;
  if (std::memcmp(ip, kMappedPrefix, 12) == 0) return IsLinkLocalOrThisNetworkV4(V4Of(ip + 12));
  return false;
}

}  // namespace

bool IsLinkLocalOrMetadata(const sockaddr* address) {
  if (address == nullptr) return false;
  if (address->sa_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(address);
    return IsLinkLocalOrThisNetworkV4(ntohl(v4->sin_addr.s_addr));
  }
  if (address->sa_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(address);
    return IsLinkLocalOrMetadataV6(v6->sin6_addr.s6_addr);
  }
  return false;
}

std::string IpAddressText(const sockaddr* address) {
  char text[INET6_ADDRSTRLEN] = {};
  if (address == nullptr) return "";
  if (address->sa_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(address);
    if (inet_ntop(AF_INET, &v4->sin_addr, text, sizeof(text)) == nullptr) return "";
    return text;
  }
  if (address->sa_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(address);
    if (inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof(text)) == nullptr) return "";
    return text;
  }
  return "";
}

bool SameIpAddress(const sockaddr* a, const sockaddr* b) {
  if (a == nullptr || b == nullptr || a->sa_family != b->sa_family) return false;
  if (a->sa_family == AF_INET) {
    return reinterpret_cast<const sockaddr_in*>(a)->sin_addr.s_addr ==
           reinterpret_cast<const sockaddr_in*>(b)->sin_addr.s_addr;
  }
  if (a->sa_family == AF_INET6) {
    return std::memcmp(&reinterpret_cast<const sockaddr_in6*>(a)->sin6_addr,
                       &reinterpret_cast<const sockaddr_in6*>(b)->sin6_addr, sizeof(in6_addr)) == 0;
  }
  return false;
}

std::optional<sockaddr_storage> ParseIpLiteral(absl::string_view host) {
  const std::string text(host.substr(0, host.find('%')));
  sockaddr_storage storage{};
  auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
  if (inet_pton(AF_INET, text.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    return storage;
  }
  storage = sockaddr_storage{};
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
  if (inet_pton(AF_INET6, text.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    return storage;
  }
  return std::nullopt;
}

}  // namespace pluton::s3::internal
