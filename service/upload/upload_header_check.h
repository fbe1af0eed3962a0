// Checks an UploadHeader before any provider sees it: bucket, key, size, content type and
// metadata rules that hold for every provider. Providers add their own rules on top.
// Thread safety: free function.
#ifndef PLUTON_SERVICE_UPLOAD_UPLOAD_HEADER_CHECK_H_
#define PLUTON_SERVICE_UPLOAD_UPLOAD_HEADER_CHECK_H_

#include <string>

#include "absl/status/status.h"
#include "pluton/storage/v1/storage_service.pb.h"

namespace pluton::storage {

// "" when `key` is a valid object key, else what is wrong (shared with downloads).
std::string KeyProblem(const std::string& key);
// "" when `bucket` is a valid bucket name, else what is wrong (shared with downloads).
std::string BucketProblem(const std::string& bucket);

// OK, or INVALID_ARGUMENT with one violation per wrong field ("header.key", ...).
absl::Status CheckUploadHeader(const v1::UploadHeader& header);

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_UPLOAD_UPLOAD_HEADER_CHECK_H_
