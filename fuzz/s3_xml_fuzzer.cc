// Fuzz target: the S3 response parsers of pluton_s3core (s3_xml.h). Every parser reads the
// same input, as a server's reply may be anything; each must return a value or INTERNAL, never
// crash, and keep its documented guarantees. ETags the parsers return are fed to the
// CompleteMultipartUpload builder, whose document must carry them back unchanged.
#include <tinyxml2.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "fuzz_check.h"
#include "pluton/s3/s3_xml.h"
#include "xml_util.h"

namespace {

using namespace pluton::s3;  // NOLINT: a fuzz target exercising this one namespace

void CheckFailure(const absl::Status& status) {
  FUZZ_CHECK(status.code() == absl::StatusCode::kInternal, "a parse error is not INTERNAL");
  FUZZ_CHECK(!status.message().empty(), "a parse error without a message");
}

// Builds a CompleteMultipartUpload body from `etags` and reads it back the way the library
// reads XML (internal::ParseXml).
void CheckCompleteRoundTrip(const std::vector<std::string>& etags) {
  std::vector<CompletedPart> parts;
  for (const std::string& etag : etags) {
    if (parts.size() == 10000) break;
    parts.push_back({static_cast<int>(parts.size()) + 1, etag});
  }
  absl::StatusOr<std::string> body = BuildCompleteMultipartUploadXml(parts);
  if (!body.ok()) {
    FUZZ_CHECK(body.status().code() == absl::StatusCode::kInvalidArgument,
               "the builder refused parts with another code than INVALID_ARGUMENT");
    return;
  }
  tinyxml2::XMLDocument doc;
  FUZZ_CHECK(pluton::s3::internal::ParseXml(*body, doc) == tinyxml2::XML_SUCCESS,
             "the CompleteMultipartUpload body is not well-formed XML");
  const tinyxml2::XMLElement* part = doc.RootElement()->FirstChildElement("Part");
  for (const CompletedPart& expected : parts) {
    FUZZ_CHECK(part != nullptr, "a part is missing from the CompleteMultipartUpload body");
    const char* etag = part->FirstChildElement("ETag")->GetText();
    FUZZ_CHECK(expected.etag == (etag == nullptr ? "" : etag),
               "an ETag did not survive the CompleteMultipartUpload body");
    FUZZ_CHECK(part->FirstChildElement("PartNumber")->IntText() == expected.part_number,
               "a part number did not survive the CompleteMultipartUpload body");
    part = part->NextSiblingElement("Part");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view xml(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> etags;

  absl::StatusOr<S3ErrorDocument> error = ParseErrorDocument(xml);
  FUZZ_CHECK(error.ok() == IsErrorDocument(xml), "IsErrorDocument disagrees with the parser");
  if (!error.ok()) CheckFailure(error.status());

  absl::StatusOr<InitiateMultipartUploadResult> initiate = ParseInitiateMultipartUploadResult(xml);
  if (initiate.ok()) {
    FUZZ_CHECK(!initiate->upload_id.empty(), "an upload id is empty");
  } else {
    CheckFailure(initiate.status());
  }

  absl::StatusOr<CompleteMultipartUploadResult> complete = ParseCompleteMultipartUploadResult(xml);
  if (complete.ok()) {
    FUZZ_CHECK(complete->error.has_value() || !complete->etag.empty(),
               "a completed upload without ETag or error");
    if (!complete->error.has_value()) etags.push_back(complete->etag);
  } else {
    CheckFailure(complete.status());
  }

  absl::StatusOr<ListBucketsResult> buckets = ParseListBucketsResult(xml);
  if (buckets.ok()) {
    for (const auto& bucket : buckets->buckets) {
      FUZZ_CHECK(!bucket.name.empty(), "a bucket without a name");
    }
  } else {
    CheckFailure(buckets.status());
  }

  absl::StatusOr<ListObjectsV2Result> objects = ParseListObjectsV2Result(xml);
  if (objects.ok()) {
    FUZZ_CHECK(!objects->is_truncated || !objects->next_continuation_token.empty(),
               "a truncated listing without a continuation token");
    for (const auto& object : objects->objects) {
      FUZZ_CHECK(!object.key.empty(), "a listed object without a key");
      etags.push_back(object.etag);
    }
  } else {
    CheckFailure(objects.status());
  }

  absl::StatusOr<ListMultipartUploadsResult> uploads = ParseListMultipartUploadsResult(xml);
  if (uploads.ok()) {
    for (const auto& upload : uploads->uploads) {
      FUZZ_CHECK(!upload.key.empty() && !upload.upload_id.empty(),
                 "an incomplete upload without a key or an upload id");
    }
  } else {
    CheckFailure(uploads.status());
  }

  if (!etags.empty()) CheckCompleteRoundTrip(etags);
  (void)ParseS3Time(xml);
  return 0;
}
