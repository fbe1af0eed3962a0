#include "pluton/s3/fault_injecting_transport.h"

#include <algorithm>
#include <thread>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
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

// A forwarded stream that breaks with a connection reset after `limit` body bytes.
class BreakingStream final : public HttpResponseStream {
 public:
  BreakingStream(std::unique_ptr<HttpResponseStream> inner, uint64_t limit)
      : inner_(std::move(inner)), limit_(limit) {}

  const HttpResponse& response() const override { return inner_->response(); }

  absl::StatusOr<size_t> Read(uint8_t* buffer, size_t capacity,
                              const CancelCheck& cancelled) override {
    if (delivered_ >= limit_) {
      return TransportError(
          TransportErrorKind::kConnectionReset,
          absl::StrCat("injected connection reset after ", limit_, " body bytes"));
    }
    const size_t cap = static_cast<size_t>(std::min<uint64_t>(capacity, limit_ - delivered_));
    absl::StatusOr<size_t> n = inner_->Read(buffer, cap, cancelled);
    if (n.ok()) delivered_ += *n;
    return n;
  }

 private:
  std::unique_ptr<HttpResponseStream> inner_;
  const uint64_t limit_;
  uint64_t delivered_ = 0;
};

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

FaultRule FaultRule::BreakBody(std::string method, std::string url_substring, int nth,
                               uint64_t after_bytes) {
  FaultRule rule;
  rule.method = std::move(method);
  rule.url_substring = std::move(url_substring);
  rule.nth = nth;
  rule.break_body_after = after_bytes;
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

std::optional<FaultRule> FaultInjectingTransport::Match(const HttpRequest& request) {
  std::optional<FaultRule> effect;  // a copy: the rule may be cleared while we sleep
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
  return effect;
}

std::optional<absl::StatusOr<HttpResponse>> FaultInjectingTransport::Apply(
    const std::optional<FaultRule>& effect, const CancelCheck& cancelled) {
  if (effect.has_value()) {
    if (effect->delay > absl::ZeroDuration() && !SleepUnlessCancelled(effect->delay, cancelled)) {
      return TransportError(TransportErrorKind::kCancelled, "cancelled during an injected delay");
    }
    if (effect->response.has_value()) return *effect->response;
    if (effect->error.has_value()) return TransportError(*effect->error, effect->error_message);
  }
  std::lock_guard<std::mutex> lock(mu_);
  ++forwarded_calls_;
  return std::nullopt;
}

absl::StatusOr<HttpResponse> FaultInjectingTransport::Send(const HttpRequest& request,
                                                           const CancelCheck& cancelled) {
  const std::optional<FaultRule> effect = Match(request);
  if (std::optional<absl::StatusOr<HttpResponse>> answer = Apply(effect, cancelled)) {
    return *std::move(answer);
  }
  absl::StatusOr<HttpResponse> response = target_->Send(request, cancelled);
  if (response.ok() && effect.has_value() && effect->break_body_after.has_value()) {
    return TransportError(TransportErrorKind::kConnectionReset,
                          "injected connection reset in the response body");
  }
  return response;
}

absl::StatusOr<std::unique_ptr<HttpResponseStream>> FaultInjectingTransport::Open(
    const HttpRequest& request, const CancelCheck& cancelled) {
  const std::optional<FaultRule> effect = Match(request);
  if (std::optional<absl::StatusOr<HttpResponse>> answer = Apply(effect, cancelled)) {
    if (!answer->ok()) return answer->status();
    return MakeBufferedResponseStream(**std::move(answer));
  }
  absl::StatusOr<std::unique_ptr<HttpResponseStream>> stream = target_->Open(request, cancelled);
  if (!stream.ok() || !effect.has_value() || !effect->break_body_after.has_value()) return stream;
  return std::unique_ptr<HttpResponseStream>(
      std::make_unique<BreakingStream>(*std::move(stream), *effect->break_body_after));
}

}  // namespace pluton::s3
