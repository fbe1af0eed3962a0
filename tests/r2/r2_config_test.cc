// The r2 plugin's form and validation, through the real pluton_r2.so's C ABI.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "plugin_harness.h"

namespace pluton::r2_test {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kKey32Base64[] = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";  // bytes 0..31
constexpr char kKey16Base64[] = "AAECAwQFBgcICQoLDA0ODw==";

class R2ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const LoadedPlugin& plugin = LoadedPlugin::Get("pluton_r2.so");
    ASSERT_NE(plugin.api, nullptr) << plugin.load_error;
    api_ = plugin.api;
  }

  static Config Valid() {
    return Config{{"account_id", kAccountId},
                  {"access_key_id", kAdminKeyId},
                  {"secret_access_key", kAdminSecret}};
  }
  Error Validate(const Config& config) const {
    return Take(api_, api_->validate_config(config.get()));
  }
  // The description of the only violation of `config`, which must be for `field`.
  std::string OnlyViolation(const Config& config, const std::string& field) const {
    const Error error = Validate(config);
    EXPECT_FALSE(error.ok);
    EXPECT_EQ(error.code, PLUTON_INVALID_ARGUMENT);
    EXPECT_EQ(error.reason, "INVALID_CONFIG");
    EXPECT_EQ(error.violations.size(), 1u) << error;
    EXPECT_TRUE(error.HasViolation(field)) << error;
    return error.Violation(field);
  }
  nlohmann::json Field(const std::string& name) const {
    const nlohmann::json schema = nlohmann::json::parse(api_->config_schema_json());
    for (const nlohmann::json& field : schema) {
      if (field["name"] == name) return field;
    }
    ADD_FAILURE() << "no field " << name;
    return nlohmann::json::object();
  }

  const pluton_plugin_api* api_ = nullptr;
};

TEST_F(R2ConfigTest, IdentifiesAsCloudflareR2) {
  EXPECT_STREQ(api_->provider_id, "r2");
  EXPECT_STREQ(api_->display_name, "Cloudflare R2");
  EXPECT_EQ(api_->abi_major, static_cast<uint32_t>(PLUTON_PLUGIN_ABI_MAJOR));
}

TEST_F(R2ConfigTest, SchemaHasEveryFieldWithTypeDefaultAndFlags) {
  const nlohmann::json schema = nlohmann::json::parse(api_->config_schema_json());
  ASSERT_TRUE(schema.is_array());
  struct Expected {
    const char* name;
    const char* type;
    const char* default_value;
    bool required, secret, advanced;
  };
  const Expected expected[] = {
      {"account_id", "string", "", true, false, false},
      {"access_key_id", "string", "", true, false, false},
      {"secret_access_key", "string", "", true, true, false},
      {"jurisdiction", "enum", "default", false, false, false},
      {"endpoint", "string", "", false, false, true},
      {"server_side_encryption", "enum", "AES256", false, false, true},
      {"sse_customer_key", "string", "", false, true, true},
      {"storage_class", "enum", "STANDARD", false, false, true},
      {"chunk_size", "size", "5MiB", false, false, true},
      {"upload_cutoff", "size", "200MiB", false, false, true},
      {"disable_checksum", "bool", "false", false, false, true},
      {"md5_after_upload", "bool", "true", false, false, true},
      {"upload_concurrency", "integer", "4", false, false, true},
  };
  EXPECT_EQ(schema.size(), std::size(expected));
  for (const Expected& e : expected) {
    SCOPED_TRACE(e.name);
    const nlohmann::json field = Field(e.name);
    EXPECT_EQ(field["type"], e.type);
    EXPECT_EQ(field["default"], e.default_value);
    EXPECT_EQ(field["required"], e.required);
    EXPECT_EQ(field["secret"], e.secret);
    EXPECT_EQ(field["advanced"], e.advanced);
    EXPECT_FALSE(field["label"].get<std::string>().empty());
    EXPECT_GT(field["help"].get<std::string>().size(), 40u) << "help for people filling the form";
  }
  EXPECT_EQ(Field("jurisdiction")["allowed_values"],
            nlohmann::json::array({"default", "eu", "fedramp"}));
  EXPECT_EQ(Field("server_side_encryption")["allowed_values"],
            nlohmann::json::array({"AES256", "SSE-C"}));
  EXPECT_EQ(Field("storage_class")["allowed_values"],
            nlohmann::json::array({"STANDARD", "STANDARD_IA"}));
  EXPECT_THAT(Field("account_id")["help"].get<std::string>(), HasSubstr("Zone ID"));
  EXPECT_THAT(Field("secret_access_key")["help"].get<std::string>(), HasSubstr("only"));
}

