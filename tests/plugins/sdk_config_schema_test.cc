#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "pluton/sdk/config_schema.h"

namespace pluton::plugin_sdk {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::Pair;

// Owns the strings of a pluton_config built for a test.
class Config {
 public:
  Config(std::initializer_list<std::pair<std::string, std::string>> entries) : strings_(entries) {
    for (const auto& [k, v] : strings_) kvs_.push_back({k.c_str(), v.c_str()});
    config_ = {sizeof(pluton_config), kvs_.size(), kvs_.empty() ? nullptr : kvs_.data()};
  }
  const pluton_config* get() const { return &config_; }

 private:
  std::vector<std::pair<std::string, std::string>> strings_;
  std::vector<pluton_kv> kvs_;
  pluton_config config_;
};

FieldSpec Field(std::string name, FieldType type) {
  FieldSpec f;
  f.name = std::move(name);
  f.label = "Label of " + f.name;
  f.type = type;
  return f;
}

// A schema with one field of every type.
ConfigSchema TestSchema() {
  std::vector<FieldSpec> fields;
  FieldSpec account = Field("account_id", FieldType::kString);
  account.required = true;
  account.help = "The account.";
  account.placeholder = "0123abcd";
  fields.push_back(account);

  FieldSpec secret = Field("secret_access_key", FieldType::kString);
  secret.required = true;
  secret.secret = true;
  fields.push_back(secret);

  FieldSpec retries = Field("max_retries", FieldType::kInteger);
  retries.default_value = "3";
  fields.push_back(retries);

  FieldSpec tls = Field("verify_tls", FieldType::kBool);
  tls.default_value = "true";
  tls.advanced = true;
  fields.push_back(tls);

  FieldSpec klass = Field("storage_class", FieldType::kEnum);
  klass.allowed_values = {"STANDARD", "INFREQUENT_ACCESS"};
  klass.default_value = "STANDARD";
  fields.push_back(klass);

  FieldSpec chunk = Field("chunk_size", FieldType::kSize);
  chunk.default_value = "5MiB";
  fields.push_back(chunk);

  FieldSpec pin = Field("pin", FieldType::kInteger);  // secret integer, no default
  pin.secret = true;
  fields.push_back(pin);

  FieldSpec region = Field("region", FieldType::kString);  // optional, no default
  fields.push_back(region);
  return ConfigSchema(std::move(fields));
}

TEST(ConfigSchemaTest, JsonHasEveryDocumentedKey) {
  const ConfigSchema schema = TestSchema();
  const nlohmann::json json = nlohmann::json::parse(schema.json());
  ASSERT_TRUE(json.is_array());
  ASSERT_EQ(json.size(), 8u);
  for (const auto& field : json) {
    for (const char* key : {"name", "label", "type", "required", "secret", "default",
                            "allowed_values", "help", "advanced", "placeholder"}) {
      EXPECT_TRUE(field.contains(key)) << key << " in " << field.dump();
    }
  }
  EXPECT_EQ(json[0]["name"], "account_id");
  EXPECT_EQ(json[0]["label"], "Label of account_id");
  EXPECT_EQ(json[0]["type"], "string");
  EXPECT_EQ(json[0]["required"], true);
  EXPECT_EQ(json[0]["secret"], false);
  EXPECT_EQ(json[0]["default"], "");
  EXPECT_EQ(json[0]["help"], "The account.");
  EXPECT_EQ(json[0]["placeholder"], "0123abcd");
  EXPECT_EQ(json[1]["secret"], true);
  EXPECT_EQ(json[2]["type"], "integer");
  EXPECT_EQ(json[2]["default"], "3");
  EXPECT_EQ(json[3]["type"], "bool");
  EXPECT_EQ(json[3]["advanced"], true);
  EXPECT_EQ(json[4]["type"], "enum");
  EXPECT_EQ(json[4]["allowed_values"], nlohmann::json::array({"STANDARD", "INFREQUENT_ACCESS"}));
  EXPECT_EQ(json[5]["type"], "size");
  EXPECT_EQ(json[5]["default"], "5MiB");
  // Stable pointer for the schema's lifetime.
  EXPECT_EQ(schema.json(), schema.json());
}

TEST(ConfigSchemaTest, InconsistentSpecsThrow) {
  EXPECT_THROW(ConfigSchema({Field("", FieldType::kString)}), std::invalid_argument);
  EXPECT_THROW(ConfigSchema({Field("Bad-Name", FieldType::kString)}), std::invalid_argument);
  EXPECT_THROW(ConfigSchema({Field("a", FieldType::kString), Field("a", FieldType::kBool)}),
               std::invalid_argument);
  EXPECT_THROW(ConfigSchema({Field("e", FieldType::kEnum)}), std::invalid_argument);
  FieldSpec allowed_on_string = Field("s", FieldType::kString);
  allowed_on_string.allowed_values = {"x"};
  EXPECT_THROW(ConfigSchema({allowed_on_string}), std::invalid_argument);
  FieldSpec bad_default = Field("n", FieldType::kSize);
  bad_default.default_value = "lots";
  EXPECT_THROW(ConfigSchema({bad_default}), std::invalid_argument);
  EXPECT_NO_THROW(ConfigSchema({}));
}

TEST(ConfigSchemaTest, ValidConfigAppliesDefaults) {
  const ConfigSchema schema = TestSchema();
  const Config config{{"account_id", "acct"}, {"secret_access_key", "s3cr3t"}};
  const ValidationResult result = schema.Validate(config.get());
  ASSERT_TRUE(result.ok()) << result.violations.size();
  const ParsedConfig& c = result.config;
  EXPECT_EQ(c.GetString("account_id"), "acct");
  EXPECT_TRUE(c.IsExplicit("account_id"));
  EXPECT_EQ(c.GetInt("max_retries"), 3);
  EXPECT_TRUE(c.Has("max_retries"));
  EXPECT_FALSE(c.IsExplicit("max_retries"));
  EXPECT_TRUE(c.GetBool("verify_tls"));
  EXPECT_EQ(c.GetString("storage_class"), "STANDARD");
  EXPECT_EQ(c.GetSize("chunk_size"), 5u * 1024 * 1024);
  EXPECT_FALSE(c.Has("region"));
  EXPECT_EQ(c.GetString("region", "auto"), "auto");
  EXPECT_EQ(c.GetInt("pin", -7), -7);
  EXPECT_FALSE(c.Has("no_such_field"));
}

TEST(ConfigSchemaTest, ExplicitValuesOverrideDefaultsAndEmptyMeansUnset) {
  const ConfigSchema schema = TestSchema();
  const Config config{{"account_id", "acct"},
                      {"secret_access_key", "k"},
                      {"max_retries", "-2"},
                      {"verify_tls", "false"},
                      {"storage_class", "INFREQUENT_ACCESS"},
                      {"chunk_size", "16M"},
                      {"region", ""}};
  const ValidationResult result = schema.Validate(config.get());
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.config.GetInt("max_retries"), -2);
  EXPECT_FALSE(result.config.GetBool("verify_tls", true));
  EXPECT_EQ(result.config.GetString("storage_class"), "INFREQUENT_ACCESS");
  EXPECT_EQ(result.config.GetSize("chunk_size"), 16u << 20);
  EXPECT_FALSE(result.config.Has("region"));
}

