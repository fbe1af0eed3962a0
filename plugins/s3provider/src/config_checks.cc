#include "pluton/s3provider/config_checks.h"

#include <array>
#include <cstdint>
#include <utility>

#include "absl/types/span.h"
#include "pluton/s3/digest.h"
#include "pluton/sdk/size.h"

namespace pluton::s3provider {
namespace {

using plugin_sdk::FieldSpec;
using plugin_sdk::FieldType;
using plugin_sdk::FormatSize;

bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAsciiAlnum(char c) {
  return IsAsciiDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
char ToLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// The value of one base64 character, or -1.
int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (IsAsciiDigit(c)) return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// "5MiB (5242880 bytes)" for sizes with a suffix, "1000 bytes" otherwise.
std::string DescribeSize(uint64_t bytes) {
  const std::string formatted = FormatSize(bytes);
  const std::string plain = std::to_string(bytes);
  if (formatted == plain) return plain + " bytes";
  return formatted + " (" + plain + " bytes)";
}

}  // namespace

std::string Quote(std::string_view text) {
  constexpr size_t kMaxShown = 64;
  std::string out = "\"";
  for (char c : text.substr(0, kMaxShown)) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7f) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 0xf];
    } else {
      out += c;
    }
  }
  out += text.size() > kMaxShown ? "...\"" : "\"";
  return out;
}

namespace {

// An advanced field of the upload tuning group; `placeholder` "" for none.
FieldSpec TuningField(const char* name, const char* label, FieldType type,
                      const char* default_value, std::string help, const char* placeholder) {
  FieldSpec field;
  field.name = name;
  field.label = label;
  field.type = type;
  field.default_value = default_value;
  field.advanced = true;
  field.help = std::move(help);
  field.placeholder = placeholder;
  return field;
}

}  // namespace

std::vector<FieldSpec> TuningFields(const std::string& service) {
  std::vector<FieldSpec> fields;
  fields.push_back(TuningField(
      kChunkSizeField, "Part size", FieldType::kSize, "5MiB",
      "Size of each part when a large backup is uploaded in parts (multipart upload), from 5MiB "
      "to 5GiB. Larger parts mean fewer requests but more memory: each upload holds about "
      "upload_concurrency x part size in memory. Very large backups (over 48GiB at 5MiB) use "
      "larger parts automatically, since " +
          service + " allows at most 10,000 parts.",
      "5MiB"));
  fields.push_back(TuningField(
      kUploadCutoffField, "Multipart upload cutoff", FieldType::kSize, "200MiB",
      "Backups of known size smaller than this are sent in a single request; from this size on "
      "they are sent in parts. A backup of unknown size (a stream) is sent in a single request "
      "only when it fits in one chunk, and in parts from its first chunk on, so it never waits "
      "in memory. At most 5115MiB (5GiB - 5MiB), the largest object " +
          service + " accepts in a single request.",
      "200MiB"));
  fields.push_back(TuningField(
      kUploadConcurrencyField, "Parallel parts per upload", FieldType::kInteger, "4",
      "How many parts of one backup are sent at the same time, from 1 to 64. Raise it on fast "
      "links with high latency; lower it if " +
          service + " answers with errors under load. Memory grows with it (see Part size).",
      "4"));
  fields.push_back(TuningField(
      kDisableChecksumField, "Skip whole-object MD5", FieldType::kBool, "false",
      "Normally the backup's MD5 is stored with it as metadata (X-Amz-Meta-Md5chksum, as rclone "
      "does), so tools like rclone check can verify backups uploaded in parts. Turn on to skip "
      "it. Every request is still protected by its own Content-MD5.",
      ""));
  fields.push_back(TuningField(
      kMd5AfterUploadField, "Store the MD5 of streamed backups", FieldType::kBool, "true",
      "A backup of unknown size uploaded in parts has its MD5 only at its end. When on, the MD5 "
      "metadata is then added by copying the object onto itself inside " +
          service +
          " (nothing is sent again): one extra copy request per backup up to 5GiB, a copy in "
          "1GiB parts beyond. Does nothing when disable_checksum is on. If the copy fails, the "
          "backup is still stored, without the MD5, and a warning is logged.",
      ""));
  return fields;
}

