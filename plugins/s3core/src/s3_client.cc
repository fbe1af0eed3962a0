#include "pluton/s3/s3_client.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "pluton/s3/digest.h"
#include "pluton/s3/metadata_encoding.h"
#include "pluton/s3/uri_encode.h"
#include "retry.h"
#include "s3_client_call.h"
#include "s3_error_payload.h"
#include "s3_url.h"
#include "status_macros.h"

namespace pluton::s3 {

namespace internal {

std::string Unquote(absl::string_view etag) {
  etag = absl::StripAsciiWhitespace(etag);
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    etag = etag.substr(1, etag.size() - 2);
  }
  return std::string(etag);
}

absl::Status WithMessage(const absl::Status& status, absl::string_view message) {
  absl::Status out(status.code(), message);
  status.ForEachPayload(
      [&out](absl::string_view url, const absl::Cord& payload) { out.SetPayload(url, payload); });
  return out;
}

absl::Status CheckBucketKey(absl::string_view what, const std::string& bucket,
                            const std::string* key) {
  if (bucket.empty()) return absl::InvalidArgumentError(absl::StrCat(what, ": empty bucket name"));
  if (key != nullptr && key->empty()) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": empty object key"));
  }
  return absl::OkStatus();
}

absl::Status AddHeader(absl::string_view what, HeaderList& headers, std::string name,
                       std::string value) {
  if (!IsValidHeaderName(name) || !IsValidHeaderValue(value)) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": header \"", absl::CEscape(name), "\" has an invalid name or value"));
  }
  headers.emplace_back(std::move(name), std::move(value));
  return absl::OkStatus();
}

void AddSseCustomerKey(HeaderList& headers, const SseCustomerKey& key, bool copy_source) {
  const absl::string_view prefix = copy_source ? "x-amz-copy-source-" : "x-amz-";
  headers.emplace_back(absl::StrCat(prefix, "server-side-encryption-customer-algorithm"), "AES256");
  headers.emplace_back(absl::StrCat(prefix, "server-side-encryption-customer-key"), key.key_base64);
  headers.emplace_back(absl::StrCat(prefix, "server-side-encryption-customer-key-MD5"),
                       key.key_md5_base64);
}

absl::Status AddObjectHeaders(absl::string_view what, const ObjectOptions& options,
                              HeaderList& headers) {
  if (!options.content_type.empty()) {
    S3_RETURN_IF_ERROR(AddHeader(what, headers, "Content-Type", options.content_type));
  }
  for (const auto& [name, value] : options.metadata) {
    // Checked raw (a line break cannot be encoded away), sent RFC 2047-encoded when not ASCII.
    if (!IsValidHeaderValue(value)) {
      return absl::InvalidArgumentError(absl::StrCat(what, ": metadata \"", absl::CEscape(name),
                                                     "\" has a line break or NUL in its value"));
    }
    S3_RETURN_IF_ERROR(
        AddHeader(what, headers, absl::StrCat("x-amz-meta-", name), EncodeMetadataValue(value)));
  }
  if (!options.storage_class.empty()) {
    S3_RETURN_IF_ERROR(AddHeader(what, headers, "x-amz-storage-class", options.storage_class));
  }
  if (!options.server_side_encryption.empty()) {
    S3_RETURN_IF_ERROR(
        AddHeader(what, headers, "x-amz-server-side-encryption", options.server_side_encryption));
    if (options.server_side_encryption == "aws:kms" && !options.sse_kms_key_id.empty()) {
      S3_RETURN_IF_ERROR(AddHeader(what, headers, "x-amz-server-side-encryption-aws-kms-key-id",
                                   options.sse_kms_key_id));
    }
  }
  if (options.sse_customer_key.has_value()) {
    const SseCustomerKey& key = *options.sse_customer_key;
    if (!IsValidHeaderValue(key.key_base64) || !IsValidHeaderValue(key.key_md5_base64)) {
      return absl::InvalidArgumentError(absl::StrCat(what, ": invalid SSE-C key encoding"));
    }
    AddSseCustomerKey(headers, key);
  }
  return absl::OkStatus();
}

