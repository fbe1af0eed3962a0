// RunWithoutFilePrivileges: runs a function on a thread whose effective capabilities lack
// CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH and CAP_FOWNER, so the kernel checks file permissions
// for it as it does for any user. Root (as CI runs) otherwise reads, writes and deletes past
// every mode bit, and a test of a permission error could only skip.
//
// Linux keeps capabilities per thread: only the new thread (and threads it starts) loses them;
// the caller and the rest of the process keep theirs. A process without these capabilities
// (not root) runs the function unchanged. Files the test creates as root are owned by root,
// so it is the owner's mode bits that apply.
//
// Thread safety: each call starts and joins its own thread; `fn` runs on that thread, so it
// must not use gtest ASSERT_* for control flow (return what it found and assert after).
#ifndef PLUTON_TESTS_COMMON_WITHOUT_PRIVILEGE_H_
#define PLUTON_TESTS_COMMON_WITHOUT_PRIVILEGE_H_

#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <thread>
#include <type_traits>
#include <utility>

namespace pluton::testing {

// Clears the file-permission overrides from the calling thread's effective set; aborts if
// the kernel refuses (dropping a capability is always allowed, so that is a broken setup).
inline void DropFilePrivilegesOfThisThread() {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};  // pid 0: this thread
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
  if (syscall(SYS_capget, &header, data) != 0) {
    std::perror("capget");
    std::abort();
  }
  for (int cap : {CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER}) {
    data[CAP_TO_INDEX(cap)].effective &= ~CAP_TO_MASK(cap);
  }
  if (syscall(SYS_capset, &header, data) != 0) {
    std::perror("capset");
    std::abort();
  }
}

// Runs `fn` without file privileges (see the file comment) and returns what it returns.
template <typename Fn>
auto RunWithoutFilePrivileges(Fn&& fn) -> decltype(fn()) {
  using Result = decltype(fn());
  if constexpr (std::is_void_v<Result>) {
    std::thread([&] {
      DropFilePrivilegesOfThisThread();
      fn();
    }).join();
  } else {
    std::optional<Result> result;
    std::thread([&] {
      DropFilePrivilegesOfThisThread();
      result.emplace(fn());
    }).join();
    return std::move(*result);
  }
}

}  // namespace pluton::testing

#endif  // PLUTON_TESTS_COMMON_WITHOUT_PRIVILEGE_H_
