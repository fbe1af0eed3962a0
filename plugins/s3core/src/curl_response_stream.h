// CurlTransport::Open: a response whose body the caller pulls, driven through a libcurl multi
// handle from the caller's own calls (see curl_transport.h for the behaviour).
//
//   CurlStreamPool pool(share, /*max_idle=*/16);
//   absl::StatusOr<std::unique_ptr<HttpResponseStream>> s =
//       OpenCurlStream(pool, options, request, cancelled);
//
// Thread safety: CurlStreamPool is thread-safe. A stream is used by one thread at a time; it
// borrows the pool, which must outlive it.
#ifndef PLUTON_PLUGINS_S3CORE_SRC_CURL_RESPONSE_STREAM_H_
#define PLUTON_PLUGINS_S3CORE_SRC_CURL_RESPONSE_STREAM_H_

#include <curl/curl.h>

#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include "absl/status/statusor.h"
#include "pluton/s3/curl_transport.h"
#include "pluton/s3/http_transport.h"

namespace pluton::s3::internal {

// One multi handle with the one easy handle it drives. The multi handle owns the live
// connections, so a slot returned after a finished transfer keeps its connection warm.
struct CurlStreamSlot {
  CURLM* multi = nullptr;
  CURL* easy = nullptr;
  char error[CURL_ERROR_SIZE] = {};

  ~CurlStreamSlot();
};

// Idle slots for reuse (most recently returned first), attached to a share object (DNS and
// TLS session caches). The share must outlive the pool.
class CurlStreamPool {
 public:
  CurlStreamPool(CURLSH* share, size_t max_idle) : share_(share), max_idle_(max_idle) {}
  CurlStreamPool(const CurlStreamPool&) = delete;
  CurlStreamPool& operator=(const CurlStreamPool&) = delete;

  // An idle slot or a new one; nullptr when libcurl cannot allocate one.
  std::unique_ptr<CurlStreamSlot> Acquire();
  // Takes back a slot whose easy handle is detached from its multi handle and reset; closes
  // it when the pool is full.
  void Release(std::unique_ptr<CurlStreamSlot> slot);

 private:
  CURLSH* const share_;
  const size_t max_idle_;
  std::mutex mu_;
  std::vector<std::unique_ptr<CurlStreamSlot>> idle_;  // GUARDED_BY(mu_); back = newest
};

// Sends `request` (no body allowed) on a slot of `pool` and returns once the final response's
// head arrived (a non-2xx body read whole). Errors as CurlTransport::Send's.
absl::StatusOr<std::unique_ptr<HttpResponseStream>> OpenCurlStream(
    CurlStreamPool& pool, const CurlTransportOptions& options, const HttpRequest& request,
    const CancelCheck& cancelled);

}  // namespace pluton::s3::internal

#endif  // PLUTON_PLUGINS_S3CORE_SRC_CURL_RESPONSE_STREAM_H_
