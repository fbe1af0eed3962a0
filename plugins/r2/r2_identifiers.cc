#include "r2_identifiers.h"

#include <cstddef>

namespace pluton::r2_provider {
namespace {

constexpr size_t kAccountIdLength = 32;
constexpr size_t kAccessKeyIdLength = 32;
constexpr size_t kSecretLength = 64;
// The length of a Cloudflare API token's value (used with Cloudflare's own API, not S3).
constexpr size_t kApiTokenValueLength = 40;

constexpr char kWhereAccountId[] =
    "the Account ID is the 32-character hex string in the R2 dashboard URL "
    "(https://dash.cloudflare.com/<account id>/r2) and on the R2 overview page";

bool IsLowerHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }
bool IsUpperHex(char c) { return c >= 'A' && c <= 'F'; }
bool IsHex(char c) { return IsLowerHex(c) || IsUpperHex(c); }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string Lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool HasSurroundingSpace(std::string_view value) {
  return !value.empty() && (IsSpace(value.front()) || IsSpace(value.back()));
}

// The first run of exactly `length` hex digits delimited by non-hex characters, or "".
std::string_view FindHexRun(std::string_view text, size_t length) {
  size_t start = 0;
  while (start < text.size()) {
    if (!IsHex(text[start])) {
      ++start;
      continue;
    }
    size_t end = start;
    while (end < text.size() && IsHex(text[end])) ++end;
    if (end - start == length) return text.substr(start, length);
    start = end;
  }
  return {};
}

bool LooksLikeUrl(std::string_view value) {
  return value.find("://") != std::string_view::npos || value.find('/') != std::string_view::npos ||
         value.find("cloudflarestorage.com") != std::string_view::npos ||
         value.find("cloudflare.com") != std::string_view::npos;
}

// Describes a character for a message: 'x', or its code when it is not printable.
// "1 character", "31 characters".
std::string Characters(size_t count) {
  return std::to_string(count) + (count == 1 ? " character" : " characters");
}

std::string ShowChar(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u < 0x21 || u >= 0x7f) return "a character with code " + std::to_string(u);
  return std::string("'") + c + "'";
}

}  // namespace

std::string CheckAccountId(std::string_view value) {
  if (value.find('@') != std::string_view::npos && value.find("://") == std::string_view::npos) {
    return std::string("looks like an email address; ") + kWhereAccountId;
  }
  if (LooksLikeUrl(value)) {
    const std::string_view id = FindHexRun(value, kAccountIdLength);
    if (id.empty()) {
      return std::string("looks like a URL but contains no 32-character Account ID; ") +
             kWhereAccountId;
    }
    std::string fix =
        "looks like a URL; the Account ID is the 32-character hex part of it: set "
        "account_id to " +
        Lowercase(id);
    if (value.find(".eu.r2.") != std::string_view::npos) fix += " and jurisdiction to eu";
    if (value.find(".fedramp.r2.") != std::string_view::npos) fix += " and jurisdiction to fedramp";
    return fix;
  }
  if (HasSurroundingSpace(value)) {
    return "has spaces or line breaks before or after it; remove them (the Account ID is 32 "
           "hexadecimal characters)";
  }
  if (value.size() != kAccountIdLength) {
    return "has " + Characters(value.size()) +
           "; an R2 Account ID has exactly 32 hexadecimal characters (0-9, a-f); " +
           kWhereAccountId;
  }
  bool uppercase = false;
  for (char c : value) {
    if (IsUpperHex(c)) {
      uppercase = true;
    } else if (!IsLowerHex(c)) {
      return "contains " + ShowChar(c) +
             ", which is not a hexadecimal digit; an R2 Account ID has only 0-9 and a-f; " +
             kWhereAccountId;
    }
  }
  if (uppercase) {
    return "contains uppercase letters; R2 Account IDs are lowercase: set account_id to " +
           Lowercase(value);
  }
  return "";
}

std::string CheckAccessKeyId(std::string_view value) {
  if (HasSurroundingSpace(value)) {
    return "has spaces or line breaks before or after it; remove them";
  }
  if (value.size() != kAccessKeyIdLength) {
    std::string problem = "has " + Characters(value.size()) +
                          "; R2 Access Key IDs have 32 (shown with the Secret "
                          "Access Key when the R2 API token is created)";
    if (value.size() == kSecretLength) {
      problem +=
          "; 64 characters is the length of the Secret Access Key: were the two fields "
          "swapped?";
    } else if (value.size() == kApiTokenValueLength) {
      problem +=
          "; 40 characters looks like the token value used with Cloudflare's own API, "
          "which S3 clients do not use";
    }
    return problem;
  }
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x21 || u >= 0x7f || c == '/' || c == ',') {
      return "contains " + ShowChar(c) +
             ", which an Access Key ID never has; copy it again from the R2 API token page";
    }
  }
  return "";
}

std::string CheckSecretAccessKey(std::string_view value) {
  if (HasSurroundingSpace(value)) {
    return "has spaces or line breaks before or after it; remove them";
  }
  if (value.size() != kSecretLength) {
    std::string problem = "has " + Characters(value.size()) +
                          "; an R2 Secret Access Key is 64 hexadecimal characters";
    if (value.size() == kAccessKeyIdLength) {
      problem +=
          "; 32 characters is the length of the Access Key ID: were the two fields "
          "swapped?";
    } else if (value.size() == kApiTokenValueLength) {
      problem +=
          "; 40 characters looks like the token value used with Cloudflare's own API: "
          "use the Secret Access Key shown below it when the token was created";
    }
    return problem +
           ". It is shown only once: if you no longer have it, create a new R2 API "
           "token";
  }
  bool uppercase = false;
  for (char c : value) {
    if (IsUpperHex(c)) {
      uppercase = true;
    } else if (!IsLowerHex(c)) {
      return "is not 64 hexadecimal characters: it contains characters other than 0-9 and a-f; "
             "copy the Secret Access Key exactly as shown when the token was created";
    }
  }
  if (uppercase) {
    return "contains uppercase letters; R2 Secret Access Keys are lowercase hexadecimal: copy "
           "it exactly as shown when the token was created";
  }
  return "";
}

}  // namespace pluton::r2_provider
