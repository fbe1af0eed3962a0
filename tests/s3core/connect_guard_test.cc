// The transport's connect-time address check, through real libcurl requests: names are pinned
// to addresses with CurlTransportOptions::pinned_addresses (CURLOPT_RESOLVE), so no DNS server
// or /etc/hosts entry is needed. 0.0.0.0 stands in for a link-local address where a test must
// prove nothing was sent: Linux connects 0.0.0.0 to the host itself, so a local server would
// see any connection that got through.
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pluton/s3/curl_transport.h"
#include "pluton/s3/fault_injecting_transport.h"
#include "pluton/s3/s3_client.h"
#include "test_http_server.h"

namespace pluton::s3 {
namespace {

using testing::CannedResponse;
using ::testing::HasSubstr;
using testing::ReceivedRequest;
using testing::TestHttpServer;

const CancelCheck kNever;

std::unique_ptr<CurlTransport> MakeTransport(std::vector<std::string> pinned,
                                             bool use_environment_proxy = false) {
  CurlTransportOptions options;
  options.pinned_addresses = std::move(pinned);
  options.use_environment_proxy = use_environment_proxy;
  absl::StatusOr<std::unique_ptr<CurlTransport>> transport = CurlTransport::Create(options);
  EXPECT_TRUE(transport.ok()) << transport.status();
  return std::move(transport).value();
}

HttpRequest Get(std::string url) {
  HttpRequest request;
  request.method = "GET";
  request.url = std::move(url);
  request.connect_timeout = absl::Seconds(10);
  request.timeout = absl::Seconds(30);
  return request;
}

CannedResponse Ok() { return CannedResponse{200, {}, "ok"}; }

// Asserts `status` is the refusal of `host` resolved to `address`.
void ExpectRefusal(const absl::Status& status, const std::string& host,
                   const std::string& address) {
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  EXPECT_EQ(GetTransportErrorKind(status), TransportErrorKind::kAddressRefused) << status;
  EXPECT_THAT(std::string(status.message()),
              HasSubstr(absl::StrCat(host, " resolved to ", address,
                                     ", a link-local or cloud metadata address: refused after "
                                     "name resolution")));
  EXPECT_FALSE(IsRetryableTransportError(status));
}

// Sets an environment variable for the test's duration, restoring the previous value.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value == nullptr) {
      unsetenv(name);
    } else {
      setenv(name, value, 1);
    }
  }
  ~ScopedEnv() {
    if (old_.has_value()) {
      setenv(name_, old_->c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(ConnectGuardTest, NameResolvingToTheMetadataAddressIsRefused) {
  auto transport = MakeTransport({"metadata.test:80:169.254.169.254"});
  absl::StatusOr<HttpResponse> response =
      transport->Send(Get("http://metadata.test/latest/meta-data/?x=1"), kNever);
  ASSERT_FALSE(response.ok());
  ExpectRefusal(response.status(), "metadata.test", "169.254.169.254");
  EXPECT_THAT(std::string(response.status().message()),
              HasSubstr("GET http://metadata.test/latest/meta-data/:"));
}

TEST(ConnectGuardTest, NameResolvingToARefusedAddressSendsNothingButTheLiteralAddressConnects) {
  TestHttpServer server([](const ReceivedRequest&) { return Ok(); });
  const std::string port = absl::StrCat(server.port());
  auto transport = MakeTransport({absl::StrCat("sneaky.test:", port, ":0.0.0.0")});

  absl::StatusOr<HttpResponse> refused =
      transport->Send(Get(absl::StrCat("http://sneaky.test:", port, "/bucket")), kNever);
  ASSERT_FALSE(refused.ok());
  ExpectRefusal(refused.status(), "sneaky.test", "0.0.0.0");
  EXPECT_EQ(server.ConnectionCount(), 0);
  EXPECT_TRUE(server.Requests().empty());

  // The same address written in the URL is the operator's explicit choice, and it does reach
  // the local server: the refusal above is what kept the name's connection away.
  absl::StatusOr<HttpResponse> literal =
      transport->Send(Get(absl::StrCat("http://0.0.0.0:", port, "/bucket")), kNever);
  ASSERT_TRUE(literal.ok()) << literal.status();
  EXPECT_EQ(literal->status, 200);
  EXPECT_EQ(server.ConnectionCount(), 1);
}

TEST(ConnectGuardTest, NameResolvingToLoopbackConnects) {
  TestHttpServer server([](const ReceivedRequest&) { return Ok(); });
  const std::string port = absl::StrCat(server.port());
  auto transport = MakeTransport({absl::StrCat("storage.test:", port, ":127.0.0.1")});

  absl::StatusOr<HttpResponse> response =
      transport->Send(Get(absl::StrCat("http://storage.test:", port, "/bucket/key")), kNever);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "ok");
  const std::vector<ReceivedRequest> requests = server.Requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].target, "/bucket/key");
  EXPECT_EQ(*FindHeader(requests[0].headers, "host"), absl::StrCat("storage.test:", port));
}

