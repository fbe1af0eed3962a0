// AWS Signature Version 4 (header-based, AWS4-HMAC-SHA256) for S3 and, optionally, for
// generic AWS-style services.
//
//   SigV4Signer signer(Credentials{key_id, secret, ""}, SigV4Options::ForS3());
//   SigV4Request req;
//   req.method = "PUT";
//   req.canonical_uri = "/" + bucket + "/" + EncodeObjectKeyPath(key);
//   req.query = {{"partNumber", "3"}, {"uploadId", upload_id}};
//   req.headers = {{"Host", host}, {"Content-MD5", md5}};
//   req.payload_hash = std::string(kUnsignedPayload);
//   req.region = "auto";
//   req.service = "s3";
//   req.time = clock->Now();
//   absl::StatusOr<SigV4Result> signed_req = signer.Sign(req);
//   // URL: scheme://host + req.canonical_uri + "?" + signed_req->query_string
//   // headers: req.headers + signed_req->headers_to_add
//
// Which headers are signed: every header passed in `headers`, except those whose value a
// proxy, the HTTP library or the server may legitimately change or that S3-compatible
// servers refuse to see signed:
//   expect            (libcurl adds "Expect: 100-continue" itself; R2 rejects a signed expect)
//   user-agent, x-amzn-trace-id   (rewritten by proxies and tracing; AWS SDKs skip them too)
//   connection, keep-alive, proxy-connection, te, trailer, transfer-encoding, upgrade,
//   proxy-authorization           (hop-by-hop: not end-to-end, may be changed on the way)
// Skipped headers are still sent; they are simply not covered by the signature. The caller
// decides everything else by what it passes: S3 needs host (required here),
// x-amz-content-sha256 and x-amz-date (added here); content-md5, content-type, range and
// x-amz-* should be passed when sent so they are protected. Content-Length is signed only if
// passed: the S3 client should not pass it (the transport derives it from the body), the
// generic test suite does.
//
// Canonical forms: header names lowercased and sorted; values trimmed, runs of spaces and
// tabs collapsed to one space; repeated headers joined with ',' in the order given. The query
// is canonicalized by CanonicalQueryString(), which is also the wire query returned in
// SigV4Result::query_string. S3 (SigV4Options::ForS3) uses canonical_uri verbatim; generic
// services (ForGenericService) normalize the path and encode it once more.
//
// Secrets: the secret key and the derived signing keys never leave this class: they are not
// logged, not returned and not part of any error message; memory holding them is cleansed
// on destruction. SigV4Result holds the session token (it is sent as a header) but no secret.
//
// Thread safety: Sign() is const and thread-safe; one signer may serve every thread. The
// derived-key cache is guarded by a mutex.
#ifndef PLUTON_PLUGINS_S3CORE_SIGV4_SIGNER_H_
#define PLUTON_PLUGINS_S3CORE_SIGV4_SIGNER_H_

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "pluton/s3/http_headers.h"
#include "pluton/s3/uri_encode.h"

namespace pluton::s3 {

// Access credentials. `session_token` is empty for long-lived keys (R2 tokens); when set it
// is sent and signed as X-Amz-Security-Token.
struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;
};

// How the canonical request is formed. The defaults are S3's.
struct SigV4Options {
  // Remove "." / ".." segments and collapse "//" in the canonical URI (NormalizeUriPath).
  bool normalize_path = false;
  // URI-encode the (normalized) path once more for the canonical URI.
  bool double_encode_path = false;
  // Send and sign X-Amz-Content-Sha256 = payload_hash (S3 and R2 require it on every request).
  bool add_content_sha256_header = true;

  // S3: path used as sent, x-amz-content-sha256 on every request.
  static SigV4Options ForS3() { return SigV4Options{}; }
  // Other AWS services (and the published SigV4 test suite): normalized, double-encoded path,
  // no x-amz-content-sha256 header.
  static SigV4Options ForGenericService() { return SigV4Options{true, true, false}; }
};