TEST_F(R2ConfigTest, MinimalConfigIsValid) {
  EXPECT_TRUE(Validate(Valid()).ok) << Validate(Valid());
}

TEST_F(R2ConfigTest, FullConfigsAreValid) {
  Config full = Valid();
  full.Set("jurisdiction", "eu")
      .Set("endpoint", "http://127.0.0.1:9000")
      .Set("server_side_encryption", "SSE-C")
      .Set("sse_customer_key", kKey32Base64)
      .Set("storage_class", "STANDARD_IA")
      .Set("chunk_size", "16MiB")
      .Set("upload_cutoff", "5115MiB")  // exactly the single-PUT limit
      .Set("disable_checksum", "true")
      .Set("upload_concurrency", "64");
  EXPECT_TRUE(Validate(full).ok) << Validate(full);

  Config https = Valid();
  https.Set("endpoint", "https://s3.test.example:8443/")
      .Set("jurisdiction", "fedramp")
      .Set("server_side_encryption", "AES256")
      .Set("chunk_size", "5GiB")
      .Set("upload_concurrency", "1")
      .Set("upload_cutoff", "0");
  EXPECT_TRUE(Validate(https).ok) << Validate(https);
}

TEST_F(R2ConfigTest, MissingRequiredFieldsAreAllReported) {
  const Error error = Validate(Config{});
  ASSERT_FALSE(error.ok);
  EXPECT_EQ(error.violations.size(), 3u) << error;
  EXPECT_TRUE(error.HasViolation("account_id"));
  EXPECT_TRUE(error.HasViolation("access_key_id"));
  EXPECT_TRUE(error.HasViolation("secret_access_key"));
}

TEST_F(R2ConfigTest, EveryProblemIsReportedAtOnceWithItsFix) {
  Config config{{"account_id", "someone@example.com"},
                {"access_key_id", "abcdefghij0123456789"},
                {"secret_access_key",
                 "not-hex-not-hex-not-hex-not-hex-not-hex-not-hex-not-hex-not-"
                 "hex!"},
                {"chunk_size", "1MiB"},
                {"upload_cutoff", "6GiB"},
                {"server_side_encryption", "SSE-C"},
                {"upload_concurrency", "0"}};
  const Error error = Validate(config);
  ASSERT_FALSE(error.ok);
  EXPECT_EQ(error.code, PLUTON_INVALID_ARGUMENT);
  EXPECT_EQ(error.reason, "INVALID_CONFIG");
  EXPECT_EQ(error.violations.size(), 7u) << error;
  EXPECT_THAT(error.Violation("account_id"), HasSubstr("looks like an email address"));
  EXPECT_THAT(error.Violation("access_key_id"),
              HasSubstr("has 20 characters; R2 Access Key IDs have 32"));
  EXPECT_THAT(error.Violation("secret_access_key"), HasSubstr("64 hex"));
  EXPECT_THAT(error.Violation("chunk_size"), HasSubstr("below the minimum part size of 5MiB"));
  EXPECT_THAT(error.Violation("upload_cutoff"), HasSubstr("a cutoff above the single-PUT limit"));
  EXPECT_THAT(error.Violation("sse_customer_key"), HasSubstr("required with"));
  EXPECT_THAT(error.Violation("upload_concurrency"), HasSubstr("from 1 to 64"));
  // The message lists them all too.
  EXPECT_THAT(error.message, AllOf(HasSubstr("account_id"), HasSubstr("chunk_size"),
                                   HasSubstr("upload_concurrency")));
}

