// The generic s3 plugin's form and validation, through the real pluton_s3.so's C ABI.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "plugin_harness.h"

namespace pluton::r2_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kKey32Base64[] = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

class S3ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const LoadedPlugin& plugin = LoadedPlugin::Get("pluton_s3.so");
    ASSERT_NE(plugin.api, nullptr) << plugin.load_error;
    api_ = plugin.api;
  }
  static Config Valid() {
    return Config{{"endpoint", "http://127.0.0.1:9000"},
                  {"access_key_id", "minioadmin"},
                  {"secret_access_key", "minioadmin-secret"}};
  }
  Error Validate(const Config& config) const {
    return Take(api_, api_->validate_config(config.get()));
  }
  std::string OnlyViolation(const Config& config, const std::string& field) const {
    const Error error = Validate(config);
    EXPECT_EQ(error.violations.size(), 1u) << error;
    EXPECT_TRUE(error.HasViolation(field)) << error;
    return error.Violation(field);
  }
  nlohmann::json Field(const std::string& name) const {
    for (const nlohmann::json& field : nlohmann::json::parse(api_->config_schema_json())) {
      if (field["name"] == name) return field;
    }
    ADD_FAILURE() << "no field " << name;
    return nlohmann::json::object();
  }

  const pluton_plugin_api* api_ = nullptr;
};

TEST_F(S3ConfigTest, IdentifiesAsS3CompatibleStorage) {
  EXPECT_STREQ(api_->provider_id, "s3");
  EXPECT_STREQ(api_->display_name, "S3-compatible storage");
}

TEST_F(S3ConfigTest, SchemaHasEveryFieldWithTypeDefaultAndFlags) {
  struct Expected {
    const char* name;
    const char* type;
    const char* default_value;
    bool required, secret, advanced;
  };
  const Expected expected[] = {
      {"endpoint", "string", "", false, false, false},
      {"region", "string", "us-east-1", false, false, false},
      {"path_style", "bool", "true", false, false, false},
      {"access_key_id", "string", "", true, false, false},
      {"secret_access_key", "string", "", true, true, false},
      {"server_side_encryption", "enum", "none", false, false, true},
      {"sse_kms_key_id", "string", "", false, false, true},
      {"sse_customer_key", "string", "", false, true, true},
      {"storage_class", "string", "", false, false, true},
      {"chunk_size", "size", "5MiB", false, false, true},
      {"upload_cutoff", "size", "200MiB", false, false, true},
      {"upload_concurrency", "integer", "4", false, false, true},
      {"disable_checksum", "bool", "false", false, false, true},
      {"md5_after_upload", "bool", "true", false, false, true},
  };
  EXPECT_EQ(nlohmann::json::parse(api_->config_schema_json()).size(), std::size(expected));
  for (const Expected& e : expected) {
    SCOPED_TRACE(e.name);
    const nlohmann::json field = Field(e.name);
    EXPECT_EQ(field["type"], e.type);
    EXPECT_EQ(field["default"], e.default_value);
    EXPECT_EQ(field["required"], e.required);
    EXPECT_EQ(field["secret"], e.secret);
    EXPECT_EQ(field["advanced"], e.advanced);
    EXPECT_GT(field["help"].get<std::string>().size(), 30u);
  }
  EXPECT_EQ(Field("server_side_encryption")["allowed_values"],
            nlohmann::json::array({"none", "AES256", "aws:kms", "SSE-C"}));
}

