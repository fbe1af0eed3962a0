#include "store/master_key_check.h"

#include <openssl/crypto.h>
#include <stdio.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "store/master_key.h"

namespace pluton::storage {
namespace {

constexpr absl::string_view kLogComponent = "master-key";
// Not secret: what the check value seals, and the record it is bound to.
constexpr absl::string_view kCheckPlaintext = "pluton master key check v1";
constexpr absl::string_view kCheckAssociatedData = "pluton:key_check";

absl::Status WrongKey(const SqliteStorageStore& store, const std::string& key_path,
                      absl::string_view detail) {
  return absl::FailedPreconditionError(
      absl::StrCat("the master key file \"", key_path,
                   "\" is not the key this database's secrets were sealed "
                   "with (database \"",
                   store.path(), "\"; ", detail,
                   "); restore the right key file or point --master_key_file at it"));
}

// True when `check_value` opens under `box` to the known plaintext.
bool CheckValueMatches(const SecretBox& box, absl::string_view check_value) {
  absl::StatusOr<std::string> opened = box.Open(check_value, kCheckAssociatedData);
  if (!opened.ok()) return false;
  bool match = opened->size() == kCheckPlaintext.size() &&
               CRYPTO_memcmp(opened->data(), kCheckPlaintext.data(), kCheckPlaintext.size()) == 0;
  OPENSSL_cleanse(opened->data(), opened->size());
  return match;
}

}  // namespace

absl::StatusOr<std::string> MakeKeyCheckValue(const SecretBox& box) {
  return box.Seal(kCheckPlaintext, kCheckAssociatedData);
}

absl::Status CheckMasterKey(SqliteStorageStore& store, const SecretBox& box,
                            const std::string& key_path) {
  ASSIGN_OR_RETURN(std::optional<std::string> recorded, store.GetKeyCheck());
  if (recorded.has_value()) {
    if (CheckValueMatches(box, *recorded)) return absl::OkStatus();
    return WrongKey(store, key_path, "the recorded key check value does not match");
  }
  // No check value yet: the key must open every secret already sealed before it is recorded.
  ASSIGN_OR_RETURN(std::vector<SealedSecretsRow> rows, store.ListSealedSecrets());
  for (const SealedSecretsRow& row : rows) {
    absl::StatusOr<std::string> opened = box.Open(row.sealed_secrets, row.storage_id);
    if (!opened.ok()) {
      return WrongKey(
          store, key_path,
          absl::StrCat("the secrets of storage \"", row.storage_id, "\" do not open with it"));
    }
    OPENSSL_cleanse(opened->data(), opened->size());
  }
  ASSIGN_OR_RETURN(std::string check_value, MakeKeyCheckValue(box));
  ASSIGN_OR_RETURN(bool written, store.InsertKeyCheckIfAbsent(check_value));
  if (!written) {
    // Another process recorded one meanwhile: it must match too.
    ASSIGN_OR_RETURN(recorded, store.GetKeyCheck());
    if (!recorded.has_value() || !CheckValueMatches(box, *recorded)) {
      return WrongKey(store, key_path, "the recorded key check value does not match");
    }
    return absl::OkStatus();
  }
  LogInfo(kLogComponent, "recorded the master key check value in ", store.path(), " (", rows.size(),
          " sealed secret(s) verified with ", key_path, ")");
  return absl::OkStatus();
}

absl::StatusOr<SecretBox> LoadCheckedMasterKey(SqliteStorageStore& store,
                                               const std::string& key_path, bool is_default_path) {
  absl::StatusOr<std::string> key = LoadOrCreateMasterKey(key_path, /*create_if_missing=*/false);
  if (absl::IsNotFound(key.status()) && is_default_path) {
    ASSIGN_OR_RETURN(std::optional<std::string> recorded, store.GetKeyCheck());
    ASSIGN_OR_RETURN(std::vector<SealedSecretsRow> rows, store.ListSealedSecrets());
    if (recorded.has_value() || !rows.empty()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the master key file \"", key_path,
          "\" (the default under --data_dir) does not exist, but the database \"", store.path(),
          "\" holds secrets sealed with a master key; restore that key file from your backup "
          "or point --master_key_file at it (a new key is generated only for a new data "
          "directory)"));
    }
    key = LoadOrCreateMasterKey(key_path, /*create_if_missing=*/true);
  }
  if (!key.ok()) return key.status();
  ASSIGN_OR_RETURN(SecretBox box, SecretBox::FromKey(*std::move(key)));
  absl::Status checked = CheckMasterKey(store, box, key_path);
  if (absl::IsFailedPrecondition(checked)) {
    ASSIGN_OR_RETURN(std::optional<SecretBox> rotated, FinishPendingRotation(store, key_path));
    if (rotated.has_value()) return *std::move(rotated);
  }
  RETURN_IF_ERROR(checked);
  return box;
}

std::string PendingKeyPath(const std::string& key_path) { return key_path + ".new"; }

absl::StatusOr<std::optional<SecretBox>> FinishPendingRotation(SqliteStorageStore& store,
                                                               const std::string& key_path) {
  const std::string pending = PendingKeyPath(key_path);
  absl::StatusOr<std::string> key = LoadOrCreateMasterKey(pending, /*create_if_missing=*/false);
  if (!key.ok()) return std::nullopt;
  ASSIGN_OR_RETURN(SecretBox box, SecretBox::FromKey(*std::move(key)));
  ASSIGN_OR_RETURN(std::optional<std::string> recorded, store.GetKeyCheck());
  if (!recorded.has_value() || !CheckValueMatches(box, *recorded)) return std::nullopt;
  if (::rename(pending.c_str(), key_path.c_str()) != 0) {
    int error = errno;
    return absl::FailedPreconditionError(
        absl::StrCat("a master key rotation committed the database to the key in \"", pending,
                     "\" but it cannot replace \"", key_path, "\": ", std::strerror(error),
                     "; move it there yourself (mode 0600) or point --master_key_file at it"));
  }
  LogInfo(kLogComponent, "finished an interrupted master key rotation: ", pending, " replaced ",
          key_path);
  return std::optional<SecretBox>(std::move(box));
}

}  // namespace pluton::storage
