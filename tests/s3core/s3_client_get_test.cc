// S3Client::GetObject / HeadObject against the strict R2 fake through the real CurlTransport:
// full and ranged reads byte-exact, range errors, resuming a broken body with If-Match, an
// object replaced mid-download, HEAD fields, SSE-C; and cancellation while a read waits, with
// a local server that stops sending.
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "common/temp_dir.h"
#include "gtest/gtest.h"
#include "pluton/s3/digest.h"
#include "pluton/s3/object_reader.h"
#include "pluton/s3/s3_client.h"
#include "r2fake_test_base.h"
#include "test_http_server.h"

namespace pluton::s3 {
namespace {

using nlohmann::json;
using pluton::testing::PatternBytes;

const CancelCheck kNever;
constexpr uint64_t kMiB = 1024 * 1024;

absl::Span<const uint8_t> Bytes(const std::string& s) {
  return absl::Span<const uint8_t>(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

std::string Md5Base64Of(const std::string& s) {
  absl::Span<const uint8_t> span = Bytes(s);
  return Md5Base64(ByteSpans(&span, 1));
}

std::string Md5Raw(const std::string& s) {
  std::string raw;
  EXPECT_TRUE(absl::Base64Unescape(Md5Base64Of(s), &raw));
  return raw;
}

// Everything `reader` delivers in reads of `piece` bytes; the error, if any, in *error.
std::string ReadAll(ObjectReader& reader, size_t piece, absl::Status* error = nullptr,
                    const CancelCheck& cancelled = kNever) {
  std::string out;
  std::vector<uint8_t> buffer(piece);
  for (;;) {
    absl::StatusOr<size_t> n = reader.Read(buffer.data(), buffer.size(), cancelled);
    if (!n.ok()) {
      if (error != nullptr) *error = n.status();
      return out;
    }
    if (*n == 0) return out;
    out.append(reinterpret_cast<const char*>(buffer.data()), *n);
  }
}

class S3ClientGetTest : public testing::R2FakeTestBase {
 protected:
  void Put(const std::string& key, const std::string& data, const ObjectOptions& options = {}) {
    absl::StatusOr<PutObjectResult> put =
        client_->PutObject("backups", key, {Bytes(data)}, Md5Base64Of(data), options, kNever);
    ASSERT_TRUE(put.ok()) << put.status();
  }

  // A multipart object of 5 MiB parts (the fake's minimum) and a shorter last part.
  void PutMultipart(const std::string& key, const std::string& data) {
    absl::StatusOr<std::string> id = client_->CreateMultipartUpload("backups", key, {}, kNever);
    ASSERT_TRUE(id.ok()) << id.status();
    std::vector<CompletedPart> parts;
    for (uint64_t offset = 0; offset < data.size(); offset += 5 * kMiB) {
      const std::string part = data.substr(offset, 5 * kMiB);
      const int number = static_cast<int>(parts.size()) + 1;
      absl::StatusOr<std::string> etag = client_->UploadPart(
          "backups", key, *id, number, {Bytes(part)}, Md5Base64Of(part), std::nullopt, kNever);
      ASSERT_TRUE(etag.ok()) << etag.status();
      parts.push_back({number, *etag});
    }
    ASSERT_TRUE(client_->CompleteMultipartUpload("backups", key, *id, parts, kNever).ok());
  }

  // GetObject of [offset, offset + length) read whole (an error fails the test).
  std::string Get(const std::string& key, uint64_t offset, int64_t length) {
    absl::StatusOr<std::unique_ptr<ObjectReader>> reader =
        client_->GetObject("backups", key, offset, length, std::nullopt, kNever);
    EXPECT_TRUE(reader.ok()) << key << " " << offset << "+" << length << ": " << reader.status();
    if (!reader.ok()) return "<error>";
    absl::Status error;
    std::string out = ReadAll(**reader, 64 * 1024, &error);
    EXPECT_TRUE(error.ok()) << error;
    return out;
  }

  static SseCustomerKey TestSseKey() {
    const std::string raw(32, 'q');
    return SseCustomerKey{absl::Base64Escape(raw), Md5Base64Of(raw)};
  }
};

TEST_F(S3ClientGetTest, FullAndRangedReadsAreByteExact) {
  const std::string one = "z";
  const std::string single = PatternBytes(300000, 1);
  const std::string multi = PatternBytes(11 * kMiB + 12345, 2);
  Put("empty", "");
  Put("one", one);
  Put("single", single);
  PutMultipart("multi", multi);

  EXPECT_EQ(Get("empty", 0, -1), "");
  EXPECT_EQ(Get("one", 0, -1), one);
  EXPECT_EQ(Get("one", 0, 1), one);
  EXPECT_TRUE(Get("single", 0, -1) == single);
  EXPECT_TRUE(Get("single", 1, -1) == single.substr(1));
  EXPECT_TRUE(Get("single", 299999, 1) == single.substr(299999, 1));
  EXPECT_TRUE(Get("multi", 0, -1) == multi);
  // Across the boundary of parts 1 and 2, and the middle of part 2.
  EXPECT_TRUE(Get("multi", 5 * kMiB - 1000, 3000) == multi.substr(5 * kMiB - 1000, 3000));
  EXPECT_TRUE(Get("multi", 7 * kMiB, kMiB) == multi.substr(7 * kMiB, kMiB));

  // A whole object from 0 sends no Range; a range does.
  const json gets = fake_->WaitForRequests("GetObject", 9);
  ASSERT_GE(gets.size(), 9u);
  EXPECT_FALSE(gets[0]["headers"].contains("range")) << gets[0].dump();
  EXPECT_EQ(gets[2]["headers"].value("range", ""), "bytes=0-0");
  EXPECT_EQ(gets[4]["headers"].value("range", ""), "bytes=1-");
  EXPECT_EQ(gets[7]["headers"].value("range", ""),
            "bytes=" + std::to_string(5 * kMiB - 1000) + "-" + std::to_string(5 * kMiB + 1999));
  for (const json& get : gets) {
    EXPECT_EQ(get["content_sha256"], std::string(kEmptySha256Hex));
  }

  absl::StatusOr<std::unique_ptr<ObjectReader>> reader =
      client_->GetObject("backups", "multi", 100, 50, std::nullopt, kNever);
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_EQ((*reader)->details().size, multi.size());
  EXPECT_EQ((*reader)->offset(), 100u);
  EXPECT_EQ((*reader)->length(), 50u);
  EXPECT_TRUE(absl::EndsWith((*reader)->details().etag, "-3")) << (*reader)->details().etag;
}

TEST_F(S3ClientGetTest, RangesPastTheEndAreOutOfRangeButTheEndItselfReadsNothing) {
  Put("hundred", std::string(100, 'h'));
  struct Case {
    uint64_t offset;
    int64_t length;
    bool ok;
  };
  for (const Case& c :
       {Case{101, -1, false}, Case{50, 51, false}, Case{100, 1, false}, Case{101, 0, false},
        Case{100, -1, true}, Case{100, 0, true}, Case{0, 0, true}, Case{50, 50, true}}) {
    absl::StatusOr<std::unique_ptr<ObjectReader>> reader =
        client_->GetObject("backups", "hundred", c.offset, c.length, std::nullopt, kNever);
    if (!c.ok) {
      ASSERT_FALSE(reader.ok()) << c.offset << "+" << c.length;
      EXPECT_EQ(reader.status().code(), absl::StatusCode::kOutOfRange)
          << c.offset << "+" << c.length << ": " << reader.status();
      EXPECT_TRUE(absl::StrContains(reader.status().message(), "100 bytes")) << reader.status();
      continue;
    }
    ASSERT_TRUE(reader.ok()) << c.offset << "+" << c.length << ": " << reader.status();
    EXPECT_EQ((*reader)->details().size, 100u);
    EXPECT_EQ((*reader)->details().etag, absl::BytesToHexString(Md5Raw(std::string(100, 'h'))));
    const uint64_t expected = c.length < 0 ? 100 - c.offset : static_cast<uint64_t>(c.length);
    EXPECT_EQ(ReadAll(**reader, 1000).size(), expected);
  }
}

TEST_F(S3ClientGetTest, MissingObjectsAreNotFound) {
  absl::StatusOr<std::unique_ptr<ObjectReader>> reader =
      client_->GetObject("backups", "nope", 0, -1, std::nullopt, kNever);
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(S3ErrorOf(reader.status()).has_value());
  EXPECT_EQ(S3ErrorOf(reader.status())->code, "NoSuchKey");

  absl::StatusOr<ObjectDetails> head = client_->HeadObject("backups", "nope", std::nullopt, kNever);
  ASSERT_FALSE(head.ok());
  EXPECT_EQ(head.status().code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(S3ErrorOf(head.status()).has_value());
  EXPECT_EQ(S3ErrorOf(head.status())->code, "NoSuchKey") << "HEAD's bodiless 404 is named";

  absl::StatusOr<std::unique_ptr<ObjectReader>> no_bucket =
      client_->GetObject("no-such-bucket", "k", 0, -1, std::nullopt, kNever);
  ASSERT_FALSE(no_bucket.ok());
  EXPECT_EQ(S3ErrorOf(no_bucket.status()).value_or(S3Error{}).code, "NoSuchBucket");
  absl::StatusOr<ObjectDetails> head_no_bucket =
      client_->HeadObject("no-such-bucket", "k", std::nullopt, kNever);
  ASSERT_FALSE(head_no_bucket.ok());
  EXPECT_EQ(head_no_bucket.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(S3ErrorOf(head_no_bucket.status()).value_or(S3Error{}).code, "NoSuchBucket")
      << "a HEAD's bodiless 404 is told apart by a HEAD of the bucket";
}

TEST_F(S3ClientGetTest, OpeningRetriesServerErrors) {
  Put("k", "retried");
  fake_->AddFault({{"operation", "GetObject"}, {"status", 503}, {"times", 2}});
  EXPECT_EQ(Get("k", 0, -1), "retried");
  EXPECT_EQ(fake_->WaitForRequests("GetObject", 3).size(), 3u);
}

TEST_F(S3ClientGetTest, BodyCutByTheServerIsResumedByteExactWithIfMatch) {
  const std::string data = PatternBytes(3 * kMiB + 17, 3);
  Put("big", data);
  fake_->AddFault({{"operation", "GetObject"},
                   {"action", "truncate"},
                   {"truncate_bytes", 1000000},
                   {"times", 2}});
  absl::StatusOr<std::unique_ptr<ObjectReader>> reader =
      client_->GetObject("backups", "big", 10, -1, std::nullopt, kNever);
  ASSERT_TRUE(reader.ok()) << reader.status();
  absl::Status error;
  EXPECT_TRUE(ReadAll(**reader, 100000, &error) == data.substr(10));
  EXPECT_TRUE(error.ok()) << error;

  const json gets = fake_->WaitForRequests("GetObject", 3);
  ASSERT_EQ(gets.size(), 3u) << gets.dump();
  const std::string etag = "\"" + (*reader)->details().etag + "\"";
  EXPECT_EQ(gets[0]["headers"].value("range", ""), "bytes=10-");
  EXPECT_FALSE(gets[0]["headers"].contains("if-match"));
  EXPECT_EQ(gets[1]["headers"].value("range", ""),
            "bytes=1000010-" + std::to_string(data.size() - 1));
  EXPECT_EQ(gets[1]["headers"].value("if-match", ""), etag);
  EXPECT_EQ(gets[2]["headers"].value("range", ""),
            "bytes=2000010-" + std::to_string(data.size() - 1));
  EXPECT_EQ(gets[2]["headers"].value("if-match", ""), etag);
}

TEST_F(S3ClientGetTest, ResumesShareTheRetryBudget) {
  Put("k", PatternBytes(100000, 4));
  const int every_get_breaks =
      faulty_->AddRule(FaultRule::BreakBody("GET", "/backups/k", 0, 10000));
  RetryPolicy retry = testing::FastRetries();
  retry.max_attempts = 4;
  std::unique_ptr<S3Client> client = MakeClient(testing::kAdminKeyId, testing::kAdminSecret, retry);
  absl::StatusOr<std::unique_ptr<ObjectReader>> reader =
      client->GetObject("backups", "k", 0, -1, std::nullopt, kNever);
  ASSERT_TRUE(reader.ok()) << reader.status();
  absl::Status error;
  const std::string got = ReadAll(**reader, 4096, &error);
  EXPECT_EQ(got.size(), 40000u) << "4 attempts of 10000 bytes each";
  EXPECT_EQ(GetTransportErrorKind(error), TransportErrorKind::kConnectionReset) << error;
  EXPECT_TRUE(absl::StrContains(error.message(), "gave up after 4 attempts")) << error;
  EXPECT_EQ(faulty_->FireCount(every_get_breaks), 4);
}

TEST_F(S3ClientGetTest, ObjectReplacedMidDownloadIsNotStitched) {
  const std::string old_data = PatternBytes(200000, 5);
  Put("k", old_data);
  faulty_->AddRule(FaultRule::BreakBody("GET", "/backups/k", 1, 50000));
  absl::StatusOr<std::unique_ptr<ObjectReader>> reader =
      client_->GetObject("backups", "k", 0, -1, std::nullopt, kNever);
  ASSERT_TRUE(reader.ok()) << reader.status();
  std::vector<uint8_t> buffer(20000);
  absl::StatusOr<size_t> first = (*reader)->Read(buffer.data(), buffer.size(), kNever);
  ASSERT_TRUE(first.ok() && *first > 0) << first.status();

  Put("k", PatternBytes(200000, 6));  // same size, other bytes, another ETag
  absl::Status error;
  const std::string rest = ReadAll(**reader, 20000, &error);
  EXPECT_TRUE(std::string(reinterpret_cast<char*>(buffer.data()), *first) + rest ==
              old_data.substr(0, 50000))
      << "only the old object's bytes before the break";
  EXPECT_TRUE(IsObjectChangedError(error)) << error;
  EXPECT_EQ(error.code(), absl::StatusCode::kAborted) << error;
  EXPECT_TRUE(absl::StrContains(error.message(), "changed during the download")) << error;
  const json gets = fake_->WaitForRequests("GetObject", 2);
  ASSERT_EQ(gets.size(), 2u);
  EXPECT_EQ(gets[1]["status"], 412) << gets[1].dump();
  // Dead afterwards.
  EXPECT_FALSE((*reader)->Read(buffer.data(), buffer.size(), kNever).ok());
}

TEST_F(S3ClientGetTest, HeadReportsSizeEtagMetadataAndStoredMd5) {
  const std::string data = PatternBytes(4321, 7);
  ObjectOptions options;
  options.content_type = "application/x-tar";
  options.storage_class = "STANDARD_IA";
  options.metadata = {{"md5chksum", Md5Base64Of(data)}, {"origin", "pluton"}};
  const absl::Time before = absl::Now() - absl::Seconds(2);
  Put("meta", data, options);
  Put("plain", data);

  absl::StatusOr<ObjectDetails> meta = client_->HeadObject("backups", "meta", std::nullopt, kNever);
  ASSERT_TRUE(meta.ok()) << meta.status();
  EXPECT_EQ(meta->size, data.size());
  EXPECT_EQ(meta->etag, absl::BytesToHexString(Md5Raw(data)));
  ASSERT_TRUE(meta->last_modified.has_value());
  EXPECT_GE(*meta->last_modified, before);
  EXPECT_LE(*meta->last_modified, absl::Now() + absl::Seconds(2));
  EXPECT_EQ(meta->content_type, "application/x-tar");
  EXPECT_EQ(meta->storage_class, "STANDARD_IA");
  EXPECT_EQ(meta->metadata.at("origin"), "pluton");
  ASSERT_TRUE(meta->md5chksum.has_value());
  EXPECT_EQ(*meta->md5chksum, Md5Raw(data));
  EXPECT_EQ(StoredMd5(*meta).value_or(""), Md5Raw(data));

  absl::StatusOr<ObjectDetails> plain =
      client_->HeadObject("backups", "plain", std::nullopt, kNever);
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_EQ(plain->storage_class, "") << "S3 omits STANDARD";
  EXPECT_FALSE(plain->md5chksum.has_value());
  EXPECT_EQ(StoredMd5(*plain).value_or(""), Md5Raw(data)) << "a single PUT's ETag is its MD5";

  // The same parsing serves GetObject.
  absl::StatusOr<std::unique_ptr<ObjectReader>> reader =
      client_->GetObject("backups", "meta", 0, -1, std::nullopt, kNever);
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_EQ((*reader)->details().metadata, meta->metadata);
  EXPECT_EQ((*reader)->details().content_type, "application/x-tar");
}

TEST_F(S3ClientGetTest, StoredMd5Rule) {
  ObjectDetails details;
  details.etag = "0123456789abcdef0123456789ABCDEF";
  EXPECT_EQ(absl::BytesToHexString(StoredMd5(details).value_or("")),
            "0123456789abcdef0123456789abcdef");
  details.sse_customer_encrypted = true;
  EXPECT_FALSE(StoredMd5(details).has_value()) << "an SSE-C ETag is not the MD5";
  details.sse_customer_encrypted = false;
  details.server_side_encryption = "aws:kms";
  EXPECT_FALSE(StoredMd5(details).has_value()) << "nor is an SSE-KMS one";
  details.server_side_encryption = "";
  details.etag = "0123456789abcdef0123456789abcdef-2";
  EXPECT_FALSE(StoredMd5(details).has_value()) << "a multipart ETag is not an MD5";
  details.md5chksum = std::string(16, '\x01');
  details.sse_customer_encrypted = true;
  EXPECT_EQ(StoredMd5(details).value_or(""), std::string(16, '\x01'));
}

TEST_F(S3ClientGetTest, SseCustomerKeyObjectIsReadableOnlyWithItsKey) {
  const SseCustomerKey key = TestSseKey();
  ObjectOptions options;
  options.sse_customer_key = key;
  const std::string data = PatternBytes(70000, 8);
  Put("secret", data, options);

  absl::StatusOr<std::unique_ptr<ObjectReader>> reader =
      client_->GetObject("backups", "secret", 5, -1, key, kNever);
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_TRUE(ReadAll(**reader, 8192) == data.substr(5));
  EXPECT_TRUE((*reader)->details().sse_customer_encrypted);
  EXPECT_FALSE(StoredMd5((*reader)->details()).has_value());
  absl::StatusOr<ObjectDetails> head = client_->HeadObject("backups", "secret", key, kNever);
  ASSERT_TRUE(head.ok()) << head.status();
  EXPECT_EQ(head->size, data.size());

  absl::StatusOr<std::unique_ptr<ObjectReader>> without =
      client_->GetObject("backups", "secret", 0, -1, std::nullopt, kNever);
  ASSERT_FALSE(without.ok());
  EXPECT_EQ(without.status().code(), absl::StatusCode::kInvalidArgument) << without.status();
  EXPECT_EQ(S3ErrorOf(without.status()).value_or(S3Error{}).code, "InvalidRequest");
  EXPECT_FALSE(absl::StrContains(without.status().message(), key.key_base64));
  absl::StatusOr<ObjectDetails> head_without =
      client_->HeadObject("backups", "secret", std::nullopt, kNever);
  EXPECT_FALSE(head_without.ok());
}

// A server that sends the head and 1000 body bytes, then nothing: a read waiting for more
// returns CANCELLED soon after the cancel fires.
TEST(S3ClientGetCancelTest, CancelWhileAReadWaitsReturnsCancelledPromptly) {
  const std::string body = PatternBytes(100000, 9);
  testing::TestHttpServer server([&](const testing::ReceivedRequest&) {
    testing::CannedResponse response{200, {{"ETag", "\"0123456789abcdef0123456789abcdef\""}}, body};
    response.partial_body = 1000;
    response.hang_after_partial = true;
    return response;
  });
  CurlTransportOptions options;
  options.use_environment_proxy = false;
  absl::StatusOr<std::unique_ptr<CurlTransport>> transport = CurlTransport::Create(options);
  ASSERT_TRUE(transport.ok()) << transport.status();
  S3Client client(S3Endpoint{server.Url(""), "auto", true},
                  Credentials{testing::kAdminKeyId, testing::kAdminSecret, ""}, transport->get(),
                  testing::FastRetries());
  std::atomic<bool> cancel{false};
  const CancelCheck cancelled = [&] { return cancel.load(); };
  absl::StatusOr<std::unique_ptr<ObjectReader>> reader =
      client.GetObject("b", "k", 0, -1, std::nullopt, cancelled);
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_EQ((*reader)->details().size, body.size());
  std::vector<uint8_t> buffer(4096);
  size_t got = 0;
  while (got < 1000) {
    absl::StatusOr<size_t> n = (*reader)->Read(buffer.data(), buffer.size(), cancelled);
    ASSERT_TRUE(n.ok()) << n.status();
    got += *n;
  }
  std::thread canceller([&] {
    absl::SleepFor(absl::Milliseconds(300));
    cancel = true;
  });
  const absl::Time start = absl::Now();
  absl::StatusOr<size_t> n = (*reader)->Read(buffer.data(), buffer.size(), cancelled);
  const absl::Duration waited = absl::Now() - start;
  canceller.join();
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.status().code(), absl::StatusCode::kCancelled) << n.status();
  // The server never sends the rest: only a polled cancel ends the read.
  EXPECT_LT(waited, absl::Seconds(30));
  EXPECT_EQ(server.Requests().size(), 1u) << "a cancel is not resumed";
}

}  // namespace
}  // namespace pluton::s3
