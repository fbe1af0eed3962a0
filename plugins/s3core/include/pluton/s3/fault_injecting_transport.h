// An HttpTransport wrapper that forwards to another transport but, by rule, answers with a
// canned response, fails with a transport error, or delays the call first: for testing retry,
// backoff and error mapping without a misbehaving server.
//
//   FaultInjectingTransport faulty(&real_transport);
//   // The 2nd PUT of a part answers 503 SlowDown, the 3rd resets the connection.
//   faulty.AddRule(FaultRule::Respond("PUT", "partNumber=", /*nth=*/2, 503, slow_down_xml));
//   faulty.AddRule(FaultRule::Fail("PUT", "partNumber=", /*nth=*/3,
//                                  TransportErrorKind::kConnectionReset));
//   // Every HEAD is slowed down by 200 ms, then forwarded.
//   faulty.AddRule(FaultRule::Delay("HEAD", "", /*nth=*/0, absl::Milliseconds(200)));
//   // The first streamed GET (Open) breaks with a connection reset after 1000 body bytes.
//   faulty.AddRule(FaultRule::BreakBody("GET", "/bucket/key", /*nth=*/1, 1000));
//
// Matching: a rule matches a call when its method is empty or equal to the request's and its
// url_substring is empty or occurs in the URL. Every rule counts its own matching calls
// (1, 2, 3, ...) whether or not it fires; it fires on matching calls nth .. nth + times - 1
// (nth 0: on every matching call). Of the rules that fire for a call, the first added wins.
// Effect: sleep `delay` (cancellable), then return `response` if set, else fail with `error`
// if set, else forward to the target. Send() and Open() share the rules and counters; for
// Open() a canned `response` becomes an in-memory stream, an `error` fails the open, and
// `break_body_after` forwards the open but fails the stream's Read() with kConnectionReset
// once that many body bytes were delivered (Send() then forwards and fails after the answer,
// as if its body had broken).
//
// Thread safety: Send() is thread-safe like the target's; AddRule/ClearRules/counters may be
// called concurrently with Send(). The target is not owned and must outlive this wrapper.
#ifndef PLUTON_PLUGINS_S3CORE_FAULT_INJECTING_TRANSPORT_H_
#define PLUTON_PLUGINS_S3CORE_FAULT_INJECTING_TRANSPORT_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "pluton/s3/http_transport.h"

namespace pluton::s3 {

struct FaultRule {
  // Match.
  std::string method;         // "" matches any method
  std::string url_substring;  // "" matches any URL
  int nth = 0;                // first matching call (1-based) that fires; 0: all of them
  int times = 1;              // how many consecutive matching calls fire from nth (nth > 0)

  // Effect.
  absl::Duration delay = absl::ZeroDuration();
  std::optional<HttpResponse> response;
  std::optional<TransportErrorKind> error;
  std::string error_message = "injected fault";
  std::optional<uint64_t> break_body_after;  // body bytes delivered before the reset

  // A canned response {status, no headers, body}.
  static FaultRule Respond(std::string method, std::string url_substring, int nth, int status,
                           std::string body = "");
  // A transport failure of `kind`.
  static FaultRule Fail(std::string method, std::string url_substring, int nth,
                        TransportErrorKind kind);
  // A delay before the call is forwarded.
  static FaultRule Delay(std::string method, std::string url_substring, int nth,
                         absl::Duration delay);
  // A connection reset after `after_bytes` bytes of a forwarded response body.
  static FaultRule BreakBody(std::string method, std::string url_substring, int nth,
                             uint64_t after_bytes);
};

class FaultInjectingTransport final : public HttpTransport {
 public:
  // `target` is not owned; REQUIRES: it outlives this object.
  explicit FaultInjectingTransport(HttpTransport* target);

  // Adds a rule after the existing ones; returns its id (0, 1, 2, ... in order added).
  int AddRule(FaultRule rule);
  // Removes all rules (ids are not reused).
  void ClearRules();

  // Calls rule `id` has matched so far (fired or not); 0 for an unknown id.
  int MatchCount(int id) const;
  // Calls rule `id` has fired on so far.
  int FireCount(int id) const;
  // Calls seen and calls forwarded to the target.
  int TotalCalls() const;
  int ForwardedCalls() const;

  absl::StatusOr<HttpResponse> Send(const HttpRequest& request,
                                    const CancelCheck& cancelled) override;
  absl::StatusOr<std::unique_ptr<HttpResponseStream>> Open(const HttpRequest& request,
                                                           const CancelCheck& cancelled) override;

 private:
  // Counts the call against every rule and returns (a copy of) the one that fires, if any.
  std::optional<FaultRule> Match(const HttpRequest& request);
  // Sleeps the effect's delay and returns its canned answer or error, if it has one; nullopt
  // means the call goes on to the target (after which ForwardedCalls counts it).
  std::optional<absl::StatusOr<HttpResponse>> Apply(const std::optional<FaultRule>& effect,
                                                    const CancelCheck& cancelled);

  struct Counters {
    int matched = 0;
    int fired = 0;
  };

  HttpTransport* const target_;
  mutable std::mutex mu_;
  std::vector<std::pair<int, FaultRule>> rules_;  // GUARDED_BY(mu_): {id, rule}, in order
  std::vector<Counters> counters_;                // GUARDED_BY(mu_): index = rule id
  int total_calls_ = 0;                           // GUARDED_BY(mu_)
  int forwarded_calls_ = 0;                       // GUARDED_BY(mu_)
};

}  // namespace pluton::s3

#endif  // PLUTON_PLUGINS_S3CORE_FAULT_INJECTING_TRANSPORT_H_
