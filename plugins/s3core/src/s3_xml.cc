#include "pluton/s3/s3_xml.h"

#include <tinyxml2.h>

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "pluton/s3/uri_encode.h"
#include "xml_util.h"

namespace pluton::s3 {
namespace {

using tinyxml2::XMLElement;

constexpr absl::string_view kS3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/";

using internal::ChildText;
using internal::FirstChild;
using internal::ForEachChild;
using internal::LocalName;
using internal::Malformed;
using internal::ParseRoot;
using internal::Text;

absl::StatusOr<bool> ParseBool(absl::string_view document, absl::string_view field,
                               const std::string& text) {
  const std::string lower = absl::AsciiStrToLower(absl::StripAsciiWhitespace(text));
  if (lower.empty()) return false;
  if (lower == "true") return true;
  if (lower == "false") return false;
  return Malformed(document,
                   absl::StrCat(field, " is not a boolean: \"", absl::CHexEscape(text), "\""));
}

template <class Int>
absl::StatusOr<Int> ParseInt(absl::string_view document, absl::string_view field,
                             const std::string& text, bool required) {
  const absl::string_view digits = absl::StripAsciiWhitespace(text);
  if (digits.empty() && !required) return Int{0};
  Int value{};
  if (!absl::SimpleAtoi(digits, &value)) {
    return Malformed(
        document, absl::StrCat(field, " is not a valid number: \"", absl::CHexEscape(text), "\""));
  }
  return value;
}

// Decodes an encoding-type=url value like AWS SDKs: '+' is a space, then %XX.
absl::StatusOr<std::string> DecodeListValue(absl::string_view document, std::string value) {
  std::replace(value.begin(), value.end(), '+', ' ');
  absl::StatusOr<std::string> decoded = UriDecode(value);
  if (!decoded.ok()) {
    return Malformed(document, absl::StrCat("bad url-encoded value \"", absl::CHexEscape(value),
                                            "\": ", decoded.status().message()));
  }
  return decoded;
}

// Decodes the given fields in place when `encoding_type` is "url".
absl::Status DecodeIfUrl(absl::string_view document, const std::string& encoding_type,
                         std::initializer_list<std::string*> fields) {
  if (!absl::EqualsIgnoreCase(encoding_type, "url")) return absl::OkStatus();
  for (std::string* field : fields) {
    absl::StatusOr<std::string> decoded = DecodeListValue(document, *field);
    if (!decoded.ok()) return decoded.status();
    *field = *std::move(decoded);
  }
  return absl::OkStatus();
}

// R2's error codes are five digits starting with 1 (10001 .. 10099 so far).
std::optional<int> R2Code(absl::string_view s) {
  int code = 0;
  if (s.size() != 5 || s[0] != '1' || !std::all_of(s.begin(), s.end(), absl::ascii_isdigit) ||
      !absl::SimpleAtoi(s, &code)) {
    return std::nullopt;
  }
  return code;
}

S3ErrorDocument ErrorFromElement(const XMLElement* root) {
  S3ErrorDocument error;
  for (const XMLElement* e = root->FirstChildElement(); e != nullptr; e = e->NextSiblingElement()) {
    const absl::string_view name = LocalName(e);
    std::string text = Text(e);
    if (name == "Code") {
      error.code = std::move(text);
    } else if (name == "Message") {
      error.message = std::move(text);
    } else if (name == "RequestId") {
      error.request_id = std::move(text);
    } else if (name == "HostId") {
      error.host_id = std::move(text);
    } else if (name == "Resource") {
      error.resource = std::move(text);
    } else {
      if (!error.r2_code.has_value() && absl::EndsWith(name, "Code")) {
        error.r2_code = R2Code(text);
      }
      error.details.emplace_back(std::string(name), std::move(text));
    }
  }
  if (!error.r2_code.has_value()) {
    // A trailing "(10048)" in the message.
    absl::string_view message = absl::StripTrailingAsciiWhitespace(error.message);
    if (absl::ConsumeSuffix(&message, ")")) {
      const size_t open = message.rfind('(');
      if (open != absl::string_view::npos) error.r2_code = R2Code(message.substr(open + 1));
    }
  }
  return error;
}

bool HasControlCharacters(absl::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; });
}

}  // namespace

