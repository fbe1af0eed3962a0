// BlockingCallReactor: a unary call whose work blocks (a provider waiting on the network), run
// on a thread of its own so gRPC's callback threads never block and Server::Shutdown can
// cancel it.
//
//   return BlockingCallReactor::Start(&limiter_, keys, [=](const std::atomic<bool>& cancelled) {
//     return DoSlowThing(*request, response, &cancelled);
//   });
//
// The work receives a flag that turns true when the call is cancelled (client gone, deadline,
// shutdown); it passes the flag to the provider, which then stops soon. Its status finishes
// the call (rich details included). The call holds its slot of the limiter (its pool, its
// storage's and its caller's share: api/blocking_call_limiter.h) until OnDone, whatever ended it.
// When the limiter has a CallCutoff, the call registers there: cut off at the end of a
// shutdown's grace period, it is cancelled the same way and finishes with CANCELLED naming the
// shutdown (api/call_cutoff.h).
//
// Lifetime: the reactor deletes itself in OnDone after joining its thread. `request` and
// `response` captured by the work belong to gRPC and outlive the reactor.
// Thread safety: Start may be called concurrently; BlockingCallLimiter is thread-safe.
#ifndef PLUTON_SERVICE_API_BLOCKING_CALL_REACTOR_H_
#define PLUTON_SERVICE_API_BLOCKING_CALL_REACTOR_H_

#include <atomic>
#include <functional>
#include <string>
#include <thread>
#include <utility>

#include "absl/status/status.h"
#include "api/blocking_call_limiter.h"
#include "api/call_cutoff.h"
#include "grpcpp/grpcpp.h"

namespace pluton::storage {

class BlockingCallReactor final : public grpc::ServerUnaryReactor {
 public:
  using Work = std::function<absl::Status(const std::atomic<bool>& cancelled)>;

  // Runs `work` on a new thread and finishes the call with its status; or, when `limiter`
  // refuses a call of `keys` (its pool or a share is full), finishes at once with its
  // RESOURCE_EXHAUSTED. `limiter` must outlive the call.
  static grpc::ServerUnaryReactor* Start(BlockingCallLimiter* limiter, const CallShareKeys& keys,
                                         Work work);

  void OnCancel() override;
  void OnDone() override;

 private:
  explicit BlockingCallReactor(CallSlot slot) : slot_(std::move(slot)) {}
  ~BlockingCallReactor() override = default;

  CallSlot slot_;  // empty when the call was refused; given back when the reactor is deleted
  std::atomic<bool> cancelled_{false};
  std::atomic<bool> cut_off_{false};
  CallCutoff::Registration cutoff_registration_;
  std::thread worker_;
};

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_API_BLOCKING_CALL_REACTOR_H_
