#include "client/cli/config_input.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

namespace pluton::storage::client {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

// Environment variables and files from maps.
InputEnv FakeEnv(std::map<std::string, std::string> vars,
                 std::map<std::string, std::string> files) {
  InputEnv env;
  env.getenv = [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
  env.read_file = [files](const std::string& path) -> absl::StatusOr<std::string> {
    auto it = files.find(path);
    if (it == files.end()) {
      return absl::NotFoundError("cannot read " + path + ": No such file or directory");
    }
    return it->second;
  };
  return env;
}

TEST(ParseKeyValueTest, SplitsAtTheFirstEquals) {
  auto kv = ParseKeyValue("endpoint=https://x/?a=b", "--set");
  ASSERT_TRUE(kv.ok());
  EXPECT_EQ(kv->first, "endpoint");
  EXPECT_EQ(kv->second, "https://x/?a=b");
  auto empty = ParseKeyValue("prefix=", "--set");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->first, "prefix");
  EXPECT_EQ(empty->second, "");
}

TEST(ParseKeyValueTest, RejectsMissingKeyOrEquals) {
  EXPECT_EQ(ParseKeyValue("region", "--set").status().message(),
            "--set: expected KEY=VALUE, got \"region\"");
  EXPECT_EQ(ParseKeyValue("=x", "--metadata").status().message(),
            "--metadata: expected KEY=VALUE, got \"=x\"");
}

TEST(ParseKeyValuesTest, RefusesDuplicates) {
  auto values = ParseKeyValues({"a=1", "b=2"}, "--metadata");
  ASSERT_TRUE(values.ok());
  EXPECT_THAT(*values, ElementsAre(Pair("a", "1"), Pair("b", "2")));
  EXPECT_EQ(ParseKeyValues({"a=1", "a=2"}, "--metadata").status().message(),
            "--metadata: key \"a\" is given more than once");
}

TEST(ParseConfigJsonTest, AcceptsStringsNumbersAndBools) {
  auto config =
      ParseConfigJson(R"({"region": "auto", "chunk": 5242880, "fsync": false})", "c.json");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_THAT(*config, ElementsAre(Pair("chunk", "5242880"), Pair("fsync", "false"),
                                   Pair("region", "auto")));
}

TEST(ParseConfigJsonTest, RejectsOtherShapes) {
  EXPECT_EQ(ParseConfigJson("{", "c.json").status().message(), "c.json: not valid JSON");
  EXPECT_EQ(ParseConfigJson("[1]", "c.json").status().message(),
            "c.json: expected a JSON object of strings, e.g. {\"region\": \"auto\"}");
  EXPECT_EQ(ParseConfigJson(R"({"a": {"b": 1}})", "c.json").status().message(),
            "c.json: the value of \"a\" must be a string");
  EXPECT_EQ(ParseConfigJson(R"({"a": 1.5})", "c.json").status().message(),
            "c.json: the value of \"a\" must be a string");
  EXPECT_EQ(ParseConfigJson(R"({"a": null})", "c.json").status().message(),
            "c.json: the value of \"a\" must be a string");
}

TEST(BuildConfigTest, CommandLineOverridesTheFileAndSecretsComeFromEnvAndFiles) {
  InputEnv env = FakeEnv(
      {{"R2_SECRET", "s3cr3t"}},
      {{"cfg.json", R"({"account_id": "abc", "bucket": "old"})"}, {"/run/key", "AKIA123\r\n\n"}});
  ConfigInput input;
  input.config_file = "cfg.json";
  input.set = {"bucket=new", "region=auto"};
  input.secret_env = {"secret_access_key=R2_SECRET"};
  input.secret_file = {"access_key_id=/run/key"};
  auto config = BuildConfig(input, env);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_THAT(*config, ElementsAre(Pair("access_key_id", "AKIA123"), Pair("account_id", "abc"),
                                   Pair("bucket", "new"), Pair("region", "auto"),
                                   Pair("secret_access_key", "s3cr3t")));
}

TEST(BuildConfigTest, SecretFileKeepsInnerNewlinesAndEmptyEnvValues) {
  InputEnv env = FakeEnv({{"EMPTY", ""}}, {{"pem", "line1\nline2\n"}});
  ConfigInput input;
  input.secret_env = {"a=EMPTY"};
  input.secret_file = {"b=pem"};
  auto config = BuildConfig(input, env);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_THAT(*config, ElementsAre(Pair("a", ""), Pair("b", "line1\nline2")));
}

TEST(BuildConfigTest, ReportsBadSourcesExactly) {
  InputEnv env = FakeEnv({{"X", "1"}}, {{"bad.json", "[]"}});
  auto build = [&](ConfigInput input) {
    return std::string(BuildConfig(input, env).status().message());
  };

  ConfigInput missing_file;
  missing_file.config_file = "nope.json";
  EXPECT_EQ(build(missing_file), "--config-file: cannot read nope.json: No such file or directory");

  ConfigInput bad_file;
  bad_file.config_file = "bad.json";
  EXPECT_EQ(build(bad_file),
            "bad.json: expected a JSON object of strings, e.g. {\"region\": \"auto\"}");

  ConfigInput unset_env;
  unset_env.secret_env = {"token=NOT_SET"};
  EXPECT_EQ(build(unset_env), "--secret-env: environment variable NOT_SET is not set (for token)");

  ConfigInput missing_secret_file;
  missing_secret_file.secret_file = {"token=/nope"};
  EXPECT_EQ(build(missing_secret_file),
            "--secret-file: cannot read /nope: No such file or directory (for token)");

  ConfigInput twice;
  twice.set = {"token=a"};
  twice.secret_env = {"token=X"};
  EXPECT_EQ(build(twice), "--secret-env: configuration key \"token\" is given more than once");

  ConfigInput set_twice;
  set_twice.set = {"a=1", "a=2"};
  EXPECT_EQ(build(set_twice), "--set: configuration key \"a\" is given more than once");

  ConfigInput malformed;
  malformed.secret_env = {"token"};
  EXPECT_EQ(build(malformed), "--secret-env: expected KEY=VALUE, got \"token\"");
}

TEST(BuildUpdateRequestTest, MaskNamesRenameThenConfigKeysInOrder) {
  InputEnv env = FakeEnv({{"TOKEN", "t0k"}}, {{"key.txt", "k3y\n"}});
  UpdateInput input;
  input.storage = "disk";
  input.rename = "disk-2";
  input.set = {"region=weur"};
  input.unset = {"endpoint"};
  input.secret_env = {"token=TOKEN"};
  input.secret_file = {"access_key_id=key.txt"};
  auto request = BuildUpdateRequest(input, env);
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->storage(), "disk");
  EXPECT_EQ(request->update().name(), "disk-2");
  EXPECT_THAT(request->update_mask().paths(),
              ElementsAre("name", "config.access_key_id", "config.endpoint", "config.region",
                          "config.token"));
  EXPECT_THAT(request->update().config(),
              UnorderedElementsAre(Pair("access_key_id", "k3y"), Pair("region", "weur"),
                                   Pair("token", "t0k")));
}

