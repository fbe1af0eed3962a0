#include "api/blocking_call_reactor.h"

#include "common/rich_status.h"

namespace pluton::storage {

grpc::ServerUnaryReactor* BlockingCallReactor::Start(BlockingCallLimiter* limiter,
                                                     const CallShareKeys& keys, Work work) {
  absl::StatusOr<CallSlot> slot = limiter->TryAcquire(keys);
  if (!slot.ok()) {
    auto* refused = new BlockingCallReactor(CallSlot());
    refused->Finish(ToGrpcStatus(slot.status()));
    return refused;
  }
  auto* reactor = new BlockingCallReactor(*std::move(slot));
  if (limiter->cutoff() != nullptr) {
    reactor->cutoff_registration_ = limiter->cutoff()->Register([reactor] {
      reactor->cut_off_.store(true);
      reactor->cancelled_.store(true, std::memory_order_release);
    });
  }
  reactor->worker_ = std::thread([reactor, work = std::move(work)] {
    absl::Status status = work(reactor->cancelled_);
    if (reactor->cut_off_.load()) status = CutOffByShutdown(status);
    reactor->Finish(ToGrpcStatus(status));
  });
  return reactor;
}

void BlockingCallReactor::OnCancel() { cancelled_.store(true, std::memory_order_release); }

void BlockingCallReactor::OnDone() {
  cutoff_registration_.Drop();
  if (worker_.joinable()) {
    if (worker_.get_id() == std::this_thread::get_id()) {
      worker_.detach();
    } else {
      worker_.join();
    }
  }
  delete this;  // gives the slot back
}

}  // namespace pluton::storage
