// MD5 (and SHA-256) of some bytes, computed with OpenSSL directly: the tests' own oracle,
// independent of the service's hashing. Md5 gives the 16 raw bytes (Content-MD5, stored-MD5
// comparisons), Md5Hex 32 lowercase hex digits (the API's *_md5_hex fields), Sha256Hex 64
// (the *_sha256_hex fields).
#ifndef PLUTON_TESTS_COMMON_MD5_H_
#define PLUTON_TESTS_COMMON_MD5_H_

#include <openssl/evp.h>

#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/string_view.h"

namespace pluton::testing {

// The raw digest of `data` by `algorithm` (EVP_md5(), EVP_sha256(), ...).
inline std::string OpenSslDigest(absl::string_view data, const EVP_MD* algorithm) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), digest, &size, algorithm, nullptr);
  return std::string(reinterpret_cast<const char*>(digest), size);
}

inline std::string Md5(absl::string_view data) { return OpenSslDigest(data, EVP_md5()); }

inline std::string Md5Hex(absl::string_view data) { return absl::BytesToHexString(Md5(data)); }

inline std::string Sha256Hex(absl::string_view data) {
  return absl::BytesToHexString(OpenSslDigest(data, EVP_sha256()));
}

}  // namespace pluton::testing

#endif  // PLUTON_TESTS_COMMON_MD5_H_
