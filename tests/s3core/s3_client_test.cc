// S3Client against the strict R2 fake (a real HTTP server checking signatures and R2's
// rules), through the real CurlTransport, with server-side faults from the fake's control API
// and client-side faults from FaultInjectingTransport.
#include "pluton/s3/s3_client.h"

#include <algorithm>
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/temp_dir.h"
#include "gtest/gtest.h"
#include "pluton/s3/curl_transport.h"
#include "pluton/s3/digest.h"
#include "pluton/s3/fault_injecting_transport.h"
#include "r2fake_test_base.h"
#include "test_http_server.h"

namespace pluton::s3 {
namespace {

using nlohmann::json;
using pluton::testing::PatternBytes;
using testing::FastRetries;
using testing::kAdminKeyId;
using testing::kAdminSecret;
using testing::kScopedKeyId;
using testing::kScopedSecret;
using testing::R2FakeProcess;

const CancelCheck kNever;

absl::Span<const uint8_t> Bytes(const std::string& s) {
  return absl::Span<const uint8_t>(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

std::string Md5Of(const std::string& s) {
  absl::Span<const uint8_t> span = Bytes(s);
  return Md5Base64(ByteSpans(&span, 1));
}

class S3ClientTest : public testing::R2FakeTestBase {};

TEST_F(S3ClientTest, ListBucketsWithAnAdminToken) {
  absl::StatusOr<std::vector<std::string>> buckets = client_->ListBuckets(kNever);
  ASSERT_TRUE(buckets.ok()) << buckets.status();
  EXPECT_NE(std::find(buckets->begin(), buckets->end(), "backups"), buckets->end());
  EXPECT_NE(std::find(buckets->begin(), buckets->end(), "other"), buckets->end());
}

TEST_F(S3ClientTest, PutListDeleteWithAwkwardKeys) {
  const std::vector<std::string> keys = {"plain", "dir/sub dir/a+b=c&d.txt", "ünïcødé/…",
                                         "a//b/./c/../d", "percent%41"};
  const std::string data = PatternBytes(100000, 7);
  ObjectOptions options;
  options.content_type = "application/x-test";
  options.metadata = {{"md5chksum", Md5Of(data)}, {"origin", "pluton"}};
  for (const std::string& key : keys) {
    absl::StatusOr<PutObjectResult> put = client_->PutObject(
        "backups", key, {Bytes(data).subspan(0, 1000), Bytes(data).subspan(1000)}, Md5Of(data),
        options, kNever);
    ASSERT_TRUE(put.ok()) << key << ": " << put.status();
    EXPECT_EQ(put->etag.size(), 32u);
    absl::StatusOr<std::string> stored = fake_->ObjectBytes("backups", key);
    ASSERT_TRUE(stored.ok()) << stored.status();
    EXPECT_TRUE(*stored == data) << key;
  }
  json objects = fake_->Objects("backups");
  ASSERT_EQ(objects.size(), keys.size());
  for (const json& object : objects) {
    EXPECT_EQ(object["content_type"], "application/x-test");
    EXPECT_EQ(object["metadata"]["origin"], "pluton");
    EXPECT_EQ(object["storage_class"], "STANDARD");
  }

  // Listing decodes keys (encoding-type=url) and pages with continuation tokens.
  std::vector<std::string> listed;
  std::string token;
  int pages = 0;
  do {
    absl::StatusOr<ObjectPage> page = client_->ListObjectsV2("backups", "", 2, token, kNever);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const ObjectSummary& object : page->objects) {
      listed.push_back(object.key);
      EXPECT_EQ(object.size, data.size());
      EXPECT_EQ(object.etag.size(), 32u);
    }
    token = page->next_continuation_token;
    ++pages;
  } while (!token.empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  std::vector<std::string> sorted = keys;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(listed, sorted);

  absl::StatusOr<ObjectPage> prefixed = client_->ListObjectsV2("backups", "dir/", 100, "", kNever);
  ASSERT_TRUE(prefixed.ok()) << prefixed.status();
  ASSERT_EQ(prefixed->objects.size(), 1u);
  EXPECT_EQ(prefixed->objects[0].key, keys[1]);

  for (const std::string& key : keys) {
    EXPECT_TRUE(client_->DeleteObject("backups", key, kNever).ok()) << key;
  }
  EXPECT_TRUE(fake_->Objects("backups").empty());
  EXPECT_TRUE(client_->DeleteObject("backups", "never-existed", kNever).ok());
}

TEST_F(S3ClientTest, EmptyObjectAndStorageClass) {
  ObjectOptions options;
  options.storage_class = "STANDARD_IA";
  absl::StatusOr<PutObjectResult> put =
      client_->PutObject("backups", "empty", {}, Md5Of(""), options, kNever);
  ASSERT_TRUE(put.ok()) << put.status();
  EXPECT_EQ(put->etag, "d41d8cd98f00b204e9800998ecf8427e");
  json objects = fake_->Objects("backups");
  ASSERT_EQ(objects.size(), 1u);
  EXPECT_EQ(objects[0]["size"], 0);
  EXPECT_EQ(objects[0]["storage_class"], "STANDARD_IA");
}

TEST_F(S3ClientTest, WireHeadersR2Requires) {
  const std::string data = "hello";
  ASSERT_TRUE(client_->PutObject("backups", "k", {Bytes(data)}, Md5Of(data), {}, kNever).ok());
  ASSERT_TRUE(client_->ListObjectsV2("backups", "", 10, "", kNever).ok());
  ASSERT_TRUE(client_->DeleteObject("backups", "k", kNever).ok());
  json log = fake_->WaitForRequests("", 3);
  ASSERT_EQ(log.size(), 3u);
  for (const json& entry : log) {
    EXPECT_EQ(entry["status"], entry["method"] == "DELETE" ? 204 : 200) << entry.dump();
    EXPECT_TRUE(entry["expect"].is_null()) << entry.dump();
    EXPECT_TRUE(entry["transfer_encoding"].is_null());
    const json& signed_headers = entry["signed_headers"];
    EXPECT_NE(std::find(signed_headers.begin(), signed_headers.end(), "x-amz-content-sha256"),
              signed_headers.end());
    EXPECT_NE(std::find(signed_headers.begin(), signed_headers.end(), "host"),
              signed_headers.end());
    // No empty storage class (R2: 501) and no unsigned x-amz-* header.
    EXPECT_FALSE(entry["headers"].contains("x-amz-storage-class"));
  }
  EXPECT_EQ(log[0]["content_sha256"], "UNSIGNED-PAYLOAD");
  EXPECT_EQ(log[0]["has_content_md5"], true);
  EXPECT_EQ(log[1]["params"]["encoding-type"], "url");
  EXPECT_EQ(log[2]["content_sha256"], std::string(kEmptySha256Hex));
}

TEST_F(S3ClientTest, MultipartUploadLifecycle) {
  const std::string part1 = PatternBytes(5 << 20, 1), part2 = PatternBytes(12345, 2);
  absl::StatusOr<std::string> upload_id =
      client_->CreateMultipartUpload("backups", "mp/obj", {}, kNever);
  ASSERT_TRUE(upload_id.ok()) << upload_id.status();
  // R2-style ids contain + / = and must survive encoding.
  EXPECT_TRUE(upload_id->find_first_of("+/=") != std::string::npos);

  absl::StatusOr<std::vector<MultipartUploadSummary>> listed =
      client_->ListMultipartUploads("backups", "", kNever);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].key, "mp/obj");
  EXPECT_EQ((*listed)[0].upload_id, *upload_id);
  EXPECT_TRUE((*listed)[0].initiated.has_value());

  absl::StatusOr<std::string> etag1 = client_->UploadPart(
      "backups", "mp/obj", *upload_id, 1, {Bytes(part1)}, Md5Of(part1), std::nullopt, kNever);
  ASSERT_TRUE(etag1.ok()) << etag1.status();
  absl::StatusOr<std::string> etag2 = client_->UploadPart(
      "backups", "mp/obj", *upload_id, 2, {Bytes(part2)}, Md5Of(part2), std::nullopt, kNever);
  ASSERT_TRUE(etag2.ok()) << etag2.status();
  absl::StatusOr<std::string> etag = client_->CompleteMultipartUpload(
      "backups", "mp/obj", *upload_id, {{1, *etag1}, {2, *etag2}}, kNever);
  ASSERT_TRUE(etag.ok()) << etag.status();
  EXPECT_TRUE(absl::EndsWith(*etag, "-2")) << *etag;
  EXPECT_EQ(fake_->ObjectBytes("backups", "mp/obj").value_or(""), part1 + part2);

  // Abort: the upload disappears; aborting again (NoSuchUpload) is still success.
  absl::StatusOr<std::string> other = client_->CreateMultipartUpload("backups", "mp/x", {}, kNever);
  ASSERT_TRUE(other.ok());
  absl::StatusOr<std::vector<MultipartUploadSummary>> two =
      client_->ListMultipartUploads("backups", "mp/", kNever);
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(two->size(), 1u);
  EXPECT_TRUE(client_->AbortMultipartUpload("backups", "mp/x", *other, kNever).ok());
  EXPECT_TRUE(client_->AbortMultipartUpload("backups", "mp/x", *other, kNever).ok());
  listed = client_->ListMultipartUploads("backups", "", kNever);
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty());
}

TEST_F(S3ClientTest, ErrorsCarryTheS3Code) {
  // Wrong secret.
  std::unique_ptr<S3Client> wrong_secret = MakeClient(kAdminKeyId, std::string(64, 'a'));
  absl::StatusOr<ObjectPage> page = wrong_secret->ListObjectsV2("backups", "", 1, "", kNever);
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.status().code(), absl::StatusCode::kPermissionDenied);
  ASSERT_TRUE(S3ErrorOf(page.status()).has_value());
  EXPECT_EQ(S3ErrorOf(page.status())->code, "SignatureDoesNotMatch");
  EXPECT_EQ(S3ErrorOf(page.status())->http_status, 403);
  EXPECT_FALSE(absl::StrContains(page.status().ToString(), std::string(64, 'a')));
  EXPECT_EQ(faulty_->TotalCalls(), 1);  // not retried

