#include "pluton/s3/s3_xml.h"

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pluton::s3 {
namespace {

TEST(S3XmlTest, ParsesAwsErrorDocument) {
  const char* xml = R"(<?xml version="1.0" encoding="UTF-8"?>
<Error>
  <Code>SignatureDoesNotMatch</Code>
  <Message>The request signature we calculated does not match the signature you provided. Check your key and signing method.</Message>
  <AWSAccessKeyId>AKIAIOSFODNN7EXAMPLE</AWSAccessKeyId>
  <StringToSign>AWS4-HMAC-SHA256&#10;20130524T000000Z</StringToSign>
  <CanonicalRequest>GET&#10;/test.txt</CanonicalRequest>
  <RequestId>4442587FB7D0A2F9</RequestId>
  <HostId>ZB3fzqAyJgNnYg3tqPgaJ+ElqM0iQOXcnPPQyBGrZsTM9IdB4gwR5hTj/0WAGeJq</HostId>
</Error>)";
  absl::StatusOr<S3ErrorDocument> error = ParseErrorDocument(xml);
  ASSERT_TRUE(error.ok()) << error.status();
  EXPECT_EQ(error->code, "SignatureDoesNotMatch");
  EXPECT_TRUE(absl::StartsWith(error->message, "The request signature we calculated"));
  EXPECT_EQ(error->request_id, "4442587FB7D0A2F9");
  EXPECT_EQ(error->host_id, "ZB3fzqAyJgNnYg3tqPgaJ+ElqM0iQOXcnPPQyBGrZsTM9IdB4gwR5hTj/0WAGeJq");
  EXPECT_FALSE(error->r2_code.has_value());
  ASSERT_EQ(error->details.size(), 3u);
  EXPECT_EQ(error->details[1].first, "StringToSign");
  EXPECT_EQ(error->details[1].second, "AWS4-HMAC-SHA256\n20130524T000000Z");
  EXPECT_TRUE(IsErrorDocument(xml));
}

TEST(S3XmlTest, ParsesR2ErrorDocumentAndNumericCode) {
  absl::StatusOr<S3ErrorDocument> plain = ParseErrorDocument(
      R"(<?xml version="1.0" encoding="UTF-8"?><Error><Code>InvalidPart</Code>)"
      R"(<Message>All non-trailing parts must have the same length.</Message></Error>)");
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_EQ(plain->code, "InvalidPart");
  EXPECT_EQ(plain->message, "All non-trailing parts must have the same length.");
  EXPECT_FALSE(plain->r2_code.has_value());

  absl::StatusOr<S3ErrorDocument> suffixed = ParseErrorDocument(
      "<Error><Code>InvalidPart</Code><Message>All non-trailing parts must have the same "
      "length. (10048)</Message></Error>");
  ASSERT_TRUE(suffixed.ok());
  EXPECT_EQ(suffixed->r2_code, 10048);

  absl::StatusOr<S3ErrorDocument> element = ParseErrorDocument(
      "<Error><Code>SlowDown</Code><Message>Reduce your rate (x)</Message>"
      "<ErrorCode>10058</ErrorCode></Error>");
  ASSERT_TRUE(element.ok());
  EXPECT_EQ(element->r2_code, 10058);

  // Other numbers are not R2 codes.
  absl::StatusOr<S3ErrorDocument> other = ParseErrorDocument(
      "<Error><Code>AccessDenied</Code><Message>Denied (403)</Message>"
      "<HttpStatusCode>403</HttpStatusCode></Error>");
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(other->r2_code.has_value());
}

TEST(S3XmlTest, RejectsNonXmlAndWrongRoot) {
  EXPECT_EQ(ParseErrorDocument("<html><body>502 Bad Gateway</body></html>").status().code(),
            absl::StatusCode::kInternal);
  EXPECT_EQ(ParseErrorDocument("not xml at all").status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(ParseErrorDocument("").status().code(), absl::StatusCode::kInternal);
  EXPECT_FALSE(IsErrorDocument("<Error"));
  absl::Status wrong =
      ParseInitiateMultipartUploadResult(
          "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>")
          .status();
  EXPECT_EQ(wrong.code(), absl::StatusCode::kInternal);
  EXPECT_TRUE(absl::StrContains(wrong.message(), "AccessDenied")) << wrong;
}

TEST(S3XmlTest, ParsesInitiateMultipartUpload) {
  absl::StatusOr<InitiateMultipartUploadResult> result = ParseInitiateMultipartUploadResult(
      R"(<?xml version="1.0" encoding="UTF-8"?>
<InitiateMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Bucket>backups</Bucket>
  <Key>big/a &amp; b.tar</Key>
  <UploadId>ALyCAe+/8Tsoi2hjfsC8f5QOiTU6pVXN1dr9XQHfqbYj/pj4bIQQHA==</UploadId>
</InitiateMultipartUploadResult>)");
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->bucket, "backups");
  EXPECT_EQ(result->key, "big/a & b.tar");
  EXPECT_EQ(result->upload_id, "ALyCAe+/8Tsoi2hjfsC8f5QOiTU6pVXN1dr9XQHfqbYj/pj4bIQQHA==");
  EXPECT_FALSE(
      ParseInitiateMultipartUploadResult(
          "<InitiateMultipartUploadResult><Bucket>b</Bucket></InitiateMultipartUploadResult>")
          .ok());
}

TEST(S3XmlTest, ParsesCopyResults) {
  absl::StatusOr<CopyResult> object = ParseCopyResult(R"(<?xml version="1.0" encoding="UTF-8"?>
<CopyObjectResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <LastModified>2024-05-01T12:00:00.000Z</LastModified>
  <ETag>"9b2cf535f27731c974343645a3985328"</ETag>
</CopyObjectResult>)",
                                                      "CopyObjectResult");
  ASSERT_TRUE(object.ok()) << object.status();
  EXPECT_EQ(object->etag, "\"9b2cf535f27731c974343645a3985328\"");
  EXPECT_TRUE(object->modified.has_value());
  absl::StatusOr<CopyResult> part =
      ParseCopyResult("<CopyPartResult><ETag>\"abc\"</ETag></CopyPartResult>", "CopyPartResult");
  ASSERT_TRUE(part.ok()) << part.status();
  EXPECT_EQ(part->etag, "\"abc\"");
  EXPECT_FALSE(part->modified.has_value());
}