absl::StatusOr<S3ErrorDocument> ParseErrorDocument(absl::string_view xml) {
  tinyxml2::XMLDocument doc;
  absl::StatusOr<const XMLElement*> root = ParseRoot(xml, "Error", doc);
  if (!root.ok()) return root.status();
  return ErrorFromElement(*root);
}

bool IsErrorDocument(absl::string_view xml) {
  tinyxml2::XMLDocument doc;
  if (internal::ParseXml(xml, doc) != tinyxml2::XML_SUCCESS) return false;
  const XMLElement* root = doc.RootElement();
  return root != nullptr && LocalName(root) == "Error";
}

std::optional<absl::Time> ParseS3Time(absl::string_view text) {
  absl::Time time;
  std::string error;
  if (absl::ParseTime(absl::RFC3339_full, std::string(absl::StripAsciiWhitespace(text)), &time,
                      &error)) {
    return time;
  }
  return std::nullopt;
}

absl::StatusOr<InitiateMultipartUploadResult> ParseInitiateMultipartUploadResult(
    absl::string_view xml) {
  constexpr absl::string_view kDoc = "InitiateMultipartUploadResult";
  tinyxml2::XMLDocument doc;
  absl::StatusOr<const XMLElement*> root = ParseRoot(xml, kDoc, doc);
  if (!root.ok()) return root.status();
  InitiateMultipartUploadResult result;
  result.bucket = ChildText(*root, "Bucket");
  result.key = ChildText(*root, "Key");
  result.upload_id = ChildText(*root, "UploadId");
  if (result.upload_id.empty()) return Malformed(kDoc, "no UploadId");
  return result;
}

absl::StatusOr<CompleteMultipartUploadResult> ParseCompleteMultipartUploadResult(
    absl::string_view xml) {
  constexpr absl::string_view kDoc = "CompleteMultipartUploadResult";
  CompleteMultipartUploadResult result;
  tinyxml2::XMLDocument doc;
  if (internal::ParseXml(xml, doc) == tinyxml2::XML_SUCCESS && doc.RootElement() != nullptr &&
      LocalName(doc.RootElement()) == "Error") {
    result.error = ErrorFromElement(doc.RootElement());
    return result;
  }
  absl::StatusOr<const XMLElement*> root = ParseRoot(xml, kDoc, doc);
  if (!root.ok()) return root.status();
  result.location = ChildText(*root, "Location");
  result.bucket = ChildText(*root, "Bucket");
  result.key = ChildText(*root, "Key");
  result.etag = ChildText(*root, "ETag");
  if (result.etag.empty()) return Malformed(kDoc, "no ETag");
  return result;
}

absl::StatusOr<CopyResult> ParseCopyResult(absl::string_view xml, absl::string_view root_name) {
  tinyxml2::XMLDocument doc;
  absl::StatusOr<const XMLElement*> root = ParseRoot(xml, root_name, doc);
  if (!root.ok()) return root.status();
  CopyResult result;
  result.etag = ChildText(*root, "ETag");
  if (result.etag.empty()) return Malformed(root_name, "no ETag");
  result.modified = ParseS3Time(ChildText(*root, "LastModified"));
  return result;
}

absl::StatusOr<ListBucketsResult> ParseListBucketsResult(absl::string_view xml) {
  constexpr absl::string_view kDoc = "ListAllMyBucketsResult";
  tinyxml2::XMLDocument doc;
  absl::StatusOr<const XMLElement*> root = ParseRoot(xml, kDoc, doc);
  if (!root.ok()) return root.status();
  ListBucketsResult result;
  if (const XMLElement* owner = FirstChild(*root, "Owner"); owner != nullptr) {
    result.owner_id = ChildText(owner, "ID");
    result.owner_display_name = ChildText(owner, "DisplayName");
  }
  result.continuation_token = ChildText(*root, "ContinuationToken");
  if (const XMLElement* buckets = FirstChild(*root, "Buckets"); buckets != nullptr) {
    ForEachChild(buckets, "Bucket", [&](const XMLElement* e) {
      ListBucketsResult::Bucket bucket;
      bucket.name = ChildText(e, "Name");
      bucket.creation_date = ChildText(e, "CreationDate");
      bucket.created = ParseS3Time(bucket.creation_date);
      result.buckets.push_back(std::move(bucket));
    });
  }
  for (const auto& bucket : result.buckets) {
    if (bucket.name.empty()) return Malformed(kDoc, "a Bucket without Name");
  }
  return result;
}

