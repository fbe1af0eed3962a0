// ParseLifecycleRules: the shapes of a rules file, defaults, both spellings, and errors.
#include "client/cli/lifecycle_input.h"

#include <gtest/gtest.h>

namespace pluton::storage::client {
namespace {

std::vector<v1::LifecycleRule> Rules(absl::string_view text) {
  auto rules = ParseLifecycleRules(text, "f.json");
  EXPECT_TRUE(rules.ok()) << rules.status();
  return rules.value_or(std::vector<v1::LifecycleRule>{});
}

std::string Error(absl::string_view text) {
  auto rules = ParseLifecycleRules(text, "f.json");
  EXPECT_FALSE(rules.ok());
  EXPECT_EQ(rules.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(rules.status().message());
}

TEST(ParseLifecycleRulesTest, ArrayObjectOrSingleRule) {
  EXPECT_EQ(Rules(R"([{"id": "a", "expire_after_days": 1}, {"id": "b"}])").size(), 2u);
  EXPECT_EQ(Rules(R"({"rules": [{"id": "a"}]})").size(), 1u);
  EXPECT_EQ(Rules(R"({"id": "a", "prefix": "p/"})")[0].prefix(), "p/");
  EXPECT_TRUE(Rules("[]").empty());
  EXPECT_TRUE(Rules(R"({"rules": []})").empty());
}

TEST(ParseLifecycleRulesTest, DefaultsAndCamelCase) {
  v1::LifecycleRule rule =
      Rules(R"([{"id": "a", "expireAfterDays": 30, "abortIncompleteUploadAfterDays": 2}])")[0];
  EXPECT_EQ(rule.id(), "a");
  EXPECT_EQ(rule.prefix(), "");
  EXPECT_TRUE(rule.enabled());
  EXPECT_EQ(rule.expire_after_days(), 30);
  EXPECT_EQ(rule.abort_incomplete_upload_after_days(), 2);
  EXPECT_FALSE(Rules(R"({"id": "a", "enabled": false})")[0].enabled());
  EXPECT_EQ(Rules(R"({"id": "a", "expire_after_days": 2147483647})")[0].expire_after_days(),
            2147483647);
}

TEST(ParseLifecycleRulesTest, NamesEachProblem) {
  EXPECT_EQ(Error(R"({"id": "a", "expire_after_days": 1, "expireAfterDays": 2})"),
            "f.json: invalid lifecycle rules\n"
            "  rule.expire_after_days: given twice (also as expireAfterDays)");
  EXPECT_EQ(Error(R"({"id": "a", "expire_after_days": 1.5})"),
            "f.json: invalid lifecycle rules\n"
            "  rule.expire_after_days: expected a whole number of days from 0 (never) to "
            "2147483647, got 1.5");
  EXPECT_EQ(Error(R"({"id": "a", "expire_after_days": 2147483648})"),
            "f.json: invalid lifecycle rules\n"
            "  rule.expire_after_days: expected a whole number of days from 0 (never) to "
            "2147483647, got 2147483648");
  EXPECT_EQ(Error(R"([{"id": 1}, "x"])"),
            "f.json: invalid lifecycle rules\n"
            "  rules[0].id: expected a string, got 1\n"
            "  rules[1]: expected a rule object {\"id\": ..., ...}, got \"x\"");
}

TEST(ParseLifecycleRulesTest, WrongShapes) {
  EXPECT_EQ(Error("42"),
            "f.json: expected an array of rules [{\"id\": ..., ...}], {\"rules\": [...]} or one "
            "rule object");
  EXPECT_EQ(Error(R"({"rules": {}})"),
            "f.json: \"rules\" must be an array of rule objects, got {}");
  EXPECT_EQ(Error(R"({"rules": [], "id": "a"})"),
            "f.json: an object with \"rules\" may hold nothing else");
  EXPECT_EQ(Error(""),
            "f.json: not valid JSON: parse error at line 1, column 1: syntax error "
            "while parsing value - unexpected end of input; expected '[', '{', or a "
            "literal");
  // A number too large for a double is an error, not an exception (found by fuzzing).
  EXPECT_EQ(Error(R"([{"id": "a", "expire_after_days": 1E400}])"),
            "f.json: not valid JSON: number overflow parsing '1E400'");
}

}  // namespace
}  // namespace pluton::storage::client
