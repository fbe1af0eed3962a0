#include "pluton/s3/curl_transport.h"

#include <atomic>
#include <random>
#include <thread>
#include <vector>

#include "absl//strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "test_http_server.h"

namespace pluton::s3 {
namespace {

using testing::CannedResponse;
using testing::ReceivedRequest;
using testing::TestHttpServer;

const CancelCheck kNever;

std::unique_ptr<CurlTransport> MakeTransport() {
  CurlTransportOptions options;
  options.use_environment_proxy = false;  // 127.0.0.1 must not go through a proxy
  absl::StatusOr<std::unique_ptr<CurlTransport>> transport = CurlTransport::Create(options);
  EXPECT_TRUE(transport.ok()) << transport.status();
  return std::move(transport).value();
}

CannedResponse Ok(std::string body = "ok") {
  CannedResponse r;
  r.status = 200;
  r.headers = {{"ETag", "\"abc\""}, {"X-Amz-Request-Id", " REQ1 "}};
  r.body = std::move(body);
  return r;
}

HttpRequest Req(std::string method, std::string url) {
  HttpRequest r;
  r.method = std::move(method);
  r.url = std::move(url);
  r.connect_timeout = absl::Seconds(10);
  r.timeout = absl::Seconds(30);
  return r;
}

const std::string* Header(const ReceivedRequest& r, absl::string_view name) {
  return FindHeader(r.headers, name);
}

std::string RandomBytes(size_t n, unsigned seed) {
  std::mt19937 gen(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(gen() & 0xFF);
  return s;
}

absl::Span<const uint8_t> Bytes(const std::string& s) {
  return absl::Span<const uint8_t>(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

TEST(CurlTransportTest, PutsScatteredBodyIntactWithoutExpect) {
  TestHttpServer server([](const ReceivedRequest&) { return Ok(); });
  auto transport = MakeTransport();
  // Over libcurl's 1 MiB Expect: 100-continue threshold, in three uneven spans plus an empty
  // one, with every byte value present.
  const std::string a = RandomBytes(1 << 20, 1), b = RandomBytes(7, 2), empty,
                    c = RandomBytes((1 << 20) + 12345, 3);
  HttpRequest req = Req("PUT", server.Url("/bucket/obj"));
  req.headers = {{"Host", absl::StrCat("127.0.0.1:", server.port())},
                 {"Content-Type", "application/octet-stream"},
                 {"x-amz-meta-empty", ""}};
  req.body = {Bytes(a), Bytes(b), Bytes(empty), Bytes(c)};

  absl::StatusOr<HttpResponse> resp = transport->Send(req, kNever);
  ASSERT_TRUE(resp.ok()) << resp.status();
  EXPECT_EQ(resp->status, 200);
  EXPECT_EQ(resp->body, "ok");
  ASSERT_NE(FindHeader(resp->headers, "etag"), nullptr);
  EXPECT_EQ(*FindHeader(resp->headers, "etag"), "\"abc\"");
  for (const auto& [name, value] : resp->headers) EXPECT_EQ(name, absl::AsciiStrToLower(name));
  EXPECT_EQ(*FindHeader(resp->headers, "x-amz-request-id"), "REQ1");

  std::vector<ReceivedRequest> got = server.Requests();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].method, "PUT");
  EXPECT_EQ(got[0].target, "/bucket/obj");
  EXPECT_TRUE(got[0].body == a + b + c) << "body differs; size " << got[0].body.size();
  EXPECT_EQ(Header(got[0], "Expect"), nullptr) << "Expect: " << *Header(got[0], "Expect");
  EXPECT_EQ(Header(got[0], "Transfer-Encoding"), nullptr);
  ASSERT_NE(Header(got[0], "Content-Length"), nullptr);
  EXPECT_EQ(*Header(got[0], "Content-Length"), absl::StrCat(a.size() + b.size() + c.size()));
  ASSERT_NE(Header(got[0], "x-amz-meta-empty"), nullptr);
  EXPECT_EQ(*Header(got[0], "x-amz-meta-empty"), "");
  EXPECT_EQ(*Header(got[0], "Content-Type"), "application/octet-stream");
}

TEST(CurlTransportTest, ReusesTheConnection) {
  TestHttpServer server([](const ReceivedRequest&) { return Ok(); });
  auto transport = MakeTransport();
  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<HttpResponse> resp =
        transport->Send(Req("GET", server.Url(absl::StrCat("/b/k", i))), kNever);
    ASSERT_TRUE(resp.ok()) << resp.status();
  }
  std::vector<ReceivedRequest> got = server.Requests();
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].peer_port, got[1].peer_port);
  EXPECT_EQ(got[1].peer_port, got[2].peer_port);
  EXPECT_EQ(server.ConnectionCount(), 1);
  EXPECT_EQ(transport->HandlesCreatedForTesting(), 1u);
}

