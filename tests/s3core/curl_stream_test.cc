// CurlTransport::Open against a local HTTP server: bodies pulled in pieces byte-exact, error
// bodies kept whole, HEAD, connection reuse after a fully read stream, a connection broken
// mid-body, stalls and cancellation during a read.
#include <algorithm>
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "pluton/s3/curl_transport.h"
#include "test_http_server.h"

namespace pluton::s3 {
namespace {

using testing::CannedResponse;
using testing::ReceivedRequest;
using testing::TestHttpServer;

const CancelCheck kNever;

// Deterministic bytes that are not all alike, so misplaced data shows.
std::string PatternBytes(size_t size, uint32_t seed) {
  std::string out(size, '\0');
  uint32_t x = seed * 2654435761u + 1;
  for (char& c : out) {
    x = x * 1103515245u + 12345u;
    c = static_cast<char>(x >> 16);
  }
  return out;
}

std::unique_ptr<CurlTransport> MakeTransport() {
  CurlTransportOptions options;
  options.use_environment_proxy = false;
  absl::StatusOr<std::unique_ptr<CurlTransport>> transport = CurlTransport::Create(options);
  EXPECT_TRUE(transport.ok()) << transport.status();
  return transport.ok() ? *std::move(transport) : nullptr;
}

HttpRequest Get(const TestHttpServer& server, const std::string& path) {
  HttpRequest request;
  request.method = "GET";
  request.url = server.Url(path);
  return request;
}

// Reads the whole body with reads of `piece` bytes; the error, if any, in *error.
std::string ReadAll(HttpResponseStream& stream, size_t piece, absl::Status* error = nullptr) {
  std::string out;
  std::vector<uint8_t> buffer(piece);
  for (;;) {
    absl::StatusOr<size_t> n = stream.Read(buffer.data(), buffer.size(), kNever);
    if (!n.ok()) {
      if (error != nullptr) *error = n.status();
      return out;
    }
    if (*n == 0) return out;
    EXPECT_LE(*n, piece);
    out.append(reinterpret_cast<const char*>(buffer.data()), *n);
  }
}

TEST(CurlStreamTest, BodyArrivesByteExactInSmallAndLargeReads) {
  const std::string body = PatternBytes(300 * 1024 + 7, 3);
  TestHttpServer server([&](const ReceivedRequest&) {
    return CannedResponse{200, {{"ETag", "\"abc\""}}, body};
  });
  std::unique_ptr<CurlTransport> transport = MakeTransport();
  for (size_t piece : {1u, 1000u, 64u * 1024u, 1024u * 1024u}) {
    absl::StatusOr<std::unique_ptr<HttpResponseStream>> stream =
        transport->Open(Get(server, "/b/k"), kNever);
    ASSERT_TRUE(stream.ok()) << stream.status();
    EXPECT_EQ((*stream)->response().status, 200);
    EXPECT_EQ((*stream)->response().body, "");
    const std::string* etag = FindHeader((*stream)->response().headers, "etag");
    ASSERT_NE(etag, nullptr);
    EXPECT_EQ(*etag, "\"abc\"");
    if (piece == 1) {
      // One byte at a time is slow: check the first 20000 bytes that way, then the rest.
      std::string head;
      uint8_t byte = 0;
      for (int i = 0; i < 20000; ++i) {
        absl::StatusOr<size_t> n = (*stream)->Read(&byte, 1, kNever);
        ASSERT_TRUE(n.ok() && *n == 1) << i;
        head.push_back(static_cast<char>(byte));
      }
      EXPECT_TRUE(head + ReadAll(**stream, 4096) == body);
    } else {
      EXPECT_TRUE(ReadAll(**stream, piece) == body) << piece;
    }
    uint8_t extra = 0;
    absl::StatusOr<size_t> after = (*stream)->Read(&extra, 1, kNever);
    ASSERT_TRUE(after.ok());
    EXPECT_EQ(*after, 0u) << "reads after the end keep returning 0";
  }
}

TEST(CurlStreamTest, ErrorBodyIsReadWholeAndHeadHasNone) {
  const std::string xml = "<Error><Code>NoSuchKey</Code><Message>gone</Message></Error>";
  TestHttpServer server([&](const ReceivedRequest& r) {
    if (r.method == "HEAD") return CannedResponse{200, {{"X-Size", "5"}}, "hello"};
    return CannedResponse{404, {{"Content-Type", "application/xml"}}, xml};
  });
  std::unique_ptr<CurlTransport> transport = MakeTransport();
  absl::StatusOr<std::unique_ptr<HttpResponseStream>> error =
      transport->Open(Get(server, "/b/missing"), kNever);
  ASSERT_TRUE(error.ok()) << error.status();
  EXPECT_EQ((*error)->response().status, 404);
  EXPECT_EQ((*error)->response().body, xml);
  uint8_t byte = 0;
  absl::StatusOr<size_t> n = (*error)->Read(&byte, 1, kNever);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 0u);

