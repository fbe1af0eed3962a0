// MD5 of some bytes, computed with OpenSSL directly: the tests' own oracle, independent of the
// service's hashing. Md5 gives the 16 raw bytes (Content-MD5, stored-MD5 comparisons), Md5Hex
// 32 lowercase hex digits (the API's *_md5_hex fields).
#ifndef PLUTON_TESTS_COMMON_MD5_H_
#define PLUTON_TESTS_COMMON_MD5_H_

#include <openssl/evp.h>

#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/string_view.h"

namespace pluton::testing {

inline std::string Md5(absl::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), digest, &size, EVP_md5(), nullptr);
  return std::string(reinterpret_cast<const char*>(digest), size);
}

inline std::string Md5Hex(absl::string_view data) { return absl::BytesToHexString(Md5(data)); }

}  // namespace pluton::testing

#endif  // PLUTON_TESTS_COMMON_MD5_H_