TEST_F(S3ConfigTest, ValidConfigs) {
  EXPECT_TRUE(Validate(Valid()).ok) << Validate(Valid());
  // No endpoint: AWS S3 in the region.
  EXPECT_TRUE(Validate(Config{{"access_key_id", "AKIAIOSFODNN7EXAMPLE"},
                              {"secret_access_key", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"},
                              {"region", "eu-central-1"},
                              {"path_style", "false"},
                              {"server_side_encryption", "aws:kms"},
                              {"sse_kms_key_id", "alias/backups"},
                              {"storage_class", "INTELLIGENT_TIERING"}})
                  .ok);
  EXPECT_TRUE(Validate(Valid()
                           .Set("server_side_encryption", "SSE-C")
                           .Set("sse_customer_key", kKey32Base64)
                           .Set("chunk_size", "64MiB")
                           .Set("upload_concurrency", "16"))
                  .ok);
  EXPECT_TRUE(Validate(Valid().Set("endpoint", "https://s3.wasabisys.com")).ok);
}

TEST_F(S3ConfigTest, EveryProblemIsReportedAtOnce) {
  const Error error = Validate(Config{{"endpoint", "s3.example.com"},
                                      {"region", "US East"},
                                      {"access_key_id", "has space"},
                                      {"secret_access_key", "x"},
                                      {"server_side_encryption", "AES256"},
                                      {"sse_kms_key_id", "alias/x"},
                                      {"storage_class", "standard"},
                                      {"chunk_size", "1MiB"},
                                      {"upload_cutoff", "10GiB"}});
  ASSERT_FALSE(error.ok);
  EXPECT_EQ(error.violations.size(), 7u) << error;
  EXPECT_THAT(error.Violation("endpoint"), HasSubstr("http:// or https://"));
  EXPECT_THAT(error.Violation("region"), HasSubstr("us-east-1"));
  EXPECT_THAT(error.Violation("access_key_id"), HasSubstr("space"));
  EXPECT_THAT(error.Violation("sse_kms_key_id"), HasSubstr("not aws:kms"));
  EXPECT_THAT(error.Violation("storage_class"), HasSubstr("STANDARD_IA"));
  EXPECT_THAT(error.Violation("chunk_size"), HasSubstr("below the minimum part size of 5MiB"));
  EXPECT_THAT(error.Violation("upload_cutoff"), HasSubstr("a cutoff above the single-PUT limit"));
}

TEST_F(S3ConfigTest, EncryptionModes) {
  EXPECT_THAT(OnlyViolation(Valid().Set("server_side_encryption", "SSE-C"), "sse_customer_key"),
              HasSubstr("required with server_side_encryption SSE-C"));
  EXPECT_THAT(OnlyViolation(Valid()
                                .Set("server_side_encryption", "SSE-C")
                                .Set("sse_customer_key", "AAECAwQFBgcICQoLDA0ODw=="),
                            "sse_customer_key"),
              HasSubstr("decodes to 16 bytes"));
  EXPECT_THAT(OnlyViolation(Valid().Set("server_side_encryption", "KMS"), "server_side_encryption"),
              HasSubstr("aws:kms"));
  EXPECT_THAT(OnlyViolation(Valid().Set("sse_customer_key", kKey32Base64), "sse_customer_key"),
              HasSubstr("not SSE-C"));
}

TEST_F(S3ConfigTest, VirtualHostStyleNeedsAHostName) {
  EXPECT_THAT(OnlyViolation(Valid().Set("path_style", "false"), "path_style"),
              HasSubstr("set path_style to true"));
  EXPECT_TRUE(
      Validate(Valid().Set("endpoint", "https://s3.example.com").Set("path_style", "false")).ok);
}

TEST_F(S3ConfigTest, SecretsAreNeverEchoed) {
  const Error error = Validate(Config{{"access_key_id", "AKIA"},
                                      {"secret_access_key", " SUPERSECRET "},
                                      {"server_side_encryption", "SSE-C"},
                                      {"sse_customer_key", "SUPERSECRETKEY"}});
  ASSERT_FALSE(error.ok);
  EXPECT_THAT(error.message, Not(HasSubstr("SUPERSECRET")));
}

TEST_F(S3ConfigTest, Md5AfterUploadIsABoolAndAKnownField) {
  EXPECT_TRUE(Validate(Valid().Set("md5_after_upload", "false")).ok);
  EXPECT_TRUE(Validate(Valid().Set("md5_after_upload", "true").Set("disable_checksum", "true")).ok)
      << "accepted together; md5_after_upload then does nothing";
  EXPECT_THAT(OnlyViolation(Valid().Set("md5_after_upload", "yes"), "md5_after_upload"),
              HasSubstr("is not a bool; use true or false"));
}

}  // namespace
}  // namespace pluton::r2_test