TEST_F(R2ConfigTest, EmailAsAccountIdSaysWhereTheAccountIdIs) {
  const std::string description =
      OnlyViolation(Valid().Set("account_id", "ops@example.com"), "account_id");
  EXPECT_THAT(description, HasSubstr("looks like an email address"));
  EXPECT_THAT(description, HasSubstr("32-character hex string in the R2 dashboard URL"));
  EXPECT_THAT(description, HasSubstr("overview page"));
  EXPECT_THAT(description, Not(HasSubstr("ops@example.com")));
}

TEST_F(R2ConfigTest, DashboardUrlAsAccountIdSuggestsTheIdInIt) {
  const std::string description = OnlyViolation(
      Valid().Set("account_id", "https://dash.cloudflare.com/0123456789ABCDEF0123456789abcdef/r2"),
      "account_id");
  EXPECT_THAT(description, HasSubstr("looks like a URL"));
  EXPECT_THAT(description, HasSubstr("set account_id to 0123456789abcdef0123456789abcdef"));
}

TEST_F(R2ConfigTest, EndpointUrlAsAccountIdSuggestsIdAndJurisdiction) {
  const std::string description =
      OnlyViolation(Valid().Set("account_id",
                                "https://0123456789abcdef0123456789abcdef.eu.r2."
                                "cloudflarestorage.com"),
                    "account_id");
  EXPECT_THAT(description, HasSubstr("set account_id to 0123456789abcdef0123456789abcdef"));
  EXPECT_THAT(description, HasSubstr("jurisdiction to eu"));
}

TEST_F(R2ConfigTest, UrlWithoutAnIdSaysWhereToFindIt) {
  const std::string description = OnlyViolation(
      Valid().Set("account_id", "https://dash.cloudflare.com/r2/overview"), "account_id");
  EXPECT_THAT(description, HasSubstr("no 32-character Account ID"));
}

TEST_F(R2ConfigTest, UppercaseAccountIdSuggestsLowercase) {
  const std::string description =
      OnlyViolation(Valid().Set("account_id", "0123456789ABCDEF0123456789ABCDEF"), "account_id");
  EXPECT_THAT(description, HasSubstr("uppercase"));
  EXPECT_THAT(description, HasSubstr("0123456789abcdef0123456789abcdef"));
}

TEST_F(R2ConfigTest, AccountIdOfWrongLengthSaysTheLength) {
  EXPECT_THAT(
      OnlyViolation(Valid().Set("account_id", "0123456789abcdef0123456789abcde"), "account_id"),
      HasSubstr("has 31 characters"));
  EXPECT_THAT(
      OnlyViolation(Valid().Set("account_id", "0123456789abcdef0123456789abcdef00"), "account_id"),
      HasSubstr("has 34 characters"));
}

TEST_F(R2ConfigTest, AccountIdWithNonHexOrSpacesIsRefused) {
  EXPECT_THAT(
      OnlyViolation(Valid().Set("account_id", "0123456789abcdef0123456789abcdeg"), "account_id"),
      HasSubstr("'g', which is not a hexadecimal digit"));
  EXPECT_THAT(
      OnlyViolation(Valid().Set("account_id", " 0123456789abcdef0123456789abcdef"), "account_id"),
      HasSubstr("spaces"));
}

TEST_F(R2ConfigTest, ZoneIdCannotBeToldApartFromAnAccountId) {
  // A Zone ID is 32 lowercase hex too: validation must accept it (Test Connection's messages
  // say "Account ID (not a Zone ID)" instead).
  EXPECT_TRUE(Validate(Valid().Set("account_id", "fedcba9876543210fedcba9876543210")).ok);
}