  HttpRequest head = Get(server, "/b/k");
  head.method = "HEAD";
  absl::StatusOr<std::unique_ptr<HttpResponseStream>> stream = transport->Open(head, kNever);
  ASSERT_TRUE(stream.ok()) << stream.status();
  EXPECT_EQ((*stream)->response().status, 200);
  const std::string* size = FindHeader((*stream)->response().headers, "x-size");
  ASSERT_NE(size, nullptr);
  EXPECT_EQ(*size, "5");
  EXPECT_EQ(ReadAll(**stream, 100), "");
}

TEST(CurlStreamTest, ConnectionIsReusedAfterAFullReadButNotAfterAnAbandonedOne) {
  const std::string body = PatternBytes(200 * 1024, 4);
  TestHttpServer server([&](const ReceivedRequest&) { return CannedResponse{200, {}, body}; });
  std::unique_ptr<CurlTransport> transport = MakeTransport();
  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<std::unique_ptr<HttpResponseStream>> stream =
        transport->Open(Get(server, "/b/k"), kNever);
    ASSERT_TRUE(stream.ok()) << stream.status();
    EXPECT_TRUE(ReadAll(**stream, 8192) == body);
  }
  EXPECT_EQ(server.ConnectionCount(), 1);
  {
    absl::StatusOr<std::unique_ptr<HttpResponseStream>> stream =
        transport->Open(Get(server, "/b/k"), kNever);
    ASSERT_TRUE(stream.ok()) << stream.status();
    uint8_t buffer[100];
    ASSERT_TRUE((*stream)->Read(buffer, sizeof(buffer), kNever).ok());
  }  // abandoned after 100 bytes: that connection is closed
  absl::StatusOr<std::unique_ptr<HttpResponseStream>> next =
      transport->Open(Get(server, "/b/k"), kNever);
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_TRUE(ReadAll(**next, 8192) == body) << "a fresh connection serves the next stream";
  EXPECT_EQ(server.ConnectionCount(), 2);
}

TEST(CurlStreamTest, ConnectionClosedMidBodyIsAConnectionResetAfterTheBytesThatCame) {
  const std::string body = PatternBytes(100000, 5);
  TestHttpServer server([&](const ReceivedRequest&) {
    CannedResponse response{200, {}, body};
    response.partial_body = 30000;
    return response;
  });
  std::unique_ptr<CurlTransport> transport = MakeTransport();
  absl::StatusOr<std::unique_ptr<HttpResponseStream>> stream =
      transport->Open(Get(server, "/b/k"), kNever);
  ASSERT_TRUE(stream.ok()) << stream.status();
  absl::Status error;
  const std::string got = ReadAll(**stream, 7000, &error);
  EXPECT_TRUE(got == body.substr(0, 30000)) << got.size();
  EXPECT_EQ(GetTransportErrorKind(error), TransportErrorKind::kConnectionReset) << error;
  uint8_t byte = 0;
  EXPECT_FALSE((*stream)->Read(&byte, 1, kNever).ok()) << "the stream stays dead";
}

