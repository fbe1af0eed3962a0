// Facts about IP socket addresses that the transport's connect-time check needs: which
// addresses reach the host's own link or a cloud metadata service, how to print one, and
// whether a URL's host is one literally.
//
//   sockaddr_in a = ...;  // 169.254.169.254
//   IsLinkLocalOrMetadata(reinterpret_cast<const sockaddr*>(&a));  // true
//
// Precondition for every `const sockaddr*`: it points to a whole sockaddr_in when its family
// is AF_INET and a whole sockaddr_in6 when it is AF_INET6; other families are never IP.
//
// Thread safety: pure functions.
#ifndef PLUTON_PLUGINS_S3CORE_SRC_IP_ADDRESS_H_
#define PLUTON_PLUGINS_S3CORE_SRC_IP_ADDRESS_H_

#include <sys/socket.h>

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace pluton::s3::internal {

// True for an address a connection must not reach by name: IPv4 link-local 169.254.0.0/16
// (169.254.169.254 is the AWS, GCP, Azure and OpenStack metadata service), IPv4 "this network"
// 0.0.0.0/8 (Linux connects 0.0.0.0 to the host itself), IPv6 link-local fe80::/10, the AWS
// IPv6 metadata address fd00:ec2::254, the IPv6 unspecified address ::, and any of the IPv4
// ones in IPv4-mapped form (::ffff:169.254.169.254). False for every other address and for
// non-IP families.
bool IsLinkLocalOrMetadata(const sockaddr* address);

// The address as text ("169.254.169.254", "fe80::1", "::ffff:169.254.169.254"), without port
// or scope; "" for a non-IP family.
std::string IpAddressText(const sockaddr* address);

// Whether `a` and `b` are the same IP address (same family and bytes; ports and IPv6 scope
// ids are ignored). False when either is not IP.
bool SameIpAddress(const sockaddr* a, const sockaddr* b);

// `host` (a URL's host, IPv6 without brackets) as an address when it is an IPv4 or IPv6
// literal in canonical numeric form, e.g. "169.254.10.10" or "fd00:ec2::254"; nullopt for a
// name. An IPv6 zone ("fe80::1%eth0") is not part of a literal.
std::optional<sockaddr_storage> ParseIpLiteral(absl::string_view host);

}  // namespace pluton::s3::internal

#endif  // PLUTON_PLUGINS_S3CORE_SRC_IP_ADDRESS_H_
