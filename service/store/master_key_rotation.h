// Master key rotation: every storage's secrets re-sealed under a new key, all or nothing.
//
//   ASSIGN_OR_RETURN(size_t resealed, RotateMasterKey(*store, key_path, new_key_path));
//
// Order, so that an interruption at any point leaves a working state:
//   1. the current key at `key_path` is loaded and checked (store/master_key_check.h);
//   2. the new key is read from `new_key_path`, or generated there (mode 0600, atomically);
//   3. one SQLite transaction re-seals every storage's secrets (associated data = storage id)
//      and replaces the check value -- before its commit the old key still works;
//   4. when `new_key_path` is PendingKeyPath(key_path) ("<key>.new"), it is renamed over
//      `key_path`. If that step is lost, the next start finds the check value matching
//      "<key>.new" and finishes the rename. Any other `new_key_path` (e.g. a writable file
//      beside a read-only Kubernetes Secret mount) is left where it is: the operator puts its
//      content where --master_key_file points (updates the Secret) before the next start.
// Re-running a rotation whose transaction committed skips step 3 (the new key already
// matches) and only completes step 4.
//
// Precondition: the service is stopped; a running service keeps sealing with the old key.
// pluton-storaged --rotate_master_key enforces it: it holds the data directory's lock
// (store/data_dir_lock.h) around the rotation, which a running service holds too.
// Thread safety: as SqliteStorageStore; plaintexts are wiped after re-sealing.
#ifndef PLUTON_SERVICE_STORE_MASTER_KEY_ROTATION_H_
#define PLUTON_SERVICE_STORE_MASTER_KEY_ROTATION_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "store/sqlite_storage_store.h"

namespace pluton::storage {

// Returns how many storages were re-sealed. INVALID_ARGUMENT when `new_key_path` equals
// `key_path`; FAILED_PRECONDITION when the current key is wrong or a secret does not open;
// the key file and store errors otherwise (the database then still uses the old key).
absl::StatusOr<size_t> RotateMasterKey(SqliteStorageStore& store, const std::string& key_path,
                                       const std::string& new_key_path);

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_STORE_MASTER_KEY_ROTATION_H_