absl::StatusOr<ListObjectsV2Result> ParseListObjectsV2Result(absl::string_view xml) {
  constexpr absl::string_view kDoc = "ListBucketResult";
  tinyxml2::XMLDocument doc;
  absl::StatusOr<const XMLElement*> root = ParseRoot(xml, kDoc, doc);
  if (!root.ok()) return root.status();
  ListObjectsV2Result result;
  result.bucket = ChildText(*root, "Name");
  result.prefix = ChildText(*root, "Prefix");
  result.delimiter = ChildText(*root, "Delimiter");
  result.start_after = ChildText(*root, "StartAfter");
  result.continuation_token = ChildText(*root, "ContinuationToken");
  result.next_continuation_token = ChildText(*root, "NextContinuationToken");
  result.encoding_type = ChildText(*root, "EncodingType");

  absl::StatusOr<int64_t> max_keys =
      ParseInt<int64_t>(kDoc, "MaxKeys", ChildText(*root, "MaxKeys"), false);
  if (!max_keys.ok()) return max_keys.status();
  result.max_keys = *max_keys;
  absl::StatusOr<int64_t> key_count =
      ParseInt<int64_t>(kDoc, "KeyCount", ChildText(*root, "KeyCount"), false);
  if (!key_count.ok()) return key_count.status();
  result.key_count = *key_count;
  absl::StatusOr<bool> truncated = ParseBool(kDoc, "IsTruncated", ChildText(*root, "IsTruncated"));
  if (!truncated.ok()) return truncated.status();
  result.is_truncated = *truncated;
  if (result.is_truncated && result.next_continuation_token.empty()) {
    return Malformed(kDoc, "IsTruncated is true but NextContinuationToken is missing");
  }

  absl::Status status = absl::OkStatus();
  ForEachChild(*root, "Contents", [&](const XMLElement* e) {
    if (!status.ok()) return;
    ListObjectsV2Result::Object object;
    object.key = ChildText(e, "Key");
    absl::StatusOr<uint64_t> size = ParseInt<uint64_t>(kDoc, "Size", ChildText(e, "Size"), true);
    if (!size.ok()) {
      status = size.status();
      return;
    }
    object.size = *size;
    object.etag = ChildText(e, "ETag");
    object.last_modified = ChildText(e, "LastModified");
    object.modified = ParseS3Time(object.last_modified);
    object.storage_class = ChildText(e, "StorageClass");
    result.objects.push_back(std::move(object));
  });
  if (!status.ok()) return status;
  ForEachChild(*root, "CommonPrefixes", [&](const XMLElement* e) {
    result.common_prefixes.push_back(ChildText(e, "Prefix"));
  });

  if (absl::Status s = DecodeIfUrl(kDoc, result.encoding_type,
                                   {&result.prefix, &result.delimiter, &result.start_after});
      !s.ok()) {
    return s;
  }
  for (auto& object : result.objects) {
    if (absl::Status s = DecodeIfUrl(kDoc, result.encoding_type, {&object.key}); !s.ok()) return s;
    if (object.key.empty()) return Malformed(kDoc, "a Contents entry without Key");
  }
  for (auto& prefix : result.common_prefixes) {
    if (absl::Status s = DecodeIfUrl(kDoc, result.encoding_type, {&prefix}); !s.ok()) return s;
  }
  return result;
}

