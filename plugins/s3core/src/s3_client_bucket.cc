// S3Client's listing, multi-object deletion and bucket lifecycle operations.
#include <utility>

#include "absl/strings/str_cat.h"
#include "pluton/s3/digest.h"
#include "pluton/s3/s3_bucket_xml.h"
#include "pluton/s3/s3_client.h"
#include "pluton/s3/s3_xml.h"
#include "s3_client_call.h"
#include "status_macros.h"

namespace pluton::s3 {
namespace {

using internal::CheckBucketKey;
using internal::kMaxListPages;
using internal::Unquote;
using internal::WithMessage;

// `parsed`, or its status prefixed with what the call was.
template <class T>
absl::StatusOr<T> Named(absl::string_view what, absl::StatusOr<T> parsed) {
  if (parsed.ok()) return parsed;
  return WithMessage(parsed.status(), absl::StrCat(what, ": ", parsed.status().message()));
}

// The body, Content-MD5 header and payload hash of a request whose body is `xml` (S3 requires
// Content-MD5 on DeleteObjects and PutBucketLifecycleConfiguration). `xml` must outlive the
// request.
struct XmlBody {
  std::vector<absl::Span<const uint8_t>> body;
  std::string content_md5;
  std::string payload_hash;
};

XmlBody MakeXmlBody(const std::string& xml) {
  XmlBody out;
  out.body = {absl::Span<const uint8_t>(reinterpret_cast<const uint8_t*>(xml.data()), xml.size())};
  out.content_md5 = Md5Base64(ByteSpans(out.body.data(), out.body.size()));
  out.payload_hash = Sha256Hex(xml);
  return out;
}

bool IsS3Error(const absl::Status& status, absl::string_view code) {
  const std::optional<S3Error> error = S3ErrorOf(status);
  return error.has_value() && error->code == code;
}

}  // namespace

absl::StatusOr<ObjectPage> S3Client::ListObjectsV2(const std::string& bucket,
                                                   const std::string& prefix, int max_keys,
                                                   const std::string& continuation_token,
                                                   const CancelCheck& cancelled) {
  ListObjectsRequest request;
  request.prefix = prefix;
  request.max_keys = max_keys;
  request.continuation_token = continuation_token;
  return ListObjectsV2(bucket, request, cancelled);
}

absl::StatusOr<ObjectPage> S3Client::ListObjectsV2(const std::string& bucket,
                                                   const ListObjectsRequest& request,
                                                   const CancelCheck& cancelled) {
  Call call;
  call.what = absl::StrCat("ListObjectsV2 ", bucket);
  S3_RETURN_IF_ERROR(CheckBucketKey(call.what, bucket, nullptr));
  call.method = "GET";
  call.bucket = bucket;
  call.query = {{"list-type", "2"}, {"encoding-type", "url"}};
  if (request.max_keys > 0) call.query.emplace_back("max-keys", absl::StrCat(request.max_keys));
  if (!request.prefix.empty()) call.query.emplace_back("prefix", request.prefix);
  if (!request.delimiter.empty()) call.query.emplace_back("delimiter", request.delimiter);
  if (!request.continuation_token.empty()) {
    call.query.emplace_back("continuation-token", request.continuation_token);
  }
  S3_ASSIGN_OR_RETURN(HttpResponse response, Execute(call, cancelled));
  S3_ASSIGN_OR_RETURN(ListObjectsV2Result result,
                      Named(call.what, ParseListObjectsV2Result(response.body)));
  ObjectPage page;
  page.objects.reserve(result.objects.size());
  for (auto& object : result.objects) {
    page.objects.push_back(ObjectSummary{std::move(object.key), object.size, Unquote(object.etag),
                                         object.modified, std::move(object.storage_class)});
  }
  page.common_prefixes = std::move(result.common_prefixes);
  if (result.is_truncated) {
    if (result.next_continuation_token == request.continuation_token) {
      return absl::InternalError(
          absl::StrCat(call.what, ": the listing is truncated but its next token does not move"));
    }
    page.next_continuation_token = std::move(result.next_continuation_token);
  }
  return page;
}

absl::StatusOr<std::vector<DeleteObjectError>> S3Client::DeleteObjects(
    const std::string& bucket, absl::Span<const std::string> keys, const CancelCheck& cancelled) {
  Call call;
  call.what = absl::StrCat("DeleteObjects ", bucket, " (", keys.size(), " keys)");
  S3_RETURN_IF_ERROR(CheckBucketKey(call.what, bucket, nullptr));
  S3_ASSIGN_OR_RETURN(const std::string xml, Named(call.what, BuildDeleteObjectsXml(keys)));
  XmlBody body = MakeXmlBody(xml);
  call.method = "POST";
  call.bucket = bucket;
  call.query = {{"delete", ""}};
  call.headers.emplace_back("Content-MD5", std::move(body.content_md5));
  call.body = std::move(body.body);
  call.payload_hash = std::move(body.payload_hash);
  call.error_in_200 = true;
  S3_ASSIGN_OR_RETURN(HttpResponse response, Execute(call, cancelled));
  S3_ASSIGN_OR_RETURN(DeleteObjectsResult result,
                      Named(call.what, ParseDeleteObjectsResult(response.body)));
  return std::move(result.errors);
}

absl::StatusOr<MultipartUploadPage> S3Client::ListMultipartUploadsPage(
    const std::string& bucket, const ListUploadsRequest& request, const CancelCheck& cancelled) {
  Call call;
  call.what = absl::StrCat("ListMultipartUploads ", bucket);
  S3_RETURN_IF_ERROR(CheckBucketKey(call.what, bucket, nullptr));
  call.method = "GET";
  call.bucket = bucket;
  call.query = {{"uploads", ""}, {"encoding-type", "url"}};
  if (!request.prefix.empty()) call.query.emplace_back("prefix", request.prefix);
  if (!request.key_marker.empty()) call.query.emplace_back("key-marker", request.key_marker);
  if (!request.key_marker.empty() && !request.upload_id_marker.empty()) {
    call.query.emplace_back("upload-id-marker", request.upload_id_marker);
  }
  if (request.max_uploads > 0) {
    call.query.emplace_back("max-uploads", absl::StrCat(request.max_uploads));
  }
  S3_ASSIGN_OR_RETURN(HttpResponse response, Execute(call, cancelled));
  S3_ASSIGN_OR_RETURN(ListMultipartUploadsResult result,
                      Named(call.what, ParseListMultipartUploadsResult(response.body)));
  MultipartUploadPage page;
  page.uploads.reserve(result.uploads.size());
  for (auto& upload : result.uploads) {
    page.uploads.push_back(MultipartUploadSummary{
        std::move(upload.key), std::move(upload.upload_id), upload.initiated_at});
  }
  if (!result.is_truncated) return page;
  if (result.next_key_marker.empty() ||
      (result.next_key_marker == request.key_marker &&
       result.next_upload_id_marker == request.upload_id_marker)) {
    return absl::InternalError(
        absl::StrCat(call.what, ": the listing is truncated but its next markers do not advance"));
  }
  page.next_key_marker = std::move(result.next_key_marker);
  page.next_upload_id_marker = std::move(result.next_upload_id_marker);
  return page;
}

absl::StatusOr<std::vector<MultipartUploadSummary>> S3Client::ListMultipartUploads(
    const std::string& bucket, const std::string& prefix, const CancelCheck& cancelled) {
  std::vector<MultipartUploadSummary> uploads;
  ListUploadsRequest request;
  request.prefix = prefix;
  for (int page = 0; page < kMaxListPages; ++page) {
    S3_ASSIGN_OR_RETURN(MultipartUploadPage result,
                        ListMultipartUploadsPage(bucket, request, cancelled));
    for (auto& upload : result.uploads) uploads.push_back(std::move(upload));
    if (result.next_key_marker.empty()) return uploads;
    request.key_marker = std::move(result.next_key_marker);
    request.upload_id_marker = std::move(result.next_upload_id_marker);
  }
  return absl::InternalError(
      absl::StrCat("ListMultipartUploads ", bucket, ": the server never ended the listing"));
}

absl::StatusOr<std::vector<LifecycleRule>> S3Client::GetBucketLifecycle(
    const std::string& bucket, const CancelCheck& cancelled) {
  Call call;
  call.what = absl::StrCat("GetBucketLifecycleConfiguration ", bucket);
  S3_RETURN_IF_ERROR(CheckBucketKey(call.what, bucket, nullptr));
  call.method = "GET";
  call.bucket = bucket;
  call.query = {{"lifecycle", ""}};
  absl::StatusOr<HttpResponse> response = Execute(call, cancelled);
  if (!response.ok()) {
    if (IsS3Error(response.status(), "NoSuchLifecycleConfiguration")) {
      return std::vector<LifecycleRule>();
    }
    return response.status();
  }
  return Named(call.what, ParseLifecycleConfiguration(response->body));
}

absl::Status S3Client::PutBucketLifecycle(const std::string& bucket,
                                          absl::Span<const LifecycleRule> rules,
                                          const CancelCheck& cancelled) {
  Call call;
  call.what = absl::StrCat("PutBucketLifecycleConfiguration ", bucket);
  S3_RETURN_IF_ERROR(CheckBucketKey(call.what, bucket, nullptr));
  S3_ASSIGN_OR_RETURN(const std::string xml,
                      Named(call.what, BuildLifecycleConfigurationXml(rules)));
  XmlBody body = MakeXmlBody(xml);
  call.method = "PUT";
  call.bucket = bucket;
  call.query = {{"lifecycle", ""}};
  call.headers.emplace_back("Content-MD5", std::move(body.content_md5));
  call.body = std::move(body.body);
  call.payload_hash = std::move(body.payload_hash);
  return Execute(call, cancelled).status();
}

absl::Status S3Client::DeleteBucketLifecycle(const std::string& bucket,
                                             const CancelCheck& cancelled) {
  Call call;
  call.what = absl::StrCat("DeleteBucketLifecycle ", bucket);
  S3_RETURN_IF_ERROR(CheckBucketKey(call.what, bucket, nullptr));
  call.method = "DELETE";
  call.bucket = bucket;
  call.query = {{"lifecycle", ""}};
  absl::StatusOr<HttpResponse> response = Execute(call, cancelled);
  if (!response.ok() && !IsS3Error(response.status(), "NoSuchLifecycleConfiguration")) {
    return response.status();
  }
  return absl::OkStatus();
}

}  // namespace pluton::s3
