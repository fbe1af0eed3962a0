// A provider's configuration form: declared once as FieldSpecs, served as the JSON of
// pluton_plugin_api.config_schema_json, and used to check a pluton_config with every generic
// rule (unknown fields, required fields, value types), reporting all problems at once.
//
// Values: a pluton_config carries every value as a string. An absent field, or one set to
// "", takes its default (if any). Types:
//   kString  any text
//   kInteger a base-10 int64 ("-5", "42"; no "+", no spaces)
//   kBool    exactly "true" or "false"
//   kEnum    one of allowed_values, exact match
//   kSize    bytes, see ParseSize ("5242880", "5MiB")
//
// Secrets: messages never contain the value of a secret field, nor of an unknown field (it
// might be a misspelt secret).
//
// Thread safety: a ConfigSchema is immutable after construction; json(), Validate() and Find()
// may be called concurrently. ParsedConfig is an immutable value.
#ifndef PLUTON_PLUGINS_SDK_CONFIG_SCHEMA_H_
#define PLUTON_PLUGINS_SDK_CONFIG_SCHEMA_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "pluton/sdk/errors.h"
#include "pluton/storage_plugin.h"

namespace pluton::plugin_sdk {

enum class FieldType { kString, kInteger, kBool, kEnum, kSize };

// "string" | "integer" | "bool" | "enum" | "size", as in the schema JSON.
const char* FieldTypeName(FieldType type) noexcept;

// One field of the configuration form.
struct FieldSpec {
  std::string name;   // config key, [a-z0-9_]+, unique in the schema
  std::string label;  // short title for forms, e.g. "Root directory"
  FieldType type = FieldType::kString;
  bool required = false;                    // absent or "" is a violation
  bool secret = false;                      // never echoed; forms mask it
  std::string default_value;                // "" = no default; must be valid for `type`
  std::vector<std::string> allowed_values;  // kEnum only, non-empty
  std::string help;                         // one or two sentences for people
  bool advanced = false;                    // hidden behind "advanced" in forms
  std::string placeholder;                  // example shown in an empty input
  // What the value names, for the host's policy ("" for nothing it checks): "local_path", a
  // directory on the service's host that the host confines to its --local_root directories;
  // "endpoint", a URL the plugin sends requests to, checked against --allowed_endpoint.
  std::string format;
  // Changing the field re-targets the credentials (an endpoint, an account, a key id): the
  // host then requires the secret fields in the same update. Implied by format "endpoint".
  bool binds_secrets = false;
};

// A validated configuration: the user's values with defaults applied, typed on demand.
// Getters return `fallback` when the field has no value (not set and no default) or is not of
// the asked type (a plugin bug: the schema declares the type).
class ParsedConfig {
 public:
  ParsedConfig() = default;

  // True when the field has a value, set by the user or by its default.
  bool Has(std::string_view name) const;
  // True when the user set the field to a non-empty value (defaults do not count).
  bool IsExplicit(std::string_view name) const;

  std::string GetString(std::string_view name, std::string fallback = "") const;
  int64_t GetInt(std::string_view name, int64_t fallback = 0) const;
  bool GetBool(std::string_view name, bool fallback = false) const;
  uint64_t GetSize(std::string_view name, uint64_t fallback = 0) const;

 private:
  friend class ConfigSchema;
  struct Value {
    std::string text;
    bool explicit_value = false;
  };
  const Value* Find(std::string_view name) const;
  std::map<std::string, Value, std::less<>> values_;
};

// The outcome of ConfigSchema::Validate. `config` holds every field that parsed; check ok()
// before trusting it.
struct ValidationResult {
  ParsedConfig config;
  std::vector<Violation> violations;  // {field, description}; empty when valid
  bool ok() const { return violations.empty(); }
};

class ConfigSchema {
 public:
  // Throws std::invalid_argument when the specs are inconsistent (empty or duplicate name, a
  // name outside [a-z0-9_], an enum without allowed values, allowed values on a non-enum, a
  // default that is not valid for its type). Such a schema is a plugin bug; build schemas in a
  // function-local static inside a guarded call so the bug surfaces as an error, not a crash.
  explicit ConfigSchema(std::vector<FieldSpec> fields);

  // The schema as the JSON documented at config_schema_json: an array of objects with "name",
  // "label", "type", "required", "secret", "default" (a string, "" for none),
  // "allowed_values" (array of strings), "help", "advanced", "placeholder", and "format" and
  // "binds_secrets" when set. The pointer stays
  // valid for the schema object's lifetime.
  const char* json() const { return json_.c_str(); }

  const std::vector<FieldSpec>& fields() const { return fields_; }
  // nullptr when no field has this name.
  const FieldSpec* Find(std::string_view name) const;

  // Applies defaults and checks every generic rule, collecting all violations (one per wrong
  // field, in config order, then missing required fields in schema order):
  //   - a field the schema does not declare (the description lists the declared ones),
  //   - a field set more than once, or an entry with a NULL key or value,
  //   - a required field absent or empty,
  //   - a value that does not parse for its type (the description says what would).
  // `config` may be NULL (no fields set). Does not throw except std::bad_alloc.
  ValidationResult Validate(const pluton_config* config) const;

 private:
  std::vector<FieldSpec> fields_;
  std::string json_;
};

}  // namespace pluton::plugin_sdk

#endif  // PLUTON_PLUGINS_SDK_CONFIG_SCHEMA_H_
