// Configuration pieces both S3 plugins share: the tuning fields of the form (part size,
// cutoff, concurrency, checksum switch) and their checks, and checkers for values that mean
// the same thing to every S3 service (an SSE-C key, an endpoint URL, a bucket name).
//
// Every checker returns "" when the value is fine, else a description of the problem with the
// fix, written for the person filling the "Add Storage" form. Descriptions never contain the
// value of a secret.
//
// Thread safety: pure functions, safe from any thread.
#ifndef PLUTON_PLUGINS_S3PROVIDER_CONFIG_CHECKS_H_
#define PLUTON_PLUGINS_S3PROVIDER_CONFIG_CHECKS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pluton/s3/s3_client.h"
#include "pluton/s3provider/provider.h"
#include "pluton/sdk/config_schema.h"

namespace pluton::s3provider {

// Limits every S3 service shares (R2 and AWS alike).
inline constexpr uint64_t kMiB = 1024 * 1024;
inline constexpr uint64_t kGiB = 1024 * kMiB;
inline constexpr uint64_t kMinPartSize = 5 * kMiB;              // smallest non-last part
inline constexpr uint64_t kMaxPartSize = 5 * kGiB;              // largest part
inline constexpr uint64_t kMaxSinglePut = 5 * kGiB - 5 * kMiB;  // largest single PUT (R2's)
inline constexpr int64_t kMaxUploadConcurrency = 64;

// Field names of the shared tuning fields (API: stored in users' configurations).
inline constexpr char kChunkSizeField[] = "chunk_size";
inline constexpr char kUploadCutoffField[] = "upload_cutoff";
inline constexpr char kUploadConcurrencyField[] = "upload_concurrency";
inline constexpr char kDisableChecksumField[] = "disable_checksum";
inline constexpr char kMd5AfterUploadField[] = "md5_after_upload";
// The SSE-C key field both plugins offer (API: stored in users' configurations).
inline constexpr char kSseCustomerKeyField[] = "sse_customer_key";

// The advanced tuning fields, in form order: chunk_size (size, default 5MiB), upload_cutoff
// (size, default 200MiB), upload_concurrency (integer, default 4), disable_checksum (bool,
// default false), md5_after_upload (bool, default true; without effect when
// disable_checksum is true). `service` names the provider in help texts ("R2", "the S3
// service").
std::vector<plugin_sdk::FieldSpec> TuningFields(const std::string& service);

// Checks the tuning fields (chunk_size within [5MiB, 5GiB], upload_cutoff at most the
// single-PUT limit 5GiB - 5MiB, upload_concurrency within [1, 64]) and, when they are fine,
// fills out->upload, out->disable_checksum and out->md5_after_upload. Run by ResolveConfig
// for every provider.
void CheckTuning(ConfigCheck& check, ResolvedConfig* out);

// The advanced, secret sse_customer_key field ("SSE-C customer key"). `help_suffix` is
// appended to its help text (e.g. a provider-specific sentence, with its leading space).
plugin_sdk::FieldSpec SseCustomerKeyField(const std::string& help_suffix);

// Checks sse_customer_key against the server_side_encryption mode; call only when that mode is
// usable. `sse_c`: the mode is SSE-C. The key is required with SSE-C and refused without it;
// with SSE-C a valid key (CheckSseCustomerKey) fills out->object_options.sse_customer_key.
void ResolveSseCustomerKey(ConfigCheck& check, bool sse_c, ResolvedConfig* out);

// Decodes strict base64 (standard alphabet, '=' padding required, no whitespace). nullopt
// when `text` is not such base64.
std::optional<std::string> DecodeBase64(std::string_view text);

// An SSE-C key as the user gives it: base64 of exactly 32 bytes (AES-256). On success fills
// *out (the key and the base64 of its MD5, as S3 wants them) and returns "". The description
// says what is wrong (e.g. "decodes to 16 bytes") and how to make a key
// ("openssl rand -base64 32"); it never contains the key.
std::string CheckSseCustomerKey(std::string_view base64_key, s3::SseCustomerKey* out);

// An endpoint URL: "http://" or "https://", a host name, IPv4 address or [IPv6] literal, an
// optional port 1..65535, and nothing else but an optional trailing "/" (no path, query,
// fragment or user:password@). On success sets *base_url to "scheme://host[:port]" with the
// scheme and host lowercased (may be NULL) and returns "".
std::string CheckEndpointUrl(std::string_view url, std::string* base_url);

// A bucket name safe to put in a path-style or virtual-host URL: 1..255 characters of letters,
// digits, '.', '-' and '_' (lenient on purpose: S3 still serves legacy names with uppercase
// letters and underscores; the service answers NoSuchBucket for names it never allows).
// Returns "" or the problem ("contains '/'; a bucket name is only its name, not a path").
std::string CheckBucketName(std::string_view bucket);

// `text` with ASCII letters lowercased.
std::string AsciiLowercase(std::string text);

// `text` quoted for a message, with control characters escaped and cut after 64 bytes. Only
// for values that are not secret.
std::string Quote(std::string_view text);

}  // namespace pluton::s3provider

#endif  // PLUTON_PLUGINS_S3PROVIDER_CONFIG_CHECKS_H_
