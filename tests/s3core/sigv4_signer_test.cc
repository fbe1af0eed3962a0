#include "pluton/s3/sigv4_signer.h"

#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "pluton/s3/digest.h"

namespace pluton::s3 {
namespace {

constexpr char kKeyId[] = "AKIAIOSFODNN7EXAMPLE";
constexpr char kSecret[] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

absl::Time Time(int y, int mo, int d, int h, int mi, int s) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s), absl::UTCTimeZone());
}

SigV4Request S3Get(std::string uri) {
  SigV4Request r;
  r.method = "GET";
  r.canonical_uri = std::move(uri);
  r.headers = {{"Host", "examplebucket.s3.amazonaws.com"}};
  r.payload_hash = std::string(kEmptySha256Hex);
  r.region = "us-east-1";
  r.service = "s3";
  r.time = Time(2013, 5, 24, 0, 0, 0);
  return r;
}

// The worked examples of Amazon S3's SigV4 documentation ("Examples: Signature Calculations
// in AWS Signature Version 4").
TEST(SigV4SignerTest, S3DocumentationGetObjectExample) {
  SigV4Signer signer({kKeyId, kSecret, ""}, SigV4Options::ForS3());
  SigV4Request r = S3Get("/test.txt");
  r.headers.emplace_back("Range", "bytes=0-9");
  absl::StatusOr<SigV4Result> result = signer.Sign(r);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(
      result->canonical_request,
      "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
      "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
      "x-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\n"
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(result->signature, "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  EXPECT_EQ(result->authorization,
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  ASSERT_EQ(result->headers_to_add.size(), 3u);
  EXPECT_EQ(result->headers_to_add[0],
            (std::pair<std::string, std::string>("X-Amz-Date", "20130524T000000Z")));
  EXPECT_EQ(result->headers_to_add[1].first, "X-Amz-Content-Sha256");
  EXPECT_EQ(result->headers_to_add[2].first, "Authorization");
  EXPECT_EQ(result->query_string, "");
}

TEST(SigV4SignerTest, S3DocumentationListObjectsExample) {
  SigV4Signer signer({kKeyId, kSecret, ""}, SigV4Options::ForS3());
  SigV4Request r = S3Get("/");
  r.query = {{"prefix", "J"}, {"max-keys", "2"}};
  absl::StatusOr<SigV4Result> result = signer.Sign(r);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->query_string, "max-keys=2&prefix=J");
  EXPECT_EQ(result->signature, "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

TEST(SigV4SignerTest, WireQueryIsTheCanonicalQuery) {
  SigV4Signer signer({kKeyId, kSecret, ""}, SigV4Options::ForS3());
  SigV4Request r = S3Get("/bucket/key");
  r.method = "PUT";
  r.query = {{"uploadId", "VXBsb2FkSWQ+/x=="}, {"partNumber", "3"}};
  absl::StatusOr<SigV4Result> result = signer.Sign(r);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->query_string, "partNumber=3&uploadId=VXBsb2FkSWQ%2B%2Fx%3D%3D");
  EXPECT_TRUE(absl::StrContains(result->canonical_request,
                                "\n/bucket/key\n" + result->query_string + "\n"));
}

TEST(SigV4SignerTest, NeverSignsExpectUserAgentOrHopByHopHeaders) {
  SigV4Signer signer({kKeyId, kSecret, ""}, SigV4Options::ForS3());
  SigV4Request r = S3Get("/bucket/key");
  r.headers.emplace_back("Expect", "100-continue");
  r.headers.emplace_back("User-Agent", "pluton");
  r.headers.emplace_back("Connection", "keep-alive");
  r.headers.emplace_back("Transfer-Encoding", "chunked");
  r.headers.emplace_back("X-Amzn-Trace-Id", "Root=1");
  r.headers.emplace_back("Content-MD5", "1B2M2Y8AsgTpgAmY7PhCfg==");
  absl::StatusOr<SigV4Result> result = signer.Sign(r);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->signed_headers, "content-md5;host;x-amz-content-sha256;x-amz-date");
  EXPECT_FALSE(absl::StrContains(result->canonical_request, "expect"));
}

TEST(SigV4SignerTest, CanonicalHeaderValuesAndDuplicates) {
  SigV4Signer signer({kKeyId, kSecret, ""}, SigV4Options::ForS3());
  SigV4Request r = S3Get("/bucket/key");
  r.headers.emplace_back("X-Amz-Meta-Note", "  a   b\t\tc  ");
  r.headers.emplace_back("x-amz-meta-dup", "two");
  r.headers.emplace_back("X-AMZ-META-DUP", " one ");
  r.headers.emplace_back("x-amz-meta-empty", "");
  absl::StatusOr<SigV4Result> result = signer.Sign(r);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(
      absl::StrContains(result->canonical_request,
                        "x-amz-meta-dup:two,one\nx-amz-meta-empty:\nx-amz-meta-note:a b c\n"))
      << result->canonical_request;
}

TEST(SigV4SignerTest, SessionTokenIsSentAndSigned) {
  SigV4Signer signer({kKeyId, kSecret, "token/with+chars=="}, SigV4Options::ForS3());
  absl::StatusOr<SigV4Result> result = signer.Sign(S3Get("/bucket/key"));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->signed_headers, "host;x-amz-content-sha256;x-amz-date;x-amz-security-token");
  const std::string* token = FindHeader(result->headers_to_add, "x-amz-security-token");
  ASSERT_NE(token, nullptr);
  EXPECT_EQ(*token, "token/with+chars==");
}

