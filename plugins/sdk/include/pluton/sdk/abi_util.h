// Small helpers for reading ABI structs safely.
//
// Thread safety: pure functions, safe from any thread (Cancelled calls the host's callback,
// which the ABI requires to be thread-safe).
#ifndef PLUTON_PLUGINS_SDK_ABI_UTIL_H_
#define PLUTON_PLUGINS_SDK_ABI_UTIL_H_

#include <cstddef>
#include <string_view>

#include "pluton/storage_plugin.h"

// True when `ptr` (a struct that starts with size_t struct_size) is non-NULL and large enough to
// contain `field`: the ABI rule "a field exists iff its end offset <= struct_size". Read an
// optional or newer field only when this holds; write a host-provided out struct's field only
// when this holds.
#define PLUTON_SDK_HAS_FIELD(ptr, type, field) \
  ((ptr) != nullptr &&                         \
   (ptr)->struct_size >= offsetof(type, field) + sizeof(static_cast<type*>(nullptr)->field))

namespace pluton::plugin_sdk {

// The host's cancel token (pluton_cancel_token). NULL-safe: a NULL token or a NULL callback
// never fires. Holds a borrowed pointer; the token must outlive the CancelToken (the ABI keeps
// an upload's token valid until upload_destroy).
class CancelToken {
 public:
  explicit CancelToken(const pluton_cancel_token* token = nullptr) noexcept : token_(token) {}

  // True when the host asked to stop.
  static bool Cancelled(const pluton_cancel_token* token) noexcept {
    return token != nullptr && token->is_cancelled != nullptr &&
           token->is_cancelled(token->ctx) != 0;
  }
  bool cancelled() const noexcept { return Cancelled(token_); }
  const pluton_cancel_token* get() const noexcept { return token_; }

 private:
  const pluton_cancel_token* token_;
};

// The host's upload tracker (pluton_upload_params.tracker, ABI 1.3), read from an upload's
// params. NULL-safe: with a host older than 1.3, or one that does not track uploads,
// Pending() reports nothing and succeeds. Holds a borrowed pointer, valid until upload_destroy.
class UploadTracker {
 public:
  explicit UploadTracker(const pluton_upload_params* params) noexcept
      : tracker_(PLUTON_SDK_HAS_FIELD(params, pluton_upload_params, tracker) ? params->tracker
                                                                             : nullptr) {}

  // Tells the host about pending state `upload_id` (see pluton_upload_tracker). False when the
  // host could not record it: the caller then discards that state and fails with
  // PLUTON_UNAVAILABLE.
  bool Pending(const char* upload_id) const noexcept {
    return tracker_ == nullptr || tracker_->pending == nullptr ||
           tracker_->pending(tracker_->ctx, upload_id) == 0;
  }

 private:
  const pluton_upload_tracker* tracker_;
};

// A C string from the host as a string_view; NULL reads as "".
inline std::string_view View(const char* s) noexcept {
  return s == nullptr ? std::string_view() : std::string_view(s);
}

}  // namespace pluton::plugin_sdk

#endif  // PLUTON_PLUGINS_SDK_ABI_UTIL_H_
