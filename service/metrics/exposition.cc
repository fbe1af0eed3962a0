#include "metrics/exposition.h"

#include <charconv>
#include <cmath>

#include "absl/strings/str_cat.h"

namespace pluton::storage {
namespace {

std::string Escape(absl::string_view text, bool quotes) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quotes) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string EscapeLabelValue(absl::string_view value) { return Escape(value, /*quotes=*/true); }
std::string EscapeHelp(absl::string_view help) { return Escape(help, /*quotes=*/false); }

std::string FormatValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buffer[64];
  const std::to_chars_result result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return std::string(buffer, result.ptr);
}

void AppendHeader(std::string* out, absl::string_view name, absl::string_view help,
                  absl::string_view type) {
  absl::StrAppend(out, "# HELP ", name, " ", EscapeHelp(help), "\n# TYPE ", name, " ", type, "\n");
}

void AppendSample(std::string* out, absl::string_view name, const std::vector<std::string>& names,
                  const std::vector<std::string>& values, absl::string_view value) {
  absl::StrAppend(out, name);
  if (!names.empty()) {
    out->push_back('{');
    for (size_t i = 0; i < names.size(); ++i) {
      absl::StrAppend(out, i == 0 ? "" : ",", names[i], "=\"", EscapeLabelValue(values[i]), "\"");
    }
    out->push_back('}');
  }
  absl::StrAppend(out, " ", value, "\n");
}

}  // namespace pluton::storage
