// Internal to pluton_s3provider: the page token of list_incomplete_uploads. ListMultipartUploads
// continues from two markers (a key and an upload id); the host sees one opaque string:
//   "u1." + web-safe base64 (no padding) of  <decimal length of key marker> ":" <key marker>
//                                            <upload id marker>
// The length prefix keeps any key (':' and every other byte included) unambiguous, and base64
// keeps the token printable whatever the key holds.
//
// Thread safety: pure functions.
#ifndef PLUTON_PLUGINS_S3PROVIDER_SRC_UPLOAD_PAGE_TOKEN_H_
#define PLUTON_PLUGINS_S3PROVIDER_SRC_UPLOAD_PAGE_TOKEN_H_

#include <optional>
#include <string>
#include <string_view>

namespace pluton::s3provider {

struct UploadMarkers {
  std::string key_marker;
  std::string upload_id_marker;
};

// "" when key_marker is empty (no further page).
std::string EncodeUploadPageToken(const UploadMarkers& markers);

// The markers of a token EncodeUploadPageToken made ("" gives empty markers); nullopt for
// anything else.
std::optional<UploadMarkers> DecodeUploadPageToken(std::string_view token);

}  // namespace pluton::s3provider

#endif  // PLUTON_PLUGINS_S3PROVIDER_SRC_UPLOAD_PAGE_TOKEN_H_
