// S3Client's server-side copies: CopyObject and UploadPartCopy (declared in s3_client.h).
#include <utility>

#include "absl/strings/str_cat.h"
#include "pluton/s3/s3_client.h"
#include "s3_client_call.h"
#include "status_macros.h"

namespace pluton::s3 {
namespace {

using internal::AddHeader;
using internal::CheckBucketKey;
using internal::Unquote;
using internal::WithMessage;

// The copy-source headers every copy sends: the source path, its pinned ETag and its key.
absl::Status AddCopySourceHeaders(absl::string_view what, const CopySource& source,
                                  HeaderList& headers) {
  S3_RETURN_IF_ERROR(CheckBucketKey(what, source.bucket, &source.key));
  S3_RETURN_IF_ERROR(AddHeader(
      what, headers, "x-amz-copy-source",
      absl::StrCat("/", UriEncode(source.bucket, false), "/", EncodeObjectKeyPath(source.key))));
  if (!source.if_match.empty()) {
    S3_RETURN_IF_ERROR(AddHeader(what, headers, "x-amz-copy-source-if-match",
                                 absl::StrCat("\"", source.if_match, "\"")));
  }
  if (source.sse_customer_key.has_value()) {
    internal::AddSseCustomerKey(headers, *source.sse_customer_key, /*copy_source=*/true);
  }
  return absl::OkStatus();
}

}  // namespace

// Sends `call` (a copy: a 200 may carry an <Error>) and returns the ETag of the result
// document whose root is `root_name`.
absl::StatusOr<std::string> S3Client::ExecuteCopy(Call& call, absl::string_view root_name,
                                                  const CancelCheck& cancelled) {
  call.method = "PUT";
  call.error_in_200 = true;
  S3_ASSIGN_OR_RETURN(HttpResponse response, Execute(call, cancelled));
  absl::StatusOr<CopyResult> result = ParseCopyResult(response.body, root_name);
  if (!result.ok()) {
    return WithMessage(result.status(), absl::StrCat(call.what, ": ", result.status().message()));
  }
  return Unquote(result->etag);
}

absl::StatusOr<std::string> S3Client::CopyObject(const CopySource& source,
                                                 const std::string& bucket, const std::string& key,
                                                 const ObjectOptions& options,
                                                 const CancelCheck& cancelled) {
  Call call;
  call.what = absl::StrCat("CopyObject ", source.bucket, "/", source.key, " to ", bucket, "/", key);
  S3_RETURN_IF_ERROR(CheckBucketKey(call.what, bucket, &key));
  call.bucket = bucket;
  call.key = key;
  S3_RETURN_IF_ERROR(AddCopySourceHeaders(call.what, source, call.headers));
  S3_RETURN_IF_ERROR(AddHeader(call.what, call.headers, "x-amz-metadata-directive", "REPLACE"));
  S3_RETURN_IF_ERROR(internal::AddObjectHeaders(call.what, options, call.headers));
  return ExecuteCopy(call, "CopyObjectResult", cancelled);
}

absl::StatusOr<std::string> S3Client::UploadPartCopy(
    const CopySource& source, uint64_t first, uint64_t last, const std::string& bucket,
    const std::string& key, const std::string& upload_id, int part_number,
    const std::optional<SseCustomerKey>& sse_customer_key, const CancelCheck& cancelled) {
  Call call;
  call.what = absl::StrCat("UploadPartCopy ", part_number, " of ", bucket, "/", key);
  S3_RETURN_IF_ERROR(CheckBucketKey(call.what, bucket, &key));
  S3_RETURN_IF_ERROR(internal::CheckPart(call.what, upload_id, part_number));
  if (first > last) {
    return absl::InvalidArgumentError(absl::StrCat(call.what, ": empty range"));
  }
  call.bucket = bucket;
  call.key = key;
  call.query = {{"partNumber", absl::StrCat(part_number)}, {"uploadId", upload_id}};
  S3_RETURN_IF_ERROR(AddCopySourceHeaders(call.what, source, call.headers));
  S3_RETURN_IF_ERROR(AddHeader(call.what, call.headers, "x-amz-copy-source-range",
                               absl::StrCat("bytes=", first, "-", last)));
  if (sse_customer_key.has_value()) internal::AddSseCustomerKey(call.headers, *sse_customer_key);
  return ExecuteCopy(call, "CopyPartResult", cancelled);
}

}  // namespace pluton::s3