TEST_F(R2ConfigTest, AccessKeyIdOfWrongLengthSaysTheLength) {
  EXPECT_THAT(OnlyViolation(Valid().Set("access_key_id", "AKIAIOSFODNN7EXAMPLE"), "access_key_id"),
              HasSubstr("has 20 characters; R2 Access Key IDs have 32"));
  EXPECT_THAT(OnlyViolation(Valid().Set("access_key_id", kAdminSecret), "access_key_id"),
              HasSubstr("swapped"));
}

TEST_F(R2ConfigTest, SecretThatIsNot64HexIsRefusedWithoutEchoingIt) {
  const std::string short_secret = "SECRETVALUE0123456789abcdef0123456789abc";  // 40 characters
  const Error error = Validate(Valid().Set("secret_access_key", short_secret));
  ASSERT_EQ(error.violations.size(), 1u) << error;
  EXPECT_THAT(error.Violation("secret_access_key"), HasSubstr("has 40 characters"));
  EXPECT_THAT(error.Violation("secret_access_key"), HasSubstr("64 hex"));
  EXPECT_THAT(error.message, Not(HasSubstr("SECRETVALUE")));

  const std::string not_hex(64, 'z');
  const std::string description =
      OnlyViolation(Valid().Set("secret_access_key", not_hex), "secret_access_key");
  EXPECT_THAT(description, HasSubstr("64 hex"));
  EXPECT_THAT(description, Not(HasSubstr("zzzz")));

  EXPECT_THAT(
      OnlyViolation(Valid().Set("secret_access_key", std::string(64, 'A')), "secret_access_key"),
      HasSubstr("uppercase"));
}

TEST_F(R2ConfigTest, PartSizeMustBeBetween5MiBAnd5GiB) {
  EXPECT_THAT(OnlyViolation(Valid().Set("chunk_size", "4MiB"), "chunk_size"),
              HasSubstr("below the minimum part size of 5MiB"));
  EXPECT_THAT(OnlyViolation(Valid().Set("chunk_size", "6GiB"), "chunk_size"),
              HasSubstr("above the maximum part size of 5GiB"));
  EXPECT_THAT(OnlyViolation(Valid().Set("chunk_size", "lots"), "chunk_size"),
              HasSubstr("not a size"));
}

TEST_F(R2ConfigTest, CutoffAboveTheSinglePutLimitIsRefused) {
  EXPECT_THAT(OnlyViolation(Valid().Set("upload_cutoff", "5116MiB"), "upload_cutoff"),
              HasSubstr("a cutoff above the single-PUT limit"));
  EXPECT_THAT(OnlyViolation(Valid().Set("upload_cutoff", "5GiB"), "upload_cutoff"),
              HasSubstr("5115MiB"));
}

TEST_F(R2ConfigTest, ConcurrencyMustBeBetween1And64) {
  EXPECT_THAT(OnlyViolation(Valid().Set("upload_concurrency", "65"), "upload_concurrency"),
              HasSubstr("from 1 to 64"));
  EXPECT_THAT(OnlyViolation(Valid().Set("upload_concurrency", "-1"), "upload_concurrency"),
              HasSubstr("from 1 to 64"));
}

TEST_F(R2ConfigTest, SseCNeedsAKeyOf32Bytes) {
  EXPECT_THAT(OnlyViolation(Valid().Set("server_side_encryption", "SSE-C"), "sse_customer_key"),
              HasSubstr("required with server_side_encryption SSE-C"));
  const std::string description = OnlyViolation(
      Valid().Set("server_side_encryption", "SSE-C").Set("sse_customer_key", kKey16Base64),
      "sse_customer_key");
  EXPECT_THAT(description, HasSubstr("decodes to 16 bytes"));
  EXPECT_THAT(description, HasSubstr("32 bytes"));
  EXPECT_THAT(description, Not(HasSubstr(kKey16Base64)));
  EXPECT_THAT(OnlyViolation(Valid()
                                .Set("server_side_encryption", "SSE-C")
                                .Set("sse_customer_key", "not base64 at all!"),
                            "sse_customer_key"),
              HasSubstr("is not base64"));
}

