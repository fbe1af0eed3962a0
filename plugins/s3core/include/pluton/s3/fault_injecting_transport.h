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
//
// Matching: a rule matches a call when its method is empty or equal to the request's and its
// url_substring is empty or occurs in the URL. Every rule counts its own matching calls
// (1, 2, 3, ...) whether or not it fires; it fires on matching calls nth .. nth + times - 1
// (nth 0: on every matching call). Of the rules that fire for a call, the first added wins.
// Effect: sleep `delay` (cancellable), then return `response` if set, else fail with `error`
// if set, else forward to the target.
//
// Thread safety: Send() is thread-safe like the target's; AddRule/ClearRules/counters may be
// called concurrently with Send(). The target is not owned and must outlive this wrapper.
#ifndef PLUTON_PLUGINS_S3CORE_FAULT_INJECTING_TRANSPORT_H_
#define PLUTON_PLUGINS_S3CORE_FAULT_INJECTING_TRANSPORT_H_

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

  // A canned response {status, no headers, body}.
  static FaultRule Respond(std::string method, std::string url_substring, int nth, int status,
                           std::string body = "");
  // A transport failure of `kind`.
  static FaultRule Fail(std::string method, std::string url_substring, int nth,
                        TransportErrorKind kind);
  // A delay before the call is forwarded.
  static FaultRule Delay(std::string method, std::string url_substring, int nth,
                         absl::Duration delay);
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

 private:
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
