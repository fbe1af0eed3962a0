#include "pluton/s3/digest.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdio>
#include <cstdlib>
#include <memory>

#include "absl/strings/escaping.h"

namespace pluton::s3 {
namespace {

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

[[noreturn]] void DigestFailure(const char* what) {
  std::fprintf(stderr, "pluton::s3: OpenSSL %s failed\n", what);
  std::abort();
}

// Digest of the concatenation of `spans` with `md`; returns the digest length.
unsigned int DigestSpans(const EVP_MD* md, ByteSpans spans, unsigned char* out) {
  std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
  if (ctx == nullptr || EVP_DigestInit_ex(ctx.get(), md, nullptr) != 1) {
    DigestFailure("digest init");
  }
  for (absl::Span<const uint8_t> span : spans) {
    if (!span.empty() && EVP_DigestUpdate(ctx.get(), span.data(), span.size()) != 1) {
      DigestFailure("digest update");
    }
  }
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(ctx.get(), out, &length) != 1) DigestFailure("digest final");
  return length;
}

}  // namespace

std::string HexEncode(absl::Span<const uint8_t> bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (uint8_t b : bytes) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0x0F]);
  }
  return out;
}

std::string Sha256Hex(absl::string_view data) {
  absl::Span<const uint8_t> span(reinterpret_cast<const uint8_t*>(data.data()), data.size());
  return Sha256Hex(ByteSpans(&span, 1));
}

std::string Sha256Hex(ByteSpans spans) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  const unsigned int length = DigestSpans(EVP_sha256(), spans, digest);
  return HexEncode(absl::Span<const uint8_t>(digest, length));
}

std::array<uint8_t, 32> HmacSha256(absl::Span<const uint8_t> key, absl::string_view data) {
  std::array<uint8_t, 32> out{};
  unsigned int length = 0;
  // HMAC() accepts a NULL key pointer only with length 0; pass a valid pointer either way.
  static const uint8_t kNoKey = 0;
  const uint8_t* key_data = key.empty() ? &kNoKey : key.data();
  if (HMAC(EVP_sha256(), key_data, static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(),
           &length) == nullptr ||
      length != out.size()) {
    DigestFailure("HMAC-SHA256");
  }
  return out;
}

std::string Md5Base64(ByteSpans spans) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  const unsigned int length = DigestSpans(EVP_md5(), spans, digest);
  return absl::Base64Escape(
      absl::string_view(reinterpret_cast<const char*>(digest), static_cast<size_t>(length)));
}

}  // namespace pluton::s3
