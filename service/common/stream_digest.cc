#include "common/stream_digest.h"

#include <cstdlib>

namespace pluton::storage {
namespace {

EVP_MD_CTX* NewContext(const EVP_MD* md) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  // Allocation or init failure here means OpenSSL itself is unusable: an invariant.
  if (ctx == nullptr || EVP_DigestInit_ex(ctx, md, nullptr) != 1) std::abort();
  return ctx;
}

std::string FinalDigest(EVP_MD_CTX* ctx) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_DigestFinal_ex(ctx, out, &size) != 1) std::abort();
  return std::string(reinterpret_cast<const char*>(out), size);
}

}  // namespace

StreamDigest::StreamDigest(bool with_md5, bool with_sha256) {
  if (with_md5) md5_ = NewContext(EVP_md5());
  if (with_sha256) sha256_ = NewContext(EVP_sha256());
}

StreamDigest::~StreamDigest() {
  EVP_MD_CTX_free(md5_);
  EVP_MD_CTX_free(sha256_);
}

void StreamDigest::Update(const uint8_t* data, size_t size) {
  if (size == 0) return;
  if (md5_ != nullptr) EVP_DigestUpdate(md5_, data, size);
  if (sha256_ != nullptr) EVP_DigestUpdate(sha256_, data, size);
}

void StreamDigest::Final() {
  if (md5_ != nullptr) md5_raw_ = FinalDigest(md5_);
  if (sha256_ != nullptr) sha256_raw_ = FinalDigest(sha256_);
}

}  // namespace pluton::storage
