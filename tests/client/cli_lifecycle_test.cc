// `lifecycle get|set|clear`: the rules table and JSON, the rules file (shapes, defaults,
// every bad field named), the service's violations, UNIMPLEMENTED, and usage errors.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli_fixture.h"

namespace pluton::storage::client {
namespace {

using ::testing::StartsWith;

class CliLifecycleTest : public CliTest {
 protected:
  void SetUp() override {
    v1::LifecycleRule* rule = objects().lifecycle.add_rules();
    rule->set_id("old-backups");
    rule->set_prefix("backups/");
    rule->set_enabled(true);
    rule->set_expire_after_days(90);
    rule->set_abort_incomplete_upload_after_days(7);
    rule = objects().lifecycle.add_rules();
    rule->set_id("uploads");
    rule->set_abort_incomplete_upload_after_days(1);
  }
};

TEST_F(CliLifecycleTest, GetPrintsATable) {
  EXPECT_EQ(Run({"lifecycle", "get", "disk", "bucket"}), kExitOk) << err();
  EXPECT_EQ(out(),
            "ID           PREFIX    STATUS    EXPIRE  ABORT INCOMPLETE\n"
            "old-backups  backups/  enabled   90d     7d\n"
            "uploads      (all)     disabled  -       1d\n");
  objects().lifecycle.clear_rules();
  EXPECT_EQ(Run({"lifecycle", "get", "disk", "bucket"}), kExitOk);
  EXPECT_EQ(out(), "no lifecycle rules\n");
}

TEST_F(CliLifecycleTest, GetJsonCanBeSetAgain) {
  EXPECT_EQ(Run({"lifecycle", "get", "disk", "bucket", "--json"}), kExitOk) << err();
  const std::string json = out();
  EXPECT_EQ(json,
            "{\n"
            " \"rules\": [\n"
            "  {\n"
            "   \"id\": \"old-backups\",\n"
            "   \"prefix\": \"backups/\",\n"
            "   \"enabled\": true,\n"
            "   \"expireAfterDays\": 90,\n"
            "   \"abortIncompleteUploadAfterDays\": 7\n"
            "  },\n"
            "  {\n"
            "   \"id\": \"uploads\",\n"
            "   \"prefix\": \"\",\n"
            "   \"enabled\": false,\n"
            "   \"expireAfterDays\": 0,\n"
            "   \"abortIncompleteUploadAfterDays\": 1\n"
            "  }\n"
            " ]\n"
            "}\n");
  files_["rules.json"] = json;
  EXPECT_EQ(Run({"lifecycle", "set", "disk", "bucket", "--file", "rules.json"}), kExitOk) << err();
  auto sent = objects().set_lifecycle_requests().back();
  ASSERT_EQ(sent.rules_size(), 2);
  EXPECT_EQ(sent.rules(0).DebugString(), objects().lifecycle.rules(0).DebugString());
  EXPECT_FALSE(sent.rules(1).enabled());
  EXPECT_EQ(sent.rules(1).abort_incomplete_upload_after_days(), 1);
}

TEST_F(CliLifecycleTest, SetSendsTheFileAndPrintsWhatTheProviderReports) {
  files_["rules.json"] = R"([{"id": "tmp", "prefix": "tmp/", "expire_after_days": 1}])";
  EXPECT_EQ(Run({"lifecycle", "set", "disk", "bucket", "--file", "rules.json"}), kExitOk) << err();
  EXPECT_EQ(out(),
            "lifecycle rules of bucket set; the provider now reports:\n"
            "ID   PREFIX  STATUS   EXPIRE  ABORT INCOMPLETE\n"
            "tmp  tmp/    enabled  1d      -\n");
  auto sent = objects().set_lifecycle_requests();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].storage(), "disk");
  EXPECT_EQ(sent[0].bucket(), "bucket");
  ASSERT_EQ(sent[0].rules_size(), 1);
  EXPECT_EQ(sent[0].rules(0).id(), "tmp");
  EXPECT_EQ(sent[0].rules(0).prefix(), "tmp/");
  EXPECT_TRUE(sent[0].rules(0).enabled()) << "enabled by default";
  EXPECT_EQ(sent[0].rules(0).expire_after_days(), 1);
}

