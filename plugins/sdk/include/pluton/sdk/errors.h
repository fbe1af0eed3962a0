// pluton_error values for plugins: building them, releasing them, and keeping C++ exceptions
// from crossing the C ABI.
//
// Ownership: every pluton_error* returned here is owned by the caller of the ABI function it
// is handed to, who releases it with the plugin table's error_destroy, which must be
// DestroyError. An error is a single heap block: the struct, its violation array and every
// string live in it, so they stay valid exactly until DestroyError.
//
// Thread safety: all functions are thread-safe; distinct errors share nothing mutable.
#ifndef PLUTON_PLUGINS_SDK_ERRORS_H_
#define PLUTON_PLUGINS_SDK_ERRORS_H_

#include <exception>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "pluton/storage_plugin.h"

namespace pluton::plugin_sdk {

// One wrong field: {field, description}. `field` is a config key ("root") or a request field
// ("bucket", "key"). `description` says what is wrong and the fix, and never holds a secret.
using Violation = std::pair<std::string, std::string>;

// Builds an error. Never returns NULL (NULL would mean success): if memory runs out it returns
// a static RESOURCE_EXHAUSTED error that DestroyError recognizes and does not free.
// `code` PLUTON_OK is a caller bug and is turned into PLUTON_INTERNAL. `reason` should be a
// stable UPPER_SNAKE_CASE constant (or ""); `message` says what went wrong and how to fix it.
// Neither may contain secrets. Strings are copied up to their first NUL.
pluton_error* MakeError(pluton_code code, std::string reason, std::string message,
                        std::vector<Violation> violations = {}) noexcept;

// Releases an error built by this SDK. NULL is a no-op. Use as the table's error_destroy.
void DestroyError(pluton_error* error) noexcept;

// PLUTON_INVALID_ARGUMENT, reason "INVALID_CONFIG", one violation per entry, and a message
// that lists them all ("invalid configuration: root: ...; fsync: ...").
pluton_error* InvalidConfigError(std::vector<Violation> violations) noexcept;

// PLUTON_INVALID_ARGUMENT, reason "INVALID_ARGUMENT", for wrong request fields (bucket, key).
pluton_error* InvalidArgumentError(std::vector<Violation> violations) noexcept;

// PLUTON_UNAVAILABLE, reason "UPLOAD_NOT_RECORDED": the host refused to record an upload's
// pending state (pluton_upload_tracker); `what` names the upload. The caller has discarded
// that state, so nothing was stored.
pluton_error* UploadNotRecordedError(const std::string& what) noexcept;

// The static out-of-memory error (RESOURCE_EXHAUSTED, reason "OUT_OF_MEMORY"). Allocation-free.
pluton_error* OutOfMemoryError() noexcept;

// Builds INTERNAL / reason "INTERNAL" with message prefix + detail, allocating nothing but the
// error itself (falls back to OutOfMemoryError()). Safe inside a catch handler.
pluton_error* InternalErrorNoThrow(const char* prefix, const char* detail) noexcept;

// Runs `f` (returning pluton_error*, NULL on success) and converts any exception into an
// error, so none crosses the ABI: std::bad_alloc -> RESOURCE_EXHAUSTED, anything else ->
// INTERNAL with what(). Wrap the body of every extern "C" function that returns pluton_error*.
template <class F>
pluton_error* GuardErrors(F&& f) noexcept {
  try {
    return std::forward<F>(f)();
  } catch (const std::bad_alloc&) {
    return OutOfMemoryError();
  } catch (const std::exception& e) {
    return InternalErrorNoThrow("plugin bug: unexpected exception: ", e.what());
  } catch (...) {
    return InternalErrorNoThrow("plugin bug: unexpected exception: ", "(not a std::exception)");
  }
}

// For extern "C" functions that return nothing (destroy, abort): runs `f` and swallows any
// exception. Returns false when one was swallowed, so the caller may log it.
template <class F>
bool GuardVoid(F&& f) noexcept {
  try {
    std::forward<F>(f)();
    return true;
  } catch (...) {
    return false;
  }
}

// For extern "C" functions that return a value (config_schema_json): runs `f` and returns
// `fallback` if it throws.
template <class T, class F>
T GuardValue(T fallback, F&& f) noexcept {
  try {
    return std::forward<F>(f)();
  } catch (...) {
    return fallback;
  }
}

}  // namespace pluton::plugin_sdk

#endif  // PLUTON_PLUGINS_SDK_ERRORS_H_
