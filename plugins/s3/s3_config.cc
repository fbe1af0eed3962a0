#include "s3_config.h"

#include <utility>
#include <vector>

#include "pluton/s3provider/config_checks.h"

namespace pluton::s3_provider {
namespace {

using plugin_sdk::FieldSpec;
using plugin_sdk::FieldType;

constexpr char kEndpoint[] = "endpoint";
constexpr char kRegion[] = "region";
constexpr char kPathStyle[] = "path_style";
constexpr char kAccessKeyId[] = "access_key_id";
constexpr char kSecretAccessKey[] = "secret_access_key";
constexpr char kSse[] = "server_side_encryption";
constexpr char kSseKmsKeyId[] = "sse_kms_key_id";
constexpr char kStorageClass[] = "storage_class";

constexpr char kSseNone[] = "none";
constexpr char kSseAes256[] = "AES256";
constexpr char kSseKms[] = "aws:kms";
constexpr char kSseC[] = "SSE-C";

constexpr size_t kMaxAccessKeyIdLength = 128;

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool HasSurroundingSpace(const std::string& value) {
  return !value.empty() && (IsSpace(value.front()) || IsSpace(value.back()));
}

// The violation for a server_side_encryption value the enum refused.
std::string DescribeBadSse(const std::string& raw) {
  const std::string value = s3provider::AsciiLowercase(raw);
  const std::string shown = s3provider::Quote(raw);
  if (value.find("kms") != std::string::npos) return shown + ": write it exactly aws:kms";
  if (value == "aes256" || value == "aes-256" || value == "sse-s3") {
    return shown + ": write it exactly AES256";
  }
  if (value == "sse-c" || value == "ssec") return shown + ": write it exactly SSE-C";
  if (value == "off" || value == "false" || value == "disabled") {
    return shown + ": write none to send no encryption header";
  }
  return shown +
         " is not an encryption mode; use none (the bucket's default), AES256 (S3-managed "
         "keys), aws:kms (KMS keys, see sse_kms_key_id) or SSE-C (your own key, in "
         "sse_customer_key)";
}

std::vector<FieldSpec> Fields() {
  std::vector<FieldSpec> fields(9);
  FieldSpec& endpoint = fields[0];
  endpoint.name = kEndpoint;
  endpoint.format = "endpoint";
  endpoint.label = "Endpoint URL";
  endpoint.help =
      "The S3 service's URL, http:// or https://, e.g. https://s3.wasabisys.com, "
      "https://minio.example.com or http://127.0.0.1:9000 for a local test server. Leave empty "
      "for AWS S3 (https://s3.<region>.amazonaws.com).";
  endpoint.placeholder = "https://s3.us-east-1.amazonaws.com";

  FieldSpec& region = fields[1];
  region.name = kRegion;
  region.label = "Region";
  region.binds_secrets = true;  // with no endpoint, the region names the AWS host
  region.default_value = "us-east-1";
  region.help =
      "The region the bucket lives in and requests are signed for, e.g. us-east-1 or "
      "eu-central-1. Most S3-compatible services (MinIO included) accept us-east-1.";
  region.placeholder = "us-east-1";

  FieldSpec& path_style = fields[2];
  path_style.name = kPathStyle;
  path_style.label = "Path-style addressing";
  path_style.type = FieldType::kBool;
  path_style.default_value = "true";
  path_style.help =
      "On: buckets are addressed as <endpoint>/<bucket> (path style), which MinIO and most "
      "S3-compatible services need. Off: as <bucket>.<endpoint host> (virtual-host style), "
      "which AWS S3 prefers; it needs a host name endpoint and DNS for bucket names.";

  FieldSpec& key_id = fields[3];
  key_id.name = kAccessKeyId;
  key_id.binds_secrets = true;
  key_id.label = "Access Key ID";
  key_id.required = true;
  key_id.help =
      "The access key's ID, e.g. AKIA... on AWS. It needs to list, read and write "
      "objects in the bucket.";

  FieldSpec& secret = fields[4];
  secret.name = kSecretAccessKey;
  secret.label = "Secret Access Key";
  secret.required = true;
  secret.secret = true;
  secret.help = "The access key's secret. AWS shows it only once, when the key is created.";

  FieldSpec& sse = fields[5];
  sse.name = kSse;
  sse.label = "Server-side encryption";
  sse.type = FieldType::kEnum;
  sse.allowed_values = {kSseNone, kSseAes256, kSseKms, kSseC};
  sse.default_value = kSseNone;
  sse.advanced = true;
  sse.help =
      "none sends no encryption header (the bucket's default encryption applies). AES256 asks "
      "for S3-managed keys, aws:kms for AWS KMS keys (see KMS key ID), SSE-C for your own key "
      "(set SSE-C customer key; the backups can then only be read with it). Services without "
      "encryption support refuse the header.";

  FieldSpec& kms = fields[6];
  kms.name = kSseKmsKeyId;
  kms.label = "KMS key ID";
  kms.advanced = true;
  kms.help =
      "Only with server-side encryption aws:kms: the KMS key's ARN, ID or alias. Leave empty "
      "for the account's default aws/s3 key.";
  kms.placeholder = "arn:aws:kms:us-east-1:111122223333:key/...";

  fields[7] = s3provider::SseCustomerKeyField(
      " Use an https:// endpoint: the key travels with every request.");

  FieldSpec& storage_class = fields[8];
  storage_class.name = kStorageClass;
  storage_class.label = "Storage class";
  storage_class.advanced = true;
  storage_class.help =
      "Sent as x-amz-storage-class when set, e.g. STANDARD_IA, INTELLIGENT_TIERING or "
      "GLACIER_IR on AWS. Leave empty for the service's default. Classes that need a restore "
      "before reading (GLACIER, DEEP_ARCHIVE) make restores slow.";
  storage_class.placeholder = "STANDARD";

  std::vector<FieldSpec> tuning = s3provider::TuningFields("the S3 service");
  for (FieldSpec& field : tuning) fields.push_back(std::move(field));
  return fields;
}

std::string CheckRegion(const std::string& region) {
  for (char c : region) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
      return s3provider::Quote(region) +
             " is not a region name; use lowercase letters, digits and '-', e.g. us-east-1";
    }
  }
  return "";
}

