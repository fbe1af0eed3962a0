// Digest: an OpenSSL EVP digest (MD5, SHA-256) computed incrementally, set up only when
// enabled, so a caller can keep one unconditionally and pay only for the digests it asks for.
//
// Thread safety: not thread-safe; one stream per object.
#ifndef PLUTON_CLIENT_DIGEST_H_
#define PLUTON_CLIENT_DIGEST_H_

#include <openssl/evp.h>

#include <cstddef>
#include <string>

namespace pluton::storage::client {

// An EVP digest that is only set up when enabled.
class Digest {
 public:
  Digest(bool enabled, const EVP_MD* md) {
    if (!enabled) return;
    ctx_ = EVP_MD_CTX_new();
    if (ctx_ != nullptr && EVP_DigestInit_ex(ctx_, md, nullptr) != 1) {
      EVP_MD_CTX_free(ctx_);
      ctx_ = nullptr;
      failed_ = true;
    }
    if (ctx_ == nullptr) failed_ = true;
  }
  ~Digest() { EVP_MD_CTX_free(ctx_); }
  Digest(const Digest&) = delete;
  Digest& operator=(const Digest&) = delete;

  bool failed() const { return failed_; }
  void Update(const char* data, size_t size) {
    if (ctx_ != nullptr && EVP_DigestUpdate(ctx_, data, size) != 1) failed_ = true;
  }
  // The raw digest, or "" if the computation failed.
  std::string Final() {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (ctx_ == nullptr || failed_ || EVP_DigestFinal_ex(ctx_, out, &len) != 1) return "";
    return std::string(reinterpret_cast<const char*>(out), len);
  }

 private:
  EVP_MD_CTX* ctx_ = nullptr;
  bool failed_ = false;
};

}  // namespace pluton::storage::client

#endif  // PLUTON_CLIENT_DIGEST_H_