TEST(S3XmlTest, CopyResultErrorsAndMissingEtag) {
  // The <Error> a copy may send inside a 200 is never taken for a result.
  absl::StatusOr<CopyResult> error = ParseCopyResult(
      "<Error><Code>InternalError</Code><Message>try again</Message></Error>", "CopyObjectResult");
  EXPECT_FALSE(error.ok());
  EXPECT_NE(error.status().message().find("InternalError"), absl::string_view::npos);
  EXPECT_FALSE(ParseCopyResult("<CopyPartResult></CopyPartResult>", "CopyPartResult").ok());
  EXPECT_FALSE(
      ParseCopyResult("<CopyPartResult><ETag>x</ETag></CopyPartResult>", "CopyObjectResult").ok());
}

TEST(S3XmlTest, ParsesCompleteMultipartUploadSuccess) {
  absl::StatusOr<CompleteMultipartUploadResult> result = ParseCompleteMultipartUploadResult(
      R"(<?xml version="1.0" encoding="UTF-8"?>
<CompleteMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Location>https://backups.s3.amazonaws.com/big/object.tar</Location>
  <Bucket>backups</Bucket>
  <Key>big/object.tar</Key>
  <ETag>"3858f62230ac3c915f300c664312c11f-9"</ETag>
</CompleteMultipartUploadResult>)");
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_FALSE(result->error.has_value());
  EXPECT_EQ(result->etag, "\"3858f62230ac3c915f300c664312c11f-9\"");
  EXPECT_EQ(result->key, "big/object.tar");
  EXPECT_EQ(result->location, "https://backups.s3.amazonaws.com/big/object.tar");
}

TEST(S3XmlTest, CompleteMultipartUploadErrorInside200) {
  // S3 sends 200 OK and whitespace while it works, then an Error document.
  absl::StatusOr<CompleteMultipartUploadResult> result = ParseCompleteMultipartUploadResult(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\n            \n"
      "<Error><Code>InternalError</Code><Message>We encountered an internal error. Please try "
      "again.</Message><RequestId>656c76696e6727732072657175657374</RequestId>"
      "<HostId>Uuag1LuByRx9e6j5Onimru9pO4ZVKnJ2Qz7/C1NPcfTWAtRPfTaOFg==</HostId></Error>");
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_TRUE(result->error.has_value());
  EXPECT_EQ(result->error->code, "InternalError");
  EXPECT_EQ(result->error->request_id, "656c76696e6727732072657175657374");
  EXPECT_TRUE(result->etag.empty());
  // A truncated body is a parse error, not a success.
  EXPECT_FALSE(ParseCompleteMultipartUploadResult("<CompleteMultipartUploadResult><ETag>").ok());
  EXPECT_FALSE(ParseCompleteMultipartUploadResult(
                   "<CompleteMultipartUploadResult></CompleteMultipartUploadResult>")
                   .ok());
}

