#include "pluton/s3/digest.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace pluton::s3 {
namespace {

absl::Span<const uint8_t> Bytes(const std::string& s) {
  return absl::Span<const uint8_t>(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

TEST(DigestTest, Sha256KnownVectors) {
  EXPECT_EQ(Sha256Hex(""), kEmptySha256Hex);
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(DigestTest, Sha256OverSpansEqualsConcatenation) {
  const std::string a = "Param1", b = "=", c = "value1", empty;
  std::vector<absl::Span<const uint8_t>> spans = {Bytes(a), Bytes(empty), Bytes(b), Bytes(c)};
  EXPECT_EQ(Sha256Hex(spans), Sha256Hex("Param1=value1"));
  EXPECT_EQ(Sha256Hex(ByteSpans()), kEmptySha256Hex);
}

TEST(DigestTest, HmacSha256Rfc4231Case2) {
  const std::string key = "Jefe";
  const auto mac = HmacSha256(Bytes(key), "what do ya want for nothing?");
  EXPECT_EQ(HexEncode(absl::Span<const uint8_t>(mac.data(), mac.size())),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(DigestTest, Md5Base64) {
  const std::string x = "The quick brown fox ", y = "jumps over the lazy dog";
  std::vector<absl::Span<const uint8_t>> spans = {Bytes(x), Bytes(y)};
  EXPECT_EQ(Md5Base64(spans), "nhB9nTcrtoJr2B01QqQZ1g==");  // md5 9e107d9d372bb6826bd81d3542a419d6
  EXPECT_EQ(Md5Base64(ByteSpans()), "1B2M2Y8AsgTpgAmY7PhCfg==");
}

}  // namespace
}  // namespace pluton::s3
