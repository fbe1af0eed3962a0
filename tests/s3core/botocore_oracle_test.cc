// SigV4Signer (S3 options) against an independent implementation: Debian's botocore, through
// botocore_sign.py. ~20 S3 requests with awkward keys, query strings, payload hashes and
// headers are signed by both; the URL path, canonical request and Authorization must agree.
// botocore encodes the query itself from raw pairs and builds the path with its own
// quote(key, safe='/~'), so encoding is cross-checked too. Skipped (with the reason printed)
// only when /usr/bin/python3 or its botocore module is missing.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "pluton/s3/digest.h"
#include "pluton/s3/sigv4_signer.h"
#include "pluton/s3/uri_encode.h"

namespace pluton::s3 {
namespace {

constexpr char kPython[] = "/usr/bin/python3";
constexpr char kKeyId[] = "0123456789abcdef0123456789abcdef";
constexpr char kSecret[] = "f0e1d2c3b4a5968778695a4b3c2d1e0ff0e1d2c3b4a5968778695a4b3c2d1e0f";

struct OracleCase {
  std::string method;
  std::string endpoint = "https://acct0123456789abcdef0123456789ab.r2.cloudflarestorage.com";
  std::string bucket = "backups";
  std::optional<std::string> key;
  QueryParams params;
  HeaderList headers;  // Host is added from the endpoint
  std::string payload_hash = std::string(kEmptySha256Hex);
  std::string region = "auto";
  std::string token;
  absl::Time time =
      absl::FromCivil(absl::CivilSecond(2024, 2, 29, 23, 59, 58), absl::UTCTimeZone());
};

std::string HostOf(const std::string& endpoint) {
  return endpoint.substr(endpoint.find("://") + 3);
}

std::string PathOf(const OracleCase& c) {
  std::string path;
  if (!c.bucket.empty()) path += "/" + c.bucket;
  if (c.key.has_value()) path += "/" + EncodeObjectKeyPath(*c.key);
  return path.empty() ? "/" : path;
}

std::vector<OracleCase> Cases() {
  std::vector<OracleCase> cases;
  auto object = [&](std::string method, std::string key) -> OracleCase& {
    OracleCase c;
    c.method = std::move(method);
    c.key = std::move(key);
    cases.push_back(std::move(c));
    return cases.back();
  };
  const std::string upload_id = "AbCdEf+gHiJ/kLmN==+/=Zz9";

  object("GET", "photos/cat.jpg");
  object("PUT", "dir with spaces/file name.txt").payload_hash = Sha256Hex("hello world");
  {
    OracleCase& c = object("PUT", "unicode/ünïcödé/日本語/emoji-\xF0\x9F\x98\x80.bin");
    c.payload_hash = std::string(kUnsignedPayload);
    c.headers = {{"Content-MD5", "XUFAKrxLKna5cZ2REBfFkg=="},
                 {"Content-Type", "application/octet-stream"}};
  }
  object("PUT", "plus+and=equals&amp.txt").payload_hash = Sha256Hex("");
  object("GET", "100%/done%20already%2Fencoded.txt");
  object("GET", "~tilde~/under_score-dash.dot");
  object("DELETE", "double//slash///key//");
  object("HEAD", "question?mark#hash[brackets]{braces}");
  object("GET", "semi;colon:comma,at@dollar$bang!quote'paren(star)*");
  object("GET", "./dot/../segments/./x");
  object("GET", " leading and trailing space ");
  {
    OracleCase& c = object("POST", "big/object.tar");  // CreateMultipartUpload
    c.params = {{"uploads", ""}};
    c.headers = {{"Content-Type", "application/x-tar"}, {"x-amz-meta-md5chksum", "abc=="}};
  }
  {
    OracleCase& c = object("PUT", "big/object.tar");  // UploadPart
    c.params = {{"uploadId", upload_id}, {"partNumber", "7"}};
    c.payload_hash = std::string(kUnsignedPayload);
    c.headers = {{"Content-MD5", "1B2M2Y8AsgTpgAmY7PhCfg=="}};
  }
  {
    OracleCase& c = object("POST", "big/object.tar");  // CompleteMultipartUpload
    c.params = {{"uploadId", upload_id}};
    c.payload_hash = Sha256Hex("<CompleteMultipartUpload/>");
    c.headers = {{"Content-Type", "application/xml"}};
  }
  object("DELETE", "big/object.tar").params = {{"uploadId", upload_id}};  // Abort
  {
    OracleCase c;  // ListObjectsV2
    c.method = "GET";
    c.params = {{"list-type", "2"},
                {"max-keys", "1"},
                {"prefix", "backups/2024 q1/ü+x"},
                {"continuation-token", "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM="},
                {"encoding-type", "url"}};
    cases.push_back(c);
  }
  {
    OracleCase c;  // ListMultipartUploads
    c.method = "GET";
    c.params = {{"uploads", ""},
                {"prefix", "big/"},
                {"key-marker", "big/a b"},
                {"upload-id-marker", upload_id}};
    cases.push_back(c);
  }
  {
    OracleCase c;  // ListBuckets
    c.method = "GET";
    c.bucket = "";
    cases.push_back(c);
  }
  {
    OracleCase& c = object("GET", "ranged/read.bin");
    c.headers = {{"Range", "bytes=0-1048575"}, {"If-Match", "\"etag-value\""}};
  }
  {
    OracleCase& c = object("PUT", "meta/headers.txt");
    c.payload_hash = Sha256Hex("x");
    c.headers = {{"x-amz-meta-note", "  several   spaces\tand tab  "},
                 {"X-Amz-Storage-Class", "STANDARD_IA"},
                 {"Cache-Control", "no-cache"}};
  }
  {
    OracleCase& c = object("GET", "aws/with-token");
    c.endpoint = "http://localhost:9000";
    c.region = "us-east-1";
    c.token = "FwoGZXIvYXdzEBYaDk+/session/token==";
  }
  {
    OracleCase& c = object("GET", "clock/midnight");
    c.time = absl::FromCivil(absl::CivilSecond(2030, 1, 1, 0, 0, 0), absl::UTCTimeZone());
    c.region = "eu";
  }
  return cases;
}

// Runs `command` with `input` on stdin; returns stdout, or nullopt (and fills `error`).
std::optional<std::string> RunWithInput(const std::string& command, const std::string& input,
                                        std::string* error) {
  char path[] = "/tmp/pluton_botocore_XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) {
    *error = "mkstemp failed";
    return std::nullopt;
  }
  close(fd);
  {
    std::ofstream out(path, std::ios::binary);
    out << input;
  }
  const std::string full = absl::StrCat(command, " < ", path);
  FILE* pipe = popen(full.c_str(), "r");
  if (pipe == nullptr) {
    unlink(path);
    *error = "popen failed";
    return std::nullopt;
  }
  std::string output;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) output.append(buffer, n);
  const int rc = pclose(pipe);
  unlink(path);
  if (rc != 0) {
    *error = absl::StrCat("`", command, "` exited with status ", rc);
    return std::nullopt;
  }
  return output;
}