TEST(S3XmlTest, ParsesListBuckets) {
  absl::StatusOr<ListBucketsResult> result = ParseListBucketsResult(
      R"(<?xml version="1.0" encoding="UTF-8"?>
<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Owner><ID>bcaf1ffd86f41161ca5fb16fd081034f</ID><DisplayName>webfile</DisplayName></Owner>
  <Buckets>
    <Bucket><Name>backups</Name><CreationDate>2024-01-15T10:20:30.000Z</CreationDate></Bucket>
    <Bucket><Name>media</Name><CreationDate>not a date</CreationDate></Bucket>
  </Buckets>
</ListAllMyBucketsResult>)");
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->buckets.size(), 2u);
  EXPECT_EQ(result->buckets[0].name, "backups");
  ASSERT_TRUE(result->buckets[0].created.has_value());
  EXPECT_EQ(*result->buckets[0].created,
            absl::FromCivil(absl::CivilSecond(2024, 1, 15, 10, 20, 30), absl::UTCTimeZone()));
  EXPECT_FALSE(result->buckets[1].created.has_value());
  EXPECT_EQ(result->owner_id, "bcaf1ffd86f41161ca5fb16fd081034f");
  EXPECT_TRUE(result->continuation_token.empty());

  absl::StatusOr<ListBucketsResult> empty =
      ParseListBucketsResult("<ListAllMyBucketsResult><Buckets/></ListAllMyBucketsResult>");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->buckets.empty());
}

TEST(S3XmlTest, ParsesListObjectsV2) {
  absl::StatusOr<ListObjectsV2Result> result = ParseListObjectsV2Result(
      R"(<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>backups</Name>
  <Prefix>host1/</Prefix>
  <KeyCount>2</KeyCount>
  <MaxKeys>2</MaxKeys>
  <Delimiter>/</Delimiter>
  <IsTruncated>true</IsTruncated>
  <ContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</ContinuationToken>
  <NextContinuationToken>1w41l63U0xa8q7smH50vCxyTQqdxo69O3EmK28Bi5PcROI4wI/EyIJg==</NextContinuationToken>
  <Contents>
    <Key>host1/ a key with spaces &amp; &lt;angle&gt; "quotes" </Key>
    <LastModified>2024-03-01T08:00:00.123Z</LastModified>
    <ETag>&quot;fba9dede5f27731c9771645a39863328&quot;</ETag>
    <Size>5368709120</Size>
    <StorageClass>STANDARD</StorageClass>
  </Contents>
  <Contents>
    <Key>host1/ünïcödé/日本語</Key>
    <LastModified>2024-03-01T08:00:01Z</LastModified>
    <ETag>"aa-2"</ETag>
    <Size>0</Size>
    <StorageClass>STANDARD_IA</StorageClass>
  </Contents>
  <CommonPrefixes><Prefix>host1/sub/</Prefix></CommonPrefixes>
</ListBucketResult>)");
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->bucket, "backups");
  EXPECT_EQ(result->prefix, "host1/");
  EXPECT_EQ(result->key_count, 2);
  EXPECT_EQ(result->max_keys, 2);
  EXPECT_TRUE(result->is_truncated);
  EXPECT_EQ(result->next_continuation_token,
            "1w41l63U0xa8q7smH50vCxyTQqdxo69O3EmK28Bi5PcROI4wI/EyIJg==");
  ASSERT_EQ(result->objects.size(), 2u);
  EXPECT_EQ(result->objects[0].key, "host1/ a key with spaces & <angle> \"quotes\" ");
  EXPECT_EQ(result->objects[0].size, 5368709120ull);
  EXPECT_EQ(result->objects[0].etag, "\"fba9dede5f27731c9771645a39863328\"");
  ASSERT_TRUE(result->objects[0].modified.has_value());
  EXPECT_EQ(result->objects[1].key, "host1/ünïcödé/日本語");
  EXPECT_EQ(result->objects[1].size, 0u);
  EXPECT_EQ(result->objects[1].storage_class, "STANDARD_IA");
  ASSERT_EQ(result->common_prefixes.size(), 1u);
  EXPECT_EQ(result->common_prefixes[0], "host1/sub/");
}

