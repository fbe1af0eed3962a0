#include "client/cli/render.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "client/error_details.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"

namespace pluton::storage::client {
namespace {

constexpr double kMiB = 1024.0 * 1024.0;

absl::Duration FromProto(const google::protobuf::Duration& d) {
  return absl::Seconds(d.seconds()) + absl::Nanoseconds(d.nanos());
}

bool IsSet(const google::protobuf::Timestamp& t) { return t.seconds() != 0 || t.nanos() != 0; }

std::string HexOrDash(const std::string& s) { return s.empty() ? "-" : s; }

// The proto3 JSON mapping with every field printed, newline-terminated.
absl::StatusOr<std::string> PrintJson(const google::protobuf::Message& message,
                                      bool add_whitespace) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = add_whitespace;
  options.always_print_primitive_fields = true;
  std::string json;
  auto status = google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!status.ok()) {
    return absl::InternalError(absl::StrCat("cannot print JSON: ", status.ToString()));
  }
  if (json.empty() || json.back() != '\n') json.push_back('\n');
  return json;
}

}  // namespace

std::string FormatBytes(int64_t bytes) {
  if (bytes < 1024) return absl::StrCat(bytes, " B");
  static constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB"};
  double value = static_cast<double>(bytes) / 1024.0;
  size_t unit = 0;
  while (value >= 1024.0 && unit + 1 < std::size(kUnits)) {
    value /= 1024.0;
    ++unit;
  }
  return absl::StrFormat("%.1f %s", value, kUnits[unit]);
}

std::string FormatRate(double bytes_per_second) {
  if (!std::isfinite(bytes_per_second) || bytes_per_second < 0) bytes_per_second = 0;
  return absl::StrFormat("%.1f MiB/s", bytes_per_second / kMiB);
}

std::string FormatEta(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0 || seconds > 1e9) return "--:--";
  int64_t total = static_cast<int64_t>(std::ceil(seconds));
  int64_t h = total / 3600, m = (total / 60) % 60, s = total % 60;
  if (h > 0) return absl::StrFormat("%d:%02d:%02d", h, m, s);
  return absl::StrFormat("%d:%02d", m, s);
}

std::string FormatLatency(absl::Duration duration) {
  int64_t ms = absl::ToInt64Milliseconds(duration + absl::Microseconds(500));
  if (ms < 1000) return absl::StrCat(std::max<int64_t>(ms, 0), " ms");
  return absl::StrFormat("%.2f s", absl::ToDoubleSeconds(duration));
}

std::string FormatProgressLine(int64_t sent, int64_t total, absl::Duration elapsed) {
  double seconds = absl::ToDoubleSeconds(elapsed);
  double rate = seconds > 0 ? static_cast<double>(sent) / seconds : 0;
  if (total < 0) return absl::StrCat(FormatBytes(sent), "  ", FormatRate(rate));

  constexpr int64_t kBarWidth = 20;
  int64_t done = std::min(sent, total);
  int64_t filled = total > 0 ? done * kBarWidth / total : kBarWidth;
  int64_t percent = total > 0 ? done * 100 / total : 100;
  double eta = rate > 0 ? static_cast<double>(std::max<int64_t>(0, total - sent)) / rate : NAN;
  return absl::StrFormat("[%s%s] %3d%%  %s / %s  %s  ETA %s", std::string(filled, '#'),
                         std::string(kBarWidth - filled, '-'), percent, FormatBytes(sent),
                         FormatBytes(total), FormatRate(rate), FormatEta(eta));
}

std::string FormatError(const absl::Status& status) {
  ErrorDetails details = GetErrorDetails(status);
  absl::string_view message = status.message();
  if (!details.field_violations.empty()) {
    std::string suffix;
    for (const FieldViolation& v : details.field_violations) {
      absl::StrAppend(&suffix, "; ", v.field, ": ", v.description);
    }
    if (message.size() > suffix.size() && absl::EndsWith(message, suffix)) {
      message.remove_suffix(suffix.size());
    }
  }
  std::string out =
      absl::StrCat("error: ", absl::StatusCodeToString(status.code()), ": ", message, "\n");
  for (const FieldViolation& v : details.field_violations) {
    // A violation of the request as a whole (no field) is its description alone.
    absl::StrAppend(&out, "  ", v.field, v.field.empty() ? "" : ": ", v.description, "\n");
  }
  return out;
}