TEST(ConfigSchemaTest, CollectsEveryViolationAtOnce) {
  const ConfigSchema schema = TestSchema();
  const Config config{{"acount_id", "typo"},   {"max_retries", "three"},
                      {"verify_tls", "maybe"}, {"storage_class", "GLACIER"},
                      {"chunk_size", "abc"},   {"secret_access_key", ""}};
  const ValidationResult result = schema.Validate(config.get());
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(
      result.violations,
      ElementsAre(
          Pair("acount_id", AllOf(HasSubstr("unknown field"),
                                  HasSubstr("account_id, secret_access_key, max_retries, "
                                            "verify_tls, storage_class, chunk_size, pin, region"),
                                  HasSubstr("did you mean account_id?"))),
          Pair("max_retries", AllOf(HasSubstr("\"three\" is not an integer"), HasSubstr("42"))),
          Pair("verify_tls", "\"maybe\" is not a bool; use true or false"),
          Pair("storage_class", AllOf(HasSubstr("\"GLACIER\" is not an allowed value"),
                                      HasSubstr("use one of: STANDARD, INFREQUENT_ACCESS"))),
          Pair("chunk_size",
               "\"abc\" is not a size; use bytes (5242880) or a binary suffix (5MiB)"),
          Pair("account_id", AllOf(HasSubstr("required but not set"),
                                   HasSubstr("Label of account_id"), HasSubstr("0123abcd"))),
          Pair("secret_access_key", HasSubstr("required but empty"))));
}

