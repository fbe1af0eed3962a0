// The master key: 32 random bytes in a file, under which SecretBox seals storage secrets.
//
//   ASSIGN_OR_RETURN(std::string key,
//                    LoadOrCreateMasterKey(flags.master_key_file, /*create_if_missing=*/true));
//   ASSIGN_OR_RETURN(SecretBox box, SecretBox::FromKey(std::move(key)));
//
// File format: exactly 64 lowercase hexadecimal characters, optionally followed by trailing
// whitespace such as a newline, so the file can be produced with
// `umask 077; openssl rand -hex 32 > master.key` or mounted from a Kubernetes Secret (give the
// volume `defaultMode: 0400`). The file must be a regular file (symbolic links, as used by
// Kubernetes volume mounts, are followed) and must not be accessible by group or others.
//
// Losing the key makes every sealed secret unrecoverable: back it up.
//
// Thread safety: LoadOrCreateMasterKey is safe to call from any thread and from several
// processes at once; concurrent creators agree on one key (the file is published with a
// no-replace rename, the loser reads the winner's key).
// Ownership: the returned string holds raw key material owned by the caller, who should hand
// it to SecretBox::FromKey (which wipes it) rather than keep copies. Intermediate buffers are
// wiped here.
#ifndef PLUTON_SERVICE_STORE_MASTER_KEY_H_
#define PLUTON_SERVICE_STORE_MASTER_KEY_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"

namespace pluton::storage {

// Size of the master key in bytes (the file holds twice as many hex characters).
inline constexpr size_t kMasterKeySize = 32;

// Returns the kMasterKeySize raw bytes of the key in the file at `path`.
//
// When the file is absent: with `create_if_missing`, creates the missing parent directories
// (mode 0700) and atomically writes a fresh random key (mode 0600; temp file, fsync,
// no-replace rename, directory fsync), logs that a new key was generated at `path` and
// returns it; otherwise NOT_FOUND naming `path` and the --master_key_file flag.
//
// When the file is present: FAILED_PRECONDITION if it is not a regular file, is accessible
// by group or others (the message says to `chmod 600 <path>`), or does not hold the format
// above (the message describes the expected format, never the content). PERMISSION_DENIED
// when it cannot be read. INVALID_ARGUMENT when `path` is empty. UNAVAILABLE or INTERNAL on
// I/O or random number generator failures.
absl::StatusOr<std::string> LoadOrCreateMasterKey(const std::string& path, bool create_if_missing);

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_STORE_MASTER_KEY_H_
