#include "client/cli/age_input.h"

#include <cstddef>
#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace pluton::storage::client {
namespace {

constexpr absl::Duration kDay = absl::Hours(24);
// google.protobuf.Duration's range: about 10000 years.
constexpr absl::Duration kMaxAge = absl::Seconds(315'576'000'000);

// Length of the leading run of characters of `text` that satisfy `pred`.
template <typename Pred>
size_t Span(absl::string_view text, Pred pred) {
  size_t n = 0;
  while (n < text.size() && pred(static_cast<unsigned char>(text[n]))) ++n;
  return n;
}

// One "<number><unit>" pair, e.g. "7d" or "1.5h".
bool ParsePair(absl::string_view number, absl::string_view unit, absl::Duration* out) {
  if (unit == "d") {
    double days = 0;
    if (!absl::SimpleAtod(number, &days) || !(days >= 0)) return false;
    *out = days * kDay;
    return true;
  }
  return absl::ParseDuration(absl::StrCat(number, unit), out);
}

}  // namespace

absl::StatusOr<absl::Duration> ParseAge(absl::string_view text) {
  auto invalid = [text]() {
    return absl::InvalidArgumentError(absl::StrCat(
        "expected an age such as 24h, 90m or 7d (units d, h, m, s), got \"", text, "\""));
  };
  if (text.empty()) return invalid();
  absl::Duration total = absl::ZeroDuration();
  absl::string_view rest = text;
  while (!rest.empty()) {
    const size_t number_size =
        Span(rest, [](unsigned char c) { return absl::ascii_isdigit(c) || c == '.'; });
    const size_t unit_size = Span(rest.substr(number_size), absl::ascii_isalpha);
    if (number_size == 0 || unit_size == 0) return invalid();
    absl::Duration pair;
    if (!ParsePair(rest.substr(0, number_size), rest.substr(number_size, unit_size), &pair)) {
      return invalid();
    }
    total += pair;
    rest.remove_prefix(number_size + unit_size);
  }
  if (total > kMaxAge) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", text, "\" is too long an age: at most 10000 years"));
  }
  return total;
}

google::protobuf::Duration ToProtoDuration(absl::Duration duration) {
  google::protobuf::Duration proto;
  const int64_t seconds = absl::IDivDuration(duration, absl::Seconds(1), &duration);
  proto.set_seconds(seconds);
  proto.set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(duration)));
  return proto;
}

}  // namespace pluton::storage::client