TEST(BuildUpdateRequestTest, RenameAloneTouchesOnlyTheName) {
  UpdateInput input;
  input.storage = "stg_1";
  input.rename = "new";
  auto request = BuildUpdateRequest(input, FakeEnv({}, {}));
  ASSERT_TRUE(request.ok());
  EXPECT_THAT(request->update_mask().paths(), ElementsAre("name"));
  EXPECT_TRUE(request->update().config().empty());
}

TEST(BuildUpdateRequestTest, RefusesEmptyOrContradictoryUpdates) {
  UpdateInput nothing;
  nothing.storage = "disk";
  EXPECT_EQ(BuildUpdateRequest(nothing, FakeEnv({}, {})).status().message(),
            "nothing to update: give --rename, --set, --unset, --secret-env or --secret-file");
  UpdateInput both;
  both.storage = "disk";
  both.set = {"a=1"};
  both.unset = {"a"};
  EXPECT_EQ(BuildUpdateRequest(both, FakeEnv({}, {})).status().message(),
            "--unset: configuration key \"a\" is also set or unset elsewhere");
}

TEST(ParseByteSizeTest, AcceptsBytesAndBinarySuffixes) {
  EXPECT_EQ(*ParseByteSize("0"), 0);
  EXPECT_EQ(*ParseByteSize("5242880"), 5242880);
  EXPECT_EQ(*ParseByteSize("100B"), 100);
  EXPECT_EQ(*ParseByteSize("256KiB"), 256 * 1024);
  EXPECT_EQ(*ParseByteSize("5M"), 5 << 20);
  EXPECT_EQ(*ParseByteSize("5Mi"), 5 << 20);
  EXPECT_EQ(*ParseByteSize("5mib"), 5 << 20);
  EXPECT_EQ(*ParseByteSize("2GiB"), int64_t{2} << 30);
  EXPECT_EQ(*ParseByteSize("1T"), int64_t{1} << 40);
}

TEST(ParseByteSizeTest, RejectsGarbageNegativesAndOverflow) {
  const std::string help = "expected bytes or a number with K, M, G or T (e.g. 5MiB)";
  EXPECT_EQ(ParseByteSize("").status().message(), "invalid size \"\": " + help);
  EXPECT_EQ(ParseByteSize("-1").status().message(), "invalid size \"-1\": " + help);
  EXPECT_EQ(ParseByteSize("1.5M").status().message(), "invalid size \"1.5M\": " + help);
  EXPECT_EQ(ParseByteSize("5MB").status().message(), "invalid size \"5MB\": " + help);
  EXPECT_EQ(ParseByteSize("M").status().message(), "invalid size \"M\": " + help);
  EXPECT_EQ(ParseByteSize("9000000T").status().message(), "size \"9000000T\" is too large");
  EXPECT_FALSE(ParseByteSize("99999999999999999999").ok());
}

TEST(ReadWholeFileTest, ReadsBytesAndReportsMissingFiles) {
  std::string path = ::testing::TempDir() + "/read_whole_file_test.bin";
  std::string content("a\0b\nc", 5);
  FILE* f = std::fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  std::fwrite(content.data(), 1, content.size(), f);
  std::fclose(f);
  auto read = ReadWholeFile(path);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(*read, content);
  std::remove(path.c_str());
  auto missing = ReadWholeFile(path);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "cannot read " + path + ": No such file or directory");
}

}  // namespace
}  // namespace pluton::storage::client
