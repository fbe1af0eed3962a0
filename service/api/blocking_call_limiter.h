// BlockingCallLimiter: one pool of blocking calls (each holds a thread and, usually, a
// connection to a provider), with fair shares inside it.
//
// A call takes a slot only when all three hold:
//   - the pool runs fewer than max_calls calls,
//   - its storage holds fewer than the storage share,
//   - its caller holds fewer than the caller share.
// Otherwise it is refused at once with RESOURCE_EXHAUSTED naming the pool and the limit, with
// the ErrorInfo reason TOO_MANY_CALLS (or the pool's own, e.g. TOO_MANY_DOWNLOADS),
// TOO_MANY_CALLS_ON_STORAGE or TOO_MANY_CALLS_FROM_CALLER.
//
// Why shares: a provider that hangs on one storage would otherwise fill the whole pool and
// starve every other storage, and one caller (a token) could do the same to every other caller.
// The default share is half the pool (FairShares): a storage or caller that is alone busy still
// gets half the pool, and a hanging one leaves the other half to the rest. Several hanging
// storages together can still fill the pool; the share bounds what each one takes.
//
//   absl::StatusOr<CallSlot> slot = limiter.TryAcquire({storage_id, "backup-a", "agent-a"});
//   if (!slot.ok()) return slot.status();   // refused
//   ... the call runs, holding *slot; destroying it gives the slot back ...
//
// Thread safety: TryAcquire and CallSlot's release may run concurrently (one mutex around a
// counter and two small maps; an entry lives only while it holds slots, so the maps hold at most
// max_calls entries). The limiter must outlive its slots.
#ifndef PLUTON_SERVICE_API_BLOCKING_CALL_LIMITER_H_
#define PLUTON_SERVICE_API_BLOCKING_CALL_LIMITER_H_

#include <mutex>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace pluton::storage {

class CallCutoff;

// Which share of every pool one storage and one caller may hold, in percent of the pool
// (--storage_share_percent, --caller_share_percent; 1 to 100). A share is at least one call.
struct FairShares {
  int storage_percent = 50;
  int caller_percent = 50;
};

// What a pool is called in messages and how it is sized.
struct CallPoolSpec {
  CallPoolSpec(std::string kind, int max_calls, std::string full_reason = "TOO_MANY_CALLS",
               std::string size_flag = "")
      : kind(std::move(kind)),
        max_calls(max_calls),
        full_reason(std::move(full_reason)),
        size_flag(std::move(size_flag)) {}

  std::string kind;         // plural: "object calls", "downloads"
  int max_calls;            // at least 1
  std::string full_reason;  // ErrorInfo reason when the pool is full
  std::string size_flag;    // the flag sizing the pool; "" when fixed
};

// Whom a call's slot counts against. An empty key is not counted (a call naming no storage).
struct CallShareKeys {
  std::string storage;        // the storage's id, or the reference given when it names none
  std::string storage_label;  // how messages name the storage: as the caller did
  std::string caller;         // the caller's identity (CallAccess::caller_identity())
};

class BlockingCallLimiter;

// A held slot: gives it back when destroyed (or reset). Move-only; empty when default-made
// or moved from.
class CallSlot {
 public:
  CallSlot() = default;
  CallSlot(CallSlot&& other) noexcept;
  CallSlot& operator=(CallSlot&& other) noexcept;
  CallSlot(const CallSlot&) = delete;
  CallSlot& operator=(const CallSlot&) = delete;
  ~CallSlot() { Reset(); }

  bool held() const { return limiter_ != nullptr; }
  // Gives the slot back now; nothing when empty.
  void Reset();

 private:
  friend class BlockingCallLimiter;
  CallSlot(BlockingCallLimiter* limiter, CallShareKeys keys)
      : limiter_(limiter), keys_(std::move(keys)) {}

  BlockingCallLimiter* limiter_ = nullptr;
  CallShareKeys keys_;
};

class BlockingCallLimiter {
 public:
  // `cutoff`, when not null, is where the calls of this pool register for a shutdown's
  // cut-off (api/call_cutoff.h); it must outlive them.
  BlockingCallLimiter(CallPoolSpec spec, FairShares shares, CallCutoff* cutoff = nullptr);

  // A slot for a call of `keys`, or RESOURCE_EXHAUSTED saying which limit it met.
  absl::StatusOr<CallSlot> TryAcquire(const CallShareKeys& keys);

  const std::string& kind() const { return spec_.kind; }
  int max_calls() const { return spec_.max_calls; }
  int storage_share() const { return storage_share_; }
  int caller_share() const { return caller_share_; }
  CallCutoff* cutoff() const { return cutoff_; }
  // Calls holding a slot now (for tests and metrics).
  int running() const;

 private:
  friend class CallSlot;
  void Release(const CallShareKeys& keys);
  // RESOURCE_EXHAUSTED: `who` (e.g. `storage "a"`), one `what` ("storage"), holds its share.
  absl::Status ShareRefusal(absl::string_view who, absl::string_view what, int share,
                            absl::string_view flag, absl::string_view reason) const;

  const CallPoolSpec spec_;
  const int storage_share_;
  const int caller_share_;
  CallCutoff* const cutoff_;
  mutable std::mutex mu_;
  int running_ = 0;                                   // guarded by mu_
  absl::flat_hash_map<std::string, int> by_storage_;  // guarded by mu_; no zero entries
  absl::flat_hash_map<std::string, int> by_caller_;   // guarded by mu_; no zero entries
};

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_API_BLOCKING_CALL_LIMITER_H_
