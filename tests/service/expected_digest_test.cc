// ExpectedDigest: which digest a download is checked against, and the mismatch it reports.
#include "download/expected_digest.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "objects/object_records.h"

namespace pluton::storage {
namespace {

using ::testing::HasSubstr;

const std::string kMd5A(16, 'a');
const std::string kMd5B(16, 'b');
const std::string kSha(32, 's');

ObjectRecord Record(const std::string& md5, const std::string& sha256) {
  ObjectRecord record;
  record.md5 = md5;
  record.sha256 = sha256;
  return record;
}

TEST(ExpectedDigestTest, TheProvidersMd5ComesFirstThenTheRecordsMd5ThenItsSha256) {
  DownloadInfo with_md5;
  with_md5.stored_md5 = kMd5A;
  ExpectedDigest provider = ExpectedDigest::Choose(with_md5, true, Record(kMd5B, kSha));
  EXPECT_EQ(provider.source, v1::VERIFICATION_SOURCE_PROVIDER_MD5);
  EXPECT_EQ(provider.md5, kMd5A);
  EXPECT_EQ(provider.sha256, "");

  DownloadInfo without;
  ExpectedDigest record_md5 = ExpectedDigest::Choose(without, true, Record(kMd5B, kSha));
  EXPECT_EQ(record_md5.source, v1::VERIFICATION_SOURCE_SERVICE_RECORD);
  EXPECT_EQ(record_md5.md5, kMd5B);
  EXPECT_EQ(record_md5.sha256, "") << "one digest is enough; each costs a pass over the bytes";

  ExpectedDigest record_sha = ExpectedDigest::Choose(without, true, Record("", kSha));
  EXPECT_EQ(record_sha.source, v1::VERIFICATION_SOURCE_SERVICE_RECORD);
  EXPECT_EQ(record_sha.md5, "");
  EXPECT_EQ(record_sha.sha256, kSha);

  EXPECT_FALSE(ExpectedDigest::Choose(without, true, std::nullopt).verifies());
  EXPECT_FALSE(
      ExpectedDigest::Choose(with_md5, /*full_object=*/false, Record(kMd5B, kSha)).verifies());
}

TEST(ExpectedDigestTest, AMismatchIsDataLossNamingBothDigestsAndTheSource) {
  DownloadInfo without;
  ExpectedDigest expected = ExpectedDigest::Choose(without, true, Record(kMd5B, kSha));
  EXPECT_TRUE(expected.Check(kMd5B, "", 10, "r2").ok());
  absl::Status mismatch = expected.Check(kMd5A, "", 10, "r2");
  EXPECT_EQ(mismatch.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(mismatch.message()),
              HasSubstr("the 10 bytes read from r2 have MD5 61616161616161616161616161616161 but "
                        "the service's record of the upload says "
                        "62626262626262626262626262626262"));

  ExpectedDigest by_sha = ExpectedDigest::Choose(without, true, Record("", kSha));
  EXPECT_TRUE(by_sha.Check("", kSha, 10, "r2").ok());
  EXPECT_EQ(by_sha.Check("", std::string(32, 't'), 10, "r2").code(), absl::StatusCode::kDataLoss);

  ExpectedDigest none;
  EXPECT_TRUE(none.Check(kMd5A, kSha, 10, "r2").ok()) << "nothing expected, nothing checked";
}

TEST(SameEtagTest, QuotesAndWeakPrefixesDoNotMatterEmptyNeverMatches) {
  EXPECT_TRUE(SameEtag("\"abc-2\"", "abc-2"));
  EXPECT_TRUE(SameEtag("W/\"abc\"", "abc"));
  EXPECT_FALSE(SameEtag("abc-2", "abc-3"));
  EXPECT_FALSE(SameEtag("", ""));
  EXPECT_FALSE(SameEtag("\"\"", ""));
}

}  // namespace
}  // namespace pluton::storage
