#include "r2_config.h"

#include <utility>
#include <vector>

#include "pluton/s3provider/config_checks.h"
#include "r2_identifiers.h"

namespace pluton::r2_provider {
namespace {

using plugin_sdk::FieldSpec;
using plugin_sdk::FieldType;

constexpr char kAccountId[] = "account_id";
constexpr char kAccessKeyId[] = "access_key_id";
constexpr char kSecretAccessKey[] = "secret_access_key";
constexpr char kJurisdiction[] = "jurisdiction";
constexpr char kEndpoint[] = "endpoint";
constexpr char kSse[] = "server_side_encryption";
constexpr char kStorageClass[] = "storage_class";

constexpr char kSseAes256[] = "AES256";
constexpr char kSseC[] = "SSE-C";
constexpr char kStandardIa[] = "STANDARD_IA";

// The violation for a server_side_encryption value the enum refused: why, and what to use.
std::string DescribeBadSse(const std::string& raw) {
  const std::string value = s3provider::AsciiLowercase(raw);
  if (value.find("kms") != std::string::npos) {
    return s3provider::Quote(raw) +
           ": R2 does not support KMS keys. It always encrypts stored objects with AES-256 "
           "under keys Cloudflare manages, and does not implement the SSE-KMS headers. Use "
           "AES256 (the default: encryption at rest, nothing to set up) or SSE-C to encrypt "
           "with your own key (set sse_customer_key)";
  }
  if (value == "none" || value == "off" || value == "false" || value == "disabled") {
    return s3provider::Quote(raw) +
           ": R2 always encrypts stored objects with AES-256 and this cannot be turned off; use "
           "AES256 (the default)";
  }
  if (value == "aes256" || value == "aes-256" || value == "sse-s3") {
    return s3provider::Quote(raw) + ": write it exactly AES256 (the default)";
  }
  if (value == "sse-c" || value == "ssec") {
    return s3provider::Quote(raw) + ": write it exactly SSE-C";
  }
  return s3provider::Quote(raw) +
         " is not an encryption mode R2 supports; use AES256 (the default: R2's own encryption "
         "at rest) or SSE-C (your own key, in sse_customer_key)";
}

std::vector<FieldSpec> Fields() {
  std::vector<FieldSpec> fields(8);
  FieldSpec& account = fields[0];
  account.name = kAccountId;
  account.label = "Account ID";
  account.required = true;
  account.help =
      "Your Cloudflare Account ID: 32 hexadecimal characters, shown on the R2 overview page "
      "and in the dashboard URL (https://dash.cloudflare.com/<Account ID>/r2). Not your email "
      "address and not a Zone ID. The endpoint https://<Account ID>.r2.cloudflarestorage.com "
      "is derived from it.";
  account.placeholder = "0123456789abcdef0123456789abcdef";
  account.binds_secrets = true;

  FieldSpec& key_id = fields[1];
  key_id.name = kAccessKeyId;
  key_id.label = "Access Key ID";
  key_id.binds_secrets = true;
  key_id.required = true;
  key_id.help =
      "The Access Key ID of an R2 API token (32 characters), shown when you create the token "
      "under R2 > Manage R2 API Tokens. The token needs Object Read & Write on the bucket (an "
      "Admin Read & Write token works too).";

  FieldSpec& secret = fields[2];
  secret.name = kSecretAccessKey;
  secret.label = "Secret Access Key";
  secret.required = true;
  secret.secret = true;
  secret.help =
      "The token's Secret Access Key (64 hexadecimal characters). Cloudflare shows it only "
      "once, when the token is created: if it is lost, create a new token.";

  FieldSpec& jurisdiction = fields[3];
  jurisdiction.name = kJurisdiction;
  jurisdiction.label = "Jurisdiction";
  jurisdiction.binds_secrets = true;
  jurisdiction.type = FieldType::kEnum;
  jurisdiction.allowed_values = {"default", "eu", "fedramp"};
  jurisdiction.default_value = "default";
  jurisdiction.help =
      "Where the bucket was created. A bucket created in the EU jurisdiction is reachable only "
      "with eu, a FedRAMP bucket only with fedramp. Most buckets are default.";

  FieldSpec& endpoint = fields[4];
  endpoint.name = kEndpoint;
  endpoint.label = "Endpoint override";
  endpoint.format = "endpoint";
  endpoint.advanced = true;
  endpoint.help =
      "Leave empty for Cloudflare R2. An http:// or https:// URL here replaces the endpoint "
      "derived from the Account ID and jurisdiction, e.g. to test against an S3-compatible test "
      "server.";
  endpoint.placeholder = "http://127.0.0.1:9000";

  FieldSpec& sse = fields[5];
  sse.name = kSse;
  sse.label = "Server-side encryption";
  sse.type = FieldType::kEnum;
  sse.allowed_values = {kSseAes256, kSseC};
  sse.default_value = kSseAes256;
  sse.advanced = true;
  sse.help =
      "R2 always encrypts stored backups with AES-256 (AES256, the default: nothing to set "
      "up). SSE-C encrypts them with your own key instead (set SSE-C customer key); the backups "
      "can then only be read with that key. R2 does not support KMS keys.";

  fields[6] = s3provider::SseCustomerKeyField("");

  FieldSpec& storage_class = fields[7];
  storage_class.name = kStorageClass;
  storage_class.label = "Storage class";
  storage_class.type = FieldType::kEnum;
  storage_class.allowed_values = {"STANDARD", kStandardIa};
  storage_class.default_value = "STANDARD";
  storage_class.advanced = true;
  storage_class.help =
      "STANDARD, or STANDARD_IA (Infrequent Access): cheaper storage for backups that are "
      "rarely read, but with retrieval fees and a 30-day minimum storage duration.";

  std::vector<FieldSpec> tuning = s3provider::TuningFields("R2");
  for (FieldSpec& field : tuning) fields.push_back(std::move(field));
  return fields;
}

void ResolveEncryption(s3provider::ConfigCheck& check, s3provider::ResolvedConfig* out) {
  if (check.HasViolation(kSse)) {
    const std::string raw = check.Raw(kSse);
    if (!raw.empty()) check.Replace(kSse, DescribeBadSse(raw));
  }
  if (check.Usable(kSse)) {
    s3provider::ResolveSseCustomerKey(check, check.parsed().GetString(kSse) == kSseC, out);
  }
  // AES256: R2 encrypts anyway and answers 501 to x-amz-server-side-encryption: send nothing.
  out->object_options.server_side_encryption.clear();
  out->object_options.sse_kms_key_id.clear();
}

}  // namespace

std::string EndpointFor(const std::string& account_id, const std::string& jurisdiction) {
  std::string host = account_id;
  if (!jurisdiction.empty() && jurisdiction != "default") host += "." + jurisdiction;
  return "https://" + host + ".r2.cloudflarestorage.com";
}

const plugin_sdk::ConfigSchema& Schema() {
  static const plugin_sdk::ConfigSchema schema(Fields());
  return schema;
}

void Resolve(s3provider::ConfigCheck& check, s3provider::ResolvedConfig* out) {
  const plugin_sdk::ParsedConfig& parsed = check.parsed();
  if (check.Usable(kAccountId)) {
    const std::string problem = CheckAccountId(parsed.GetString(kAccountId));
    if (!problem.empty()) check.Add(kAccountId, problem);
  }
  if (check.Usable(kAccessKeyId)) {
    const std::string problem = CheckAccessKeyId(parsed.GetString(kAccessKeyId));
    if (!problem.empty()) check.Add(kAccessKeyId, problem);
  }
  if (check.Usable(kSecretAccessKey)) {
    const std::string problem = CheckSecretAccessKey(parsed.GetString(kSecretAccessKey));
    if (!problem.empty()) check.Add(kSecretAccessKey, problem);
  }
  out->credentials.access_key_id = parsed.GetString(kAccessKeyId);
  out->credentials.secret_access_key = parsed.GetString(kSecretAccessKey);

  if (parsed.IsExplicit(kEndpoint)) {
    std::string base_url;
    const std::string problem =
        s3provider::CheckEndpointUrl(parsed.GetString(kEndpoint), &base_url);
    if (!problem.empty()) {
      check.Add(kEndpoint, problem + ". Leave it empty for Cloudflare R2");
    }
    out->endpoint.base_url = base_url;
    out->endpoint_overridden = true;
  } else {
    out->endpoint.base_url =
        EndpointFor(parsed.GetString(kAccountId), parsed.GetString(kJurisdiction, "default"));
  }
  out->endpoint.region = "auto";  // R2's only region; "" and us-east-1 mean the same to it
  out->endpoint.path_style = true;

  ResolveEncryption(check, out);
  // STANDARD is R2's default: send no header (an empty one gets 501).
  if (check.Usable(kStorageClass) && parsed.GetString(kStorageClass) == kStandardIa) {
    out->object_options.storage_class = kStandardIa;
  } else {
    out->object_options.storage_class.clear();
  }
}

}  // namespace pluton::r2_provider