std::string CheckAccessKeyId(const std::string& key_id) {
  if (HasSurroundingSpace(key_id))
    return "has spaces or line breaks before or after it; remove them";
  if (key_id.size() > kMaxAccessKeyIdLength) {
    return "has " + std::to_string(key_id.size()) +
           " characters; access key IDs have at most 128: was the secret pasted here?";
  }
  for (char c : key_id) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x21 || u >= 0x7f || c == '/' || c == ',') {
      return "contains a space, '/', ',' or a non-ASCII character, which an access key ID never "
             "has (a secret may: were the two fields swapped?)";
    }
  }
  return "";
}

std::string CheckStorageClass(const std::string& storage_class) {
  for (char c : storage_class) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) {
      return s3provider::Quote(storage_class) +
             " is not a storage class name; they are uppercase words joined by '_', e.g. "
             "STANDARD_IA, INTELLIGENT_TIERING, GLACIER_IR (leave empty for the default)";
    }
  }
  return "";
}

// Virtual-host style puts the bucket in the host name, which an IP address cannot carry.
bool HostTakesNoBucket(const std::string& base_url) {
  const std::string host = base_url.substr(base_url.find("://") + 3);
  if (host.empty() || host.front() == '[') return true;
  const std::string name = host.substr(0, host.find(':'));
  if (name == "localhost") return true;
  for (char c : name) {
    if (!((c >= '0' && c <= '9') || c == '.')) return false;
  }
  return true;
}

void ResolveEncryption(s3provider::ConfigCheck& check, s3provider::ResolvedConfig* out) {
  const plugin_sdk::ParsedConfig& parsed = check.parsed();
  if (check.HasViolation(kSse)) {
    const std::string raw = check.Raw(kSse);
    if (!raw.empty()) check.Replace(kSse, DescribeBadSse(raw));
  }
  if (!check.Usable(kSse)) return;
  const std::string mode = parsed.GetString(kSse, kSseNone);
  const bool has_kms_key = parsed.IsExplicit(kSseKmsKeyId);

  if (has_kms_key && mode != kSseKms) {
    check.Add(kSseKmsKeyId,
              "is set but server_side_encryption is not aws:kms, so it would not be used; set "
              "server_side_encryption to aws:kms, or clear it");
  }
  s3provider::ResolveSseCustomerKey(check, mode == kSseC, out);

  if (mode == kSseAes256 || mode == kSseKms) {
    out->object_options.server_side_encryption = mode;
    if (mode == kSseKms && check.Usable(kSseKmsKeyId)) {
      out->object_options.sse_kms_key_id = parsed.GetString(kSseKmsKeyId);
    }
  }
}

}  // namespace

std::string AwsEndpointFor(const std::string& region) {
  return "https://s3." + region + ".amazonaws.com";
}

const plugin_sdk::ConfigSchema& Schema() {
  static const plugin_sdk::ConfigSchema schema(Fields());
  return schema;
}

void Resolve(s3provider::ConfigCheck& check, s3provider::ResolvedConfig* out) {
  const plugin_sdk::ParsedConfig& parsed = check.parsed();
  const std::string region = parsed.GetString(kRegion, "us-east-1");
  if (check.Usable(kRegion)) {
    const std::string problem = CheckRegion(region);
    if (!problem.empty()) check.Add(kRegion, problem);
  }
  if (check.Usable(kAccessKeyId)) {
    const std::string problem = CheckAccessKeyId(parsed.GetString(kAccessKeyId));
    if (!problem.empty()) check.Add(kAccessKeyId, problem);
  }
  if (check.Usable(kSecretAccessKey) && HasSurroundingSpace(parsed.GetString(kSecretAccessKey))) {
    check.Add(kSecretAccessKey, "has spaces or line breaks before or after it; remove them");
  }
  out->credentials.access_key_id = parsed.GetString(kAccessKeyId);
  out->credentials.secret_access_key = parsed.GetString(kSecretAccessKey);

  out->endpoint.region = region;
  out->endpoint.path_style = parsed.GetBool(kPathStyle, true);
  if (parsed.IsExplicit(kEndpoint)) {
    std::string base_url;
    const std::string problem =
        s3provider::CheckEndpointUrl(parsed.GetString(kEndpoint), &base_url);
    if (!problem.empty()) {
      check.Add(kEndpoint, problem);
    } else if (!out->endpoint.path_style && HostTakesNoBucket(base_url)) {
      check.Add(kPathStyle,
                "is false, but virtual-host style puts the bucket name in the host name, which "
                "the endpoint " +
                    base_url +
                    " (an IP address or localhost) cannot carry; set path_style to "
                    "true");
    }
    out->endpoint.base_url = base_url;
    out->endpoint_overridden = true;
  } else {
    out->endpoint.base_url = AwsEndpointFor(region);
  }

  ResolveEncryption(check, out);
  if (check.Usable(kStorageClass)) {
    const std::string storage_class = parsed.GetString(kStorageClass);
    const std::string problem = CheckStorageClass(storage_class);
    if (!problem.empty()) {
      check.Add(kStorageClass, problem);
    } else {
      out->object_options.storage_class = storage_class;  // only set when non-empty
    }
  }
}

}  // namespace pluton::s3_provider