TEST_F(CliLifecycleTest, SetNamesEveryBadFieldAndSendsNothing) {
  files_["rules.json"] = R"([{"id": "a", "expire_after_days": "30", "enabled": "yes"},
                             {"prefix": 3, "expire_days": 1},
                             {"id": "b", "abort_incomplete_upload_after_days": -1}])";
  EXPECT_EQ(Run({"lifecycle", "set", "disk", "bucket", "--file", "rules.json"}), kExitUsage);
  EXPECT_EQ(err(),
            "error: rules.json: invalid lifecycle rules\n"
            "  rules[0].enabled: expected true or false, got \"yes\"\n"
            "  rules[0].expire_after_days: expected a whole number of days from 0 (never) to "
            "2147483647, got \"30\"\n"
            "  rules[1].expire_days: unknown field; a rule has id, prefix, enabled, "
            "expire_after_days, abort_incomplete_upload_after_days\n"
            "  rules[1].prefix: expected a string, got 3\n"
            "  rules[1].id: required: the rule's name, unique in the bucket\n"
            "  rules[2].abort_incomplete_upload_after_days: expected a whole number of days from "
            "0 (never) to 2147483647, got -1\n");
  EXPECT_TRUE(objects().set_lifecycle_requests().empty());

  files_["rules.json"] = "[{\"id\": ";
  EXPECT_EQ(Run({"lifecycle", "set", "disk", "bucket", "--file", "rules.json"}), kExitUsage);
  EXPECT_THAT(err(), StartsWith("error: rules.json: not valid JSON: parse error at line 1, "
                                "column 9: "));
  EXPECT_EQ(Run({"lifecycle", "set", "disk", "bucket", "--file", "absent.json"}), kExitUsage);
  EXPECT_EQ(err(), "error: cannot read absent.json\n");
}

TEST_F(CliLifecycleTest, SetShowsTheServicesFieldViolations) {
  files_["rules.json"] = R"({"rules": [{"id": "", "prefix": "x/"}]})";
  EXPECT_EQ(Run({"lifecycle", "set", "disk", "bucket", "--file", "rules.json"}), kExitFailure);
  EXPECT_EQ(err(),
            "error: INVALID_ARGUMENT: the lifecycle rules are invalid\n"
            "  rules[0].id: required, 1-255 characters\n"
            "  rules[0]: sets no action; set expire_after_days or "
            "abort_incomplete_upload_after_days\n");
}

TEST_F(CliLifecycleTest, ClearSendsNoRules) {
  EXPECT_EQ(Run({"lifecycle", "clear", "disk", "bucket"}), kExitOk) << err();
  EXPECT_EQ(out(), "removed the lifecycle rules of bucket\n");
  ASSERT_EQ(objects().set_lifecycle_requests().size(), 1u);
  EXPECT_EQ(objects().set_lifecycle_requests()[0].rules_size(), 0);
  EXPECT_EQ(Run({"lifecycle", "clear", "disk", "bucket", "--json"}), kExitOk);
  EXPECT_EQ(out(), "{\n \"rules\": []\n}\n");
}

TEST_F(CliLifecycleTest, UnimplementedProvider) {
  objects().lifecycle_unimplemented = true;
  EXPECT_EQ(Run({"lifecycle", "get", "disk", "bucket"}), kExitFailure);
  EXPECT_EQ(err(), "error: UNIMPLEMENTED: the local provider has no lifecycle rules\n");
}

TEST_F(CliLifecycleTest, UsageErrors) {
  const std::string usage =
      "usage: pluton-storage lifecycle (get|set|clear) STORAGE BUCKET [--file RULES.json]\n";
  EXPECT_EQ(Run({"lifecycle", "show", "disk", "bucket"}), kExitUsage);
  EXPECT_EQ(err(), "error: unknown action \"show\": use get, set or clear\n" + usage);
  EXPECT_EQ(Run({"lifecycle", "set", "disk", "bucket"}), kExitUsage);
  EXPECT_EQ(err(), "error: lifecycle set needs --file RULES.json\n" + usage);
  EXPECT_EQ(Run({"lifecycle", "get", "disk", "bucket", "--file", "x"}), kExitUsage);
  EXPECT_EQ(err(), "error: --file goes with lifecycle set only\n" + usage);
  EXPECT_EQ(Run({"lifecycle", "get", "disk"}), kExitUsage);
  EXPECT_EQ(err(), "error: missing BUCKET\n" + usage);
  EXPECT_TRUE(objects().set_lifecycle_requests().empty());
}

}  // namespace
}  // namespace pluton::storage::client