TEST(S3XmlTest, ListObjectsV2EmptyAndMalformed) {
  absl::StatusOr<ListObjectsV2Result> empty = ParseListObjectsV2Result(
      "<ListBucketResult><Name>b</Name><KeyCount>0</KeyCount><MaxKeys>1</MaxKeys>"
      "<IsTruncated>false</IsTruncated></ListBucketResult>");
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_TRUE(empty->objects.empty());
  EXPECT_FALSE(empty->is_truncated);

  EXPECT_FALSE(ParseListObjectsV2Result("<ListBucketResult><Contents><Key>k</Key><Size>-1</Size>"
                                        "</Contents></ListBucketResult>")
                   .ok());
  EXPECT_FALSE(ParseListObjectsV2Result(
                   "<ListBucketResult><Contents><Key>k</Key></Contents></ListBucketResult>")
                   .ok());
  EXPECT_FALSE(ParseListObjectsV2Result("<ListBucketResult><IsTruncated>maybe</IsTruncated>"
                                        "</ListBucketResult>")
                   .ok());
  // Truncated without a token would make a caller loop forever.
  EXPECT_FALSE(ParseListObjectsV2Result(
                   "<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>")
                   .ok());
}

TEST(S3XmlTest, ListObjectsV2DecodesUrlEncodingType) {
  absl::StatusOr<ListObjectsV2Result> result = ParseListObjectsV2Result(
      "<ListBucketResult><Name>b</Name><Prefix>a+b%2F</Prefix><EncodingType>url</EncodingType>"
      "<IsTruncated>false</IsTruncated>"
      "<Contents><Key>a+b%2Fc%2Bd%0A%20</Key><Size>1</Size></Contents>"
      "<CommonPrefixes><Prefix>a+b%2Fsub%2F</Prefix></CommonPrefixes></ListBucketResult>");
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->prefix, "a b/");
  ASSERT_EQ(result->objects.size(), 1u);
  EXPECT_EQ(result->objects[0].key, "a b/c+d\n ");
  EXPECT_EQ(result->common_prefixes[0], "a b/sub/");
}

TEST(S3XmlTest, ListObjectsV2KeepsKeysThatAreOnlyWhitespace) {
  // A server that ignores encoding-type=url sends keys as they are; " " is a valid key.
  absl::StatusOr<ListObjectsV2Result> page = ParseListObjectsV2Result(
      "<ListBucketResult><Name>b</Name><IsTruncated> </IsTruncated><KeyCount>\n</KeyCount>"
      "<Contents><Key> </Key><Size> 3 </Size></Contents>"
      "<Contents><Key><![CDATA[\t]]></Key><Size>0</Size></Contents>"
      "<CommonPrefixes><Prefix>  </Prefix></CommonPrefixes></ListBucketResult>");
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_FALSE(page->is_truncated);
  EXPECT_EQ(page->key_count, 0);
  ASSERT_EQ(page->objects.size(), 2u);
  EXPECT_EQ(page->objects[0].key, " ");
  EXPECT_EQ(page->objects[0].size, 3u);
  EXPECT_EQ(page->objects[1].key, "\t");
  ASSERT_EQ(page->common_prefixes.size(), 1u);
  EXPECT_EQ(page->common_prefixes[0], "  ");
}

TEST(S3XmlTest, ParsesListMultipartUploads) {
  absl::StatusOr<ListMultipartUploadsResult> result = ParseListMultipartUploadsResult(
      R"(<?xml version="1.0" encoding="UTF-8"?>
<ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Bucket>backups</Bucket>
  <KeyMarker></KeyMarker>
  <UploadIdMarker></UploadIdMarker>
  <NextKeyMarker>big/b.tar</NextKeyMarker>
  <NextUploadIdMarker>YW5vdGhlcg+/==</NextUploadIdMarker>
  <MaxUploads>2</MaxUploads>
  <IsTruncated>true</IsTruncated>
  <Upload>
    <Key>big/a.tar</Key>
    <UploadId>VXBsb2FkSWQ+/x==</UploadId>
    <Initiator><ID>arn:aws:iam::111122223333:user/u</ID><DisplayName>u</DisplayName></Initiator>
    <StorageClass>STANDARD</StorageClass>
    <Initiated>2024-02-28T09:15:00.000Z</Initiated>
  </Upload>
  <Upload>
    <Key>big/b.tar</Key>
    <UploadId>YW5vdGhlcg+/==</UploadId>
    <Initiated>yesterday</Initiated>
  </Upload>
</ListMultipartUploadsResult>)");
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->bucket, "backups");
  EXPECT_TRUE(result->is_truncated);
  EXPECT_EQ(result->max_uploads, 2);
  EXPECT_EQ(result->next_key_marker, "big/b.tar");
  EXPECT_EQ(result->next_upload_id_marker, "YW5vdGhlcg+/==");
  ASSERT_EQ(result->uploads.size(), 2u);
  EXPECT_EQ(result->uploads[0].key, "big/a.tar");
  EXPECT_EQ(result->uploads[0].upload_id, "VXBsb2FkSWQ+/x==");
  ASSERT_TRUE(result->uploads[0].initiated_at.has_value());
  EXPECT_EQ(*result->uploads[0].initiated_at,
            absl::FromCivil(absl::CivilSecond(2024, 2, 28, 9, 15, 0), absl::UTCTimeZone()));
  EXPECT_EQ(result->uploads[1].initiated, "yesterday");
  EXPECT_FALSE(result->uploads[1].initiated_at.has_value());  // never guessed as "old"

  EXPECT_FALSE(
      ParseListMultipartUploadsResult("<ListMultipartUploadsResult><Upload><Key>k</Key></Upload>"
                                      "</ListMultipartUploadsResult>")
          .ok());
}

