// The Prometheus text exposition format, version 0.0.4: escaping and line formatting.
// https://prometheus.io/docs/instrumenting/exposition_formats/
//
// Thread safety: free functions, no shared state.
#ifndef PLUTON_SERVICE_METRICS_EXPOSITION_H_
#define PLUTON_SERVICE_METRICS_EXPOSITION_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace pluton::storage {

// The Content-Type of a text exposition.
inline constexpr char kExpositionContentType[] = "text/plain; version=0.0.4; charset=utf-8";

// A label value: backslash, double quote and newline escaped as \\, \" and \n.
std::string EscapeLabelValue(absl::string_view value);
// A # HELP text: backslash and newline escaped as \\ and \n.
std::string EscapeHelp(absl::string_view help);
// A sample value: shortest round-trip decimal, "+Inf", "-Inf" or "NaN".
std::string FormatValue(double value);

// Appends "# HELP name help\n# TYPE name type\n".
void AppendHeader(std::string* out, absl::string_view name, absl::string_view help,
                  absl::string_view type);
// Appends `name{l1="v1",...} value\n` ("name value\n" without labels); `names` and `values`
// have the same length.
void AppendSample(std::string* out, absl::string_view name, const std::vector<std::string>& names,
                  const std::vector<std::string>& values, absl::string_view value);

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_METRICS_EXPOSITION_H_
