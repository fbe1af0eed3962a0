// SecretBox: authenticated encryption of a storage's secrets under the master key.
//
//   ASSIGN_OR_RETURN(std::string key, LoadOrCreateMasterKey(path, /*create_if_missing=*/true));
//   ASSIGN_OR_RETURN(SecretBox box, SecretBox::FromKey(std::move(key)));
//   ASSIGN_OR_RETURN(std::string sealed, box.Seal(secrets_json, /*associated_data=*/storage_id));
//   ASSIGN_OR_RETURN(std::string opened, box.Open(sealed, storage_id));
//
// Sealed format (binary), version 0x01:
//   1 byte version (0x01) | 12 bytes random nonce | ciphertext (plaintext length) | 16 bytes tag
// The cipher is AES-256-GCM (OpenSSL EVP); the authenticated data is the version byte
// followed by `associated_data`, so a sealed value moved to another record (another
// associated_data) fails to open. A fresh random nonce is drawn per Seal; with random 96-bit
// nonces one key should seal well under 2^32 values, far beyond this service's needs.
//
// GCM cannot tell a wrong key from modified data: both fail authentication and Open reports
// DATA_LOSS saying the master key does not match or the data was modified. Error messages
// never contain plaintext, key bytes or sealed bytes.
//
// Thread safety: immutable after construction; Seal and Open may be called concurrently
// from any number of threads on the same object.
// Ownership: the 32 key bytes live on a page of their own, left out of core dumps and locked
// in memory where allowed (common/dont_dump_bytes.h), shared by the box and its copies and
// wiped when the last of them is destroyed. Plaintext returned by Open belongs to the caller,
// who should wipe it when done.
#ifndef PLUTON_SERVICE_STORE_SECRET_BOX_H_
#define PLUTON_SERVICE_STORE_SECRET_BOX_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/dont_dump_bytes.h"

namespace pluton::storage {

class SecretBox {
 public:
  static constexpr size_t kKeySize = 32;
  static constexpr size_t kNonceSize = 12;
  static constexpr size_t kTagSize = 16;
  static constexpr uint8_t kVersion = 0x01;
  // Sealed output of an empty plaintext: version + nonce + tag.
  static constexpr size_t kOverhead = 1 + kNonceSize + kTagSize;

  // A box over `key_bytes`, which must be exactly kKeySize raw bytes (INVALID_ARGUMENT
  // otherwise). `key_bytes` is wiped before returning.
  static absl::StatusOr<SecretBox> FromKey(std::string key_bytes);

  SecretBox(const SecretBox& other) = default;
  SecretBox& operator=(const SecretBox& other) = default;
  ~SecretBox() = default;

  // Encrypts and authenticates `plaintext`, binding it to `associated_data` (not secret, not
  // stored: the same value must be passed to Open). Returns kOverhead + plaintext.size()
  // bytes. INVALID_ARGUMENT when an input exceeds 2^31 - 1 bytes; INTERNAL when OpenSSL or
  // the random number generator fails.
  absl::StatusOr<std::string> Seal(absl::string_view plaintext,
                                   absl::string_view associated_data) const;

  // Verifies and decrypts the output of Seal.
  //   DATA_LOSS: input shorter than kOverhead (truncated), or authentication failed (the
  //     master key does not match the one used to seal, `associated_data` differs, or the
  //     bytes were modified).
  //   FAILED_PRECONDITION: unknown format version (sealed by a newer release?).
  absl::StatusOr<std::string> Open(absl::string_view sealed,
                                   absl::string_view associated_data) const;

 private:
  SecretBox() = default;

  std::shared_ptr<const DontDumpBytes> key_;  // never null once built by FromKey
};

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_STORE_SECRET_BOX_H_
