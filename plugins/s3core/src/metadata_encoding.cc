#include "pluton/s3/metadata_encoding.h"

#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace pluton::s3 {
namespace {

constexpr absl::string_view kWordStart = "=?";
constexpr absl::string_view kWordEnd = "?=";

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

bool LooksEncoded(absl::string_view value) {
  return absl::StartsWith(value, kWordStart) && absl::EndsWith(value, kWordEnd);
}

bool NeedsEncoding(absl::string_view value) {
  if (value.empty()) return false;
  if (IsBlank(value.front()) || IsBlank(value.back()) || LooksEncoded(value)) return true;
  for (char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte > 0x7e) return true;
  }
  return false;
}

// The "Q" encoding: '_' is a space, "=XX" a byte in hex, anything else itself.
std::optional<std::string> DecodeQ(absl::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '_') {
      out += ' ';
    } else if (text[i] == '=') {
      if (i + 2 >= text.size() || !absl::ascii_isxdigit(text[i + 1]) ||
          !absl::ascii_isxdigit(text[i + 2])) {
        return std::nullopt;
      }
      out += absl::HexStringToBytes(text.substr(i + 1, 2));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

// One encoded-word "=?charset?enc?text?=", decoded; nullopt when it is not one we read.
std::optional<std::string> DecodeWord(absl::string_view word) {
  if (!LooksEncoded(word) || word.size() < 8) return std::nullopt;
  const absl::string_view inner = word.substr(2, word.size() - 4);  // charset?enc?text
  const size_t first = inner.find('?');
  if (first == absl::string_view::npos) return std::nullopt;
  const size_t second = inner.find('?', first + 1);
  if (second == absl::string_view::npos || second != first + 2) return std::nullopt;
  std::string charset = absl::AsciiStrToLower(inner.substr(0, first));
  // RFC 2231 allows a language after '*': "UTF-8*en".
  charset = charset.substr(0, charset.find('*'));
  if (charset != "utf-8" && charset != "us-ascii") return std::nullopt;
  const char encoding = absl::ascii_toupper(inner[first + 1]);
  const absl::string_view text = inner.substr(second + 1);
  if (text.find('?') != absl::string_view::npos) return std::nullopt;
  if (encoding == 'B') {
    std::string out;
    if (!absl::Base64Unescape(text, &out)) return std::nullopt;
    return out;
  }
  if (encoding == 'Q') return DecodeQ(text);
  return std::nullopt;
}

}  // namespace

std::string EncodeMetadataValue(absl::string_view value) {
  if (!NeedsEncoding(value)) return std::string(value);
  return absl::StrCat("=?UTF-8?B?", absl::Base64Escape(value), "?=");
}

std::string DecodeMetadataValue(absl::string_view header) {
  if (!LooksEncoded(absl::StripAsciiWhitespace(header))) return std::string(header);
  // Words hold no whitespace; the whitespace between two words is not part of the value.
  std::string out;
  for (absl::string_view part :
       absl::StrSplit(header, absl::ByAnyChar(" \t\r\n"), absl::SkipEmpty())) {
    std::optional<std::string> word = DecodeWord(part);
    if (!word.has_value()) return std::string(header);
    out += *word;
  }
  return out;
}

}  // namespace pluton::s3