  // Unknown key id.
  std::unique_ptr<S3Client> unknown_key =
      MakeClient("unknownkey000000000000000000000x", kAdminSecret);
  page = unknown_key->ListObjectsV2("backups", "", 1, "", kNever);
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(S3ErrorOf(page.status())->code, "InvalidAccessKeyId");
  EXPECT_FALSE(absl::StrContains(page.status().ToString(), kAdminSecret));

  // A token limited to bucket "other".
  std::unique_ptr<S3Client> scoped = MakeClient(kScopedKeyId, kScopedSecret);
  absl::StatusOr<std::vector<std::string>> buckets = scoped->ListBuckets(kNever);
  ASSERT_FALSE(buckets.ok());
  EXPECT_EQ(S3ErrorOf(buckets.status())->code, "AccessDenied");
  page = scoped->ListObjectsV2("backups", "", 1, "", kNever);
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(S3ErrorOf(page.status())->code, "AccessDenied");
  EXPECT_TRUE(scoped->ListObjectsV2("other", "", 1, "", kNever).ok());

  // No such bucket.
  page = client_->ListObjectsV2("nope", "", 1, "", kNever);
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(S3ErrorOf(page.status())->code, "NoSuchBucket");
  EXPECT_TRUE(absl::StrContains(page.status().message(), "ListObjectsV2 nope")) << page.status();