TEST(CurlTransportTest, ReconnectsAfterServerCloses) {
  TestHttpServer server([](const ReceivedRequest&) {
    CannedResponse r = Ok();
    r.close_connection = true;
    return r;
  });
  auto transport = MakeTransport();
  const std::string body = "part";
  for (int i = 0; i < 2; ++i) {
    HttpRequest req = Req("PUT", server.Url("/b/k"));
    req.body = {Bytes(body)};
    absl::StatusOr<HttpResponse> resp = transport->Send(req, kNever);
    ASSERT_TRUE(resp.ok()) << resp.status();
  }
  std::vector<ReceivedRequest> got = server.Requests();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_NE(got[0].connection_id, got[1].connection_id);
  EXPECT_EQ(got[1].body, "part");
}

TEST(CurlTransportTest, MethodsAndFraming) {
  TestHttpServer server([](const ReceivedRequest& r) {
    CannedResponse resp = Ok(r.method == "HEAD" ? "ignored" : "body-" + r.method);
    if (r.method == "DELETE") resp.status = 204, resp.body.clear();
    return resp;
  });
  auto transport = MakeTransport();

  absl::StatusOr<HttpResponse> post =
      transport->Send(Req("POST", server.Url("/b/k?uploads=")), kNever);
  ASSERT_TRUE(post.ok()) << post.status();
  EXPECT_EQ(post->body, "body-POST");

  absl::StatusOr<HttpResponse> head = transport->Send(Req("HEAD", server.Url("/b/k")), kNever);
  ASSERT_TRUE(head.ok()) << head.status();
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->body, "");
  ASSERT_NE(FindHeader(head->headers, "content-length"), nullptr);

  absl::StatusOr<HttpResponse> del =
      transport->Send(Req("DELETE", server.Url("/b/k?uploadId=a%2Bb")), kNever);
  ASSERT_TRUE(del.ok()) << del.status();
  EXPECT_EQ(del->status, 204);

  absl::StatusOr<HttpResponse> empty_put =
      transport->Send(Req("PUT", server.Url("/b/empty")), kNever);
  ASSERT_TRUE(empty_put.ok()) << empty_put.status();

  std::vector<ReceivedRequest> got = server.Requests();
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[0].method, "POST");
  EXPECT_EQ(got[0].target, "/b/k?uploads=");
  ASSERT_NE(Header(got[0], "Content-Length"), nullptr);
  EXPECT_EQ(*Header(got[0], "Content-Length"), "0");
  EXPECT_EQ(got[1].method, "HEAD");
  EXPECT_EQ(got[2].method, "DELETE");
  EXPECT_EQ(got[2].target, "/b/k?uploadId=a%2Bb");
  EXPECT_EQ(got[3].method, "PUT");
  EXPECT_EQ(*Header(got[3], "Content-Length"), "0");
  EXPECT_EQ(Header(got[3], "Expect"), nullptr);
}

TEST(CurlTransportTest, SendsPathAsIs) {
  TestHttpServer server([](const ReceivedRequest&) { return Ok(); });
  auto transport = MakeTransport();
  const std::string path = "/bucket/a/../b//c/./d%2F%20e";
  ASSERT_TRUE(transport->Send(Req("GET", server.Url(path)), kNever).ok());
  ASSERT_EQ(server.Requests().size(), 1u);
  EXPECT_EQ(server.Requests()[0].target, path);
}

TEST(CurlTransportTest, HttpErrorsAreResponsesNotFailures) {
  TestHttpServer server([](const ReceivedRequest&) {
    CannedResponse r;
    r.status = 503;
    r.body = "<Error><Code>SlowDown</Code></Error>";
    return r;
  });
  auto transport = MakeTransport();
  absl::StatusOr<HttpResponse> resp = transport->Send(Req("GET", server.Url("/b/k")), kNever);
  ASSERT_TRUE(resp.ok()) << resp.status();
  EXPECT_EQ(resp->status, 503);
  EXPECT_EQ(resp->body, "<Error><Code>SlowDown</Code></Error>");
}

