#include "api/blocking_call_reactor.h"

#include "common/rich_status.h"

namespace pluton::storage {

bool BlockingCallLimiter::TryAcquire() {
  int running = running_.load(std::memory_order_relaxed);
  while (running < max_calls_) {
    if (running_.compare_exchange_weak(running, running + 1, std::memory_order_acq_rel)) {
      return true;
    }
  }
  return false;
}

void BlockingCallLimiter::Release() { running_.fetch_sub(1, std::memory_order_acq_rel); }

grpc::ServerUnaryReactor* BlockingCallReactor::Start(BlockingCallLimiter* limiter, Work work) {
  if (!limiter->TryAcquire()) {
    auto* refused = new BlockingCallReactor(nullptr);
    refused->Finish(ToGrpcStatus(
        MakeRichStatus(absl::StatusCode::kResourceExhausted,
                       absl::StrCat("the service is running as many ", limiter->kind(),
                                    " as it allows (", limiter->max_calls(), "); retry shortly"),
                       "TOO_MANY_CALLS")));
    return refused;
  }
  auto* reactor = new BlockingCallReactor(limiter);
  reactor->worker_ = std::thread([reactor, work = std::move(work)] {
    reactor->Finish(ToGrpcStatus(work(reactor->cancelled_)));
  });
  return reactor;
}

void BlockingCallReactor::OnCancel() { cancelled_.store(true, std::memory_order_release); }

void BlockingCallReactor::OnDone() {
  if (worker_.joinable()) {
    if (worker_.get_id() == std::this_thread::get_id()) {
      worker_.detach();
    } else {
      worker_.join();
    }
  }
  if (limiter_ != nullptr) limiter_->Release();
  delete this;
}

}  // namespace pluton::storage
