#include "pluton/s3/sigv4_signer.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "pluton/s3/digest.h"

namespace pluton::s3 {
namespace {

constexpr absl::string_view kAlgorithm = "AWS4-HMAC-SHA256";

// Headers never signed; see the header comment for why.
bool IsNeverSigned(absl::string_view lower_name) {
  static constexpr absl::string_view kNeverSigned[] = {"expect",
                                                       "user-agent",
                                                       "x-amzn-trace-id",
                                                       "connection",
                                                       "keep-alive",
                                                       "proxy-connection",
                                                       "te",
                                                       "trailer",
                                                       "transfer-encoding",
                                                       "upgrade",
                                                       "proxy-authorization"};
  return std::find(std::begin(kNeverSigned), std::end(kNeverSigned), lower_name) !=
         std::end(kNeverSigned);
}

bool IsLowerHex(absl::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool IsUpperHexDigit(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'); }

// True if `uri` holds only unreserved characters, '/', and %XX escapes with uppercase hex.
bool IsEncodedPath(absl::string_view uri) {
  for (size_t i = 0; i < uri.size(); ++i) {
    const char c = uri[i];
    if (IsUriUnreserved(c) || c == '/') continue;
    if (c == '%' && i + 2 < uri.size() && IsUpperHexDigit(uri[i + 1]) &&
        IsUpperHexDigit(uri[i + 2])) {
      i += 2;
      continue;
    }
    return false;
  }
  return true;
}

// A scope part (region, service) or key id: non-empty, no '/', ',', whitespace or controls.
bool IsValidScopePart(absl::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F || c == '/' || c == ',' || c == ';' || c == '=') return false;
  }
  return true;
}

// Trims spaces and tabs and collapses inner runs of them to one space.
std::string CanonicalHeaderValue(absl::string_view value) {
  std::string out;
  out.reserve(value.size());
  bool pending_space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

void Cleanse(std::string& s) {
  if (!s.empty()) OPENSSL_cleanse(s.data(), s.size());
}

}  // namespace

SigV4Signer::SigV4Signer(Credentials credentials, SigV4Options options)
    : credentials_(std::move(credentials)), options_(options) {}

SigV4Signer::~SigV4Signer() {
  Cleanse(credentials_.secret_access_key);
  Cleanse(credentials_.session_token);
  std::lock_guard<std::mutex> lock(cache_mu_);
  for (auto& [scope, key] : key_cache_) OPENSSL_cleanse(key.data(), key.size());
}

size_t SigV4Signer::CachedKeyCountForTesting() const {
  std::lock_guard<std::mutex> lock(cache_mu_);
  return key_cache_.size();
}

std::array<uint8_t, 32> SigV4Signer::SigningKey(const std::string& date, const std::string& region,
                                                const std::string& service) const {
  const std::string cache_key = absl::StrCat(date, "\n", region, "\n", service);
  {
    std::lock_guard<std::mutex> lock(cache_mu_);
    auto it = key_cache_.find(cache_key);
    if (it != key_cache_.end()) return it->second;
  }
  // Derived outside the lock: two threads may both derive the same key; both get it right.
  std::string seed = absl::StrCat("AWS4", credentials_.secret_access_key);
  auto as_span = [](const std::array<uint8_t, 32>& a) {
    return absl::Span<const uint8_t>(a.data(), a.size());
  };
  std::array<uint8_t, 32> k_date = HmacSha256(
      absl::Span<const uint8_t>(reinterpret_cast<const uint8_t*>(seed.data()), seed.size()), date);
  Cleanse(seed);
  std::array<uint8_t, 32> k_region = HmacSha256(as_span(k_date), region);
  std::array<uint8_t, 32> k_service = HmacSha256(as_span(k_region), service);
  std::array<uint8_t, 32> k_signing = HmacSha256(as_span(k_service), "aws4_request");
  OPENSSL_cleanse(k_date.data(), k_date.size());
  OPENSSL_cleanse(k_region.data(), k_region.size());
  OPENSSL_cleanse(k_service.data(), k_service.size());

  std::lock_guard<std::mutex> lock(cache_mu_);
  if (key_cache_.size() >= kMaxCachedKeys) {
    for (auto& [scope, key] : key_cache_) OPENSSL_cleanse(key.data(), key.size());
    key_cache_.clear();
  }
  key_cache_[cache_key] = k_signing;
  return k_signing;
}

absl::StatusOr<SigV4Result> SigV4Signer::Sign(const SigV4Request& request) const {
  // Credentials and scope.
  if (!IsValidScopePart(credentials_.access_key_id)) {
    return absl::InvalidArgumentError(
        "SigV4: the access key id is empty or holds '/', ',', whitespace or control characters");
  }
  if (credentials_.secret_access_key.empty()) {
    return absl::InvalidArgumentError("SigV4: the secret access key is empty");
  }
  if (!IsValidHeaderValue(credentials_.session_token)) {
    return absl::InvalidArgumentError("SigV4: the session token holds CR, LF or NUL");
  }
  if (!IsValidScopePart(request.region) || !IsValidScopePart(request.service)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "SigV4: region and service must be non-empty without '/', whitespace or control "
        "characters (region \"",
        absl::CEscape(request.region), "\", service \"", absl::CEscape(request.service), "\")"));
  }
  if (request.time == absl::InfinitePast() || request.time == absl::InfiniteFuture()) {
    return absl::InvalidArgumentError("SigV4: the signing time is infinite");
  }