std::string FormatTable(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      absl::StrAppend(&line, row[i]);
      if (i + 1 < row.size()) line.append(widths[i] - row[i].size() + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    absl::StrAppend(&out, line, "\n");
  }
  return out;
}

std::string ConfigFieldTypeName(v1::ConfigFieldType type) {
  std::string name = v1::ConfigFieldType_Name(type);
  constexpr absl::string_view kPrefix = "CONFIG_FIELD_TYPE_";
  if (absl::StartsWith(name, kPrefix)) name = name.substr(kPrefix.size());
  if (name.empty()) return absl::StrCat(static_cast<int>(type));
  return absl::AsciiStrToLower(name);
}

std::string FormatProviders(const v1::ListProvidersResponse& response) {
  std::string out;
  if (response.providers().empty()) {
    out = "no providers loaded\n";
  } else {
    std::vector<std::vector<std::string>> rows = {{"ID", "NAME", "ABI", "VERSION"}};
    for (const v1::Provider& p : response.providers()) {
      rows.push_back({p.id(), p.display_name(), p.abi_version(), p.plugin_version()});
    }
    out = FormatTable(rows);
  }
  if (!response.rejected_plugins().empty()) {
    absl::StrAppend(&out, "\nrejected plugins:\n");
    for (const v1::RejectedPlugin& r : response.rejected_plugins()) {
      absl::StrAppend(&out, "  ", r.path(), ": ", r.reason(), "\n");
    }
  }
  return out;
}

std::string FormatProviderDetail(const v1::Provider& provider) {
  std::string out =
      absl::StrCat(provider.id(), ": ", provider.display_name(), " (ABI ", provider.abi_version(),
                   ", version ", provider.plugin_version(), ")\n");
  if (!provider.description().empty()) absl::StrAppend(&out, "  ", provider.description(), "\n");
  if (provider.config_fields().empty()) {
    absl::StrAppend(&out, "  no configuration fields\n");
    return out;
  }
  absl::StrAppend(&out, "  configuration fields:\n");
  for (const v1::ConfigField& f : provider.config_fields()) {
    std::vector<std::string> traits = {ConfigFieldTypeName(f.type())};
    if (f.required()) traits.push_back("required");
    if (f.secret()) traits.push_back("secret");
    if (f.advanced()) traits.push_back("advanced");
    absl::StrAppend(&out, "    ", f.name(), " (", absl::StrJoin(traits, ", "), ")\n");
    if (!f.label().empty()) absl::StrAppend(&out, "        ", f.label(), "\n");
    if (!f.help().empty()) absl::StrAppend(&out, "        ", f.help(), "\n");
    if (!f.default_value().empty()) {
      absl::StrAppend(&out, "        default: ", f.default_value(), "\n");
    }
    if (!f.allowed_values().empty()) {
      absl::StrAppend(&out, "        allowed: ", absl::StrJoin(f.allowed_values(), ", "), "\n");
    }
    if (!f.placeholder().empty()) {
      absl::StrAppend(&out, "        example: ", f.placeholder(), "\n");
    }
  }
  return out;
}

std::string FormatStorage(const v1::Storage& storage) {
  using google::protobuf::util::TimeUtil;
  std::string out = absl::StrCat("name:      ", storage.name(), "\n", "id:        ", storage.id(),
                                 "\n", "provider:  ", storage.provider(), "\n");
  if (IsSet(storage.create_time())) {
    absl::StrAppend(&out, "created:   ", TimeUtil::ToString(storage.create_time()), "\n");
  }
  if (IsSet(storage.update_time())) {
    absl::StrAppend(&out, "updated:   ", TimeUtil::ToString(storage.update_time()), "\n");
  }
  if (storage.config().empty()) {
    absl::StrAppend(&out, "config:    (defaults)\n");
  } else {
    absl::StrAppend(&out, "config:\n");
    std::vector<std::pair<std::string, std::string>> config(storage.config().begin(),
                                                            storage.config().end());
    std::sort(config.begin(), config.end());
    for (const auto& [key, value] : config) absl::StrAppend(&out, "  ", key, " = ", value, "\n");
  }
  absl::StrAppend(&out, "secrets:   ",
                  storage.secret_fields_set().empty()
                      ? "(none set)"
                      : absl::StrCat(absl::StrJoin(storage.secret_fields_set(), ", "), " (set)"),
                  "\n");
  return out;
}

