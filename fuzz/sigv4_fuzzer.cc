// Fuzz target: SigV4 canonicalization and signing (sigv4_signer.h, uri_encode.h).
//
// Input, one field per line (see corpus/sigv4/):
//   mode      "generic" for ForGenericService, anything else for ForS3
//   method
//   path      used verbatim when it starts with '/', else "/bucket/" + EncodeObjectKeyPath(path)
//   query     raw pairs "k=v&k2=v2" (split at '&', then at the first '=')
//   region
//   payload   the payload hash ("" for UNSIGNED-PAYLOAD)
//   headers   "Name: value", one per remaining line
// Properties: Sign() succeeds or says INVALID_ARGUMENT; a signed request's canonical query is
// the wire query and decodes back to the parameters given; signed headers are sorted,
// lowercase and include host and x-amz-date; signing is repeatable; the secret never appears
// in what Sign() returns. The URI helpers round-trip and normalize idempotently.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "fuzz_check.h"
#include "line_input.h"
#include "pluton/s3/digest.h"
#include "pluton/s3/sigv4_signer.h"
#include "pluton/s3/uri_encode.h"

namespace {

using namespace pluton::s3;  // NOLINT: a fuzz target exercising this one namespace

constexpr char kSecret[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

bool IsEncodedByte(const std::string& s, size_t i) {
  return i + 2 < s.size() && s[i] == '%' && absl::ascii_isxdigit(s[i + 1]) &&
         absl::ascii_isxdigit(s[i + 2]) && !absl::ascii_islower(s[i + 1]) &&
         !absl::ascii_islower(s[i + 2]);
}

void CheckUriHelpers(const std::string& s) {
  for (bool keep_slash : {false, true}) {
    const std::string encoded = UriEncode(s, keep_slash);
    for (size_t i = 0; i < encoded.size(); ++i) {
      if (encoded[i] == '%') {
        FUZZ_CHECK(IsEncodedByte(encoded, i), "UriEncode wrote a bad escape");
        i += 2;
      } else {
        FUZZ_CHECK(IsUriUnreserved(encoded[i]) || (keep_slash && encoded[i] == '/'),
                   "UriEncode left a reserved byte");
      }
    }
    absl::StatusOr<std::string> decoded = UriDecode(encoded);
    FUZZ_CHECK(decoded.ok() && *decoded == s, "UriDecode(UriEncode(s)) != s");
  }
  FUZZ_CHECK(EncodeObjectKeyPath(s) == UriEncode(s, true), "EncodeObjectKeyPath differs");
  absl::StatusOr<std::string> decoded = UriDecode(s);
  if (!decoded.ok()) {
    FUZZ_CHECK(decoded.status().code() == absl::StatusCode::kInvalidArgument,
               "UriDecode failed with another code than INVALID_ARGUMENT");
  }
  const std::string normalized = NormalizeUriPath(s);
  FUZZ_CHECK(!normalized.empty() && normalized[0] == '/', "a normalized path without a root");
  FUZZ_CHECK(NormalizeUriPath(normalized) == normalized, "NormalizeUriPath is not idempotent");
}

QueryParams ParseQuery(const std::string& line) {
  QueryParams params;
  if (line.empty()) return params;
  for (absl::string_view pair : absl::StrSplit(line, '&')) {
    const size_t eq = pair.find('=');
    params.emplace_back(std::string(pair.substr(0, eq)),
                        eq == absl::string_view::npos ? "" : std::string(pair.substr(eq + 1)));
  }
  return params;
}

// The wire query decoded back into pairs, sorted.
QueryParams DecodeQuery(const std::string& query) {
  QueryParams params;
  if (query.empty()) return params;
  for (absl::string_view pair : absl::StrSplit(query, '&')) {
    const size_t eq = pair.find('=');
    FUZZ_CHECK(eq != absl::string_view::npos, "a canonical query pair without '='");
    absl::StatusOr<std::string> key = UriDecode(pair.substr(0, eq));
    absl::StatusOr<std::string> value = UriDecode(pair.substr(eq + 1));
    FUZZ_CHECK(key.ok() && value.ok(), "the canonical query does not decode");
    params.emplace_back(*key, *value);
  }
  std::sort(params.begin(), params.end());
  return params;
}

void CheckSigned(const SigV4Request& request, const SigV4Result& result, bool s3,
                 bool input_has_secret) {
  FUZZ_CHECK(result.query_string == CanonicalQueryString(request.query),
             "the wire query is not the canonical query");
  QueryParams given = request.query;
  std::sort(given.begin(), given.end());
  FUZZ_CHECK(DecodeQuery(result.query_string) == given, "the wire query lost a parameter");

  const std::vector<std::string> lines = absl::StrSplit(result.canonical_request, '\n');
  FUZZ_CHECK(lines.size() >= 6, "a canonical request with too few lines");
  FUZZ_CHECK(lines[0] == request.method, "the canonical request changed the method");
  if (s3) FUZZ_CHECK(lines[1] == request.canonical_uri, "S3's canonical URI is not verbatim");
  FUZZ_CHECK(lines[2] == result.query_string, "the canonical request holds another query");

  const std::vector<std::string> names = absl::StrSplit(result.signed_headers, ';');
  FUZZ_CHECK(std::is_sorted(names.begin(), names.end()) &&
                 std::adjacent_find(names.begin(), names.end()) == names.end(),
             "signed headers are not sorted and unique");
  for (const std::string& name : names) {
    FUZZ_CHECK(!name.empty() && absl::AsciiStrToLower(name) == name, "a signed header name");
    FUZZ_CHECK(name != "expect" && name != "user-agent", "a header that must not be signed");
  }
  FUZZ_CHECK(std::find(names.begin(), names.end(), "host") != names.end(), "host is not signed");
  FUZZ_CHECK(std::find(names.begin(), names.end(), "x-amz-date") != names.end(),
             "x-amz-date is not signed");
  FUZZ_CHECK(
      result.signature.size() == 64 &&
          std::all_of(result.signature.begin(), result.signature.end(),
                      [](char c) { return absl::ascii_isxdigit(c) && !absl::ascii_isupper(c); }),
      "the signature is not 64 lowercase hex digits");
  FUZZ_CHECK(absl::EndsWith(result.authorization, "Signature=" + result.signature),
             "the Authorization header does not end with the signature");
  if (!input_has_secret) {
    for (const std::string* text :
         {&result.canonical_request, &result.string_to_sign, &result.authorization}) {
      FUZZ_CHECK(!absl::StrContains(*text, kSecret), "the secret leaked into the result");
    }
    for (const auto& [name, value] : result.headers_to_add) {
      FUZZ_CHECK(!absl::StrContains(value, kSecret), "the secret leaked into a header");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  pluton::fuzz::LineInput in(data, size);
  const bool s3 = in.Next() != "generic";
  SigV4Request request;
  request.method = in.Next();
  const std::string path = in.Next();
  request.canonical_uri =
      !path.empty() && path[0] == '/' ? path : "/bucket/" + EncodeObjectKeyPath(path);
  const std::string query = in.Next();
  request.query = ParseQuery(query);
  request.region = in.Next();
  request.service = "s3";
  request.payload_hash = in.Next();
  if (request.payload_hash.empty()) request.payload_hash = std::string(kUnsignedPayload);
  while (!in.done()) {
    const std::string line = in.Next();
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    request.headers.emplace_back(
        line.substr(0, colon),
        std::string(absl::StripLeadingAsciiWhitespace(absl::string_view(line).substr(colon + 1))));
  }
  request.time = absl::FromUnixSeconds(1369353600);  // 2013-05-24, as in AWS's examples

  CheckUriHelpers(path);
  for (const auto& [key, value] : request.query) CheckUriHelpers(value);

  const SigV4Signer signer(Credentials{"AKIAIOSFODNN7EXAMPLE", kSecret, ""},
                           s3 ? SigV4Options::ForS3() : SigV4Options::ForGenericService());
  // The fuzzer may copy the secret into the input; it can only leak when it is not there.
  const bool input_has_secret =
      absl::StrContains(absl::string_view(reinterpret_cast<const char*>(data), size), kSecret);
  absl::StatusOr<SigV4Result> result = signer.Sign(request);
  if (!result.ok()) {
    FUZZ_CHECK(result.status().code() == absl::StatusCode::kInvalidArgument,
               "Sign failed with another code than INVALID_ARGUMENT");
    FUZZ_CHECK(input_has_secret || !absl::StrContains(result.status().message(), kSecret),
               "the secret leaked into an error");
    return 0;
  }
  CheckSigned(request, *result, s3, input_has_secret);
  absl::StatusOr<SigV4Result> again = signer.Sign(request);
  FUZZ_CHECK(again.ok() && again->signature == result->signature, "signing is not repeatable");
  return 0;
}
