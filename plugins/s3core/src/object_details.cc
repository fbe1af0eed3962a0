#include "object_details.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "pluton/s3/metadata_encoding.h"

namespace pluton::s3 {
namespace {

constexpr absl::string_view kObjectChangedPayloadUrl = "type.pluton.dev/pluton.s3.ObjectChanged";
constexpr absl::string_view kMetaPrefix = "x-amz-meta-";
constexpr absl::string_view kMd5MetadataKey = "md5chksum";

bool IsHex32(absl::string_view text) {
  return text.size() == 32 &&
         std::all_of(text.begin(), text.end(), [](char c) { return absl::ascii_isxdigit(c); });
}

std::optional<uint64_t> ParseNumber(absl::string_view text) {
  uint64_t value = 0;
  if (text.empty() || !std::all_of(text.begin(), text.end(), absl::ascii_isdigit) ||
      !absl::SimpleAtoi(text, &value)) {
    return std::nullopt;
  }
  return value;
}

// An HTTP-date in the IMF-fixdate form RFC 9110 requires ("Sun, 06 Nov 1994 08:49:37 GMT").
std::optional<absl::Time> ParseHttpDate(absl::string_view value) {
  absl::Time when;
  std::string error;
  if (!absl::ParseTime("%a, %d %b %Y %H:%M:%S GMT", std::string(absl::StripAsciiWhitespace(value)),
                       absl::UTCTimeZone(), &when, &error)) {
    return std::nullopt;
  }
  return when;
}

absl::Status Unexpected(absl::string_view what, absl::string_view problem) {
  return absl::UnknownError(absl::StrCat(what, ": unexpected answer: ", problem));
}

}  // namespace

std::optional<std::string> StoredMd5(const ObjectDetails& details) {
  if (details.md5chksum.has_value() && details.md5chksum->size() == 16) return details.md5chksum;
  if (details.sse_customer_encrypted || details.server_side_encryption == "aws:kms" ||
      !IsHex32(details.etag)) {
    return std::nullopt;
  }
  return absl::HexStringToBytes(details.etag);  // 16 bytes: IsHex32 checked the digits
}

bool IsObjectChangedError(const absl::Status& status) {
  return status.GetPayload(kObjectChangedPayloadUrl).has_value();
}

namespace internal {

std::string UnquoteEtag(absl::string_view etag) {
  etag = absl::StripAsciiWhitespace(etag);
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    etag = etag.substr(1, etag.size() - 2);
  }
  return std::string(etag);
}

ObjectDetails ParseObjectDetails(const HeaderList& headers) {
  ObjectDetails details;
  for (const auto& [raw_name, value] : headers) {
    const std::string name = absl::AsciiStrToLower(raw_name);
    if (name == "etag") {
      details.etag = UnquoteEtag(value);
    } else if (name == "last-modified") {
      details.last_modified = ParseHttpDate(value);
    } else if (name == "content-type") {
      details.content_type = value;
    } else if (name == "x-amz-storage-class") {
      details.storage_class = value;
    } else if (name == "x-amz-server-side-encryption-customer-algorithm") {
      details.sse_customer_encrypted = true;
    } else if (name == "x-amz-server-side-encryption") {
      details.server_side_encryption = value;
    } else if (absl::StartsWith(name, kMetaPrefix) && name.size() > kMetaPrefix.size()) {
      const std::string key = name.substr(kMetaPrefix.size());
      details.metadata.emplace(key, DecodeMetadataValue(value));
      std::string md5;
      if (key == kMd5MetadataKey && absl::Base64Unescape(value, &md5) && md5.size() == 16) {
        details.md5chksum = std::move(md5);
      }
    }
  }
  return details;
}

std::optional<uint64_t> ContentLength(const HeaderList& headers) {
  const std::string* value = FindHeader(headers, "content-length");
  if (value == nullptr) return std::nullopt;
  return ParseNumber(absl::StripAsciiWhitespace(*value));
}

std::optional<ContentRange> ParseContentRange(absl::string_view value) {
  value = absl::StripAsciiWhitespace(value);
  if (!absl::ConsumePrefix(&value, "bytes ")) return std::nullopt;
  const size_t dash = value.find('-');
  const size_t slash = value.find('/');
  if (dash == absl::string_view::npos || slash == absl::string_view::npos || slash < dash) {
    return std::nullopt;
  }
  const std::optional<uint64_t> first = ParseNumber(value.substr(0, dash));
  const std::optional<uint64_t> last = ParseNumber(value.substr(dash + 1, slash - dash - 1));
  const std::optional<uint64_t> total = ParseNumber(value.substr(slash + 1));
  if (!first || !last || !total || *first > *last || *last >= *total) return std::nullopt;
  return ContentRange{*first, *last, *total};
}

absl::StatusOr<uint64_t> CheckAnsweredRange(const HttpResponse& head, uint64_t offset,
                                            int64_t length, bool range_sent, absl::string_view what,
                                            uint64_t* object_size) {
  const std::optional<uint64_t> content_length = ContentLength(head.headers);
  const auto past_end = [&](uint64_t size) {
    return absl::OutOfRangeError(
        absl::StrCat(what, ": the range of ", length, " bytes from offset ", offset,
                     " ends past the end of the object, which has ", size, " bytes"));
  };
  if (head.status == 206) {
    const std::string* value = FindHeader(head.headers, "content-range");
    const std::optional<ContentRange> range =
        value == nullptr ? std::nullopt : ParseContentRange(*value);
    if (!range.has_value()) {
      return Unexpected(what, "a 206 response without a valid Content-Range");
    }
    *object_size = range->total;
    if (range->first != offset) {
      return Unexpected(what, absl::StrCat("asked for bytes from ", offset, ", got ", *value));
    }
    uint64_t end = range->total;
    if (length >= 0) {
      if (offset + static_cast<uint64_t>(length) > range->total) return past_end(range->total);
      end = offset + static_cast<uint64_t>(length);
    }
    if (range->last + 1 != end) {
      return Unexpected(what,
                        absl::StrCat("asked for bytes ", offset, "-", end - 1, ", got ", *value));
    }
    if (content_length.has_value() && *content_length != end - offset) {
      return Unexpected(what, absl::StrCat("Content-Length ", *content_length, " for ", *value));
    }
    return end;
  }
  if (head.status != 200) {
    return Unexpected(what, absl::StrCat("HTTP ", head.status, " to a GET"));
  }
  if (!content_length.has_value()) return Unexpected(what, "a 200 response without Content-Length");
  *object_size = *content_length;
  const uint64_t end = length < 0 ? *content_length : offset + static_cast<uint64_t>(length);
  if (end > *content_length) return past_end(*content_length);
  if (range_sent && (offset != 0 || end != *content_length)) {
    return Unexpected(what, "the server ignored the Range header and sent the whole object");
  }
  return end;
}

absl::Status ObjectChangedError(absl::string_view what, absl::string_view etag) {
  absl::Status status(absl::StatusCode::kAborted,
                      absl::StrCat(what, ": the object changed during the download (its ETag is ",
                                   "no longer \"", etag, "\"); download it again"));
  status.SetPayload(kObjectChangedPayloadUrl, absl::Cord("1"));
  return status;
}

}  // namespace internal
}  // namespace pluton::s3
