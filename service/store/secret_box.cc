#include "store/secret_box.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <climits>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace pluton::storage {
namespace {

using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

CipherContext NewCipherContext() {
  return CipherContext(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
}

// OpenSSL's description of (and removal of) the errors queued on this thread.
std::string OpenSslErrors() {
  std::string text;
  while (unsigned long error = ERR_get_error()) {
    char buffer[256];
    ERR_error_string_n(error, buffer, sizeof(buffer));
    absl::StrAppend(&text, text.empty() ? "" : "; ", buffer);
  }
  return text.empty() ? "no OpenSSL error recorded" : text;
}

absl::Status OpenSslFailure(absl::string_view what) {
  return absl::InternalError(absl::StrCat("AES-256-GCM ", what, " failed: ", OpenSslErrors()));
}

unsigned char* Bytes(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }
const unsigned char* Bytes(absl::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

absl::StatusOr<SecretBox> SecretBox::FromKey(std::string key_bytes) {
  if (key_bytes.size() != kKeySize) {
    size_t size = key_bytes.size();
    OPENSSL_cleanse(key_bytes.data(), key_bytes.size());
    return absl::InvalidArgumentError(
        absl::StrCat("the master key must be exactly ", kKeySize, " bytes, not ", size));
  }
  absl::StatusOr<std::unique_ptr<DontDumpBytes>> key = DontDumpBytes::Create(kKeySize);
  if (!key.ok()) {
    OPENSSL_cleanse(key_bytes.data(), key_bytes.size());
    return key.status();
  }
  std::copy(key_bytes.begin(), key_bytes.end(), (*key)->data());
  OPENSSL_cleanse(key_bytes.data(), key_bytes.size());
  SecretBox box;
  box.key_ = std::shared_ptr<const DontDumpBytes>(*std::move(key));
  return box;
}

absl::StatusOr<std::string> SecretBox::Seal(absl::string_view plaintext,
                                            absl::string_view associated_data) const {
  // EVP takes int lengths; the sealed output must fit one too.
  if (plaintext.size() > static_cast<size_t>(INT_MAX) - kOverhead ||
      associated_data.size() > static_cast<size_t>(INT_MAX)) {
    return absl::InvalidArgumentError("the secrets to seal are too large");
  }

  std::string sealed(kOverhead + plaintext.size(), '\0');
  unsigned char* out = Bytes(sealed);
  unsigned char* nonce = out + 1;
  unsigned char* ciphertext = nonce + kNonceSize;
  unsigned char* tag = ciphertext + plaintext.size();
  out[0] = kVersion;
  if (RAND_bytes(nonce, kNonceSize) != 1) {
    return absl::InternalError(
        absl::StrCat("the random number generator failed: ", OpenSslErrors()));
  }

  CipherContext ctx = NewCipherContext();
  if (ctx == nullptr) return OpenSslFailure("context allocation");
  int len = 0;
  if (EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceSize, nullptr) != 1 ||
      EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, key_->data(), nonce) != 1) {
    return OpenSslFailure("encryption setup");
  }
  // Authenticated data: the version byte, then the caller's associated data.
  if (EVP_EncryptUpdate(ctx.get(), nullptr, &len, out, 1) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, Bytes(associated_data),
                        static_cast<int>(associated_data.size())) != 1) {
    return OpenSslFailure("authentication of associated data");
  }
  int written = 0;
  if (EVP_EncryptUpdate(ctx.get(), ciphertext, &len, Bytes(plaintext),
                        static_cast<int>(plaintext.size())) != 1) {
    return OpenSslFailure("encryption");
  }
  written += len;
  if (EVP_EncryptFinal_ex(ctx.get(), ciphertext + written, &len) != 1) {
    return OpenSslFailure("encryption");
  }
  written += len;
  if (static_cast<size_t>(written) != plaintext.size()) {
    return absl::InternalError("AES-256-GCM encryption produced an unexpected length");
  }
  if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagSize, tag) != 1) {
    return OpenSslFailure("tag computation");
  }
  return sealed;
}

absl::StatusOr<std::string> SecretBox::Open(absl::string_view sealed,
                                            absl::string_view associated_data) const {
  if (sealed.size() < kOverhead) {
    return absl::DataLossError(absl::StrCat("the sealed secrets are truncated: ", sealed.size(),
                                            " bytes, at least ", kOverhead, " expected"));
  }
  const unsigned char* in = Bytes(sealed);
  if (in[0] != kVersion) {
    return absl::FailedPreconditionError(
        absl::StrCat("the sealed secrets have format version ", static_cast<int>(in[0]),
                     " but this release only understands version ", static_cast<int>(kVersion),
                     "; they were sealed by a newer release or are corrupt"));
  }
  if (sealed.size() > static_cast<size_t>(INT_MAX) ||
      associated_data.size() > static_cast<size_t>(INT_MAX)) {
    return absl::InvalidArgumentError("the sealed secrets are too large");
  }
  const unsigned char* nonce = in + 1;
  const unsigned char* ciphertext = nonce + kNonceSize;
  const size_t ciphertext_size = sealed.size() - kOverhead;
  const unsigned char* tag = ciphertext + ciphertext_size;

  CipherContext ctx = NewCipherContext();
  if (ctx == nullptr) return OpenSslFailure("context allocation");
  int len = 0;
  if (EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceSize, nullptr) != 1 ||
      EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, key_->data(), nonce) != 1) {
    return OpenSslFailure("decryption setup");
  }
  if (EVP_DecryptUpdate(ctx.get(), nullptr, &len, in, 1) != 1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, Bytes(associated_data),
                        static_cast<int>(associated_data.size())) != 1) {
    return OpenSslFailure("authentication of associated data");
  }
  std::string plaintext(ciphertext_size, '\0');
  int written = 0;
  if (EVP_DecryptUpdate(ctx.get(), Bytes(plaintext), &len, ciphertext,
                        static_cast<int>(ciphertext_size)) != 1) {
    OPENSSL_cleanse(plaintext.data(), plaintext.size());
    return OpenSslFailure("decryption");
  }
  written += len;
  // The tag is only read, but OpenSSL's ctrl takes a non-const pointer.
  unsigned char expected_tag[kTagSize];
  std::copy(tag, tag + kTagSize, expected_tag);
  bool authentic =
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagSize, expected_tag) == 1 &&
      EVP_DecryptFinal_ex(ctx.get(), Bytes(plaintext) + written, &len) == 1;
  if (!authentic) {
    // Unauthenticated plaintext must not leak out, not even through memory reuse.
    OPENSSL_cleanse(plaintext.data(), plaintext.size());
    ERR_clear_error();
    return absl::DataLossError(
        "the sealed secrets failed authentication: the master key does not match the one these "
        "secrets were sealed with, or the sealed data was modified or attached to another record");
  }
  return plaintext;
}

}  // namespace pluton::storage
