// Text shown by pluton-storage: sizes, rates, durations, the upload progress line, errors,
// and the human-readable form of each response. Pure functions, so the exact output is
// tested.
//
// Thread safety: free functions, no shared state.
#ifndef PLUTON_CLIENT_CLI_RENDER_H_
#define PLUTON_CLIENT_CLI_RENDER_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "google/protobuf/message.h"
#include "pluton/storage/v1/storage_service.pb.h"

namespace pluton::storage::client {

namespace v1 = ::pluton::storage::v1;

// "512 B", "1.5 KiB", "10.0 MiB", "2.3 GiB", "1.0 TiB".
std::string FormatBytes(int64_t bytes);
// "12.3 MiB/s".
std::string FormatRate(double bytes_per_second);
// Remaining time: "0:07", "12:34", "1:02:03"; "--:--" when unknown (negative or not finite).
std::string FormatEta(double seconds);
// A latency or elapsed time: "0 ms", "153 ms", "1.23 s", "75.00 s".
std::string FormatLatency(absl::Duration duration);

// One progress line, e.g. with a known total
//   "[####----------------]  20%  20.0 MiB / 100.0 MiB  10.0 MiB/s  ETA 0:08"
// and with an unknown total (`total` < 0)
//   "20.0 MiB  10.0 MiB/s".
// The rate is the average since the start.
std::string FormatProgressLine(int64_t sent, int64_t total, absl::Duration elapsed);

// "error: <CODE>: <message>\n" then "  <field>: <description>\n" per field violation. The
// service appends the violations to the message too ("...; field: description"); that
// suffix is dropped when it matches the violations exactly, so they are not shown twice.
std::string FormatError(const absl::Status& status);

// Left-aligned columns separated by two spaces, without trailing spaces.
std::string FormatTable(const std::vector<std::vector<std::string>>& rows);

// "string", "integer", "bool", "enum", "size".
std::string ConfigFieldTypeName(v1::ConfigFieldType type);

// Table of providers (ID, NAME, ABI, VERSION) and the rejected plugins, if any.
std::string FormatProviders(const v1::ListProvidersResponse& response);
// One provider with every configuration field (name, type, flags, default, allowed values,
// help).
std::string FormatProviderDetail(const v1::Provider& provider);

// One storage, field by field.
std::string FormatStorage(const v1::Storage& storage);
// Table of storages (NAME, ID, PROVIDER), or "no storages\n".
std::string FormatStorageTable(const std::vector<v1::Storage>& storages);

// Each check on a line with a mark (✓/✗, or PASS/FAIL when `utf8` is false), its latency and
// description; on failure the check's detail below it, and the outcome last.
std::string FormatTestResult(const v1::TestConnectionResponse& response, bool utf8);

// The outcome of an upload: bytes, digests, etag, parts, elapsed time and rate. The
// service's elapsed time is used when set, else `local_elapsed`.
std::string FormatUploadResult(const v1::UploadResponse& response, absl::Duration local_elapsed);

// Whether the locale (LC_ALL, else LC_CTYPE, else LANG) uses UTF-8.
bool IsUtf8Locale(const std::function<std::optional<std::string>(const std::string&)>& getenv);

// The message as indented JSON (proto3 JSON mapping, all fields printed), newline-terminated.
absl::StatusOr<std::string> ToJson(const google::protobuf::Message& message);
// The same on one line without spaces, newline-terminated: one record of JSON Lines output.
absl::StatusOr<std::string> ToJsonLine(const google::protobuf::Message& message);

}  // namespace pluton::storage::client

#endif  // PLUTON_CLIENT_CLI_RENDER_H_