TEST(CurlStreamTest, CancelDuringAReadReturnsCancelledPromptly) {
  TestHttpServer server([&](const ReceivedRequest&) {
    CannedResponse response{200, {}, std::string(100000, 'x')};
    response.partial_body = 10;
    response.hang_after_partial = true;
    return response;
  });
  std::unique_ptr<CurlTransport> transport = MakeTransport();
  std::atomic<bool> cancel{false};
  const CancelCheck cancelled = [&] { return cancel.load(); };
  absl::StatusOr<std::unique_ptr<HttpResponseStream>> stream =
      transport->Open(Get(server, "/b/k"), cancelled);
  ASSERT_TRUE(stream.ok()) << stream.status();
  uint8_t buffer[64];
  size_t got = 0;
  while (got < 10) {
    absl::StatusOr<size_t> n = (*stream)->Read(buffer, sizeof(buffer), cancelled);
    ASSERT_TRUE(n.ok()) << n.status();
    ASSERT_GT(*n, 0u);
    got += *n;
  }
  std::thread canceller([&] {
    absl::SleepFor(absl::Milliseconds(300));
    cancel = true;
  });
  const absl::Time start = absl::Now();
  absl::StatusOr<size_t> n = (*stream)->Read(buffer, sizeof(buffer), cancelled);
  const absl::Duration waited = absl::Now() - start;
  canceller.join();
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.status().code(), absl::StatusCode::kCancelled) << n.status();
  EXPECT_EQ(GetTransportErrorKind(n.status()), TransportErrorKind::kCancelled);
  EXPECT_GE(waited, absl::Milliseconds(250));
  // The server never sends another byte: only a polled cancel ends the read.
  EXPECT_LT(waited, absl::Seconds(30)) << "cancel is polled while waiting for bytes";
}

TEST(CurlStreamTest, NoByteForTheStallTimeoutIsATimeout) {
  TestHttpServer server([&](const ReceivedRequest&) {
    CannedResponse response{200, {}, std::string(1000, 'y')};
    response.partial_body = 0;
    response.hang_after_partial = true;
    return response;
  });
  std::unique_ptr<CurlTransport> transport = MakeTransport();
  HttpRequest request = Get(server, "/b/k");
  request.stall_timeout = absl::Milliseconds(400);
  absl::StatusOr<std::unique_ptr<HttpResponseStream>> stream = transport->Open(request, kNever);
  ASSERT_TRUE(stream.ok()) << stream.status();
  uint8_t buffer[64];
  const absl::Time start = absl::Now();
  absl::StatusOr<size_t> n = (*stream)->Read(buffer, sizeof(buffer), kNever);
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(GetTransportErrorKind(n.status()), TransportErrorKind::kTimeout) << n.status();
  EXPECT_LT(absl::Now() - start, absl::Seconds(30)) << "the server never sends more";
}

TEST(CurlStreamTest, RequestsWithABodyAreRefused) {
  TestHttpServer server([&](const ReceivedRequest&) { return CannedResponse{200, {}, ""}; });
  std::unique_ptr<CurlTransport> transport = MakeTransport();
  const std::string data = "payload";
  HttpRequest request = Get(server, "/b/k");
  request.method = "PUT";
  request.body = {
      absl::Span<const uint8_t>(reinterpret_cast<const uint8_t*>(data.data()), data.size())};
  absl::StatusOr<std::unique_ptr<HttpResponseStream>> stream = transport->Open(request, kNever);
  ASSERT_FALSE(stream.ok());
  EXPECT_EQ(stream.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(server.Requests().empty());
}

TEST(CurlStreamTest, UnreachableServerFailsTheOpen) {
  std::unique_ptr<CurlTransport> transport = MakeTransport();
  HttpRequest request;
  request.method = "GET";
  request.url = "http://127.0.0.1:" + std::to_string(testing::UnusedLocalPort()) + "/b/k";
  absl::StatusOr<std::unique_ptr<HttpResponseStream>> stream = transport->Open(request, kNever);
  ASSERT_FALSE(stream.ok());
  EXPECT_EQ(GetTransportErrorKind(stream.status()), TransportErrorKind::kConnectFailed)
      << stream.status();
}

}  // namespace
}  // namespace pluton::s3
