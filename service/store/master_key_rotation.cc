#include "store/master_key_rotation.h"

#include <openssl/crypto.h>
#include <stdio.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "store/master_key.h"
#include "store/master_key_check.h"

namespace pluton::storage {

absl::StatusOr<size_t> RotateMasterKey(SqliteStorageStore& store, const std::string& key_path,
                                       const std::string& new_key_path) {
  if (new_key_path.empty() || new_key_path == key_path) {
    return absl::InvalidArgumentError(
        absl::StrCat("--new_master_key_file must name a file other than --master_key_file (\"",
                     key_path, "\"), e.g. ", PendingKeyPath(key_path)));
  }
  // A rotation to "<key>.new" that committed but was not renamed is finished here too.
  ASSIGN_OR_RETURN(SecretBox old_box, LoadCheckedMasterKey(store, key_path, false));
  ASSIGN_OR_RETURN(std::string new_key, LoadOrCreateMasterKey(new_key_path, true));
  ASSIGN_OR_RETURN(SecretBox new_box, SecretBox::FromKey(std::move(new_key)));

  size_t resealed = 0;
  // The check value is recorded by now, so this only compares: a match means an earlier run
  // of this rotation already committed.
  if (!CheckMasterKey(store, new_box, new_key_path).ok()) {
    ASSIGN_OR_RETURN(std::string check_value, MakeKeyCheckValue(new_box));
    ASSIGN_OR_RETURN(
        resealed,
        store.ResealAllSecrets(
            [&](const SealedSecretsRow& row) -> absl::StatusOr<std::string> {
              absl::StatusOr<std::string> plain = old_box.Open(row.sealed_secrets, row.storage_id);
              if (!plain.ok()) {
                return absl::FailedPreconditionError(absl::StrCat(
                    "the secrets of storage \"", row.storage_id, "\" do not open with \"", key_path,
                    "\": ", plain.status().message(), "; nothing was re-sealed"));
              }
              absl::StatusOr<std::string> sealed = new_box.Seal(*plain, row.storage_id);
              OPENSSL_cleanse(plain->data(), plain->size());
              return sealed;
            },
            check_value));
    LogInfo("master-key", "re-sealed the secrets of ", resealed, " storage(s) in ", store.path(),
            " under the key in ", new_key_path);
  }
  if (new_key_path == PendingKeyPath(key_path)) {
    if (::rename(new_key_path.c_str(), key_path.c_str()) != 0) {
      int error = errno;
      return absl::UnavailableError(absl::StrCat(
          "the database now uses the key in \"", new_key_path, "\" but it cannot replace \"",
          key_path, "\": ", std::strerror(error), "; the next start finishes the rename"));
    }
    LogInfo("master-key", "the new master key replaced ", key_path,
            "; back it up: the old key no longer opens anything");
  } else {
    LogInfo("master-key", "the database now uses the key in ", new_key_path,
            "; make it the key at --master_key_file (", key_path,
            ", e.g. update the Kubernetes Secret) before the next start, and back it up");
  }
  return resealed;
}

}  // namespace pluton::storage
