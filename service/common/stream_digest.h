// MD5 and/or SHA-256 of a byte stream, computed incrementally (OpenSSL EVP). Used by uploads
// (what the service records and checks) and downloads (what it verifies against).
//
// Thread safety: not thread-safe; one stream per object.
#ifndef PLUTON_SERVICE_COMMON_STREAM_DIGEST_H_
#define PLUTON_SERVICE_COMMON_STREAM_DIGEST_H_

#include <openssl/evp.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace pluton::storage {

class StreamDigest {
 public:
  // Computes only the digests asked for; each one costs a pass of the CPU over every byte.
  StreamDigest(bool with_md5, bool with_sha256);
  ~StreamDigest();
  StreamDigest(const StreamDigest&) = delete;
  StreamDigest& operator=(const StreamDigest&) = delete;

  void Update(const uint8_t* data, size_t size);
  void Update(const char* data, size_t size) {
    Update(reinterpret_cast<const uint8_t*>(data), size);
  }
  // Ends the stream. REQUIRES: called once, after the last Update.
  void Final();

  bool has_md5() const { return md5_ != nullptr; }
  bool has_sha256() const { return sha256_ != nullptr; }
  // Raw digests (16 and 32 bytes); valid after Final, empty when not computed.
  const std::string& md5() const { return md5_raw_; }
  const std::string& sha256() const { return sha256_raw_; }

 private:
  EVP_MD_CTX* md5_ = nullptr;
  EVP_MD_CTX* sha256_ = nullptr;
  std::string md5_raw_;
  std::string sha256_raw_;
};

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_COMMON_STREAM_DIGEST_H_
