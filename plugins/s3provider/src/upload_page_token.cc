#include "upload_page_token.h"

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace pluton::s3provider {
namespace {

constexpr absl::string_view kPrefix = "u1.";

}  // namespace

std::string EncodeUploadPageToken(const UploadMarkers& markers) {
  if (markers.key_marker.empty()) return "";
  return absl::StrCat(
      kPrefix, absl::WebSafeBase64Escape(absl::StrCat(
                   markers.key_marker.size(), ":", markers.key_marker, markers.upload_id_marker)));
}

std::optional<UploadMarkers> DecodeUploadPageToken(std::string_view token_view) {
  const absl::string_view token(token_view.data(), token_view.size());
  if (token.empty()) return UploadMarkers{};
  if (token.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token.substr(kPrefix.size()), &raw)) return std::nullopt;
  const size_t colon = raw.find(':');
  size_t length = 0;
  if (colon == std::string::npos || !absl::SimpleAtoi(raw.substr(0, colon), &length) ||
      length == 0 || length > raw.size() - colon - 1) {
    return std::nullopt;
  }
  UploadMarkers markers;
  markers.key_marker = raw.substr(colon + 1, length);
  markers.upload_id_marker = raw.substr(colon + 1 + length);
  return markers;
}

}  // namespace pluton::s3provider
