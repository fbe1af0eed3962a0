#include "ip_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <string>

#include "gtest/gtest.h"

namespace pluton::s3::internal {
namespace {

// `text` as a socket address (IPv4 or IPv6, port 443); fails the test when it is neither.
sockaddr_storage Address(const std::string& text) {
  std::optional<sockaddr_storage> parsed = ParseIpLiteral(text);
  EXPECT_TRUE(parsed.has_value()) << text;
  sockaddr_storage address = parsed.value_or(sockaddr_storage{});
  if (address.ss_family == AF_INET) reinterpret_cast<sockaddr_in*>(&address)->sin_port = htons(443);
  if (address.ss_family == AF_INET6) {
    reinterpret_cast<sockaddr_in6*>(&address)->sin6_port = htons(443);
  }
  return address;
}

bool Refused(const std::string& text) {
  const sockaddr_storage address = Address(text);
  return IsLinkLocalOrMetadata(reinterpret_cast<const sockaddr*>(&address));
}

TEST(IpAddressTest, Ipv4LinkLocalAndThisNetworkWithTheirBoundaries) {
  EXPECT_TRUE(Refused("169.254.169.254"));  // the metadata service of AWS, GCP, Azure
  EXPECT_TRUE(Refused("169.254.170.2"));    // AWS ECS task metadata
  EXPECT_TRUE(Refused("169.254.0.0"));
  EXPECT_TRUE(Refused("169.254.255.255"));
  EXPECT_FALSE(Refused("169.253.255.255"));
  EXPECT_FALSE(Refused("169.255.0.0"));
  EXPECT_TRUE(Refused("0.0.0.0"));
  EXPECT_TRUE(Refused("0.255.255.255"));
  EXPECT_FALSE(Refused("1.0.0.0"));
  EXPECT_FALSE(Refused("127.0.0.1"));
  EXPECT_FALSE(Refused("10.0.0.1"));
  EXPECT_FALSE(Refused("104.18.0.1"));
  EXPECT_FALSE(Refused("255.255.255.255"));
}

TEST(IpAddressTest, Ipv6LinkLocalMetadataAndUnspecifiedWithTheirBoundaries) {
  EXPECT_TRUE(Refused("fe80::1"));
  EXPECT_TRUE(Refused("fe80::"));
  EXPECT_TRUE(Refused("febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));  // end of fe80::/10
  EXPECT_FALSE(Refused("fec0::1"));
  EXPECT_FALSE(Refused("fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
  EXPECT_TRUE(Refused("fd00:ec2::254"));  // AWS IMDS over IPv6
  EXPECT_FALSE(Refused("fd00:ec2::253"));
  EXPECT_FALSE(Refused("fd00:ec2::1:254"));
  EXPECT_TRUE(Refused("::"));
  EXPECT_FALSE(Refused("::1"));
  EXPECT_FALSE(Refused("2606:4700::6810:1"));
}

TEST(IpAddressTest, Ipv4MappedFormsAreClassifiedByTheirIpv4Address) {
  EXPECT_TRUE(Refused("::ffff:169.254.169.254"));
  EXPECT_TRUE(Refused("::ffff:169.254.0.0"));
  EXPECT_TRUE(Refused("::ffff:0.0.0.0"));
  EXPECT_FALSE(Refused("::ffff:169.255.0.0"));
  EXPECT_FALSE(Refused("::ffff:127.0.0.1"));
  // The same bits outside the mapped prefix are an ordinary IPv6 address.
  EXPECT_FALSE(Refused("::fffe:a9fe:a9fe"));
  EXPECT_FALSE(Refused("1::ffff:169.254.169.254"));
}

TEST(IpAddressTest, NonIpFamiliesAndNullAreNotClassified) {
  sockaddr_storage unix_address{};
  unix_address.ss_family = AF_UNIX;
  EXPECT_FALSE(IsLinkLocalOrMetadata(reinterpret_cast<const sockaddr*>(&unix_address)));
  EXPECT_FALSE(IsLinkLocalOrMetadata(nullptr));
  EXPECT_EQ(IpAddressText(reinterpret_cast<const sockaddr*>(&unix_address)), "");
}

TEST(IpAddressTest, TextIsCanonicalWithoutPort) {
  const sockaddr_storage v4 = Address("169.254.169.254");
  const sockaddr_storage v6 = Address("FD00:EC2:0::254");
  const sockaddr_storage mapped = Address("::ffff:a9fe:a9fe");
  EXPECT_EQ(IpAddressText(reinterpret_cast<const sockaddr*>(&v4)), "169.254.169.254");
  EXPECT_EQ(IpAddressText(reinterpret_cast<const sockaddr*>(&v6)), "fd00:ec2::254");
  EXPECT_EQ(IpAddressText(reinterpret_cast<const sockaddr*>(&mapped)), "::ffff:169.254.169.254");
}

TEST(IpAddressTest, SameIpAddressIgnoresPortAndScope) {
  sockaddr_storage a = Address("fe80::1");
  sockaddr_storage b = Address("fe80::1");
  reinterpret_cast<sockaddr_in6*>(&b)->sin6_port = htons(80);
  reinterpret_cast<sockaddr_in6*>(&b)->sin6_scope_id = 2;
  const sockaddr_storage c = Address("fe80::2");
  const sockaddr_storage v4 = Address("169.254.1.1");
  const sockaddr_storage mapped = Address("::ffff:169.254.1.1");
  auto same = [](const sockaddr_storage& x, const sockaddr_storage& y) {
    return SameIpAddress(reinterpret_cast<const sockaddr*>(&x),
                         reinterpret_cast<const sockaddr*>(&y));
  };
  EXPECT_TRUE(same(a, b));
  EXPECT_FALSE(same(a, c));
  EXPECT_TRUE(same(v4, Address("169.254.1.1")));
  EXPECT_FALSE(same(v4, Address("169.254.1.2")));
  EXPECT_FALSE(same(v4, mapped)) << "different families are different addresses";
}

TEST(IpAddressTest, LiteralsAreNumericAddressesOnly) {
  EXPECT_TRUE(ParseIpLiteral("169.254.10.10").has_value());
  EXPECT_TRUE(ParseIpLiteral("fd00:ec2::254").has_value());
  EXPECT_TRUE(ParseIpLiteral("fe80::1%eth0").has_value()) << "the zone is not part of it";
  EXPECT_FALSE(ParseIpLiteral("metadata.google.internal").has_value());
  EXPECT_FALSE(ParseIpLiteral("169.254.169.254.nip.io").has_value());
  EXPECT_FALSE(ParseIpLiteral("").has_value());
  EXPECT_FALSE(ParseIpLiteral("[fd00:ec2::254]").has_value()) << "brackets are the URL's";
}

}  // namespace
}  // namespace pluton::s3::internal
