#include "pluton/s3/fault_injecting_transport.h"

#include <atomic>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace pluton::s3 {
namespace {

// A target that answers 200 with the URL as the body and counts calls.
class EchoTransport : public HttpTransport {
 public:
  absl::StatusOr<HttpResponse> Send(const HttpRequest& request, const CancelCheck&) override {
    ++calls;
    HttpResponse r;
    r.status = 200;
    r.body = request.url;
    return r;
  }
  std::atomic<int> calls{0};
};

HttpRequest Req(std::string method, std::string url) {
  HttpRequest r;
  r.method = std::move(method);
  r.url = std::move(url);
  return r;
}

const CancelCheck kNever;

TEST(FaultInjectingTransportTest, ForwardsWithoutRules) {
  EchoTransport echo;
  FaultInjectingTransport faulty(&echo);
  absl::StatusOr<HttpResponse> r = faulty.Send(Req("GET", "http://h/a"), kNever);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "http://h/a");
  EXPECT_EQ(echo.calls, 1);
  EXPECT_EQ(faulty.TotalCalls(), 1);
  EXPECT_EQ(faulty.ForwardedCalls(), 1);
}

TEST(FaultInjectingTransportTest, NthMatchingCallGetsCannedResponse) {
  EchoTransport echo;
  FaultInjectingTransport faulty(&echo);
  const int id = faulty.AddRule(
      FaultRule::Respond("PUT", "partNumber=", 2, 503, "<Error><Code>SlowDown</Code></Error>"));
  // Non-matching calls are not counted.
  ASSERT_TRUE(faulty.Send(Req("GET", "http://h/k?partNumber=1"), kNever).ok());
  ASSERT_TRUE(faulty.Send(Req("PUT", "http://h/k"), kNever).ok());
  absl::StatusOr<HttpResponse> first = faulty.Send(Req("PUT", "http://h/k?partNumber=1"), kNever);
  absl::StatusOr<HttpResponse> second = faulty.Send(Req("PUT", "http://h/k?partNumber=2"), kNever);
  absl::StatusOr<HttpResponse> third = faulty.Send(Req("PUT", "http://h/k?partNumber=3"), kNever);
  ASSERT_TRUE(first.ok() && second.ok() && third.ok());
  EXPECT_EQ(first->status, 200);
  EXPECT_EQ(second->status, 503);
  EXPECT_EQ(second->body, "<Error><Code>SlowDown</Code></Error>");
  EXPECT_EQ(third->status, 200);
  EXPECT_EQ(faulty.MatchCount(id), 3);
  EXPECT_EQ(faulty.FireCount(id), 1);
  EXPECT_EQ(faulty.TotalCalls(), 5);
  EXPECT_EQ(faulty.ForwardedCalls(), 4);
  EXPECT_EQ(echo.calls, 4);
}

TEST(FaultInjectingTransportTest, TransportErrorForSeveralCallsThenRecovers) {
  EchoTransport echo;
  FaultInjectingTransport faulty(&echo);
  FaultRule rule = FaultRule::Fail("", "", 1, TransportErrorKind::kConnectionReset);
  rule.times = 2;
  faulty.AddRule(rule);
  for (int i = 0; i < 2; ++i) {
    absl::StatusOr<HttpResponse> r = faulty.Send(Req("GET", "http://h/x"), kNever);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(GetTransportErrorKind(r.status()), TransportErrorKind::kConnectionReset);
  }
  EXPECT_TRUE(faulty.Send(Req("GET", "http://h/x"), kNever).ok());
  EXPECT_EQ(echo.calls, 1);
}

TEST(FaultInjectingTransportTest, EveryCallWhenNthIsZeroAndFirstRuleWins) {
  EchoTransport echo;
  FaultInjectingTransport faulty(&echo);
  const int dns =
      faulty.AddRule(FaultRule::Fail("", "bad-account", 0, TransportErrorKind::kDnsFailure));
  const int all = faulty.AddRule(FaultRule::Respond("", "", 0, 500));
  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<HttpResponse> r = faulty.Send(Req("GET", "https://bad-account.r2/x"), kNever);
    EXPECT_EQ(GetTransportErrorKind(r.status()), TransportErrorKind::kDnsFailure);
  }
  absl::StatusOr<HttpResponse> other = faulty.Send(Req("GET", "https://good.r2/x"), kNever);
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->status, 500);
  EXPECT_EQ(faulty.FireCount(dns), 3);
  EXPECT_EQ(faulty.MatchCount(all), 4);  // it matched the DNS calls too, but did not fire
  EXPECT_EQ(faulty.FireCount(all), 1);
  EXPECT_EQ(echo.calls, 0);

  faulty.ClearRules();
  EXPECT_TRUE(faulty.Send(Req("GET", "https://bad-account.r2/x"), kNever).ok());
  EXPECT_EQ(faulty.FireCount(dns), 3);  // counters survive ClearRules
}