TEST(CurlTransportTest, TotalTimeoutMapsToTimeout) {
  TestHttpServer server([](const ReceivedRequest&) {
    CannedResponse r = Ok();
    r.delay = absl::Seconds(30);
    return r;
  });
  auto transport = MakeTransport();
  HttpRequest req = Req("GET", server.Url("/slow"));
  req.timeout = absl::Milliseconds(300);
  const absl::Time start = absl::Now();
  absl::StatusOr<HttpResponse> resp = transport->Send(req, kNever);
  ASSERT_FALSE(resp.ok());
  EXPECT_EQ(GetTransportErrorKind(resp.status()), TransportErrorKind::kTimeout) << resp.status();
  EXPECT_EQ(resp.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_LT(absl::Now() - start, absl::Seconds(30)) << "the slow answer was waited for";
}

TEST(CurlTransportTest, StallTimeoutMapsToTimeout) {
  TestHttpServer server([](const ReceivedRequest&) {
    CannedResponse r = Ok();
    r.delay = absl::Seconds(30);
    return r;
  });
  auto transport = MakeTransport();
  HttpRequest req = Req("GET", server.Url("/stalled"));
  req.stall_timeout = absl::Seconds(1);
  const absl::Time start = absl::Now();
  absl::StatusOr<HttpResponse> resp = transport->Send(req, kNever);
  EXPECT_EQ(GetTransportErrorKind(resp.status()), TransportErrorKind::kTimeout) << resp.status();
  EXPECT_LT(absl::Now() - start, absl::Seconds(30)) << "the stalled answer was waited for";
}

TEST(CurlTransportTest, ConnectionRefusedMapsToConnectFailed) {
  auto transport = MakeTransport();
  const int port = testing::UnusedLocalPort();
  absl::StatusOr<HttpResponse> resp =
      transport->Send(Req("GET", absl::StrCat("http://127.0.0.1:", port, "/")), kNever);
  ASSERT_FALSE(resp.ok());
  EXPECT_EQ(GetTransportErrorKind(resp.status()), TransportErrorKind::kConnectFailed)
      << resp.status();
  EXPECT_EQ(resp.status().code(), absl::StatusCode::kUnavailable);
}

TEST(CurlTransportTest, UnresolvableHostMapsToDnsFailure) {
  auto transport = MakeTransport();
  // .invalid never resolves (RFC 6761).
  absl::StatusOr<HttpResponse> resp = transport->Send(
      Req("GET", "https://0123456789abcdef0123456789abcdef.pluton-test.invalid/b"), kNever);
  ASSERT_FALSE(resp.ok());
  EXPECT_EQ(GetTransportErrorKind(resp.status()), TransportErrorKind::kDnsFailure) << resp.status();
}

TEST(CurlTransportTest, FailedTlsHandshakeMapsToTlsFailure) {
  // A plain-text answer where the TLS ServerHello should be.
  testing::RawReplyServer server("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
  auto transport = MakeTransport();
  absl::StatusOr<HttpResponse> resp = transport->Send(
      Req("GET", absl::StrCat("https://127.0.0.1:", server.port(), "/b/k")), kNever);
  ASSERT_FALSE(resp.ok());
  EXPECT_EQ(GetTransportErrorKind(resp.status()), TransportErrorKind::kTlsFailure) << resp.status();
}

TEST(CurlTransportTest, DroppedConnectionMapsToConnectionReset) {
  TestHttpServer server([](const ReceivedRequest&) {
    CannedResponse r;
    r.drop = true;
    return r;
  });
  auto transport = MakeTransport();
  absl::StatusOr<HttpResponse> resp = transport->Send(Req("GET", server.Url("/drop")), kNever);
  ASSERT_FALSE(resp.ok());
  EXPECT_EQ(GetTransportErrorKind(resp.status()), TransportErrorKind::kConnectionReset)
      << resp.status();
}

TEST(CurlTransportTest, CancelCheckAbortsATransfer) {
  TestHttpServer server([](const ReceivedRequest&) {
    CannedResponse r = Ok();
    r.delay = absl::Seconds(30);
    return r;
  });
  auto transport = MakeTransport();
  std::atomic<bool> stop{false};
  std::thread canceller([&] {
    absl::SleepFor(absl::Milliseconds(200));
    stop = true;
  });
  const absl::Time start = absl::Now();
  absl::StatusOr<HttpResponse> resp =
      transport->Send(Req("GET", server.Url("/slow")), [&] { return stop.load(); });
  canceller.join();
  ASSERT_FALSE(resp.ok());
  EXPECT_EQ(GetTransportErrorKind(resp.status()), TransportErrorKind::kCancelled) << resp.status();
  EXPECT_EQ(resp.status().code(), absl::StatusCode::kCancelled);
  EXPECT_LT(absl::Now() - start, absl::Seconds(30)) << "the slow answer was waited for";
}

TEST(CurlTransportTest, AlreadyCancelledSendsNothing) {
  TestHttpServer server([](const ReceivedRequest&) { return Ok(); });
  auto transport = MakeTransport();
  absl::StatusOr<HttpResponse> resp =
      transport->Send(Req("GET", server.Url("/x")), [] { return true; });
  EXPECT_EQ(GetTransportErrorKind(resp.status()), TransportErrorKind::kCancelled);
  EXPECT_TRUE(server.Requests().empty());
}

TEST(CurlTransportTest, RejectsBrokenRequests) {
  auto transport = MakeTransport();
  auto code = [&](HttpRequest r) { return transport->Send(r, kNever).status().code(); };
  HttpRequest r = Req("GET", "ftp://127.0.0.1/x");
  EXPECT_EQ(code(r), absl::StatusCode::kInvalidArgument);
  r = Req("GET", "http://127.0.0.1/a b");
  EXPECT_EQ(code(r), absl::StatusCode::kInvalidArgument);
  r = Req("G ET", "http://127.0.0.1/x");
  EXPECT_EQ(code(r), absl::StatusCode::kInvalidArgument);
  r = Req("PUT", "http://127.0.0.1/x");
  r.headers = {{"Expect", "100-continue"}};
  EXPECT_EQ(code(r), absl::StatusCode::kInvalidArgument);
  r.headers = {{"Transfer-Encoding", "chunked"}};
  EXPECT_EQ(code(r), absl::StatusCode::kInvalidArgument);
  r.headers = {{"X-Amz-Meta-A", "v\r\nInjected: 1"}};
  EXPECT_EQ(code(r), absl::StatusCode::kInvalidArgument);
  r.headers = {{"Content-Length", "5"}};
  EXPECT_EQ(code(r), absl::StatusCode::kInvalidArgument);
}

TEST(CurlTransportTest, ContentLengthMatchingTheBodyIsAccepted) {
  TestHttpServer server([](const ReceivedRequest&) { return Ok(); });
  auto transport = MakeTransport();
  const std::string body = "Param1=value1";
  HttpRequest req = Req("POST", server.Url("/"));
  req.headers = {{"Content-Length", "13"}};
  req.body = {Bytes(body)};
  absl::StatusOr<HttpResponse> resp = transport->Send(req, kNever);
  ASSERT_TRUE(resp.ok()) << resp.status();
  ASSERT_EQ(server.Requests().size(), 1u);
  EXPECT_EQ(server.Requests()[0].body, body);
}

TEST(CurlTransportTest, ConcurrentSends) {
  TestHttpServer server([](const ReceivedRequest& r) { return Ok(r.body); });
  auto transport = MakeTransport();
  std::atomic<int> good{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        const std::string body = RandomBytes(1000 + 37 * i, static_cast<unsigned>(t * 100 + i));
        HttpRequest req = Req("PUT", server.Url(absl::StrCat("/b/t", t, "-", i)));
        req.body = {Bytes(body).subspan(0, 500), Bytes(body).subspan(500)};
        absl::StatusOr<HttpResponse> resp = transport->Send(req, kNever);
        if (resp.ok() && resp->status == 200 && resp->body == body) ++good;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(good, 40);
  EXPECT_LE(transport->HandlesCreatedForTesting(), 4u);
  EXPECT_LE(server.ConnectionCount(), 4);
}

}  // namespace
}  // namespace pluton::s3