absl::Status CheckPart(absl::string_view what, const std::string& upload_id, int part_number) {
  if (upload_id.empty() || part_number < 1 || part_number > 10000) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": needs an upload id and a part number in 1..10000"));
  }
  return absl::OkStatus();
}

}  // namespace internal

namespace {

using internal::AddHeader;
using internal::AddObjectHeaders;
using internal::AddSseCustomerKey;
using internal::CheckBucketKey;
using internal::kMaxListPages;
using internal::Unquote;
using internal::WithMessage;

absl::Status CancelledError(absl::string_view what) {
  return TransportError(TransportErrorKind::kCancelled, absl::StrCat(what, ": cancelled"));
}

// The multipart ETag S3 and R2 give for `parts` ("<md5 of the binary part MD5s>-N"), or ""
// when a part ETag is not an MD5 (e.g. SSE-C or KMS parts on AWS).
std::string ExpectedMultipartEtag(const std::vector<CompletedPart>& parts) {
  std::string binary;
  binary.reserve(parts.size() * 16);
  for (const CompletedPart& part : parts) {
    const std::string hex = absl::AsciiStrToLower(Unquote(part.etag));
    if (hex.size() != 32 ||
        !std::all_of(hex.begin(), hex.end(), [](char c) { return absl::ascii_isxdigit(c); })) {
      return "";
    }
    binary += absl::HexStringToBytes(hex);
  }
  absl::Span<const uint8_t> span(reinterpret_cast<const uint8_t*>(binary.data()), binary.size());
  std::string md5;
  if (!absl::Base64Unescape(Md5Base64(ByteSpans(&span, 1)), &md5)) return "";
  return absl::StrCat(HexEncode(absl::Span<const uint8_t>(
                          reinterpret_cast<const uint8_t*>(md5.data()), md5.size())),
                      "-", parts.size());
}

}  // namespace

S3Client::S3Client(S3Endpoint endpoint, Credentials credentials, HttpTransport* transport,
                   RetryPolicy retry)
    : endpoint_(std::move(endpoint)),
      signer_(std::move(credentials), SigV4Options::ForS3()),
      transport_(transport),
      retry_(retry) {
  absl::StatusOr<internal::BaseUrl> base = internal::ParseBaseUrl(endpoint_.base_url);
  if (base.ok()) {
    scheme_ = std::move(base->scheme);
    authority_ = std::move(base->authority);
  } else {
    endpoint_status_ = base.status();
  }
}

absl::StatusOr<HttpResponse> S3Client::Execute(const Call& call, const CancelCheck& cancelled) {
  S3_RETURN_IF_ERROR(endpoint_status_);
  if (transport_ == nullptr) return absl::FailedPreconditionError("S3Client: no transport");
  const internal::RequestTarget target = internal::TargetFor(
      internal::BaseUrl{scheme_, authority_}, endpoint_.path_style, call.bucket, call.key);

  SigV4Request to_sign = ToSign(call.method, target, call.query, call.headers, call.payload_hash);

  HttpRequest request;
  request.method = call.method;
  request.body = call.body;
  request.timeout = retry_.request_timeout;
  request.connect_timeout = retry_.connect_timeout;

  for (int attempt = 1;; ++attempt) {
    if (cancelled && cancelled()) return CancelledError(call.what);
    S3_RETURN_IF_ERROR(SignAttempt(call.what, target, to_sign, request));

    absl::StatusOr<HttpResponse> response = transport_->Send(request, cancelled);
    absl::Status failure;
    std::optional<absl::Duration> retry_after;
    if (!response.ok()) {
      failure = WithMessage(response.status(),
                            absl::StrCat(call.what, ": ", response.status().message()));
      if (!IsRetryableTransportError(response.status())) return failure;
    } else if (response->status / 100 == 2 &&
               !(call.error_in_200 && IsErrorDocument(response->body))) {
      return response;
    } else {
      const S3Error error = S3ErrorFromResponse(*response);
      failure = internal::AttachS3Error(S3ErrorToStatus(error, call.what), error);
      if (!IsRetryable(error)) return failure;
      if (const std::string* value = FindHeader(response->headers, "retry-after")) {
        retry_after = internal::ParseRetryAfter(*value, absl::Now());
      }
    }
    S3_RETURN_IF_ERROR(WaitToRetry(call.what, attempt, failure, retry_after, cancelled));
  }
}

