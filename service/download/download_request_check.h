// Checks a DownloadRequest before any provider sees it: storage, bucket, key and range rules
// that hold for every provider.
// Thread safety: free function.
#ifndef PLUTON_SERVICE_DOWNLOAD_DOWNLOAD_REQUEST_CHECK_H_
#define PLUTON_SERVICE_DOWNLOAD_DOWNLOAD_REQUEST_CHECK_H_

#include "absl/status/status.h"
#include "pluton/storage/v1/storage_service.pb.h"

namespace pluton::storage {

// OK, or INVALID_ARGUMENT with one violation per wrong field ("key", "offset", ...).
absl::Status CheckDownloadRequest(const v1::DownloadRequest& request);

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_DOWNLOAD_DOWNLOAD_REQUEST_CHECK_H_
