// One plugin download (pluton_download) on top of s3::S3Client::GetObject.
//
// Open resolves the configuration, checks bucket and key, and opens the asked range with one
// GET (Range: bytes=a-b unless the whole object is asked from 0), carrying the storage's SSE-C
// key when it has one. It fills pluton_download_info: object_size, etag, content_length, and
// stored_md5 by s3::StoredMd5 (the md5chksum metadata, else a single-request ETag of a
// non-SSE-C object, else NULL). An empty range (length 0, or offset == size) sends no
// unsatisfiable GET: it is answered from a HEAD. A range past the end is OUT_OF_RANGE; a
// missing object NOT_FOUND naming key and bucket, a missing bucket NOT_FOUND naming it.
//
// Read is a blocking pull straight from the connection into the host's buffer (nothing is
// buffered beyond one libcurl chunk), polling the host's cancel token; a broken connection is
// resumed from the byte reached with If-Match, so a replaced object fails (ABORTED,
// OBJECT_CHANGED) instead of being stitched. Failures are worded by the provider.
//
// Thread safety: one ProviderDownload is used by one thread at a time (the ABI's rule for
// download handles); distinct downloads are independent. The Provider and the params' cancel
// token must outlive it.
#ifndef PLUTON_PLUGINS_S3PROVIDER_DOWNLOAD_H_
#define PLUTON_PLUGINS_S3PROVIDER_DOWNLOAD_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "pluton/s3/object_reader.h"
#include "pluton/s3provider/provider.h"
#include "pluton/storage_plugin.h"

namespace pluton::s3provider {

class ObjectCall;

class ProviderDownload {
 public:
  // On success returns NULL, sets *out and fills the fields of *info its struct_size covers
  // (strings and stored_md5 live as long as *out).
  static pluton_error* Open(const Provider& provider, const pluton_config* config,
                            const pluton_download_params* params,
                            std::unique_ptr<ProviderDownload>* out, pluton_download_info* info);

  ~ProviderDownload();
  ProviderDownload(const ProviderDownload&) = delete;
  ProviderDownload& operator=(const ProviderDownload&) = delete;

  // Copies the next bytes of the range (at most `capacity`) into `buffer`; *size = 0 at the
  // end of the range. After an error the download is dead and returns errors only.
  pluton_error* Read(uint8_t* buffer, size_t capacity, size_t* size);

 private:
  ProviderDownload();

  std::unique_ptr<ObjectCall> call_;  // the client the reader borrows
  std::string etag_;
  std::string stored_md5_;  // 16 bytes, or "" when unknown
  bool failed_ = false;
  std::unique_ptr<s3::ObjectReader> reader_;  // declared last: destroyed before call_
};

}  // namespace pluton::s3provider

#endif  // PLUTON_PLUGINS_S3PROVIDER_DOWNLOAD_H_
