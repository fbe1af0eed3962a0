#include "pluton/s3/uri_encode.h"

#include "gtest/gtest.h"

namespace pluton::s3 {
namespace {

TEST(UriEncodeTest, KeepsUnreservedOnly) {
  EXPECT_EQ(UriEncode("AZaz09-._~", false), "AZaz09-._~");
  EXPECT_EQ(
      UriEncode(" !\"#$%&'()*+,/:;<=>?@[\\]^`{|}", false),
      "%20%21%22%23%24%25%26%27%28%29%2A%2B%2C%2F%3A%3B%3C%3D%3E%3F%40%5B%5C%5D%5E%60%7B%7C%7D");
}

TEST(UriEncodeTest, EncodesUtf8BytewiseUppercase) {
  EXPECT_EQ(UriEncode("\xE1\x88\xB4", false), "%E1%88%B4");
  EXPECT_EQ(UriEncode("ü", false), "%C3%BC");
  EXPECT_EQ(UriEncode(std::string("\0\x7f\xff", 3), false), "%00%7F%FF");
}

TEST(UriEncodeTest, ObjectKeyPathKeepsSlashesVerbatim) {
  EXPECT_EQ(EncodeObjectKeyPath("a b/c+d/e=f"), "a%20b/c%2Bd/e%3Df");
  EXPECT_EQ(EncodeObjectKeyPath("a//b/./c/../d"), "a//b/./c/../d");
  EXPECT_EQ(EncodeObjectKeyPath("100%?#"), "100%25%3F%23");
  EXPECT_EQ(EncodeObjectKeyPath("~user"), "~user");
  EXPECT_EQ(EncodeObjectKeyPath(""), "");
}

TEST(UriEncodeTest, QueryComponentEncodesSlashPlusEquals) {
  EXPECT_EQ(EncodeQueryComponent("a/b+c=d&e"), "a%2Fb%2Bc%3Dd%26e");
  EXPECT_EQ(EncodeQueryComponent("x y"), "x%20y");
}

TEST(CanonicalQueryStringTest, SortsByEncodedKeyThenValue) {
  EXPECT_EQ(CanonicalQueryString({}), "");
  EXPECT_EQ(CanonicalQueryString({{"uploads", ""}}), "uploads=");
  EXPECT_EQ(CanonicalQueryString({{"uploadId", "Zm9v+/bar=="}, {"partNumber", "12"}}),
            "partNumber=12&uploadId=Zm9v%2B%2Fbar%3D%3D");
  // Key case: uppercase sorts before lowercase (byte order).
  EXPECT_EQ(CanonicalQueryString({{"b", "1"}, {"B", "2"}, {"a", "3"}}), "B=2&a=3&b=1");
  // Repeated keys sort by value.
  EXPECT_EQ(CanonicalQueryString({{"k", "z"}, {"k", "a"}, {"k", ""}}), "k=&k=a&k=z");
  // Sorting uses the encoded form: "%20" (0x25) sorts before "-" (0x2D) and letters.
  EXPECT_EQ(CanonicalQueryString({{"a-b", "1"}, {"a b", "2"}}), "a%20b=2&a-b=1");
  EXPECT_EQ(
      CanonicalQueryString({{"list-type", "2"}, {"max-keys", "1"}, {"prefix", "backups/2024 q1/"}}),
      "list-type=2&max-keys=1&prefix=backups%2F2024%20q1%2F");
}

TEST(UriDecodeTest, DecodesAndRejectsMalformed) {
  EXPECT_EQ(UriDecode("a%20b%2fc%2F+").value(), "a b/c/+");
  EXPECT_EQ(UriDecode("%E1%88%B4").value(), "\xE1\x88\xB4");
  EXPECT_FALSE(UriDecode("%").ok());
  EXPECT_FALSE(UriDecode("%2").ok());
  EXPECT_FALSE(UriDecode("%zz").ok());
  EXPECT_EQ(UriDecode("").value(), "");
}

TEST(NormalizeUriPathTest, RemovesDotsAndEmptySegments) {
  EXPECT_EQ(NormalizeUriPath(""), "/");
  EXPECT_EQ(NormalizeUriPath("/"), "/");
  EXPECT_EQ(NormalizeUriPath("//"), "/");
  EXPECT_EQ(NormalizeUriPath("/./"), "/");
  EXPECT_EQ(NormalizeUriPath("/example/.."), "/");
  EXPECT_EQ(NormalizeUriPath("/example1/example2/../.."), "/");
  EXPECT_EQ(NormalizeUriPath("/./example"), "/example");
  EXPECT_EQ(NormalizeUriPath("//example//"), "/example/");
  EXPECT_EQ(NormalizeUriPath("/a/b/../c/./d/"), "/a/c/d/");
  EXPECT_EQ(NormalizeUriPath("/../a"), "/a");
}

}  // namespace
}  // namespace pluton::s3