TEST(S3XmlTest, BuildsCompleteMultipartUploadWithEscaping) {
  absl::StatusOr<std::string> xml =
      BuildCompleteMultipartUploadXml({{1, "\"a54357aff0632cce46d942af68356b38\""},
                                       {2, "\"0c78aef83f66abc1fa1e8477f296d394\""},
                                       {10000, "weird<&>'etag"}});
  ASSERT_TRUE(xml.ok()) << xml.status();
  // In text, tinyxml2 escapes & < > (quotes need no escaping there).
  EXPECT_EQ(*xml,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
            "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            "<Part><PartNumber>1</PartNumber><ETag>\"a54357aff0632cce46d942af68356b38\"</ETag>"
            "</Part>"
            "<Part><PartNumber>2</PartNumber><ETag>\"0c78aef83f66abc1fa1e8477f296d394\"</ETag>"
            "</Part>"
            "<Part><PartNumber>10000</PartNumber><ETag>weird&lt;&amp;&gt;'etag</ETag></Part>"
            "</CompleteMultipartUpload>");
}

TEST(S3XmlTest, RejectsBadCompletedParts) {
  EXPECT_EQ(BuildCompleteMultipartUploadXml({}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(BuildCompleteMultipartUploadXml({{0, "e"}}).ok());
  EXPECT_FALSE(BuildCompleteMultipartUploadXml({{10001, "e"}}).ok());
  EXPECT_FALSE(BuildCompleteMultipartUploadXml({{2, "e"}, {1, "e"}}).ok());
  EXPECT_FALSE(BuildCompleteMultipartUploadXml({{1, "e"}, {1, "e"}}).ok());
  EXPECT_FALSE(BuildCompleteMultipartUploadXml({{1, ""}}).ok());
  EXPECT_FALSE(BuildCompleteMultipartUploadXml({{1, std::string("a\0b", 3)}}).ok());
}

TEST(S3XmlTest, ParsesS3Timestamps) {
  const absl::Time t =
      absl::FromCivil(absl::CivilSecond(2024, 5, 1, 12, 0, 0), absl::UTCTimeZone());
  EXPECT_EQ(ParseS3Time("2024-05-01T12:00:00.000Z"), t);
  EXPECT_EQ(ParseS3Time("2024-05-01T12:00:00Z"), t);
  EXPECT_EQ(ParseS3Time("2024-05-01T14:00:00+02:00"), t);
  EXPECT_FALSE(ParseS3Time("Wed, 01 May 2024 12:00:00 GMT").has_value());
  EXPECT_FALSE(ParseS3Time("").has_value());
}

// What an endpoint that is not S3 answers (an internal web page, a metadata service) is never
// relayed: the error names the document expected, the parser's error and the size, not the
// content.
TEST(S3XmlTest, ABodyThatIsNotXmlIsNotQuotedInTheError) {
  const std::string page =
      "ami-id\ninstance-id\niam/security-credentials/role-SECRET-MARKER\n<unclosed";
  for (const std::string& body :
       {page, std::string("<html><body>SECRET-MARKER</body"), std::string("SECRET-MARKER")}) {
    const absl::Status status = ParseInitiateMultipartUploadResult(body).status();
    ASSERT_FALSE(status.ok());
    EXPECT_THAT(std::string(status.message()), ::testing::Not(::testing::HasSubstr("SECRET")))
        << status;
    EXPECT_THAT(std::string(status.message()),
                ::testing::HasSubstr("the endpoint does not answer like an S3 service"));
    EXPECT_FALSE(ParseErrorDocument(body).ok());
    EXPECT_THAT(std::string(ParseErrorDocument(body).status().message()),
                ::testing::Not(::testing::HasSubstr("SECRET")));
  }
}

}  // namespace
}  // namespace pluton::s3
