// Reading an object (or a byte range of it) from the local directory.
//
// Open walks root/bucket/dirs... with O_NOFOLLOW (as the upload does, so a symlink planted
// inside root cannot redirect a read outside it), opens the key's regular file read-only and
// checks the range against its size. Read is a pread loop over that one descriptor: nothing
// is buffered beyond the caller's buffer. The MD5 stored by the upload (kMd5Xattr) is
// reported when present, and then the ETag is its lowercase hex (as in listings and stat);
// without it the ETag is "".
//
// Thread safety: one LocalDownload is used by one thread at a time (ABI rule); different
// downloads are independent.
#ifndef PLUTON_PLUGINS_LOCAL_LOCAL_DOWNLOAD_H_
#define PLUTON_PLUGINS_LOCAL_LOCAL_DOWNLOAD_H_

#include <cstdint>
#include <memory>
#include <string>

#include "local_config.h"
#include "local_fs.h"
#include "local_paths.h"
#include "local_xattr.h"
#include "pluton/storage_plugin.h"

namespace pluton::local_provider {

class LocalDownload {
 public:
  // Validates config and params and opens the object. On success returns NULL, sets *out and
  // fills the fields of *info its struct_size covers (strings live as long as *out).
  // NOT_FOUND for a missing bucket or key, OUT_OF_RANGE for a range past the end.
  static pluton_error* Open(const pluton_config* config, const pluton_download_params* params,
                            std::unique_ptr<LocalDownload>* out, pluton_download_info* info);

  LocalDownload(const LocalDownload&) = delete;
  LocalDownload& operator=(const LocalDownload&) = delete;

  // Copies up to `capacity` next bytes of the range into `buffer`; *size = 0 at its end.
  pluton_error* Read(uint8_t* buffer, size_t capacity, size_t* size);

 private:
  LocalDownload() = default;
  std::string Describe() const;  // "bucket/key" for messages

  LocalConfig config_;
  ObjectPath path_;
  const pluton_cancel_token* cancel_ = nullptr;
  UniqueFd fd_;
  uint64_t position_ = 0;  // next byte to read
  uint64_t end_ = 0;       // one past the last byte of the range
  uint8_t md5_[16] = {};
  bool has_md5_ = false;
  std::string etag_;  // hex of md5_ when has_md5_, else ""; lives as long as the download
};

}  // namespace pluton::local_provider

#endif  // PLUTON_PLUGINS_LOCAL_LOCAL_DOWNLOAD_H_