SigV4Request S3Client::ToSign(const std::string& method, const internal::RequestTarget& target,
                              const QueryParams& query, const HeaderList& headers,
                              std::string payload_hash) const {
  SigV4Request to_sign;
  to_sign.method = method;
  to_sign.canonical_uri = target.canonical_uri;
  to_sign.query = query;
  to_sign.headers.reserve(headers.size() + 1);
  to_sign.headers.emplace_back("Host", target.host);
  to_sign.headers.insert(to_sign.headers.end(), headers.begin(), headers.end());
  to_sign.payload_hash = std::move(payload_hash);
  to_sign.region = endpoint_.region;
  to_sign.service = "s3";
  return to_sign;
}

absl::Status S3Client::SignAttempt(absl::string_view what, const internal::RequestTarget& target,
                                   SigV4Request& to_sign, HttpRequest& request) const {
  to_sign.time = absl::Now();
  absl::StatusOr<SigV4Result> signed_request = signer_.Sign(to_sign);
  if (!signed_request.ok()) {
    return WithMessage(signed_request.status(),
                       absl::StrCat(what, ": ", signed_request.status().message()));
  }
  request.url = target.Url(signed_request->query_string);
  request.headers = to_sign.headers;
  request.headers.insert(request.headers.end(), signed_request->headers_to_add.begin(),
                         signed_request->headers_to_add.end());
  return absl::OkStatus();
}