TEST(FaultInjectingTransportTest, DelayThenForward) {
  EchoTransport echo;
  FaultInjectingTransport faulty(&echo);
  faulty.AddRule(FaultRule::Delay("HEAD", "", 0, absl::Milliseconds(100)));
  const absl::Time start = absl::Now();
  absl::StatusOr<HttpResponse> r = faulty.Send(Req("HEAD", "http://h/x"), kNever);
  ASSERT_TRUE(r.ok());
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(100));
  EXPECT_EQ(echo.calls, 1);
}

TEST(FaultInjectingTransportTest, DelayIsCancellable) {
  EchoTransport echo;
  FaultInjectingTransport faulty(&echo);
  faulty.AddRule(FaultRule::Delay("", "", 0, absl::Seconds(30)));
  std::atomic<bool> stop{false};
  std::thread canceller([&] {
    absl::SleepFor(absl::Milliseconds(50));
    stop = true;
  });
  const absl::Time start = absl::Now();
  absl::StatusOr<HttpResponse> r =
      faulty.Send(Req("GET", "http://h/x"), [&] { return stop.load(); });
  canceller.join();
  EXPECT_EQ(GetTransportErrorKind(r.status()), TransportErrorKind::kCancelled);
  EXPECT_LT(absl::Now() - start, absl::Seconds(30)) << "the whole delay was waited out";
  EXPECT_EQ(echo.calls, 0);
}

TEST(FaultInjectingTransportTest, ConcurrentSendsCountExactly) {
  EchoTransport echo;
  FaultInjectingTransport faulty(&echo);
  const int id = faulty.AddRule(FaultRule::Respond("PUT", "", 50, 503));
  std::atomic<int> unavailable{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i) {
        absl::StatusOr<HttpResponse> r = faulty.Send(Req("PUT", "http://h/x"), kNever);
        if (r.ok() && r->status == 503) ++unavailable;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(unavailable, 1);
  EXPECT_EQ(faulty.MatchCount(id), 100);
  EXPECT_EQ(echo.calls, 99);
}

// The whole body of `stream` in reads of up to 3 bytes; the read error, if any, in *error.
std::string Drain(HttpResponseStream& stream, absl::Status* error) {
  std::string out;
  uint8_t buffer[3];
  for (;;) {
    absl::StatusOr<size_t> n = stream.Read(buffer, sizeof(buffer), kNever);
    if (!n.ok()) {
      *error = n.status();
      return out;
    }
    if (*n == 0) return out;
    out.append(reinterpret_cast<const char*>(buffer), *n);
  }
}

TEST(FaultInjectingTransportTest, OpenForwardsBreaksTheBodyOrFailsByRule) {
  EchoTransport echo;
  FaultInjectingTransport faulty(&echo);
  const int broken = faulty.AddRule(FaultRule::BreakBody("GET", "/obj", 1, 7));
  faulty.AddRule(FaultRule::Fail("GET", "/down", 0, TransportErrorKind::kConnectFailed));
  faulty.AddRule(FaultRule::Respond("GET", "/canned", 0, 404, "<Error/>"));

  // 1st GET of /obj: forwarded, but the body breaks after 7 bytes.
  absl::StatusOr<std::unique_ptr<HttpResponseStream>> first =
      faulty.Open(Req("GET", "http://h/obj"), kNever);
  ASSERT_TRUE(first.ok()) << first.status();
  absl::Status error;
  EXPECT_EQ(Drain(**first, &error), "http://");
  EXPECT_EQ(GetTransportErrorKind(error), TransportErrorKind::kConnectionReset) << error;
  EXPECT_EQ(faulty.FireCount(broken), 1);

  // 2nd: the rule is spent, the whole body arrives.
  absl::StatusOr<std::unique_ptr<HttpResponseStream>> second =
      faulty.Open(Req("GET", "http://h/obj"), kNever);
  ASSERT_TRUE(second.ok()) << second.status();
  error = absl::OkStatus();
  EXPECT_EQ(Drain(**second, &error), "http://h/obj");
  EXPECT_TRUE(error.ok()) << error;

  absl::StatusOr<std::unique_ptr<HttpResponseStream>> down =
      faulty.Open(Req("GET", "http://h/down"), kNever);
  ASSERT_FALSE(down.ok());
  EXPECT_EQ(GetTransportErrorKind(down.status()), TransportErrorKind::kConnectFailed);

  absl::StatusOr<std::unique_ptr<HttpResponseStream>> canned =
      faulty.Open(Req("GET", "http://h/canned"), kNever);
  ASSERT_TRUE(canned.ok()) << canned.status();
  EXPECT_EQ((*canned)->response().status, 404);
  EXPECT_EQ((*canned)->response().body, "<Error/>");
  EXPECT_EQ(Drain(**canned, &error), "") << "a non-2xx body stays in the response";

  EXPECT_EQ(echo.calls, 2);
  EXPECT_EQ(faulty.TotalCalls(), 4);
  EXPECT_EQ(faulty.ForwardedCalls(), 2);
}

}  // namespace
}  // namespace pluton::s3
