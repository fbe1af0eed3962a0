// IsLocalOnlyListenAddress: which --listen addresses only this machine can reach.
#include "server/listen_address.h"

#include <gtest/gtest.h>

namespace pluton::storage {
namespace {

TEST(ListenAddressTest, Ipv4LoopbackRangeIsLocal) {
  EXPECT_TRUE(IsLocalOnlyListenAddress("127.0.0.1:50051"));
  EXPECT_TRUE(IsLocalOnlyListenAddress("127.0.0.1:0"));
  EXPECT_TRUE(IsLocalOnlyListenAddress("127.255.0.9:50051"));
  EXPECT_TRUE(IsLocalOnlyListenAddress("127.0.0.1"));
}

TEST(ListenAddressTest, OtherIpv4AddressesAreRemote) {
  EXPECT_FALSE(IsLocalOnlyListenAddress("0.0.0.0:50051"));
  EXPECT_FALSE(IsLocalOnlyListenAddress("0.0.0.0:0"));
  EXPECT_FALSE(IsLocalOnlyListenAddress("10.1.2.3:50051"));
  EXPECT_FALSE(IsLocalOnlyListenAddress("128.0.0.1:50051"));
  EXPECT_FALSE(IsLocalOnlyListenAddress("126.255.255.255:50051"));
  EXPECT_FALSE(IsLocalOnlyListenAddress("127.1:50051"));  // not dotted-quad: not trusted
}

TEST(ListenAddressTest, BracketedIpv6LoopbackIsLocal) {
  EXPECT_TRUE(IsLocalOnlyListenAddress("[::1]:50051"));
  EXPECT_TRUE(IsLocalOnlyListenAddress("[0:0:0:0:0:0:0:1]:0"));
  EXPECT_TRUE(IsLocalOnlyListenAddress("[::1]"));
  EXPECT_TRUE(IsLocalOnlyListenAddress("[::ffff:127.0.0.1]:50051"));
}

TEST(ListenAddressTest, UnbracketedIpv6IsTheWholeHost) {
  EXPECT_TRUE(IsLocalOnlyListenAddress("::1"));
  EXPECT_FALSE(IsLocalOnlyListenAddress("::"));
  EXPECT_FALSE(IsLocalOnlyListenAddress("fe80::1"));
}

TEST(ListenAddressTest, Ipv6WildcardAndOtherAddressesAreRemote) {
  EXPECT_FALSE(IsLocalOnlyListenAddress("[::]:50051"));
  EXPECT_FALSE(IsLocalOnlyListenAddress("[::]:0"));
  EXPECT_FALSE(IsLocalOnlyListenAddress("[2001:db8::1]:50051"));
  EXPECT_FALSE(IsLocalOnlyListenAddress("[::ffff:10.0.0.1]:50051"));
  EXPECT_FALSE(IsLocalOnlyListenAddress("[fe80::1%lo]:50051"));
  EXPECT_FALSE(IsLocalOnlyListenAddress("[::1:50051"));  // unclosed bracket
}

TEST(ListenAddressTest, LocalhostIsLocalInAnyCase) {
  EXPECT_TRUE(IsLocalOnlyListenAddress("localhost:50051"));
  EXPECT_TRUE(IsLocalOnlyListenAddress("LocalHost:0"));
  EXPECT_TRUE(IsLocalOnlyListenAddress("localhost"));
}

TEST(ListenAddressTest, OtherHostNamesAreRemote) {
  EXPECT_FALSE(IsLocalOnlyListenAddress("example.com:50051"));
  EXPECT_FALSE(IsLocalOnlyListenAddress("localhost.example.com:50051"));
  EXPECT_FALSE(IsLocalOnlyListenAddress("my-localhost:50051"));
  EXPECT_FALSE(IsLocalOnlyListenAddress("ip6-localhost:50051"));
  EXPECT_FALSE(IsLocalOnlyListenAddress("dns:///localhost:50051"));
}

TEST(ListenAddressTest, EmptyHostIsEveryInterface) {
  EXPECT_FALSE(IsLocalOnlyListenAddress(":50051"));
  EXPECT_FALSE(IsLocalOnlyListenAddress(""));
}

TEST(ListenAddressTest, UnixSocketsAreLocal) {
  EXPECT_TRUE(IsLocalOnlyListenAddress("unix:/run/pluton/storage.sock"));
  EXPECT_TRUE(IsLocalOnlyListenAddress("unix:///run/pluton/storage.sock"));
  EXPECT_TRUE(IsLocalOnlyListenAddress("unix-abstract:pluton-storage"));
}

}  // namespace
}  // namespace pluton::storage
