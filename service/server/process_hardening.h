// Keeps the daemon's memory, which holds every storage's plaintext secrets while they are in use,
// the SSE-C keys and the master key, out of core dumps and away from other processes of its user.
//
// Thread safety: call once from main before secrets are loaded; process-wide effect.
#ifndef PLUTON_SERVICE_SERVER_PROCESS_HARDENING_H_
#define PLUTON_SERVICE_SERVER_PROCESS_HARDENING_H_

#include "absl/status/status.h"

namespace pluton::storage {

// Marks the process non-dumpable (prctl PR_SET_DUMPABLE 0: no core dump, and /proc/PID/mem,
// environ and ptrace closed to other non-root processes of the same user) and sets its core
// size limit to 0 (so no dump is written even where the system dumps non-dumpable processes,
// fs.suid_dumpable=2). INTERNAL naming the call when either fails.
absl::Status KeepSecretsOutOfDumps();

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_SERVER_PROCESS_HARDENING_H_