TEST(ConnectGuardTest, IpV4MappedAndIpv6AddressesAreRefused) {
  auto transport = MakeTransport({"mapped.test:80:[::ffff:169.254.169.254]",
                                  "imds6.test:80:[fd00:ec2::254]", "link.test:80:[fe80::1]"});
  absl::StatusOr<HttpResponse> mapped = transport->Send(Get("http://mapped.test/"), kNever);
  ASSERT_FALSE(mapped.ok());
  ExpectRefusal(mapped.status(), "mapped.test", "::ffff:169.254.169.254");
  absl::StatusOr<HttpResponse> imds6 = transport->Send(Get("http://imds6.test/"), kNever);
  ASSERT_FALSE(imds6.ok());
  ExpectRefusal(imds6.status(), "imds6.test", "fd00:ec2::254");
  absl::StatusOr<HttpResponse> link = transport->Send(Get("http://link.test/"), kNever);
  ASSERT_FALSE(link.ok());
  ExpectRefusal(link.status(), "link.test", "fe80::1");
}

TEST(ConnectGuardTest, ANameWithAnotherAddressReachesThatOne) {
  TestHttpServer server([](const ReceivedRequest&) { return Ok(); });
  const std::string port = absl::StrCat(server.port());
  auto transport = MakeTransport({absl::StrCat("mixed.test:", port, ":169.254.169.254,127.0.0.1")});
  absl::StatusOr<HttpResponse> response =
      transport->Send(Get(absl::StrCat("http://mixed.test:", port, "/")), kNever);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(server.Requests().size(), 1u);
}

TEST(ConnectGuardTest, AnotherAddressThatFailsIsAnOrdinaryConnectFailure) {
  const std::string port = absl::StrCat(testing::UnusedLocalPort());
  auto transport = MakeTransport({absl::StrCat("mixed.test:", port, ":169.254.169.254,127.0.0.1")});
  absl::StatusOr<HttpResponse> response =
      transport->Send(Get(absl::StrCat("http://mixed.test:", port, "/")), kNever);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(GetTransportErrorKind(response.status()), TransportErrorKind::kConnectFailed)
      << response.status();
}

TEST(ConnectGuardTest, StreamsAreRefusedToo) {
  TestHttpServer server([](const ReceivedRequest&) { return Ok(); });
  const std::string port = absl::StrCat(server.port());
  auto transport = MakeTransport({absl::StrCat("sneaky.test:", port, ":0.0.0.0")});
  absl::StatusOr<std::unique_ptr<HttpResponseStream>> stream =
      transport->Open(Get(absl::StrCat("http://sneaky.test:", port, "/bucket/key")), kNever);
  ASSERT_FALSE(stream.ok());
  ExpectRefusal(stream.status(), "sneaky.test", "0.0.0.0");
  EXPECT_EQ(server.ConnectionCount(), 0);
}

TEST(ConnectGuardTest, EnvironmentProxiesAreIgnoredByDefault) {
  TestHttpServer proxy([](const ReceivedRequest&) { return Ok(); });
  const std::string proxy_url = absl::StrCat("http://127.0.0.1:", proxy.port());
  ScopedEnv http_proxy("http_proxy", proxy_url.c_str());
  ScopedEnv no_proxy("no_proxy", nullptr);
  ScopedEnv no_proxy_upper("NO_PROXY", nullptr);
  const std::string pin = "sneaky.test:80:0.0.0.0";

  // Left alone, the transport does not hand the name to the proxy (which would resolve it
  // out of the check's sight): the check refuses it and the proxy sees nothing.
  absl::StatusOr<HttpResponse> refused =
      MakeTransport({pin})->Send(Get("http://sneaky.test/latest/"), kNever);
  ASSERT_FALSE(refused.ok());
  ExpectRefusal(refused.status(), "sneaky.test", "0.0.0.0");
  EXPECT_EQ(proxy.ConnectionCount(), 0);

  // The variable is live: a transport told to use it sends the request to the proxy.
  absl::StatusOr<HttpResponse> proxied = MakeTransport({pin}, /*use_environment_proxy=*/true)
                                             ->Send(Get("http://sneaky.test/latest/"), kNever);
  ASSERT_TRUE(proxied.ok()) << proxied.status();
  ASSERT_EQ(proxy.Requests().size(), 1u);
  EXPECT_EQ(proxy.Requests()[0].target, "http://sneaky.test/latest/");
}

TEST(ConnectGuardTest, RedirectsAreNotFollowed) {
  TestHttpServer elsewhere([](const ReceivedRequest&) { return Ok(); });
  const std::string location = elsewhere.Url("/latest/meta-data/");
  TestHttpServer server([&location](const ReceivedRequest&) {
    return CannedResponse{302, {{"Location", location}}, ""};
  });
  auto transport = MakeTransport({});
  absl::StatusOr<HttpResponse> response = transport->Send(Get(server.Url("/bucket")), kNever);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 302);
  EXPECT_EQ(server.Requests().size(), 1u);
  EXPECT_EQ(elsewhere.ConnectionCount(), 0);
}

TEST(ConnectGuardTest, S3ClientDoesNotRetryARefusal) {
  auto transport = MakeTransport({"metadata.test:80:169.254.169.254"});
  FaultInjectingTransport counting(transport.get());  // no rules: forwards and counts
  RetryPolicy retry;
  retry.max_attempts = 5;
  retry.initial_backoff = absl::Milliseconds(1);
  retry.max_backoff = absl::Milliseconds(1);
  S3Client client(S3Endpoint{"http://metadata.test"}, Credentials{"AKIDEXAMPLE", "secret", ""},
                  &counting, retry);
  absl::StatusOr<std::vector<std::string>> buckets = client.ListBuckets(kNever);
  ASSERT_FALSE(buckets.ok());
  ExpectRefusal(buckets.status(), "metadata.test", "169.254.169.254");
  EXPECT_EQ(counting.ForwardedCalls(), 1);
}

}  // namespace
}  // namespace pluton::s3