absl::StatusOr<ListMultipartUploadsResult> ParseListMultipartUploadsResult(absl::string_view xml) {
  constexpr absl::string_view kDoc = "ListMultipartUploadsResult";
  tinyxml2::XMLDocument doc;
  absl::StatusOr<const XMLElement*> root = ParseRoot(xml, kDoc, doc);
  if (!root.ok()) return root.status();
  ListMultipartUploadsResult result;
  result.bucket = ChildText(*root, "Bucket");
  result.prefix = ChildText(*root, "Prefix");
  result.delimiter = ChildText(*root, "Delimiter");
  result.key_marker = ChildText(*root, "KeyMarker");
  result.upload_id_marker = ChildText(*root, "UploadIdMarker");
  result.next_key_marker = ChildText(*root, "NextKeyMarker");
  result.next_upload_id_marker = ChildText(*root, "NextUploadIdMarker");
  result.encoding_type = ChildText(*root, "EncodingType");
  absl::StatusOr<int64_t> max_uploads =
      ParseInt<int64_t>(kDoc, "MaxUploads", ChildText(*root, "MaxUploads"), false);
  if (!max_uploads.ok()) return max_uploads.status();
  result.max_uploads = *max_uploads;
  absl::StatusOr<bool> truncated = ParseBool(kDoc, "IsTruncated", ChildText(*root, "IsTruncated"));
  if (!truncated.ok()) return truncated.status();
  result.is_truncated = *truncated;

  ForEachChild(*root, "Upload", [&](const XMLElement* e) {
    ListMultipartUploadsResult::Upload upload;
    upload.key = ChildText(e, "Key");
    upload.upload_id = ChildText(e, "UploadId");
    upload.initiated = ChildText(e, "Initiated");
    upload.initiated_at = ParseS3Time(upload.initiated);
    upload.storage_class = ChildText(e, "StorageClass");
    result.uploads.push_back(std::move(upload));
  });
  ForEachChild(*root, "CommonPrefixes", [&](const XMLElement* e) {
    result.common_prefixes.push_back(ChildText(e, "Prefix"));
  });

  if (absl::Status s = DecodeIfUrl(
          kDoc, result.encoding_type,
          {&result.prefix, &result.delimiter, &result.key_marker, &result.next_key_marker});
      !s.ok()) {
    return s;
  }
  for (auto& upload : result.uploads) {
    if (absl::Status s = DecodeIfUrl(kDoc, result.encoding_type, {&upload.key}); !s.ok()) return s;
    if (upload.key.empty() || upload.upload_id.empty()) {
      return Malformed(kDoc, "an Upload without Key or UploadId");
    }
  }
  for (auto& prefix : result.common_prefixes) {
    if (absl::Status s = DecodeIfUrl(kDoc, result.encoding_type, {&prefix}); !s.ok()) return s;
  }
  return result;
}

absl::StatusOr<std::string> BuildCompleteMultipartUploadXml(absl::Span<const CompletedPart> parts) {
  if (parts.empty()) {
    return absl::InvalidArgumentError("CompleteMultipartUpload needs at least one part");
  }
  int previous = 0;
  for (const CompletedPart& part : parts) {
    if (part.part_number < 1 || part.part_number > 10000) {
      return absl::InvalidArgumentError(
          absl::StrCat("part number ", part.part_number, " is outside 1..10000"));
    }
    if (part.part_number <= previous) {
      return absl::InvalidArgumentError(absl::StrCat(
          "part numbers must ascend strictly: ", part.part_number, " after ", previous));
    }
    if (part.etag.empty() || HasControlCharacters(part.etag)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "part ", part.part_number, " has an empty ETag or one with control characters"));
    }
    previous = part.part_number;
  }
  tinyxml2::XMLPrinter printer(nullptr, /*compact=*/true);
  printer.PushDeclaration("xml version=\"1.0\" encoding=\"UTF-8\"");
  printer.OpenElement("CompleteMultipartUpload", /*compactMode=*/true);
  printer.PushAttribute("xmlns", std::string(kS3Namespace).c_str());
  for (const CompletedPart& part : parts) {
    printer.OpenElement("Part", true);
    printer.OpenElement("PartNumber", true);
    printer.PushText(part.part_number);
    printer.CloseElement(true);
    printer.OpenElement("ETag", true);
    printer.PushText(part.etag.c_str());
    printer.CloseElement(true);
    printer.CloseElement(true);
  }
  printer.CloseElement(true);
  return std::string(printer.CStr(), static_cast<size_t>(printer.CStrSize() - 1));
}

}  // namespace pluton::s3
