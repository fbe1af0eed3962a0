// The master key checked against the database it seals secrets for.
//
//   ASSIGN_OR_RETURN(std::unique_ptr<SqliteStorageStore> store, SqliteStorageStore::Open(db));
//   ASSIGN_OR_RETURN(SecretBox box, LoadCheckedMasterKey(*store, key_path, is_default_path));
//
// The database records a check value (table key_check): a known plaintext sealed by
// SecretBox under the master key with fixed associated data. It is never the key and reveals
// nothing about it; a key that opens it to the known plaintext is the key the database's
// secrets were sealed with. GCM verifies its tag in constant time and the plaintext is
// compared with CRYPTO_memcmp.
//
// Thread safety: the functions are safe to call from any thread; two processes starting on
// one database at once agree on one check value (it is inserted only if absent, then
// re-read). Ownership: nothing is retained; opened plaintexts are wiped.
#ifndef PLUTON_SERVICE_STORE_MASTER_KEY_CHECK_H_
#define PLUTON_SERVICE_STORE_MASTER_KEY_CHECK_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/secret_box.h"
#include "store/sqlite_storage_store.h"

namespace pluton::storage {

// A fresh check value for the key in `box` (random nonce: two values for one key differ).
absl::StatusOr<std::string> MakeKeyCheckValue(const SecretBox& box);

// OK when the key in `box` is the one the database's secrets were sealed with:
//   - a recorded check value must open to the known plaintext;
//   - with none recorded (a new database, or one from before schema version 3), every
//     storage's sealed secrets must open with it (associated data = storage id); then the
//     check value is recorded and the event logged.
// FAILED_PRECONDITION naming `key_path` (and the database) otherwise; store errors as they are.
absl::Status CheckMasterKey(SqliteStorageStore& store, const SecretBox& box,
                            const std::string& key_path);

// Loads the key at `key_path` (store/master_key.h) and checks it with CheckMasterKey.
// `is_default_path`: the path is the embedded default <data_dir>/master.key, which is
// generated when missing -- but only while the database holds no check value and no sealed
// secrets; otherwise FAILED_PRECONDITION naming the file and the fix (a fresh key would make
// every stored secret unreadable). An explicit path must exist (NOT_FOUND otherwise).
// When the key does not match but `PendingKeyPath(key_path)` holds one that does (a key
// rotation committed and was interrupted before its rename), that file replaces `key_path`
// (logged) and its key is returned.
absl::StatusOr<SecretBox> LoadCheckedMasterKey(SqliteStorageStore& store,
                                               const std::string& key_path, bool is_default_path);

// Where a key rotation keeps the new key until the database is committed to it: "<key>.new".
std::string PendingKeyPath(const std::string& key_path);

// If the key at PendingKeyPath(key_path) opens the recorded check value, renames it over
// `key_path` and returns it; nullopt when there is no such file or it does not match.
// FAILED_PRECONDITION naming both files when the rename fails (e.g. a read-only mount).
absl::StatusOr<std::optional<SecretBox>> FinishPendingRotation(SqliteStorageStore& store,
                                                               const std::string& key_path);

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_STORE_MASTER_KEY_CHECK_H_
