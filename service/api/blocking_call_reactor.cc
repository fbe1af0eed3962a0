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
  delete this;  // gives the slot back
}

}  // namespace pluton::storage