void CheckTuning(ConfigCheck& check, ResolvedConfig* out) {
  const plugin_sdk::ParsedConfig& parsed = check.parsed();
  if (check.Usable(kChunkSizeField)) {
    const uint64_t chunk = parsed.GetSize(kChunkSizeField);
    if (chunk < kMinPartSize) {
      check.Add(kChunkSizeField, "is " + DescribeSize(chunk) +
                                     ", below the minimum part size of 5MiB (every part but "
                                     "the last must be at least 5MiB); use 5MiB or more");
    } else if (chunk > kMaxPartSize) {
      check.Add(kChunkSizeField, "is " + DescribeSize(chunk) +
                                     ", above the maximum part size of 5GiB; use 5GiB or less");
    } else {
      out->upload.chunk_size = chunk;
    }
  }
  if (check.Usable(kUploadCutoffField)) {
    const uint64_t cutoff = parsed.GetSize(kUploadCutoffField);
    if (cutoff > kMaxSinglePut) {
      check.Add(kUploadCutoffField,
                "is " + DescribeSize(cutoff) +
                    ", a cutoff above the single-PUT limit of 5115MiB (5GiB - 5MiB): objects "
                    "that large cannot be sent in one request; use at most 5115MiB (the "
                    "default 200MiB suits most uses)");
    } else {
      out->upload.upload_cutoff = cutoff;
      out->upload.max_single_put = kMaxSinglePut;
    }
  }
  if (check.Usable(kUploadConcurrencyField)) {
    const int64_t concurrency = parsed.GetInt(kUploadConcurrencyField);
    if (concurrency < 1 || concurrency > kMaxUploadConcurrency) {
      check.Add(kUploadConcurrencyField, "is " + std::to_string(concurrency) +
                                             "; use a number of parallel parts from 1 to 64 "
                                             "(default 4)");
    } else {
      out->upload.concurrency = static_cast<int>(concurrency);
    }
  }
  if (check.Usable(kDisableChecksumField)) {
    out->disable_checksum = parsed.GetBool(kDisableChecksumField, false);
  }
  if (check.Usable(kMd5AfterUploadField)) {
    out->md5_after_upload = parsed.GetBool(kMd5AfterUploadField, true);
  }
}

FieldSpec SseCustomerKeyField(const std::string& help_suffix) {
  FieldSpec customer_key;
  customer_key.name = kSseCustomerKeyField;
  customer_key.label = "SSE-C customer key";
  customer_key.secret = true;
  customer_key.advanced = true;
  customer_key.help =
      "Only with server-side encryption SSE-C: your 256-bit key as base64 (44 characters), "
      "e.g. the output of \"openssl rand -base64 32\". Keep a copy somewhere safe: without it "
      "the backups cannot be read." +
      help_suffix;
  return customer_key;
}

void ResolveSseCustomerKey(ConfigCheck& check, bool sse_c, ResolvedConfig* out) {
  const bool has_key = check.parsed().IsExplicit(kSseCustomerKeyField);
  if (sse_c && !has_key) {
    check.Add(kSseCustomerKeyField,
              "required with server_side_encryption SSE-C; set your 256-bit key as base64, e.g. "
              "from \"openssl rand -base64 32\"");
  } else if (!sse_c && has_key) {
    check.Add(kSseCustomerKeyField,
              "is set but server_side_encryption is not SSE-C, so it would not be used; set "
              "server_side_encryption to SSE-C to encrypt with it, or clear it");
  } else if (sse_c && check.Usable(kSseCustomerKeyField)) {
    s3::SseCustomerKey key;
    const std::string problem =
        CheckSseCustomerKey(check.parsed().GetString(kSseCustomerKeyField), &key);
    if (!problem.empty()) {
      check.Add(kSseCustomerKeyField, problem);
    } else {
      out->object_options.sse_customer_key = std::move(key);
    }
  }
}

std::string AsciiLowercase(std::string text) {
  for (char& c : text) c = ToLower(c);
  return text;
}

