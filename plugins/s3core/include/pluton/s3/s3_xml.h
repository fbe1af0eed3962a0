// S3 XML documents: parsing the responses an S3 client needs, and building the
// CompleteMultipartUpload request body. tinyxml2 does the XML (entities, escaping).
//
//   absl::StatusOr<ListObjectsV2Result> page = ParseListObjectsV2Result(resp.body);
//   for (const auto& object : page->objects) ...;
//   if (page->is_truncated) next_token = page->next_continuation_token;
//
//   absl::StatusOr<CompleteMultipartUploadResult> done =
//       ParseCompleteMultipartUploadResult(resp.body);   // on HTTP 200
//   if (done.ok() && done->error.has_value()) ...;       // failed after all: see the struct
//
// Errors: a body that is not well-formed XML, has an unexpected root element, or holds a
// malformed required field (a size that is not a number) gives INTERNAL with a message
// naming the document and the problem ("malformed S3 response: ..."). An <Error> document
// where a result was expected gives INTERNAL naming its Code and Message. Element namespaces
// are ignored. Text is kept exactly (keys with spaces survive); absent optional elements
// give empty strings / nullopt.
//
// Keys in list results: when the response says <EncodingType>url</EncodingType> (the request
// asked encoding-type=url), keys, prefixes, markers and delimiters are decoded here like AWS
// SDKs do ('+' is a space, then %XX), so callers always see raw keys.
//
// Thread safety: all functions are pure and thread-safe.
#ifndef PLUTON_PLUGINS_S3CORE_S3_XML_H_
#define PLUTON_PLUGINS_S3CORE_S3_XML_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"

namespace pluton::s3 {

// <Error><Code/><Message/><RequestId/><HostId/><Resource/>...</Error>
struct S3ErrorDocument {
  std::string code;
  std::string message;
  std::string request_id;
  std::string host_id;
  std::string resource;
  // R2's numeric error code (five digits, 1xxxx), when present. Where R2's S3 API puts it is
  // unconfirmed (R2's documentation shows only Code and Message), so two places are read: a
  // child element named *Code other than Code (e.g. <ErrorCode>10048</ErrorCode>), else a
  // trailing "(10048)" in Message, the form R2's Workers API uses. Absent: nullopt.
  std::optional<int> r2_code;
  // Every other child element, {name, text}, in order: ArgumentName, UploadId, PartNumber, ...
  std::vector<std::pair<std::string, std::string>> details;
};

// Parses an <Error> document (the body of a non-2xx S3 response, or of a 200 that failed).
absl::StatusOr<S3ErrorDocument> ParseErrorDocument(absl::string_view xml);

// True if `xml` parses and its root element is <Error>.
bool IsErrorDocument(absl::string_view xml);

// Parses an S3 timestamp ("2024-05-01T12:00:00.000Z", any RFC 3339 form); nullopt if it is
// not one.
std::optional<absl::Time> ParseS3Time(absl::string_view text);

// CreateMultipartUpload: <InitiateMultipartUploadResult>. `upload_id` is never empty.
struct InitiateMultipartUploadResult {
  std::string bucket;
  std::string key;
  std::string upload_id;
};
absl::StatusOr<InitiateMultipartUploadResult> ParseInitiateMultipartUploadResult(
    absl::string_view xml);

// CompleteMultipartUpload. S3 may answer 200 OK and still fail: it sends the status line
// early, then an <Error> document in the body. That case is not a parse error: `error` is
// set and the other fields are empty. Otherwise `etag` is never empty.
struct CompleteMultipartUploadResult {
  std::string location;
  std::string bucket;
  std::string key;
  std::string etag;  // as sent, quotes included: "\"3858f62230ac3c915f300c664312c11f-9\""
  std::optional<S3ErrorDocument> error;
};
absl::StatusOr<CompleteMultipartUploadResult> ParseCompleteMultipartUploadResult(
    absl::string_view xml);

// CopyObject (<CopyObjectResult>) and UploadPartCopy (<CopyPartResult>): the new object's or
// part's ETag and time. Pass the expected root name. Both may answer 200 OK and still fail
// with an <Error> document: that is an error here (INTERNAL naming its Code, like any other
// unexpected root; S3Client checks for it first). `etag` is never empty.
struct CopyResult {
  std::string etag;  // as sent, quotes included
  std::optional<absl::Time> modified;
};
absl::StatusOr<CopyResult> ParseCopyResult(absl::string_view xml, absl::string_view root_name);

// ListBuckets: <ListAllMyBucketsResult>.
struct ListBucketsResult {
  struct Bucket {
    std::string name;
    std::string creation_date;          // as sent
    std::optional<absl::Time> created;  // parsed, when parsable
  };
  std::vector<Bucket> buckets;
  std::string owner_id;
  std::string owner_display_name;
  std::string continuation_token;  // set when the listing continues (paginated ListBuckets)
};
absl::StatusOr<ListBucketsResult> ParseListBucketsResult(absl::string_view xml);

// ListObjectsV2: <ListBucketResult>.
struct ListObjectsV2Result {
  struct Object {
    std::string key;
    uint64_t size = 0;
    std::string etag;
    std::string last_modified;           // as sent
    std::optional<absl::Time> modified;  // parsed, when parsable
    std::string storage_class;
  };
  std::string bucket;  // <Name>
  std::string prefix;
  std::string delimiter;
  std::string start_after;
  std::string continuation_token;
  std::string next_continuation_token;  // non-empty when is_truncated
  std::string encoding_type;
  int64_t max_keys = 0;
  int64_t key_count = 0;
  bool is_truncated = false;
  std::vector<Object> objects;
  std::vector<std::string> common_prefixes;
};
absl::StatusOr<ListObjectsV2Result> ParseListObjectsV2Result(absl::string_view xml);

// ListMultipartUploads: <ListMultipartUploadsResult>.
struct ListMultipartUploadsResult {
  struct Upload {
    std::string key;
    std::string upload_id;
    std::string initiated;                   // as sent
    std::optional<absl::Time> initiated_at;  // parsed; nullopt if unparsable (never guess)
    std::string storage_class;
  };
  std::string bucket;
  std::string prefix;
  std::string delimiter;
  std::string key_marker;
  std::string upload_id_marker;
  std::string next_key_marker;        // with next_upload_id_marker: where the next page
  std::string next_upload_id_marker;  // starts, when is_truncated
  std::string encoding_type;
  int64_t max_uploads = 0;
  bool is_truncated = false;
  std::vector<Upload> uploads;
  std::vector<std::string> common_prefixes;
};
absl::StatusOr<ListMultipartUploadsResult> ParseListMultipartUploadsResult(absl::string_view xml);

// One uploaded part for CompleteMultipartUpload.
struct CompletedPart {
  int part_number = 0;  // 1..10000
  std::string etag;     // as UploadPart returned it (quotes included or not)
};

// The CompleteMultipartUpload request body:
//   <?xml version="1.0" encoding="UTF-8"?>
//   <CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
//   <Part><PartNumber>1</PartNumber><ETag>"..."</ETag></Part>...</CompleteMultipartUpload>
// (without the line breaks). Text is escaped by tinyxml2. InvalidArgument if `parts` is
// empty, a part number is outside 1..10000 or not strictly ascending, or an ETag is empty or
// holds control characters.
absl::StatusOr<std::string> BuildCompleteMultipartUploadXml(absl::Span<const CompletedPart> parts);

}  // namespace pluton::s3

#endif  // PLUTON_PLUGINS_S3CORE_S3_XML_H_
