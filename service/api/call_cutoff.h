// CallCutoff: the calls in flight that the service ends itself when a shutdown's grace period
// runs out, so that their callers hear CANCELLED ("the service is shutting down") rather than
// gRPC's UNAVAILABLE "Cancelling all calls", which reads like a network failure.
//
//   CallCutoff::Registration registration =
//       cutoff->Register([this] { cut_off_ = true; cancelled_ = true; wake_.notify_all(); });
//   ...
//   if (cut_off_ && !status.ok()) status = CutOffByShutdown(status);
//
// A call registers a callback when it starts and drops the Registration when it is done.
// CutOffAll runs every callback once, and runs the callback of a call that registers later at
// once. The callback only tells the call to stop (flags, a notify): the call then ends itself,
// on its own thread, with CutOffByShutdown of whatever status its cancelled work returned.
//
// Thread safety: every method may be called from any thread. A callback runs under the
// cutoff's lock: it must not block, register, or drop a Registration. A Registration's
// destructor waits for a callback running on another thread, so after it returns the
// callback never runs again and what it captured may be destroyed.
#ifndef PLUTON_SERVICE_API_CALL_CUTOFF_H_
#define PLUTON_SERVICE_API_CALL_CUTOFF_H_

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace pluton::storage {

class CallCutoff {
 public:
  class Registration {
   public:
    Registration() = default;
    Registration(Registration&& other) noexcept;
    Registration& operator=(Registration&& other) noexcept;
    ~Registration() { Drop(); }
    // Unregisters now (idempotent).
    void Drop();

   private:
    friend class CallCutoff;
    Registration(CallCutoff* owner, uint64_t id) : owner_(owner), id_(id) {}
    CallCutoff* owner_ = nullptr;
    uint64_t id_ = 0;
  };

  CallCutoff() = default;
  CallCutoff(const CallCutoff&) = delete;
  CallCutoff& operator=(const CallCutoff&) = delete;
  // REQUIRES: every Registration was dropped.
  ~CallCutoff() = default;

  Registration Register(std::function<void()> on_cut_off);
  // Tells every call in flight, and every later one, to stop. Idempotent.
  void CutOffAll();
  // Waits until no call is registered, CutOffAll was called, or `deadline` passes; false
  // when the deadline passed with calls registered and not cut off.
  bool WaitUntilNoCallsOrCutOff(absl::Time deadline);
  bool cut_off() const;

 private:
  void Unregister(uint64_t id);

  mutable std::mutex mu_;
  std::condition_variable calls_changed_;
  std::map<uint64_t, std::function<void()>> calls_;  // guarded by mu_
  uint64_t next_id_ = 1;                             // guarded by mu_
  bool cut_off_ = false;                             // guarded by mu_
};

// CANCELLED naming the shutdown, with `cause` (what the cancelled work returned) after it and
// its reason and violations replaced by the reason SERVICE_SHUTTING_DOWN. OK stays OK: work
// that finished as it was cut off keeps its result.
absl::Status CutOffByShutdown(const absl::Status& cause);

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_API_CALL_CUTOFF_H_