TEST(SigV4SignerTest, UnsignedPayloadIsAccepted) {
  SigV4Signer signer({kKeyId, kSecret, ""}, SigV4Options::ForS3());
  SigV4Request r = S3Get("/bucket/key");
  r.payload_hash = std::string(kUnsignedPayload);
  absl::StatusOr<SigV4Result> result = signer.Sign(r);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(*FindHeader(result->headers_to_add, "X-Amz-Content-Sha256"), "UNSIGNED-PAYLOAD");
  EXPECT_TRUE(absl::EndsWith(result->canonical_request, "\nUNSIGNED-PAYLOAD"));
}

TEST(SigV4SignerTest, S3PathIsSignedVerbatim) {
  SigV4Signer signer({kKeyId, kSecret, ""}, SigV4Options::ForS3());
  absl::StatusOr<SigV4Result> result = signer.Sign(S3Get("/bucket/a//b/./c/../d%20e"));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(absl::StartsWith(result->canonical_request, "GET\n/bucket/a//b/./c/../d%20e\n"));
}

TEST(SigV4SignerTest, RejectsBrokenPreconditions) {
  SigV4Signer signer({kKeyId, kSecret, ""}, SigV4Options::ForS3());
  auto expect_invalid = [&](SigV4Request r, const char* what) {
    absl::StatusOr<SigV4Result> result = signer.Sign(r);
    EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument) << what;
    EXPECT_FALSE(absl::StrContains(result.status().message(), kSecret)) << what;
  };
  SigV4Request r = S3Get("/bucket/key");
  r.headers = {};
  expect_invalid(r, "no host");
  r = S3Get("/bucket/key");
  r.headers.emplace_back("Authorization", "x");
  expect_invalid(r, "authorization passed");
  r = S3Get("/bucket/key");
  r.headers.emplace_back("x-amz-date", "20130524T000000Z");
  expect_invalid(r, "x-amz-date passed");
  r = S3Get("/bucket/key");
  r.headers.emplace_back("X-Amz-Content-SHA256", std::string(kEmptySha256Hex));
  expect_invalid(r, "x-amz-content-sha256 passed");
  r = S3Get("/bucket/key");
  r.headers.emplace_back("X-Amz-Meta-Evil", "a\r\nInjected: yes");
  expect_invalid(r, "CRLF in a value");
  r = S3Get("/bucket/key");
  r.headers.emplace_back("Bad Name", "x");
  expect_invalid(r, "space in a name");
  r = S3Get("/bucket/key with space");
  expect_invalid(r, "unencoded S3 path");
  r = S3Get("/bucket/key%2f");
  expect_invalid(r, "lowercase escape");
  r = S3Get("bucket/key");
  expect_invalid(r, "relative path");
  r = S3Get("/bucket/key");
  r.payload_hash = "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855";
  expect_invalid(r, "uppercase hash");
  r.payload_hash = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
  expect_invalid(r, "streaming payload");
  r = S3Get("/bucket/key");
  r.region = "";
  expect_invalid(r, "empty region");
  r = S3Get("/bucket/key");
  r.service = "s 3";
  expect_invalid(r, "bad service");
  r = S3Get("/bucket/key");
  r.method = "GE T";
  expect_invalid(r, "bad method");
  r = S3Get("/bucket/key");
  r.time = absl::InfiniteFuture();
  expect_invalid(r, "infinite time");

  SigV4Signer no_secret({kKeyId, "", ""}, SigV4Options::ForS3());
  EXPECT_EQ(no_secret.Sign(S3Get("/b/k")).status().code(), absl::StatusCode::kInvalidArgument);
  SigV4Signer bad_key({"AKID/EXAMPLE", kSecret, ""}, SigV4Options::ForS3());
  EXPECT_EQ(bad_key.Sign(S3Get("/b/k")).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(SigV4SignerTest, NothingReturnedHoldsTheSecret) {
  SigV4Signer signer({kKeyId, kSecret, ""}, SigV4Options::ForS3());
  absl::StatusOr<SigV4Result> result = signer.Sign(S3Get("/bucket/key"));
  ASSERT_TRUE(result.ok());
  for (const std::string* s : {&result->canonical_request, &result->string_to_sign,
                               &result->authorization, &result->signed_headers}) {
    EXPECT_FALSE(absl::StrContains(*s, kSecret));
  }
  for (const auto& [name, value] : result->headers_to_add) {
    EXPECT_FALSE(absl::StrContains(value, kSecret)) << name;
  }
}

TEST(SigV4SignerTest, CachesSigningKeysPerDateRegionService) {
  SigV4Signer signer({kKeyId, kSecret, ""}, SigV4Options::ForS3());
  EXPECT_EQ(signer.CachedKeyCountForTesting(), 0u);
  SigV4Request r = S3Get("/bucket/key");
  ASSERT_TRUE(signer.Sign(r).ok());
  r.time += absl::Hours(3);  // same day
  ASSERT_TRUE(signer.Sign(r).ok());
  EXPECT_EQ(signer.CachedKeyCountForTesting(), 1u);
  r.region = "auto";
  ASSERT_TRUE(signer.Sign(r).ok());
  EXPECT_EQ(signer.CachedKeyCountForTesting(), 2u);
  r.time += absl::Hours(24);
  ASSERT_TRUE(signer.Sign(r).ok());
  EXPECT_EQ(signer.CachedKeyCountForTesting(), 3u);
  // The cache stays bounded.
  for (int day = 0; day < 40; ++day) {
    r.time += absl::Hours(24);
    ASSERT_TRUE(signer.Sign(r).ok());
  }
  EXPECT_LE(signer.CachedKeyCountForTesting(), 16u);
}

TEST(SigV4SignerTest, ConcurrentSigningAgrees) {
  SigV4Request r = S3Get("/test.txt");
  r.headers.emplace_back("Range", "bytes=0-9");
  constexpr int kDays = 5;  // several scopes, so threads share and fill the key cache
  auto on_day = [&r](int day) {
    SigV4Request mine = r;
    mine.time = r.time + absl::Hours(24 * day);
    return mine;
  };
  // The expected signature of each day, from a signer of its own (an empty cache).
  std::vector<std::string> expected;
  for (int day = 0; day < kDays; ++day) {
    SigV4Signer alone({kKeyId, kSecret, ""}, SigV4Options::ForS3());
    absl::StatusOr<SigV4Result> result = alone.Sign(on_day(day));
    ASSERT_TRUE(result.ok()) << result.status();
    expected.push_back(result->signature);
  }
  EXPECT_EQ(expected[0], "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");

  SigV4Signer shared({kKeyId, kSecret, ""}, SigV4Options::ForS3());
  constexpr int kThreads = 8, kRounds = 200;
  std::vector<std::vector<std::string>> signatures(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kRounds; ++i) {
        absl::StatusOr<SigV4Result> result = shared.Sign(on_day(i % kDays));
        signatures[t].push_back(result.ok() ? result->signature : result.status().ToString());
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int t = 0; t < kThreads; ++t) {
    ASSERT_EQ(signatures[t].size(), size_t{kRounds});
    for (int i = 0; i < kRounds; ++i) {
      ASSERT_EQ(signatures[t][i], expected[i % kDays]) << "thread " << t << ", signature " << i;
    }
  }
}

TEST(SigV4SignerTest, GenericOptionsNormalizeAndDoubleEncode) {
  SigV4Signer signer({kKeyId, kSecret, ""}, SigV4Options::ForGenericService());
  SigV4Request r = S3Get("/a/./b/../c%20d");
  r.service = "service";
  absl::StatusOr<SigV4Result> result = signer.Sign(r);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(absl::StartsWith(result->canonical_request, "GET\n/a/c%2520d\n"))
      << result->canonical_request;
  EXPECT_EQ(result->signed_headers, "host;x-amz-date");
}

}  // namespace
}  // namespace pluton::s3
