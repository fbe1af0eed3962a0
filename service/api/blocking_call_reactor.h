// BlockingCallReactor: a unary call whose work blocks (a provider waiting on the network), run
// on a thread of its own so gRPC's callback threads never block and Server::Shutdown can
// cancel it.
//
//   return BlockingCallReactor::Start(&limiter_, [=](const std::atomic<bool>& cancelled) {
//     return DoSlowThing(*request, response, &cancelled);
//   });
//
// The work receives a flag that turns true when the call is cancelled (client gone, deadline,
// shutdown); it passes the flag to the provider, which then stops soon. Its status finishes
// the call (rich details included).
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
#include "grpcpp/grpcpp.h"

namespace pluton::storage {

// Bounds how many blocking calls run at once (each holds a thread and, usually, a connection
// to a provider). Calls beyond the bound fail at once with RESOURCE_EXHAUSTED naming `kind`
// (e.g. "connection tests").
class BlockingCallLimiter {
 public:
  explicit BlockingCallLimiter(int max_calls, std::string kind = "provider calls")
      : max_calls_(max_calls), kind_(std::move(kind)) {}
  const std::string& kind() const { return kind_; }
  int max_calls() const { return max_calls_; }
  bool TryAcquire();
  void Release();

 private:
  const int max_calls_;
  const std::string kind_;
  std::atomic<int> running_{0};
};

class BlockingCallReactor final : public grpc::ServerUnaryReactor {
 public:
  using Work = std::function<absl::Status(const std::atomic<bool>& cancelled)>;

  // Runs `work` on a new thread and finishes the call with its status; or, when `limiter` is
  // full, finishes at once with RESOURCE_EXHAUSTED. `limiter` must outlive the call.
  static grpc::ServerUnaryReactor* Start(BlockingCallLimiter* limiter, Work work);

  void OnCancel() override;
  void OnDone() override;

 private:
  explicit BlockingCallReactor(BlockingCallLimiter* limiter) : limiter_(limiter) {}
  ~BlockingCallReactor() override = default;

  BlockingCallLimiter* const limiter_;  // null when the call was refused
  std::atomic<bool> cancelled_{false};
  std::thread worker_;
};

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_API_BLOCKING_CALL_REACTOR_H_