TEST(ConfigSchemaTest, NullAndEmptyConfigReportRequiredFields) {
  const ConfigSchema schema = TestSchema();
  const ValidationResult from_null = schema.Validate(nullptr);
  EXPECT_THAT(from_null.violations,
              ElementsAre(Pair("account_id", HasSubstr("required but not set")),
                          Pair("secret_access_key", HasSubstr("required but not set"))));
  const Config empty{};
  EXPECT_EQ(schema.Validate(empty.get()).violations.size(), 2u);
}

TEST(ConfigSchemaTest, SecretValuesAreNeverEchoed) {
  const ConfigSchema schema = TestSchema();
  const std::string secret = "hunter2-VERY-SECRET";
  const Config config{{"account_id", "a"},
                      {"secret_access_key", secret},
                      {"pin", secret},                 // secret integer, invalid
                      {"secret_acess_key", secret},    // unknown (misspelt secret)
                      {"secret_access_key", secret}};  // duplicate
  const ValidationResult result = schema.Validate(config.get());
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.violations,
              ElementsAre(Pair("pin",
                               "the value is not an integer; use a whole number in "
                               "digits, e.g. 42"),
                          Pair("secret_acess_key", HasSubstr("unknown field")),
                          Pair("secret_access_key", HasSubstr("set more than once"))));
  for (const auto& [field, description] : result.violations) {
    EXPECT_THAT(description, Not(HasSubstr("hunter2"))) << field;
  }
}

TEST(ConfigSchemaTest, LongAndControlValuesAreQuotedSafely) {
  const ConfigSchema schema = TestSchema();
  const Config config{{"account_id", "a"},
                      {"secret_access_key", "k"},
                      {"max_retries", std::string(200, '9') + "x"},
                      {"verify_tls", "tr\"ue\n"}};
  const ValidationResult result = schema.Validate(config.get());
  ASSERT_EQ(result.violations.size(), 2u);
  EXPECT_THAT(result.violations[0].second, HasSubstr("...\" is not an integer"));
  EXPECT_LT(result.violations[0].second.size(), 150u);
  EXPECT_THAT(result.violations[1].second, HasSubstr("\"tr\\\"ue\\x0a\" is not a bool"));
}

TEST(ConfigSchemaTest, IntegerEdges) {
  const ConfigSchema schema({Field("n", FieldType::kInteger)});
  for (const char* ok : {"0", "-1", "9223372036854775807", "-9223372036854775808"}) {
    const Config config{{"n", ok}};
    EXPECT_TRUE(schema.Validate(config.get()).ok()) << ok;
  }
  for (const char* bad : {"+1", "1.0", " 1", "1 ", "9223372036854775808", "0x1", "1e3", "-"}) {
    const Config config{{"n", bad}};
    EXPECT_FALSE(schema.Validate(config.get()).ok()) << bad;
  }
}

TEST(ConfigSchemaTest, BoolIsStrict) {
  const ConfigSchema schema({Field("b", FieldType::kBool)});
  for (const char* bad : {"TRUE", "True", "1", "0", "yes", "on"}) {
    const Config config{{"b", bad}};
    EXPECT_FALSE(schema.Validate(config.get()).ok()) << bad;
  }
}

TEST(ConfigSchemaTest, MalformedHostInput) {
  const ConfigSchema schema({Field("a", FieldType::kString)});
  pluton_kv kvs[] = {{nullptr, "x"}, {"a", nullptr}};
  pluton_config config = {sizeof(pluton_config), 2, kvs};
  ValidationResult result = schema.Validate(&config);
  EXPECT_THAT(result.violations,
              ElementsAre(Pair("", HasSubstr("NULL key")), Pair("a", HasSubstr("has no value"))));

  pluton_config no_entries = {sizeof(pluton_config), 3, nullptr};
  result = schema.Validate(&no_entries);
  EXPECT_THAT(result.violations, ElementsAre(Pair("", HasSubstr("host bug"))));

  pluton_config tiny = {sizeof(size_t), 1, kvs};
  result = schema.Validate(&tiny);
  EXPECT_THAT(result.violations, ElementsAre(Pair("", HasSubstr("struct_size"))));
}

TEST(ConfigSchemaTest, GettersOfTheWrongTypeReturnFallback) {
  const ConfigSchema schema({Field("s", FieldType::kString)});
  const Config config{{"s", "text"}};
  const ValidationResult result = schema.Validate(config.get());
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.config.GetInt("s", 11), 11);
  EXPECT_TRUE(result.config.GetBool("s", true));
  EXPECT_EQ(result.config.GetSize("s", 12), 12u);
  EXPECT_THAT(result.violations, IsEmpty());
}

}  // namespace
}  // namespace pluton::plugin_sdk
