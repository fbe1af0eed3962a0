// MD5 and SHA-256 of a byte stream, computed incrementally (OpenSSL EVP).
//
// Thread safety: not thread-safe; one stream per object.
#ifndef PLUTON_SERVICE_UPLOAD_STREAM_DIGEST_H_
#define PLUTON_SERVICE_UPLOAD_STREAM_DIGEST_H_

#include <openssl/evp.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace pluton::storage {

class StreamDigest {
 public:
  // `with_md5`: also compute MD5 (skipped when the storage disables checksums).
  explicit StreamDigest(bool with_md5);
  ~StreamDigest();
  StreamDigest(const StreamDigest&) = delete;
  StreamDigest& operator=(const StreamDigest&) = delete;

  void Update(const uint8_t* data, size_t size);
  // Ends the stream. REQUIRES: called once, after the last Update.
  void Final();

  bool has_md5() const { return md5_ != nullptr; }
  // Raw digests; valid after Final. md5() is empty when MD5 was not computed.
  const std::string& md5() const { return md5_raw_; }
  const std::string& sha256() const { return sha256_raw_; }

 private:
  EVP_MD_CTX* md5_ = nullptr;
  EVP_MD_CTX* sha256_ = nullptr;
  std::string md5_raw_;
  std::string sha256_raw_;
};

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_UPLOAD_STREAM_DIGEST_H_