absl::Status S3Client::WaitToRetry(absl::string_view what, int attempt, const absl::Status& failure,
                                   std::optional<absl::Duration> retry_after,
                                   const CancelCheck& cancelled) const {
  const int max_attempts = std::max(1, retry_.max_attempts);
  if (attempt >= max_attempts) {
    if (max_attempts == 1) return failure;
    return WithMessage(failure,
                       absl::StrCat(failure.message(), " (gave up after ", attempt, " attempts)"));
  }
  absl::Duration delay = internal::BackoffDelay(retry_.initial_backoff, retry_.max_backoff, attempt,
                                                internal::UnitRandom());
  if (retry_after.has_value()) {
    delay = std::max(delay, std::min(*retry_after, retry_.max_retry_after));
  }
  if (!internal::SleepUnlessCancelled(delay, cancelled)) {
    return TransportError(
        TransportErrorKind::kCancelled,
        absl::StrCat(what, ": cancelled while waiting to retry after: ", failure.message()));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> S3Client::ListBuckets(const CancelCheck& cancelled) {
  std::vector<std::string> names;
  std::string token;
  for (int page = 0; page < kMaxListPages; ++page) {
    Call call;
    call.what = "ListBuckets";
    call.method = "GET";
    if (!token.empty()) call.query.emplace_back("continuation-token", token);
    S3_ASSIGN_OR_RETURN(HttpResponse response, Execute(call, cancelled));
    S3_ASSIGN_OR_RETURN(ListBucketsResult result, ParseListBucketsResult(response.body));
    for (auto& bucket : result.buckets) names.push_back(std::move(bucket.name));
    if (result.continuation_token.empty() || result.continuation_token == token) return names;
    token = std::move(result.continuation_token);
  }
  return absl::InternalError("ListBuckets: the server never ended the listing");
}

absl::StatusOr<PutObjectResult> S3Client::PutObject(const std::string& bucket,
                                                    const std::string& key,
                                                    std::vector<absl::Span<const uint8_t>> body,
                                                    const std::string& content_md5_base64,
                                                    const ObjectOptions& options,
                                                    const CancelCheck& cancelled) {
  Call call;
  call.what = absl::StrCat("PutObject ", bucket, "/", key);
  S3_RETURN_IF_ERROR(CheckBucketKey(call.what, bucket, &key));
  if (content_md5_base64.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(call.what, ": Content-MD5 is required"));
  }
  call.method = "PUT";
  call.bucket = bucket;
  call.key = key;
  S3_RETURN_IF_ERROR(AddHeader(call.what, call.headers, "Content-MD5", content_md5_base64));
  S3_RETURN_IF_ERROR(AddObjectHeaders(call.what, options, call.headers));
  call.body = std::move(body);
  call.payload_hash = std::string(kUnsignedPayload);
  S3_ASSIGN_OR_RETURN(HttpResponse response, Execute(call, cancelled));
  PutObjectResult result;
  if (const std::string* etag = FindHeader(response.headers, "etag")) result.etag = Unquote(*etag);
  return result;
}

absl::Status S3Client::DeleteObject(const std::string& bucket, const std::string& key,
                                    const CancelCheck& cancelled) {
  Call call;
  call.what = absl::StrCat("DeleteObject ", bucket, "/", key);
  S3_RETURN_IF_ERROR(CheckBucketKey(call.what, bucket, &key));
  call.method = "DELETE";
  call.bucket = bucket;
  call.key = key;
  absl::StatusOr<HttpResponse> response = Execute(call, cancelled);
  if (!response.ok()) {
    std::optional<S3Error> error = S3ErrorOf(response.status());
    if (error.has_value() && error->code == "NoSuchKey") return absl::OkStatus();
    return response.status();
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> S3Client::CreateMultipartUpload(const std::string& bucket,
                                                            const std::string& key,
                                                            const ObjectOptions& options,
                                                            const CancelCheck& cancelled) {
  Call call;
  call.what = absl::StrCat("CreateMultipartUpload ", bucket, "/", key);
  S3_RETURN_IF_ERROR(CheckBucketKey(call.what, bucket, &key));
  call.method = "POST";
  call.bucket = bucket;
  call.key = key;
  call.query = {{"uploads", ""}};
  S3_RETURN_IF_ERROR(AddObjectHeaders(call.what, options, call.headers));
  S3_ASSIGN_OR_RETURN(HttpResponse response, Execute(call, cancelled));
  absl::StatusOr<InitiateMultipartUploadResult> result =
      ParseInitiateMultipartUploadResult(response.body);
  if (!result.ok()) {
    return WithMessage(result.status(), absl::StrCat(call.what, ": ", result.status().message()));
  }
  return std::move(result->upload_id);
}

absl::StatusOr<std::string> S3Client::UploadPart(
    const std::string& bucket, const std::string& key, const std::string& upload_id,
    int part_number, std::vector<absl::Span<const uint8_t>> body,
    const std::string& content_md5_base64, const std::optional<SseCustomerKey>& sse_customer_key,
    const CancelCheck& cancelled) {
  Call call;
  call.what = absl::StrCat("UploadPart ", part_number, " of ", bucket, "/", key);
  S3_RETURN_IF_ERROR(CheckBucketKey(call.what, bucket, &key));
  S3_RETURN_IF_ERROR(internal::CheckPart(call.what, upload_id, part_number));
  if (content_md5_base64.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(call.what, ": Content-MD5 is required"));
  }
  call.method = "PUT";
  call.bucket = bucket;
  call.key = key;
  call.query = {{"partNumber", absl::StrCat(part_number)}, {"uploadId", upload_id}};
  S3_RETURN_IF_ERROR(AddHeader(call.what, call.headers, "Content-MD5", content_md5_base64));
  if (sse_customer_key.has_value()) AddSseCustomerKey(call.headers, *sse_customer_key);
  call.body = std::move(body);
  call.payload_hash = std::string(kUnsignedPayload);
  S3_ASSIGN_OR_RETURN(HttpResponse response, Execute(call, cancelled));
  const std::string* etag = FindHeader(response.headers, "etag");
  if (etag == nullptr || Unquote(*etag).empty()) {
    return absl::InternalError(absl::StrCat(call.what, ": the response has no ETag"));
  }
  return Unquote(*etag);
}

absl::StatusOr<std::string> S3Client::CompleteMultipartUpload(
    const std::string& bucket, const std::string& key, const std::string& upload_id,
    const std::vector<CompletedPart>& parts, const CancelCheck& cancelled) {
  Call call;
  call.what = absl::StrCat("CompleteMultipartUpload ", bucket, "/", key);
  S3_RETURN_IF_ERROR(CheckBucketKey(call.what, bucket, &key));
  if (upload_id.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(call.what, ": empty upload id"));
  }
  absl::StatusOr<std::string> xml = BuildCompleteMultipartUploadXml(parts);
  if (!xml.ok()) {
    return WithMessage(xml.status(), absl::StrCat(call.what, ": ", xml.status().message()));
  }
  call.method = "POST";
  call.bucket = bucket;
  call.key = key;
  call.query = {{"uploadId", upload_id}};
  call.body = {
      absl::Span<const uint8_t>(reinterpret_cast<const uint8_t*>(xml->data()), xml->size())};
  call.payload_hash = Sha256Hex(*xml);
  call.error_in_200 = true;
  absl::StatusOr<HttpResponse> response = Execute(call, cancelled);
  if (!response.ok()) {
    std::optional<S3Error> error = S3ErrorOf(response.status());
    if (error.has_value() && error->code == "NoSuchUpload") {
      // An earlier attempt may have completed the upload and lost the answer. That attempt
      // may be invisible here: libcurl itself resends a request once when a reused
      // connection dies before any response byte, so every NoSuchUpload is checked.
      const std::string expected = ExpectedMultipartEtag(parts);
      if (!expected.empty()) {
        absl::StatusOr<std::string> etag = HeadObjectEtag(bucket, key, cancelled);
        if (etag.ok() && absl::EqualsIgnoreCase(*etag, expected)) return std::move(*etag);
      }
    }
    return response.status();
  }
  absl::StatusOr<CompleteMultipartUploadResult> result =
      ParseCompleteMultipartUploadResult(response->body);
  if (!result.ok()) {
    return WithMessage(result.status(), absl::StrCat(call.what, ": ", result.status().message()));
  }
  return Unquote(result->etag);
}

absl::Status S3Client::AbortMultipartUpload(const std::string& bucket, const std::string& key,
                                            const std::string& upload_id,
                                            const CancelCheck& cancelled) {
  Call call;
  call.what = absl::StrCat("AbortMultipartUpload ", bucket, "/", key);
  S3_RETURN_IF_ERROR(CheckBucketKey(call.what, bucket, &key));
  if (upload_id.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(call.what, ": empty upload id"));
  }
  call.method = "DELETE";
  call.bucket = bucket;
  call.key = key;
  call.query = {{"uploadId", upload_id}};
  absl::StatusOr<HttpResponse> response = Execute(call, cancelled);
  if (!response.ok()) {
    std::optional<S3Error> error = S3ErrorOf(response.status());
    if (error.has_value() && error->code == "NoSuchUpload") return absl::OkStatus();
    return response.status();
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> S3Client::HeadObjectEtag(const std::string& bucket,
                                                     const std::string& key,
                                                     const CancelCheck& cancelled) {
  S3_ASSIGN_OR_RETURN(ObjectDetails details, HeadObject(bucket, key, std::nullopt, cancelled));
  if (details.etag.empty()) {
    return absl::InternalError(absl::StrCat("HeadObject ", bucket, "/", key, ": no ETag"));
  }
  return std::move(details.etag);
}

}  // namespace pluton::s3