std::string FormatStorageTable(const std::vector<v1::Storage>& storages) {
  if (storages.empty()) return "no storages\n";
  std::vector<std::vector<std::string>> rows = {{"NAME", "ID", "PROVIDER"}};
  for (const v1::Storage& s : storages) rows.push_back({s.name(), s.id(), s.provider()});
  return FormatTable(rows);
}

std::string FormatTestResult(const v1::TestConnectionResponse& response, bool utf8) {
  const char* pass = utf8 ? "\u2713" : "PASS";
  const char* fail = utf8 ? "\u2717" : "FAIL";  // same width as "PASS"
  size_t name_width = 0, latency_width = 0;
  std::vector<std::string> latencies;
  for (const v1::ConnectionCheck& c : response.checks()) {
    name_width = std::max(name_width, c.name().size());
    latencies.push_back(FormatLatency(FromProto(c.latency())));
    latency_width = std::max(latency_width, latencies.back().size());
  }
  std::string out;
  for (int i = 0; i < response.checks_size(); ++i) {
    const v1::ConnectionCheck& c = response.checks(i);
    const std::string& latency = latencies[i];
    std::string line = absl::StrCat(
        c.passed() ? pass : fail, " ", c.name(), std::string(name_width - c.name().size() + 2, ' '),
        std::string(latency_width - latency.size(), ' '), latency, "  ", c.description());
    while (!line.empty() && line.back() == ' ') line.pop_back();
    absl::StrAppend(&out, line, "\n");
    if (!c.passed() && !c.detail().empty()) absl::StrAppend(&out, "    ", c.detail(), "\n");
  }
  std::string total = FormatLatency(FromProto(response.latency()));
  if (response.success()) {
    absl::StrAppend(&out, "connection test passed (", total, ")\n");
  } else {
    absl::StrAppend(&out, "connection test failed (", total,
                    "): ", response.reason().empty() ? "UNKNOWN" : response.reason(), "\n");
    if (!response.message().empty()) absl::StrAppend(&out, "  ", response.message(), "\n");
  }
  return out;
}

std::string FormatUploadResult(const v1::UploadResponse& response, absl::Duration local_elapsed) {
  absl::Duration elapsed = FromProto(response.elapsed());
  if (elapsed <= absl::ZeroDuration()) elapsed = local_elapsed;
  double seconds = absl::ToDoubleSeconds(elapsed);
  double rate = seconds > 0 ? static_cast<double>(response.bytes_stored()) / seconds : 0;
  std::string parts = response.part_count() == 0 ? "single request"
                                                 : absl::StrCat(response.part_count(), " x ",
                                                                FormatBytes(response.part_size()));
  return absl::StrCat("uploaded ", response.bytes_stored(), " bytes (",
                      FormatBytes(response.bytes_stored()), ") to ", response.bucket(), "/",
                      response.key(), "\n",                                   //
                      "  storage: ", HexOrDash(response.storage_id()), "\n",  //
                      "  md5:     ", HexOrDash(response.md5_hex()), "\n",     //
                      "  sha256:  ", HexOrDash(response.sha256_hex()), "\n",  //
                      "  etag:    ", HexOrDash(response.etag()), "\n",        //
                      "  parts:   ", parts, "\n",                             //
                      "  elapsed: ", FormatLatency(elapsed), " (", FormatRate(rate), ")\n");
}

bool IsUtf8Locale(const std::function<std::optional<std::string>(const std::string&)>& getenv) {
  for (const char* name : {"LC_ALL", "LC_CTYPE", "LANG"}) {
    std::optional<std::string> value = getenv(name);
    if (!value || value->empty()) continue;
    std::string lower = absl::AsciiStrToLower(*value);
    return absl::StrContains(lower, "utf-8") || absl::StrContains(lower, "utf8");
  }
  return false;
}

absl::StatusOr<std::string> ToJson(const google::protobuf::Message& message) {
  return PrintJson(message, /*add_whitespace=*/true);
}

absl::StatusOr<std::string> ToJsonLine(const google::protobuf::Message& message) {
  return PrintJson(message, /*add_whitespace=*/false);
}

}  // namespace pluton::storage::client
