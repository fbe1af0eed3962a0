#include "client/cli/lifecycle_input.h"

#include <cstdint>
#include <limits>
#include <map>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace pluton::storage::client {
namespace {

namespace v1 = ::pluton::storage::v1;
using nlohmann::json;

// The fields of a rule, by every accepted spelling, mapped to the canonical name.
const std::map<std::string, std::string, std::less<>>& FieldNames() {
  static const auto* const kNames = new std::map<std::string, std::string, std::less<>>{
      {"id", "id"},
      {"prefix", "prefix"},
      {"enabled", "enabled"},
      {"expire_after_days", "expire_after_days"},
      {"expireAfterDays", "expire_after_days"},
      {"abort_incomplete_upload_after_days", "abort_incomplete_upload_after_days"},
      {"abortIncompleteUploadAfterDays", "abort_incomplete_upload_after_days"},
  };
  return *kNames;
}

constexpr char kFieldList[] =
    "id, prefix, enabled, expire_after_days, abort_incomplete_upload_after_days";

// Collects one line per problem.
class Problems {
 public:
  void Add(const std::string& path, absl::string_view problem) {
    absl::StrAppend(&lines_, "\n  ", path, ": ", problem);
  }
  bool empty() const { return lines_.empty(); }
  absl::Status ToStatus(absl::string_view source) const {
    return absl::InvalidArgumentError(absl::StrCat(source, ": invalid lifecycle rules", lines_));
  }

 private:
  std::string lines_;
};

// A whole number of days: 0..INT32_MAX.
void ReadDays(const json& value, const std::string& path, int32_t* out, Problems& problems) {
  const bool whole = value.is_number_integer();
  if (!whole ||
      (value.is_number_unsigned() ? value.get<uint64_t>() > INT32_MAX
                                  : value.get<int64_t>() < 0 || value.get<int64_t>() > INT32_MAX)) {
    problems.Add(path, absl::StrCat("expected a whole number of days from 0 (never) to ",
                                    std::numeric_limits<int32_t>::max(), ", got ", value.dump()));
    return;
  }
  *out = static_cast<int32_t>(value.get<int64_t>());
}

v1::LifecycleRule ReadRule(const json& object, const std::string& path, Problems& problems) {
  v1::LifecycleRule rule;
  rule.set_enabled(true);
  if (!object.is_object()) {
    problems.Add(path,
                 absl::StrCat("expected a rule object {\"id\": ..., ...}, got ", object.dump()));
    return rule;
  }
  std::map<std::string, std::string> seen;  // canonical name -> spelling used
  for (const auto& [key, value] : object.items()) {
    const std::string field_path = absl::StrCat(path, ".", key);
    auto name = FieldNames().find(key);
    if (name == FieldNames().end()) {
      problems.Add(field_path, absl::StrCat("unknown field; a rule has ", kFieldList));
      continue;
    }
    const std::string& canonical = name->second;
    if (auto [it, inserted] = seen.emplace(canonical, key); !inserted) {
      problems.Add(field_path, absl::StrCat("given twice (also as ", it->second, ")"));
      continue;
    }
    if (canonical == "id" || canonical == "prefix") {
      if (!value.is_string()) {
        problems.Add(field_path, absl::StrCat("expected a string, got ", value.dump()));
      } else if (canonical == "id") {
        rule.set_id(value.get<std::string>());
      } else {
        rule.set_prefix(value.get<std::string>());
      }
    } else if (canonical == "enabled") {
      if (!value.is_boolean()) {
        problems.Add(field_path, absl::StrCat("expected true or false, got ", value.dump()));
      } else {
        rule.set_enabled(value.get<bool>());
      }
    } else if (canonical == "expire_after_days") {
      int32_t days = 0;
      ReadDays(value, field_path, &days, problems);
      rule.set_expire_after_days(days);
    } else {
      int32_t days = 0;
      ReadDays(value, field_path, &days, problems);
      rule.set_abort_incomplete_upload_after_days(days);
    }
  }
  if (!seen.count("id"))
    problems.Add(path + ".id", "required: the rule's name, unique in the bucket");
  return rule;
}

}  // namespace

absl::StatusOr<std::vector<v1::LifecycleRule>> ParseLifecycleRules(absl::string_view text,
                                                                   absl::string_view source) {
  json document;
  try {
    document = json::parse(text.begin(), text.end());
  } catch (const json::exception& e) {  // parse_error, or out_of_range for 1E400
    absl::string_view what = e.what();
    // "[json.exception.parse_error.101] parse error at line 2, column 3: ..." without the tag.
    if (size_t tag_end = what.find("] "); absl::StartsWith(what, "[") && tag_end != what.npos) {
      what.remove_prefix(tag_end + 2);
    }
    return absl::InvalidArgumentError(absl::StrCat(source, ": not valid JSON: ", what));
  }

  const json* rules = &document;
  if (document.is_object() && document.contains("rules")) {
    if (document.size() != 1) {
      return absl::InvalidArgumentError(
          absl::StrCat(source, ": an object with \"rules\" may hold nothing else"));
    }
    rules = &document["rules"];
    if (!rules->is_array()) {
      return absl::InvalidArgumentError(absl::StrCat(
          source, ": \"rules\" must be an array of rule objects, got ", rules->dump()));
    }
  } else if (!document.is_array() && !document.is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat(source,
                     ": expected an array of rules [{\"id\": ..., ...}], {\"rules\": [...]} or one "
                     "rule object"));
  }

  Problems problems;
  std::vector<v1::LifecycleRule> parsed;
  if (rules->is_object()) {
    parsed.push_back(ReadRule(*rules, "rule", problems));
  } else {
    for (size_t i = 0; i < rules->size(); ++i) {
      parsed.push_back(ReadRule((*rules)[i], absl::StrCat("rules[", i, "]"), problems));
    }
  }
  if (!problems.empty()) return problems.ToStatus(source);
  return parsed;
}

}  // namespace pluton::storage::client
