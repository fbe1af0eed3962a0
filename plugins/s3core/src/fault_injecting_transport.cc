#include "pluton/s3/fault_injecting_transport.h"

#include <algorithm>
#include <thread>
#include <utility>

#include "absl//strings/match.h"
#include "absl/time/clock.h"

namespace pluton::s3 {
namespace {

// Sleeps `delay` in short steps; false if `cancelled` fired meanwhile.
bool SleepUnlessCancelled(absl::Duration delay, const CancelCheck& cancelled) {
  const absl::Time end = absl::Now() + delay;
  while (true) {
    if (cancelled && cancelled()) return false;
    const absl::Duration left = end - absl::Now();
    if (left <= absl::ZeroDuration()) return true;
    std::this_thread::sleep_for(absl::ToChronoMicroseconds(std::min(left, absl::Milliseconds(5))));
  }
}

bool Matches(const FaultRule& rule, const HttpRequest& request) {
  return (rule.method.empty() || rule.method == request.method) &&
         (rule.url_substring.empty() || absl::StrContains(request.url, rule.url_substring));
}

bool Fires(const FaultRule& rule, int match_number) {
  if (rule.nth <= 0) return true;
  return match_number >= rule.nth && match_number - rule.nth < rule.times;
}

}  // namespace

FaultRule FaultRule::Respond(std::string method, std::string url_substring, int nth, int status,
                             std::string body) {
  FaultRule rule;
  rule.method = std::move(method);
  rule.url_substring = std::move(url_substring);
  rule.nth = nth;
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  rule.response = std::move(response);
  return rule;
}

FaultRule FaultRule::Fail(std::string method, std::string url_substring, int nth,
                          TransportErrorKind kind) {
  FaultRule rule;
  rule.method = std::move(method);
  rule.url_substring = std::move(url_substring);
  rule.nth = nth;
  rule.error = kind;
  return rule;
}

FaultRule FaultRule::Delay(std::string method, std::string url_substring, int nth,
                           absl::Duration delay) {
  FaultRule rule;
  rule.method = std::move(method);
  rule.url_substring = std::move(url_substring);
  rule.nth = nth;
  rule.delay = delay;
  return rule;
}

FaultInjectingTransport::FaultInjectingTransport(HttpTransport* target) : target_(target) {}

int FaultInjectingTransport::AddRule(FaultRule rule) {
  std::lock_guard<std::mutex> lock(mu_);
  const int id = static_cast<int>(counters_.size());
  counters_.emplace_back();
  rules_.emplace_back(id, std::move(rule));
  return id;
}

void FaultInjectingTransport::ClearRules() {
  std::lock_guard<std::mutex> lock(mu_);
  rules_.clear();
}

int FaultInjectingTransport::MatchCount(int id) const {
  std::lock_guard<std::mutex> lock(mu_);
  return id >= 0 && id < static_cast<int>(counters_.size()) ? counters_[id].matched : 0;
}

int FaultInjectingTransport::FireCount(int id) const {
  std::lock_guard<std::mutex> lock(mu_);
  return id >= 0 && id < static_cast<int>(counters_.size()) ? counters_[id].fired : 0;
}

int FaultInjectingTransport::TotalCalls() const {
  std::lock_guard<std::mutex> lock(mu_);
  return total_calls_;
}

int FaultInjectingTransport::ForwardedCalls() const {
  std::lock_guard<std::mutex> lock(mu_);
  return forwarded_calls_;
}

absl::StatusOr<HttpResponse> FaultInjectingTransport::Send(const HttpRequest& request,
                                                           const CancelCheck& cancelled) {
  std::optional<FaultRule> effect;  // a copy: the rule may be cleared while we sleep
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++total_calls_;
    for (auto& [id, rule] : rules_) {
      if (!Matches(rule, request)) continue;
      Counters& counters = counters_[id];
      ++counters.matched;
      if (!effect.has_value() && Fires(rule, counters.matched)) {
        ++counters.fired;
        effect = rule;
      }
    }
  }
  if (effect.has_value()) {
    if (effect->delay > absl::ZeroDuration() && !SleepUnlessCancelled(effect->delay, cancelled)) {
      return TransportError(TransportErrorKind::kCancelled, "cancelled during an injected delay");
    }
    if (effect->response.has_value()) return *effect->response;
    if (effect->error.has_value()) return TransportError(*effect->error, effect->error_message);
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++forwarded_calls_;
  }
  return target_->Send(request, cancelled);
}

}  // namespace pluton::s3
