#include "auth/access_file.h"

#include <openssl/sha.h>

#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"
#include "nlohmann/json.hpp"

namespace pluton::storage {
namespace {

using json = nlohmann::json;

absl::Status Invalid(absl::string_view where, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(where, ": ", problem));
}

// Refuses keys outside `allowed` in object `entry`.
absl::Status CheckKeys(const json& entry, const std::string& where,
                       const std::set<std::string>& allowed) {
  for (const auto& item : entry.items()) {
    if (allowed.count(item.key()) == 0) {
      return Invalid(absl::StrCat(where, ".", item.key()),
                     absl::StrCat("unknown key; expected ", absl::StrJoin(allowed, ", ")));
    }
  }
  return absl::OkStatus();
}

bool IsHex(absl::string_view text) {
  for (char c : text) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

absl::StatusOr<std::string> RequiredString(const json& entry, const std::string& where,
                                           const std::string& key) {
  auto it = entry.find(key);
  if (it == entry.end()) return Invalid(absl::StrCat(where, ".", key), "missing");
  if (!it->is_string() || it->get<std::string>().empty()) {
    return Invalid(absl::StrCat(where, ".", key), "expected a non-empty string");
  }
  return it->get<std::string>();
}

// name, role and storages, shared by both kinds of entry.
absl::StatusOr<Principal> ParsePrincipal(const json& entry, const std::string& where) {
  Principal principal;
  ASSIGN_OR_RETURN(principal.name, RequiredString(entry, where, "name"));
  ASSIGN_OR_RETURN(const std::string role_name, RequiredString(entry, where, "role"));
  std::optional<Role> role = ParseRole(role_name);
  if (!role) {
    return Invalid(
        absl::StrCat(where, ".role"),
        absl::StrCat("unknown role \"", role_name, "\"; expected admin, agent or reader"));
  }
  principal.role = *role;
  auto storages = entry.find("storages");
  if (principal.role == Role::kAdmin) {
    if (storages != entry.end()) {
      return Invalid(absl::StrCat(where, ".storages"),
                     "an admin has every storage; remove \"storages\" or pick role agent or "
                     "reader");
    }
    return principal;
  }
  if (storages == entry.end() || !storages->is_array() || storages->empty()) {
    return Invalid(absl::StrCat(where, ".storages"),
                   absl::StrCat("role ", role_name,
                                " needs a non-empty list of storage ids or names (wildcards "
                                "allowed, e.g. \"team-b-*\")"));
  }
  for (size_t i = 0; i < storages->size(); ++i) {
    const json& pattern = (*storages)[i];
    if (!pattern.is_string() || pattern.get<std::string>().empty()) {
      return Invalid(absl::StrCat(where, ".storages[", i, "]"), "expected a non-empty string");
    }
    principal.storages.push_back(pattern.get<std::string>());
  }
  return principal;
}

absl::StatusOr<TokenEntry> ParseToken(const json& entry, const std::string& where) {
  if (!entry.is_object()) return Invalid(where, "expected an object");
  RETURN_IF_ERROR(CheckKeys(entry, where, {"name", "sha256", "role", "storages", "expires"}));
  TokenEntry token;
  ASSIGN_OR_RETURN(token.principal, ParsePrincipal(entry, where));
  ASSIGN_OR_RETURN(const std::string hex, RequiredString(entry, where, "sha256"));
  if (hex.size() != 64 || !IsHex(hex)) {
    return Invalid(absl::StrCat(where, ".sha256"),
                   "expected 64 hex digits, the SHA-256 of the token as `pluton-storage "
                   "hash-token` prints it (never the token itself)");
  }
  const std::string bytes = absl::HexStringToBytes(hex);
  std::copy(bytes.begin(), bytes.end(), token.sha256.begin());
  if (entry.contains("expires")) {
    ASSIGN_OR_RETURN(const std::string expires, RequiredString(entry, where, "expires"));
    std::string error;
    if (!absl::ParseTime(absl::RFC3339_full, expires, &token.expires, &error)) {
      return Invalid(
          absl::StrCat(where, ".expires"),
          absl::StrCat("expected an RFC 3339 time such as \"2027-06-30T00:00:00Z\" (", error, ")"));
    }
  }
  return token;
}

absl::StatusOr<CertificateEntry> ParseCertificate(const json& entry, const std::string& where) {
  if (!entry.is_object()) return Invalid(where, "expected an object");
  RETURN_IF_ERROR(CheckKeys(entry, where, {"name", "common_name", "san", "role", "storages"}));
  CertificateEntry certificate;
  ASSIGN_OR_RETURN(certificate.principal, ParsePrincipal(entry, where));
  const bool by_cn = entry.contains("common_name");
  if (by_cn == entry.contains("san")) {
    return Invalid(where, "give exactly one of \"common_name\" or \"san\"");
  }
  const std::string key = by_cn ? "common_name" : "san";
  ASSIGN_OR_RETURN(certificate.value, RequiredString(entry, where, key));
  certificate.match = by_cn ? CertificateEntry::Match::kCommonName : CertificateEntry::Match::kSan;
  return certificate;
}

// Parses list `key` of `root` (absent: empty) with `parse`.
template <class Entry, class Parse>
absl::Status ParseList(const json& root, const std::string& key, Parse parse,
                       std::vector<Entry>& out) {
  auto list = root.find(key);
  if (list == root.end()) return absl::OkStatus();
  if (!list->is_array()) return Invalid(key, "expected a list");
  for (size_t i = 0; i < list->size(); ++i) {
    ASSIGN_OR_RETURN(Entry entry, parse((*list)[i], absl::StrCat(key, "[", i, "]")));
    out.push_back(std::move(entry));
  }
  return absl::OkStatus();
}

// Names identify callers in logs, so they must be unique; two entries with one token or one
// certificate identity would make the caller's role depend on the order.
absl::Status CheckUnique(const AccessConfig& config) {
  std::set<std::string> names;
  std::set<TokenDigest> digests;
  std::set<std::pair<int, std::string>> identities;
  for (size_t i = 0; i < config.tokens.size(); ++i) {
    const TokenEntry& token = config.tokens[i];
    if (!names.insert(token.principal.name).second) {
      return Invalid(absl::StrCat("tokens[", i, "].name"),
                     absl::StrCat("\"", token.principal.name, "\" is used twice"));
    }
    if (!digests.insert(token.sha256).second) {
      return Invalid(absl::StrCat("tokens[", i, "].sha256"),
                     "the same token hash is listed twice; give each caller its own token");
    }
  }
  for (size_t i = 0; i < config.certificates.size(); ++i) {
    const CertificateEntry& certificate = config.certificates[i];
    if (!names.insert(certificate.principal.name).second) {
      return Invalid(absl::StrCat("certificates[", i, "].name"),
                     absl::StrCat("\"", certificate.principal.name, "\" is used twice"));
    }
    if (!identities.insert({static_cast<int>(certificate.match), certificate.value}).second) {
      return Invalid(absl::StrCat("certificates[", i, "]"),
                     absl::StrCat("\"", certificate.value, "\" is listed twice"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<AccessConfig> ParseAccessFile(absl::string_view text) {
  json root = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) return absl::InvalidArgumentError("not valid JSON");
  if (!root.is_object()) {
    return absl::InvalidArgumentError(
        "expected a JSON object with \"tokens\" and/or \"certificates\"");
  }
  RETURN_IF_ERROR(CheckKeys(root, "(top level)", {"tokens", "certificates"}));
  AccessConfig config;
  RETURN_IF_ERROR(ParseList(root, "tokens", ParseToken, config.tokens));
  RETURN_IF_ERROR(ParseList(root, "certificates", ParseCertificate, config.certificates));
  RETURN_IF_ERROR(CheckUnique(config));
  return config;
}

TokenDigest DigestToken(absl::string_view token) {
  TokenDigest digest;
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), digest.data());
  return digest;
}

}  // namespace pluton::storage