// One request to sign. The signer reads it only during Sign().
struct SigV4Request {
  // HTTP method as sent, e.g. "GET". Must be a token (RFC 9110); not case-folded.
  std::string method;
  // The request path exactly as it goes on the wire, starting with '/'. With
  // SigV4Options::ForS3 it must already be encoded (only unreserved characters, '/' and
  // uppercase %XX escapes; EncodeObjectKeyPath produces this) and is signed verbatim.
  std::string canonical_uri;
  // Raw query parameters; encoded by the signer (see SigV4Result::query_string).
  QueryParams query;
  // The headers the request sends, names in any case. Must contain Host (with ":port" when
  // the URL has a non-default port). Must not contain Authorization, X-Amz-Date, or the
  // headers the signer adds (X-Amz-Content-Sha256 under add_content_sha256_header,
  // X-Amz-Security-Token when the credentials have a session token). Values must not hold
  // CR, LF or NUL.
  HeaderList headers;
  // Lowercase hex SHA-256 of the body (Sha256Hex; kEmptySha256Hex for no body) or
  // kUnsignedPayload.
  std::string payload_hash;
  // Credential scope: region ("auto" for R2, "us-east-1", ...) and service ("s3").
  std::string region;
  std::string service;
  // Signing time, from the caller's clock. Servers reject more than 15 minutes of skew.
  absl::Time time;
};

// What to send. Everything here may be logged except `headers_to_add`'s security token.
struct SigV4Result {
  // The encoded query to send after '?' ("" when there are no parameters: send no '?').
  std::string query_string;
  // Headers to add to the request, in this order: X-Amz-Date, X-Amz-Content-Sha256 (when
  // enabled), X-Amz-Security-Token (when a token is set), Authorization.
  HeaderList headers_to_add;
  // Intermediate results, for tests and for comparing with the CanonicalRequest /
  // StringToSign a server returns with SignatureDoesNotMatch.
  std::string signed_headers;     // "host;x-amz-content-sha256;x-amz-date"
  std::string canonical_request;  // the full canonical request
  std::string string_to_sign;
  std::string signature;      // lowercase hex
  std::string authorization;  // the Authorization header value
};

class SigV4Signer {
 public:
  // `credentials.access_key_id` and `secret_access_key` must be non-empty, and the key id
  // free of '/', ',', whitespace and control characters; otherwise every Sign() returns
  // InvalidArgument (no error names the secret).
  SigV4Signer(Credentials credentials, SigV4Options options);
  ~SigV4Signer();
  SigV4Signer(const SigV4Signer&) = delete;
  SigV4Signer& operator=(const SigV4Signer&) = delete;

  // Signs `request`. Returns InvalidArgument when a precondition of SigV4Request or of the
  // credentials does not hold. Thread-safe.
  absl::StatusOr<SigV4Result> Sign(const SigV4Request& request) const;

  const std::string& access_key_id() const { return credentials_.access_key_id; }
  const SigV4Options& options() const { return options_; }

  // How many derived signing keys are cached (for tests of the cache).
  size_t CachedKeyCountForTesting() const;

 private:
  // The derived signing key for (yyyymmdd, region, service), from the cache or computed.
  std::array<uint8_t, 32> SigningKey(const std::string& date, const std::string& region,
                                     const std::string& service) const;

  Credentials credentials_;
  SigV4Options options_;

  // Derived keys by "date\nregion\nservice"; at most kMaxCachedKeys entries (cleared when
  // full: a day rarely needs more than a few scopes).
  static constexpr size_t kMaxCachedKeys = 16;
  mutable std::mutex cache_mu_;
  mutable std::map<std::string, std::array<uint8_t, 32>> key_cache_;  // GUARDED_BY(cache_mu_)
};

}  // namespace pluton::s3

#endif  // PLUTON_PLUGINS_S3CORE_SIGV4_SIGNER_H_
