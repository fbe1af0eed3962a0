#include "pluton/sdk/config_schema.h"

#include <algorithm>
#include <charconv>
#include <stdexcept>
#include <utility>

#include "nlohmann/json.hpp"
#include "pluton/sdk/abi_util.h"
#include "pluton/sdk/size.h"

namespace pluton::plugin_sdk {
namespace {

constexpr size_t kMaxEchoedValue = 64;

std::optional<int64_t> ParseInt(std::string_view text) {
  int64_t value = 0;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  if (text.empty() || text[0] == '+') return std::nullopt;
  auto [ptr, ec] = std::from_chars(begin, end, value);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

std::optional<bool> ParseBool(std::string_view text) {
  if (text == "true") return true;
  if (text == "false") return false;
  return std::nullopt;
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

// A user value quoted for a message: escaped, and cut after kMaxEchoedValue bytes.
std::string Quote(std::string_view value) {
  std::string out = "\"";
  const bool cut = value.size() > kMaxEchoedValue;
  for (char c : value.substr(0, kMaxEchoedValue)) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[(static_cast<unsigned char>(c) >> 4) & 0xf];
      out += kHex[static_cast<unsigned char>(c) & 0xf];
    } else {
      out += c;
    }
  }
  out += cut ? "...\"" : "\"";
  return out;
}

// Levenshtein distance, for "did you mean" on unknown fields.
size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// Why `value` is not valid for `spec`, or "" when it is. Names the fix; for a secret field the
// value itself is never included.
std::string CheckValue(const FieldSpec& spec, std::string_view value) {
  const std::string shown = spec.secret ? std::string("the value") : Quote(value);
  switch (spec.type) {
    case FieldType::kString:
      return "";
    case FieldType::kInteger:
      if (ParseInt(value)) return "";
      return shown + " is not an integer; use a whole number in digits, e.g. 42";
    case FieldType::kBool:
      if (ParseBool(value)) return "";
      return shown + " is not a bool; use true or false";
    case FieldType::kEnum:
      if (std::find(spec.allowed_values.begin(), spec.allowed_values.end(), value) !=
          spec.allowed_values.end()) {
        return "";
      }
      return shown + " is not an allowed value; use one of: " + Join(spec.allowed_values);
    case FieldType::kSize:
      if (ParseSize(value)) return "";
      return shown + " is not a size; use bytes (5242880) or a binary suffix (5MiB)";
  }
  return "";
}

std::string HowToSet(const FieldSpec& spec) {
  std::string out = "set " + spec.name;
  if (!spec.label.empty()) out += " (" + spec.label + ")";
  if (!spec.placeholder.empty() && !spec.secret) out += ", e.g. " + Quote(spec.placeholder);
  return out;
}

bool ValidName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

}  // namespace

const char* FieldTypeName(FieldType type) noexcept {
  switch (type) {
    case FieldType::kString:
      return "string";
    case FieldType::kInteger:
      return "integer";
    case FieldType::kBool:
      return "bool";
    case FieldType::kEnum:
      return "enum";
    case FieldType::kSize:
      return "size";
  }
  return "string";
}

// ----------------------------------------------------------------------------------------------
// ParsedConfig

const ParsedConfig::Value* ParsedConfig::Find(std::string_view name) const {
  auto it = values_.find(name);
  return it == values_.end() ? nullptr : &it->second;
}

bool ParsedConfig::Has(std::string_view name) const { return Find(name) != nullptr; }

bool ParsedConfig::IsExplicit(std::string_view name) const {
  const Value* value = Find(name);
  return value != nullptr && value->explicit_value;
}

std::string ParsedConfig::GetString(std::string_view name, std::string fallback) const {
  const Value* value = Find(name);
  return value == nullptr ? std::move(fallback) : value->text;
}

int64_t ParsedConfig::GetInt(std::string_view name, int64_t fallback) const {
  const Value* value = Find(name);
  if (value == nullptr) return fallback;
  return ParseInt(value->text).value_or(fallback);
}

bool ParsedConfig::GetBool(std::string_view name, bool fallback) const {
  const Value* value = Find(name);
  if (value == nullptr) return fallback;
  return ParseBool(value->text).value_or(fallback);
}

uint64_t ParsedConfig::GetSize(std::string_view name, uint64_t fallback) const {
  const Value* value = Find(name);
  if (value == nullptr) return fallback;
  return ParseSize(value->text).value_or(fallback);
}

// ----------------------------------------------------------------------------------------------
// ConfigSchema

ConfigSchema::ConfigSchema(std::vector<FieldSpec> fields) : fields_(std::move(fields)) {
  nlohmann::json array = nlohmann::json::array();
  for (size_t i = 0; i < fields_.size(); ++i) {
    const FieldSpec& f = fields_[i];
    if (!ValidName(f.name)) {
      throw std::invalid_argument("config schema: field name \"" + f.name + "\" is not [a-z0-9_]+");
    }
    for (size_t j = 0; j < i; ++j) {
      if (fields_[j].name == f.name) {
        throw std::invalid_argument("config schema: field \"" + f.name + "\" declared twice");
      }
    }
    if (f.type == FieldType::kEnum && f.allowed_values.empty()) {
      throw std::invalid_argument("config schema: enum field \"" + f.name +
                                  "\" has no allowed values");
    }
    if (f.type != FieldType::kEnum && !f.allowed_values.empty()) {
      throw std::invalid_argument("config schema: field \"" + f.name +
                                  "\" has allowed values but is not an enum");
    }
    if (!f.default_value.empty() && !CheckValue(f, f.default_value).empty()) {
      throw std::invalid_argument("config schema: default of field \"" + f.name +
                                  "\" is not a valid " + FieldTypeName(f.type));
    }
    nlohmann::json& entry = array.emplace_back(nlohmann::json{
        {"name", f.name},
        {"label", f.label},
        {"type", FieldTypeName(f.type)},
        {"required", f.required},
        {"secret", f.secret},
        {"default", f.default_value},
        {"allowed_values", f.allowed_values},
        {"help", f.help},
        {"advanced", f.advanced},
        {"placeholder", f.placeholder},
    });
    if (!f.format.empty()) entry["format"] = f.format;
    if (f.binds_secrets) entry["binds_secrets"] = true;
  }
  // Invalid UTF-8 in a label or help text is a plugin bug; replace it rather than throw.
  json_ = array.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

const FieldSpec* ConfigSchema::Find(std::string_view name) const {
  for (const FieldSpec& f : fields_) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

ValidationResult ConfigSchema::Validate(const pluton_config* config) const {
  ValidationResult result;
  std::vector<std::string> names;
  names.reserve(fields_.size());
  for (const FieldSpec& f : fields_) names.push_back(f.name);

  size_t count = 0;
  const pluton_kv* entries = nullptr;
  if (config != nullptr) {
    if (!PLUTON_SDK_HAS_FIELD(config, pluton_config, entries)) {
      result.violations.emplace_back(
          "", "the host passed a pluton_config smaller than ABI 1.0 (struct_size " +
                  std::to_string(config->struct_size) + "); this is a host bug");
      return result;
    }
    count = config->count;
    entries = config->entries;
    if (count > 0 && entries == nullptr) {
      result.violations.emplace_back("",
                                     "the host passed " + std::to_string(count) +
                                         " config entries but no entry array; this is a host bug");
      return result;
    }
  }

  std::vector<std::string> seen;          // every key met, to report duplicates once
  std::vector<std::string> reported_dup;  // keys already reported as duplicates
  for (size_t i = 0; i < count; ++i) {
    const pluton_kv& kv = entries[i];
    if (kv.key == nullptr) {
      result.violations.emplace_back(
          "", "config entry " + std::to_string(i) + " has no field name (NULL key)");
      continue;
    }
    const std::string key = kv.key;
    const FieldSpec* spec = Find(key);
    if (spec == nullptr) {
      std::string description = "unknown field; this provider's fields are: " + Join(names);
      const FieldSpec* closest = nullptr;
      size_t best = 3;  // suggest only close misspellings
      for (const FieldSpec& f : fields_) {
        const size_t d = EditDistance(key, f.name);
        if (d < best) {
          best = d;
          closest = &f;
        }
      }
      if (closest != nullptr) description += " (did you mean " + closest->name + "?)";
      result.violations.emplace_back(key, std::move(description));
      continue;
    }
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
      if (std::find(reported_dup.begin(), reported_dup.end(), key) == reported_dup.end()) {
        reported_dup.push_back(key);
        result.violations.emplace_back(key, "set more than once; set it once");
      }
      result.config.values_.erase(key);
      continue;
    }
    seen.push_back(key);
    if (kv.value == nullptr) {
      result.violations.emplace_back(key, "has no value (NULL); set a value or leave it out");
      continue;
    }
    const std::string_view value = kv.value;
    if (value.empty()) continue;  // "" means "not set": default or required check below
    std::string problem = CheckValue(*spec, value);
    if (!problem.empty()) {
      result.violations.emplace_back(key, std::move(problem));
      continue;
    }
    result.config.values_[key] = ParsedConfig::Value{std::string(value), true};
  }

  for (const FieldSpec& f : fields_) {
    if (result.config.Has(f.name)) continue;
    const bool present = std::find(seen.begin(), seen.end(), f.name) != seen.end();
    bool already_reported = false;
    for (const Violation& v : result.violations) already_reported |= v.first == f.name;
    if (already_reported) continue;
    if (f.required) {
      result.violations.emplace_back(
          f.name,
          std::string(present ? "required but empty; " : "required but not set; ") + HowToSet(f));
      continue;
    }
    if (!f.default_value.empty()) {
      result.config.values_[f.name] = ParsedConfig::Value{f.default_value, false};
    }
  }
  return result;
}

}  // namespace pluton::plugin_sdk