TEST_F(R2ConfigTest, CustomerKeyWithoutSseCIsRefused) {
  EXPECT_THAT(OnlyViolation(Valid().Set("sse_customer_key", kKey32Base64), "sse_customer_key"),
              HasSubstr("not SSE-C"));
}

TEST_F(R2ConfigTest, KmsIsRefusedWithWhyAndWhatToUse) {
  for (const char* kms : {"aws:kms", "KMS", "SSE-KMS"}) {
    SCOPED_TRACE(kms);
    const std::string description =
        OnlyViolation(Valid().Set("server_side_encryption", kms), "server_side_encryption");
    EXPECT_THAT(description, HasSubstr("R2 does not support KMS"));
    EXPECT_THAT(description, HasSubstr("always encrypts"));
    EXPECT_THAT(description, HasSubstr("Use AES256"));
    EXPECT_THAT(description, HasSubstr("SSE-C"));
  }
  EXPECT_THAT(
      OnlyViolation(Valid().Set("server_side_encryption", "none"), "server_side_encryption"),
      HasSubstr("cannot be turned off"));
  EXPECT_THAT(
      OnlyViolation(Valid().Set("server_side_encryption", "aes256"), "server_side_encryption"),
      HasSubstr("AES256"));
}

TEST_F(R2ConfigTest, EnumsAndEndpointAreChecked) {
  EXPECT_THAT(OnlyViolation(Valid().Set("storage_class", "GLACIER"), "storage_class"),
              HasSubstr("STANDARD_IA"));
  EXPECT_THAT(OnlyViolation(Valid().Set("jurisdiction", "us"), "jurisdiction"),
              HasSubstr("fedramp"));
  EXPECT_THAT(OnlyViolation(Valid().Set("endpoint", "ftp://example.com"), "endpoint"),
              HasSubstr("http:// or https://"));
  EXPECT_THAT(OnlyViolation(Valid().Set("endpoint", "https://example.com/bucket"), "endpoint"),
              HasSubstr("path"));
  EXPECT_THAT(OnlyViolation(Valid().Set("endpoint", "http://127.0.0.1:99999"), "endpoint"),
              HasSubstr("port"));
}

TEST_F(R2ConfigTest, UnknownFieldsAreReported) {
  EXPECT_THAT(OnlyViolation(Valid().Set("acount_id", "x"), "acount_id"),
              HasSubstr("did you mean account_id"));
}

TEST_F(R2ConfigTest, NoMessageEverContainsASecret) {
  const std::string secret = "SUPERSECRETVALUE";
  Config config{{"account_id", "bad"},
                {"access_key_id", "short"},
                {"secret_access_key", secret},
                {"server_side_encryption", "AES256"},
                {"sse_customer_key", secret + "KEY"}};
  const Error error = Validate(config);
  ASSERT_FALSE(error.ok);
  EXPECT_THAT(error.message, Not(HasSubstr(secret)));
  for (const auto& [field, description] : error.violations) {
    EXPECT_THAT(description, Not(HasSubstr(secret))) << field;
  }
}

TEST_F(R2ConfigTest, Md5AfterUploadIsABoolAndAKnownField) {
  EXPECT_TRUE(Validate(Valid().Set("md5_after_upload", "false")).ok);
  EXPECT_TRUE(Validate(Valid().Set("md5_after_upload", "true").Set("disable_checksum", "true")).ok)
      << "accepted together; md5_after_upload then does nothing";
  EXPECT_THAT(OnlyViolation(Valid().Set("md5_after_upload", "yes"), "md5_after_upload"),
              HasSubstr("is not a bool; use true or false"));
}

}  // namespace
}  // namespace pluton::r2_test