  // Method and path.
  if (!IsValidHeaderName(request.method)) {  // a method is a token, like a header name
    return absl::InvalidArgumentError(
        absl::StrCat("SigV4: invalid method \"", absl::CEscape(request.method), "\""));
  }
  if (request.canonical_uri.empty() || request.canonical_uri[0] != '/') {
    return absl::InvalidArgumentError(
        absl::StrCat("SigV4: the canonical URI must start with '/': \"",
                     absl::CEscape(request.canonical_uri), "\""));
  }
  std::string canonical_uri;
  if (options_.double_encode_path) {
    const std::string path =
        options_.normalize_path ? NormalizeUriPath(request.canonical_uri) : request.canonical_uri;
    canonical_uri = UriEncode(path, /*keep_slash=*/true);
  } else {
    if (!IsEncodedPath(request.canonical_uri)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "SigV4: the canonical URI is not URI-encoded (only unreserved characters, '/' and "
          "uppercase %XX escapes are allowed; use EncodeObjectKeyPath): \"",
          absl::CEscape(request.canonical_uri), "\""));
    }
    canonical_uri =
        options_.normalize_path ? NormalizeUriPath(request.canonical_uri) : request.canonical_uri;
  }

  // Payload hash.
  const bool hex_hash = request.payload_hash.size() == 64 && IsLowerHex(request.payload_hash);
  if (!hex_hash && request.payload_hash != kUnsignedPayload) {
    return absl::InvalidArgumentError(absl::StrCat(
        "SigV4: the payload hash must be a lowercase hex SHA-256 or UNSIGNED-PAYLOAD, got \"",
        absl::CEscape(request.payload_hash), "\""));
  }

  const std::string amz_date =
      absl::FormatTime("%Y%m%dT%H%M%SZ", request.time, absl::UTCTimeZone());
  const std::string date = amz_date.substr(0, 8);

  // Headers: the caller's, checked and lowercased, then the signer's own.
  HeaderList headers_to_add;
  headers_to_add.emplace_back("X-Amz-Date", amz_date);
  if (options_.add_content_sha256_header) {
    headers_to_add.emplace_back("X-Amz-Content-Sha256", request.payload_hash);
  }
  if (!credentials_.session_token.empty()) {
    headers_to_add.emplace_back("X-Amz-Security-Token", credentials_.session_token);
  }

  std::map<std::string, std::vector<std::string>> signed_values;  // sorted by lowercase name
  bool has_host = false;
  for (const auto& [name, value] : request.headers) {
    if (!IsValidHeaderName(name)) {
      return absl::InvalidArgumentError(
          absl::StrCat("SigV4: invalid header name \"", absl::CEscape(name), "\""));
    }
    if (!IsValidHeaderValue(value)) {
      return absl::InvalidArgumentError(
          absl::StrCat("SigV4: the value of header ", name, " holds CR, LF or NUL"));
    }
    std::string lower = absl::AsciiStrToLower(name);
    if (lower == "authorization" || FindHeader(headers_to_add, lower) != nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("SigV4: header ", name, " is set by the signer; do not pass it"));
    }
    if (lower == "host") {
      if (value.empty()) return absl::InvalidArgumentError("SigV4: the Host header is empty");
      has_host = true;
    }
    if (IsNeverSigned(lower)) continue;
    signed_values[std::move(lower)].push_back(CanonicalHeaderValue(value));
  }
  if (!has_host) return absl::InvalidArgumentError("SigV4: the Host header is required");
  for (const auto& [name, value] : headers_to_add) {
    signed_values[absl::AsciiStrToLower(name)].push_back(value);
  }

  SigV4Result result;
  result.query_string = CanonicalQueryString(request.query);
  std::string canonical_headers;
  std::vector<absl::string_view> names;
  for (const auto& [name, values] : signed_values) {
    absl::StrAppend(&canonical_headers, name, ":", absl::StrJoin(values, ","), "\n");
    names.push_back(name);
  }
  result.signed_headers = absl::StrJoin(names, ";");
  result.canonical_request =
      absl::StrCat(request.method, "\n", canonical_uri, "\n", result.query_string, "\n",
                   canonical_headers, "\n", result.signed_headers, "\n", request.payload_hash);

  const std::string scope =
      absl::StrCat(date, "/", request.region, "/", request.service, "/aws4_request");
  result.string_to_sign = absl::StrCat(kAlgorithm, "\n", amz_date, "\n", scope, "\n",
                                       Sha256Hex(result.canonical_request));

  std::array<uint8_t, 32> key = SigningKey(date, request.region, request.service);
  const std::array<uint8_t, 32> signature =
      HmacSha256(absl::Span<const uint8_t>(key.data(), key.size()), result.string_to_sign);
  OPENSSL_cleanse(key.data(), key.size());
  result.signature = HexEncode(absl::Span<const uint8_t>(signature.data(), signature.size()));

  result.authorization =
      absl::StrCat(kAlgorithm, " Credential=", credentials_.access_key_id, "/", scope,
                   ", SignedHeaders=", result.signed_headers, ", Signature=", result.signature);
  headers_to_add.emplace_back("Authorization", result.authorization);
  result.headers_to_add = std::move(headers_to_add);
  return result;
}

}  // namespace pluton::s3