TEST(BotocoreOracleTest, S3SignaturesMatchBotocore) {
  if (access(kPython, X_OK) != 0) {
    GTEST_SKIP() << kPython << " is missing: cannot run the botocore oracle";
  }
  if (std::system(absl::StrCat(kPython, " -c 'import botocore.auth' 2>/dev/null").c_str()) != 0) {
    GTEST_SKIP() << "python3-botocore is not installed: cannot run the botocore oracle";
  }

  const std::vector<OracleCase> cases = Cases();
  ASSERT_GE(cases.size(), 20u);
  nlohmann::json input = nlohmann::json::array();
  std::vector<SigV4Result> ours;
  for (const OracleCase& c : cases) {
    SigV4Signer signer({kKeyId, kSecret, c.token}, SigV4Options::ForS3());
    SigV4Request r;
    r.method = c.method;
    r.canonical_uri = PathOf(c);
    r.query = c.params;
    r.headers = c.headers;
    r.headers.emplace(r.headers.begin(), "Host", HostOf(c.endpoint));
    r.payload_hash = c.payload_hash;
    r.region = c.region;
    r.service = "s3";
    r.time = c.time;
    absl::StatusOr<SigV4Result> result = signer.Sign(r);
    ASSERT_TRUE(result.ok()) << r.canonical_uri << ": " << result.status();
    ours.push_back(*result);

    nlohmann::json item;
    item["method"] = c.method;
    item["endpoint"] = c.endpoint;
    item["bucket"] = c.bucket;
    if (c.key.has_value()) item["key"] = *c.key;
    item["params"] = nlohmann::json::array();
    for (const auto& [k, v] : c.params) item["params"].push_back({k, v});
    item["headers"] = nlohmann::json::object();
    for (const auto& [k, v] : r.headers) item["headers"][k] = v;
    item["payload_hash"] = c.payload_hash;
    item["time"] = absl::FormatTime("%Y%m%dT%H%M%SZ", c.time, absl::UTCTimeZone());
    item["region"] = c.region;
    item["service"] = "s3";
    item["access_key"] = kKeyId;
    item["secret_key"] = kSecret;
    if (!c.token.empty()) item["token"] = c.token;
    input.push_back(item);
  }

  std::string error;
  std::optional<std::string> output =
      RunWithInput(absl::StrCat(kPython, " ", PLUTON_BOTOCORE_SIGN_SCRIPT), input.dump(), &error);
  ASSERT_TRUE(output.has_value()) << error;
  const nlohmann::json theirs = nlohmann::json::parse(*output);
  ASSERT_EQ(theirs.size(), cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE(absl::StrCat("case ", i, ": ", cases[i].method, " ", PathOf(cases[i])));
    EXPECT_EQ(PathOf(cases[i]), theirs[i]["path"].get<std::string>());
    EXPECT_EQ(ours[i].canonical_request, theirs[i]["canonical_request"].get<std::string>());
    EXPECT_EQ(ours[i].authorization, theirs[i]["authorization"].get<std::string>());
  }
}

}  // namespace
}  // namespace pluton::s3