  // R2 does not implement SSE-S3/KMS headers.
  ObjectOptions sse;
  sse.server_side_encryption = "AES256";
  absl::StatusOr<PutObjectResult> put =
      client_->PutObject("backups", "sse", {}, Md5Of(""), sse, kNever);
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_EQ(S3ErrorOf(put.status())->code, "NotImplemented");

  // A wrong Content-MD5 is refused (BadDigest), not retried.
  put = client_->PutObject("backups", "bad", {Bytes("abc")}, Md5Of("abd"), {}, kNever);
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(S3ErrorOf(put.status())->code, "BadDigest");

  // Not an S3 error: no payload.
  EXPECT_FALSE(S3ErrorOf(absl::UnavailableError("x")).has_value());
}

TEST_F(S3ClientTest, InvalidArgumentsFailBeforeSending) {
  EXPECT_EQ(client_->PutObject("", "k", {}, Md5Of(""), {}, kNever).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(client_->PutObject("backups", "", {}, Md5Of(""), {}, kNever).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(client_->PutObject("backups", "k", {}, "", {}, kNever).status().code(),
            absl::StatusCode::kInvalidArgument);
  ObjectOptions bad;
  bad.metadata = {{"x", "a\r\nInjected: 1"}};
  EXPECT_EQ(client_->PutObject("backups", "k", {}, Md5Of(""), bad, kNever).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(client_->UploadPart("backups", "k", "id", 10001, {}, Md5Of(""), std::nullopt, kNever)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  S3Client bad_endpoint(S3Endpoint{"ftp://x", "auto", true}, Credentials{"a", "b", ""},
                        faulty_.get());
  EXPECT_EQ(bad_endpoint.ListBuckets(kNever).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(faulty_->TotalCalls(), 0);
}

TEST_F(S3ClientTest, SseCustomerKeyOnPutCreateAndParts) {
  SseCustomerKey key;
  const std::string raw_key(32, 'k');
  key.key_base64 = absl::Base64Escape(raw_key);
  key.key_md5_base64 = Md5Of(raw_key);
  ObjectOptions options;
  options.sse_customer_key = key;
  const std::string data = PatternBytes(1000, 3);
  ASSERT_TRUE(
      client_->PutObject("backups", "ssec", {Bytes(data)}, Md5Of(data), options, kNever).ok());
  absl::StatusOr<std::string> id =
      client_->CreateMultipartUpload("backups", "ssec-mp", options, kNever);
  ASSERT_TRUE(id.ok()) << id.status();
  absl::StatusOr<std::string> etag =
      client_->UploadPart("backups", "ssec-mp", *id, 1, {Bytes(data)}, Md5Of(data), key, kNever);
  ASSERT_TRUE(etag.ok()) << etag.status();
  ASSERT_TRUE(
      client_->CompleteMultipartUpload("backups", "ssec-mp", *id, {{1, *etag}}, kNever).ok());
  for (const json& object : fake_->Objects("backups")) {
    EXPECT_EQ(object["sse_c_key_md5"], key.key_md5_base64) << object.dump();
  }
}

TEST_F(S3ClientTest, RetriesServerErrorsThenSucceeds) {
  fake_->AddFault({{"operation", "PutObject"}, {"status", 503}, {"times", 2}});
  fake_->AddFault({{"operation", "UploadPart"}, {"status", 500}, {"times", 1}});
  fake_->AddFault({{"operation", "CreateMultipartUpload"}, {"status", 429}, {"times", 1}});
  const std::string data = PatternBytes(3 << 20, 4);
  absl::StatusOr<PutObjectResult> put =
      client_->PutObject("backups", "retry", {Bytes(data)}, Md5Of(data), {}, kNever);
  ASSERT_TRUE(put.ok()) << put.status();
  EXPECT_EQ(fake_->WaitForRequests("PutObject", 3).size(), 3u);
  absl::StatusOr<std::string> id = client_->CreateMultipartUpload("backups", "mp", {}, kNever);
  ASSERT_TRUE(id.ok()) << id.status();
  absl::StatusOr<std::string> etag = client_->UploadPart("backups", "mp", *id, 1, {Bytes(data)},
                                                         Md5Of(data), std::nullopt, kNever);
  ASSERT_TRUE(etag.ok()) << etag.status();
  EXPECT_EQ(fake_->WaitForRequests("UploadPart", 2).size(), 2u);
  EXPECT_EQ(fake_->ObjectBytes("backups", "retry").value_or(""), data);
}

TEST_F(S3ClientTest, RetriesConnectionResetsMidBody) {
  // Server side: the connection is reset after 1 MiB of the part; client side: a reset before
  // the request leaves.
  fake_->AddFault(
      {{"operation", "UploadPart"}, {"action", "reset"}, {"after_bytes", 1 << 20}, {"times", 1}});
  faulty_->AddRule(FaultRule::Fail("PUT", "partNumber=2", 1, TransportErrorKind::kConnectionReset));
  const std::string a = PatternBytes(5 << 20, 5), b = PatternBytes(777, 6);
  absl::StatusOr<std::string> id = client_->CreateMultipartUpload("backups", "reset", {}, kNever);
  ASSERT_TRUE(id.ok());
  absl::StatusOr<std::string> e1 =
      client_->UploadPart("backups", "reset", *id, 1, {Bytes(a)}, Md5Of(a), std::nullopt, kNever);
  ASSERT_TRUE(e1.ok()) << e1.status();
  absl::StatusOr<std::string> e2 =
      client_->UploadPart("backups", "reset", *id, 2, {Bytes(b)}, Md5Of(b), std::nullopt, kNever);
  ASSERT_TRUE(e2.ok()) << e2.status();
  ASSERT_TRUE(
      client_->CompleteMultipartUpload("backups", "reset", *id, {{1, *e1}, {2, *e2}}, kNever).ok());
  EXPECT_EQ(fake_->ObjectBytes("backups", "reset").value_or(""), a + b);
}

TEST_F(S3ClientTest, GivesUpAfterMaxAttempts) {
  fake_->AddFault({{"operation", "PutObject"}, {"status", 503}, {"times", -1}});
  RetryPolicy retry = FastRetries();
  retry.max_attempts = 3;
  std::unique_ptr<S3Client> client = MakeClient(kAdminKeyId, kAdminSecret, retry);
  absl::StatusOr<PutObjectResult> put =
      client->PutObject("backups", "k", {Bytes("x")}, Md5Of("x"), {}, kNever);
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(absl::StrContains(put.status().message(), "after 3 attempts")) << put.status();
  EXPECT_EQ(S3ErrorOf(put.status())->code, "SlowDown");
  EXPECT_EQ(fake_->WaitForRequests("PutObject", 3).size(), 3u);
}

TEST_F(S3ClientTest, NonRetryableFailureIsNotRetried) {
  fake_->AddFault(
      {{"operation", "PutObject"}, {"status", 403}, {"code", "AccessDenied"}, {"times", 1}});
  absl::StatusOr<PutObjectResult> put =
      client_->PutObject("backups", "k", {Bytes("x")}, Md5Of("x"), {}, kNever);
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(S3ErrorOf(put.status())->code, "AccessDenied");
  EXPECT_EQ(fake_->WaitForRequests("PutObject", 1).size(), 1u);
}

TEST_F(S3ClientTest, TransportErrorsKeepTheirKind) {
  faulty_->AddRule(FaultRule::Fail("GET", "", 0, TransportErrorKind::kDnsFailure));
  absl::StatusOr<ObjectPage> page = client_->ListObjectsV2("backups", "", 1, "", kNever);
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(GetTransportErrorKind(page.status()), TransportErrorKind::kDnsFailure);
  EXPECT_FALSE(S3ErrorOf(page.status()).has_value());
  EXPECT_EQ(faulty_->TotalCalls(), 1);  // a wrong host stays wrong: not retried
}

TEST_F(S3ClientTest, HonoursRetryAfter) {
  FaultRule rule = FaultRule::Respond("GET", "list-type", 1, 503,
                                      "<Error><Code>SlowDown</Code><Message>m</Message></Error>");
  rule.response->headers = {{"retry-after", "1"}};
  faulty_->AddRule(rule);
  const absl::Time start = absl::Now();
  absl::StatusOr<ObjectPage> page = client_->ListObjectsV2("backups", "", 1, "", kNever);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(950));
  EXPECT_EQ(faulty_->TotalCalls(), 2);
}

TEST_F(S3ClientTest, CancelStopsABackoffPromptly) {
  FaultRule rule = FaultRule::Respond("GET", "list-type", 0, 503, "");
  rule.response->headers = {{"retry-after", "30"}};
  faulty_->AddRule(rule);
  std::atomic<bool> cancel{false};
  std::thread canceller([&] {
    absl::SleepFor(absl::Milliseconds(200));
    cancel = true;
  });
  const absl::Time start = absl::Now();
  absl::StatusOr<ObjectPage> page =
      client_->ListObjectsV2("backups", "", 1, "", [&] { return cancel.load(); });
  canceller.join();
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.status().code(), absl::StatusCode::kCancelled) << page.status();
  EXPECT_LT(absl::Now() - start, absl::Seconds(30)) << "the 30 s Retry-After was waited out";
}

TEST_F(S3ClientTest, CompleteRetriesAnErrorInside200) {
  const std::string data = PatternBytes(1000, 8);
  absl::StatusOr<std::string> id = client_->CreateMultipartUpload("backups", "c200", {}, kNever);
  ASSERT_TRUE(id.ok());
  absl::StatusOr<std::string> etag = client_->UploadPart("backups", "c200", *id, 1, {Bytes(data)},
                                                         Md5Of(data), std::nullopt, kNever);
  ASSERT_TRUE(etag.ok());
  faulty_->AddRule(FaultRule::Respond(
      "POST", "uploadId=", 1, 200,
      "<?xml version=\"1.0\"?><Error><Code>InternalError</Code><Message>try again</Message>"
      "</Error>"));
  absl::StatusOr<std::string> done =
      client_->CompleteMultipartUpload("backups", "c200", *id, {{1, *etag}}, kNever);
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_TRUE(absl::EndsWith(*done, "-1"));
  EXPECT_EQ(faulty_->TotalCalls(), 4);  // create, part, complete twice

  // A non-retryable error inside a 200 fails.
  absl::StatusOr<std::string> id2 = client_->CreateMultipartUpload("backups", "c2", {}, kNever);
  ASSERT_TRUE(id2.ok());
  faulty_->AddRule(FaultRule::Respond(
      "POST", "uploadId=", 0, 200,
      "<Error><Code>InvalidPart</Code><Message>All non-trailing parts must have the same "
      "length.</Message></Error>"));
  done = client_->CompleteMultipartUpload("backups", "c2", *id2, {{1, *etag}}, kNever);
  ASSERT_FALSE(done.ok());
  EXPECT_EQ(S3ErrorOf(done.status())->code, "InvalidPart");
  EXPECT_EQ(S3ErrorOf(done.status())->http_status, 200);
}

TEST_F(S3ClientTest, CompleteWhoseAnswerWasLostIsRecognisedByHead) {
  const std::string a = PatternBytes(5 << 20, 9), b = PatternBytes(10, 10);
  absl::StatusOr<std::string> id = client_->CreateMultipartUpload("backups", "lost", {}, kNever);
  ASSERT_TRUE(id.ok());
  absl::StatusOr<std::string> e1 =
      client_->UploadPart("backups", "lost", *id, 1, {Bytes(a)}, Md5Of(a), std::nullopt, kNever);
  absl::StatusOr<std::string> e2 =
      client_->UploadPart("backups", "lost", *id, 2, {Bytes(b)}, Md5Of(b), std::nullopt, kNever);
  ASSERT_TRUE(e1.ok() && e2.ok());
  // The fake completes the upload, then resets the connection instead of answering.
  fake_->AddFault(
      {{"operation", "CompleteMultipartUpload"}, {"action", "drop_response"}, {"times", 1}});
  absl::StatusOr<std::string> done =
      client_->CompleteMultipartUpload("backups", "lost", *id, {{1, *e1}, {2, *e2}}, kNever);
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_TRUE(absl::EndsWith(*done, "-2"));
  EXPECT_EQ(fake_->WaitForRequests("HeadObject", 1).size(), 1u);
  EXPECT_EQ(fake_->ObjectBytes("backups", "lost").value_or(""), a + b);

  // Completing again is recognised the same way (the object is exactly these parts)...
  done = client_->CompleteMultipartUpload("backups", "lost", *id, {{1, *e1}, {2, *e2}}, kNever);
  ASSERT_TRUE(done.ok()) << done.status();
  // ...but other parts are not that object: NoSuchUpload stays an error.
  done = client_->CompleteMultipartUpload("backups", "lost", *id, {{1, *e1}}, kNever);
  ASSERT_FALSE(done.ok());
  EXPECT_EQ(S3ErrorOf(done.status())->code, "NoSuchUpload");
}

TEST(S3ClientVirtualHostTest, PutsTheBucketInTheHost) {
  testing::TestHttpServer server([](const testing::ReceivedRequest&) {
    testing::CannedResponse response;
    response.headers = {{"ETag", "\"0123456789abcdef0123456789abcdef\""}};
    return response;
  });
  CurlTransportOptions options;
  options.use_environment_proxy = false;
  auto transport = CurlTransport::Create(options);
  ASSERT_TRUE(transport.ok());
  // curl resolves *.localhost to the loopback address itself.
  S3Client client(S3Endpoint{absl::StrCat("http://localhost:", server.port()), "auto", false},
                  Credentials{kAdminKeyId, kAdminSecret, ""}, transport->get(), FastRetries());
  absl::StatusOr<PutObjectResult> put =
      client.PutObject("my-bucket", "a b/c", {Bytes("x")}, Md5Of("x"), {}, kNever);
  ASSERT_TRUE(put.ok()) << put.status();
  EXPECT_EQ(put->etag, "0123456789abcdef0123456789abcdef");
  std::vector<testing::ReceivedRequest> requests = server.Requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].target, "/a%20b/c");
  EXPECT_EQ(*FindHeader(requests[0].headers, "host"),
            absl::StrCat("my-bucket.localhost:", server.port()));
  EXPECT_TRUE(absl::StrContains(*FindHeader(requests[0].headers, "authorization"),
                                "SignedHeaders=content-md5;host;x-amz-content-sha256;x-amz-date"));
}

TEST(S3ClientPagingTest, ListMultipartUploadsFollowsEveryPage) {
  // The fake never pages below 1000 uploads; a canned server shows the markers are followed.
  testing::TestHttpServer server([](const testing::ReceivedRequest& r) {
    testing::CannedResponse response;
    const bool first = !absl::StrContains(r.target, "key-marker");
    response.body = absl::StrCat(
        "<ListMultipartUploadsResult><Bucket>b</Bucket><EncodingType>url</EncodingType>",
        "<IsTruncated>", first ? "true" : "false", "</IsTruncated>",
        first
            ? "<NextKeyMarker>k%201</NextKeyMarker><NextUploadIdMarker>id+1/=</NextUploadIdMarker>"
            : "",
        "<Upload><Key>", first ? "k%201" : "k2", "</Key><UploadId>", first ? "id+1/=" : "id2",
        "</UploadId><Initiated>2024-05-01T12:00:00.000Z</Initiated></Upload>",
        "</ListMultipartUploadsResult>");
    return response;
  });
  CurlTransportOptions options;
  options.use_environment_proxy = false;
  auto transport = CurlTransport::Create(options);
  ASSERT_TRUE(transport.ok());
  S3Client client(S3Endpoint{absl::StrCat("http://127.0.0.1:", server.port())},
                  Credentials{kAdminKeyId, kAdminSecret, ""}, transport->get(), FastRetries());
  absl::StatusOr<std::vector<MultipartUploadSummary>> uploads =
      client.ListMultipartUploads("b", "k", kNever);
  ASSERT_TRUE(uploads.ok()) << uploads.status();
  ASSERT_EQ(uploads->size(), 2u);
  EXPECT_EQ((*uploads)[0].key, "k 1");
  EXPECT_EQ((*uploads)[0].upload_id, "id+1/=");
  EXPECT_EQ((*uploads)[1].key, "k2");
  std::vector<testing::ReceivedRequest> requests = server.Requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].target, "/b?encoding-type=url&prefix=k&uploads=");
  EXPECT_EQ(
      requests[1].target,
      "/b?encoding-type=url&key-marker=k%201&prefix=k&upload-id-marker=id%2B1%2F%3D&uploads=");
}

}  // namespace
}  // namespace pluton::s3