std::optional<std::string> DecodeBase64(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  size_t padding = 0;
  if (text.back() == '=') ++padding;
  if (text.size() >= 2 && text[text.size() - 2] == '=') ++padding;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  uint32_t buffer = 0;
  int bits = 0;
  for (size_t i = 0; i < text.size() - padding; ++i) {
    const int value = Base64Value(text[i]);
    if (value < 0) return std::nullopt;  // includes a '=' before the end
    buffer = (buffer << 6) | static_cast<uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xff));
    }
  }
  // Leftover bits of the last group must be zero (canonical encoding).
  if (bits > 0 && (buffer & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

std::string CheckSseCustomerKey(std::string_view base64_key, s3::SseCustomerKey* out) {
  const std::optional<std::string> key = DecodeBase64(base64_key);
  if (!key.has_value()) {
    return "is not base64; enter the base64 of a 32-byte (256-bit) key, e.g. the output of "
           "\"openssl rand -base64 32\" (44 characters ending in '=')";
  }
  if (key->size() != 32) {
    return "decodes to " + std::to_string(key->size()) +
           " bytes; an SSE-C key is exactly 32 bytes (AES-256): create one with \"openssl rand "
           "-base64 32\" (44 characters ending in '=')";
  }
  if (out != nullptr) {
    out->key_base64 = std::string(base64_key);
    const auto* bytes = reinterpret_cast<const uint8_t*>(key->data());
    const std::array<absl::Span<const uint8_t>, 1> spans = {
        absl::Span<const uint8_t>(bytes, key->size())};
    out->key_md5_base64 = s3::Md5Base64(spans);
  }
  return "";
}

std::string CheckEndpointUrl(std::string_view url, std::string* base_url) {
  const std::string example = "e.g. https://s3.example.com or http://127.0.0.1:9000";
  std::string scheme;
  std::string_view rest;
  const size_t sep = url.find("://");
  if (sep != std::string_view::npos) {
    for (char c : url.substr(0, sep)) scheme += ToLower(c);
    rest = url.substr(sep + 3);
  }
  if (scheme != "http" && scheme != "https") {
    return Quote(url) + " is not an http:// or https:// URL; enter the endpoint's URL, " + example;
  }
  // Authority: up to the first '/', '?' or '#'.
  const size_t end = rest.find_first_of("/?#");
  const std::string_view authority = rest.substr(0, end);
  const std::string_view tail = end == std::string_view::npos ? "" : rest.substr(end);
  if (!tail.empty() && tail != "/") {
    return Quote(url) + " has a path or query after the host; the endpoint is only " + scheme +
           "://host[:port] (bucket names are added by Pluton), " + example;
  }
  if (authority.find('@') != std::string_view::npos) {
    return "contains a user name or password before '@'; enter only " + scheme +
           "://host[:port] and put credentials in the key fields";
  }
  std::string_view host = authority;
  std::string_view port;
  if (!host.empty() && host.front() == '[') {  // [IPv6]
    const size_t close = host.find(']');
    if (close == std::string_view::npos) return Quote(url) + " has an unclosed '[' in its host";
    const std::string_view after = host.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return Quote(url) + " has characters after the IPv6 address";
      port = after.substr(1);
      if (port.empty()) return Quote(url) + " has ':' but no port number after it";
    }
    host = host.substr(0, close + 1);
    if (host.size() < 3) return Quote(url) + " has an empty IPv6 address";
  } else {
    const size_t colon = host.rfind(':');
    if (colon != std::string_view::npos) {
      port = host.substr(colon + 1);
      host = host.substr(0, colon);
      if (port.empty()) return Quote(url) + " has ':' but no port number after it";
    }
    if (host.empty()) return Quote(url) + " has no host name; " + example;
    for (char c : host) {
      if (!IsAsciiAlnum(c) && c != '-' && c != '.' && c != '_') {
        return Quote(url) +
               " has a host name with characters other than letters, digits, '-' "
               "and '.'; " +
               example;
      }
    }
  }
  if (!port.empty()) {
    uint32_t value = 0;
    for (char c : port) {
      if (!IsAsciiDigit(c) || value > 65535) {
        return Quote(url) + " has a port that is not a number from 1 to 65535";
      }
      value = value * 10 + static_cast<uint32_t>(c - '0');
    }
    if (value < 1 || value > 65535) {
      return Quote(url) + " has a port that is not a number from 1 to 65535";
    }
  }
  if (base_url != nullptr) {
    std::string lowered;
    for (char c : host) lowered += ToLower(c);
    *base_url = scheme + "://" + lowered;
    if (!port.empty()) *base_url += ":" + std::string(port);
  }
  return "";
}

std::string CheckBucketName(std::string_view bucket) {
  if (bucket.empty()) return "is empty; enter the bucket's name";
  if (bucket.find('/') != std::string_view::npos) {
    return Quote(bucket) +
           " contains '/'; a bucket is only its name (put folders in the object key)";
  }
  if (bucket.size() > 255) {
    return "has " + std::to_string(bucket.size()) + " characters; bucket names have at most 63";
  }
  for (char c : bucket) {
    if (!IsAsciiAlnum(c) && c != '.' && c != '-' && c != '_') {
      return Quote(bucket) +
             " contains characters a bucket name cannot have; use lowercase letters, digits, "
             "'-' and '.'";
    }
  }
  return "";
}

}  // namespace pluton::s3provider
