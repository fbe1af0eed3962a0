// The DeleteObjects and lifecycle XML documents: bodies built by tinyxml2 (escaping checked
// byte for byte), responses parsed, and the lifecycle parts Pluton cannot express reported
// instead of dropped.
#include "pluton/s3/s3_bucket_xml.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pluton::s3 {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kDeclaration[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";

TEST(DeleteObjectsXmlTest, EscapesKeysThroughTheXmlLibrary) {
  absl::StatusOr<std::string> xml =
      BuildDeleteObjectsXml({"a&b", "c<d>e", "quote\"'", "tab\there/ü"});
  ASSERT_TRUE(xml.ok()) << xml.status();
  EXPECT_EQ(*xml, std::string(kDeclaration) +
                      "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                      "<Quiet>true</Quiet>"
                      "<Object><Key>a&amp;b</Key></Object>"
                      "<Object><Key>c&lt;d&gt;e</Key></Object>"
                      "<Object><Key>quote\"'</Key></Object>"
                      "<Object><Key>tab\there/ü</Key></Object>"
                      "</Delete>");
}

TEST(DeleteObjectsXmlTest, RefusesWhatXmlOrS3CannotTake) {
  EXPECT_EQ(BuildDeleteObjectsXml({}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(BuildDeleteObjectsXml(std::vector<std::string>(1001, "k")).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(BuildDeleteObjectsXml(std::vector<std::string>(1000, "k")).ok());
  EXPECT_EQ(BuildDeleteObjectsXml({"ok", ""}).status().code(), absl::StatusCode::kInvalidArgument);
  absl::Status control = BuildDeleteObjectsXml({"ok", "bell\x07"}).status();
  EXPECT_EQ(control.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(control.message(), HasSubstr("bell\\x07"));
  EXPECT_FALSE(IsXmlSafeKey("cr\r"));
  EXPECT_TRUE(IsXmlSafeKey("lf\ntab\t\x7f"));
}

TEST(DeleteObjectsXmlTest, ParsesDeletedKeysAndErrors) {
  absl::StatusOr<DeleteObjectsResult> result = ParseDeleteObjectsResult(
      R"(<?xml version="1.0" encoding="UTF-8"?>
<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Deleted><Key>gone &amp; done</Key></Deleted>
  <Error><Key>locked/1</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error>
  <Error><Key>a&lt;b</Key><Code>InternalError</Code><Message>try again</Message></Error>
</DeleteResult>)");
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_THAT(result->deleted, ElementsAre("gone & done"));
  ASSERT_EQ(result->errors.size(), 2u);
  EXPECT_EQ(result->errors[0].key, "locked/1");
  EXPECT_EQ(result->errors[0].code, "AccessDenied");
  EXPECT_EQ(result->errors[0].message, "Access Denied");
  EXPECT_EQ(result->errors[1].key, "a<b");

  EXPECT_EQ(ParseDeleteObjectsResult("<DeleteResult><Error><Code>X</Code></Error></DeleteResult>")
                .status()
                .code(),
            absl::StatusCode::kInternal);
  EXPECT_THAT(ParseDeleteObjectsResult("<Error><Code>SlowDown</Code></Error>").status().message(),
              HasSubstr("SlowDown"));
}

TEST(LifecycleXmlTest, BuildsRulesInTheModelsOrderAndEscapes) {
  std::vector<LifecycleRule> rules(2);
  rules[0].id = "logs & <tmp>";
  rules[0].prefix = "logs/<a>&";
  rules[0].expiration_days = 30;
  rules[0].abort_incomplete_days = 2;
  rules[1].id = "all";
  rules[1].enabled = false;
  rules[1].abort_incomplete_days = 7;
  absl::StatusOr<std::string> xml = BuildLifecycleConfigurationXml(rules);
  ASSERT_TRUE(xml.ok()) << xml.status();
  EXPECT_EQ(*xml, std::string(kDeclaration) +
                      "<LifecycleConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                      "<Rule><Expiration><Days>30</Days></Expiration>"
                      "<ID>logs &amp; &lt;tmp&gt;</ID>"
                      "<Filter><Prefix>logs/&lt;a&gt;&amp;</Prefix></Filter>"
                      "<Status>Enabled</Status>"
                      "<AbortIncompleteMultipartUpload><DaysAfterInitiation>2"
                      "</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule>"
                      "<Rule><ID>all</ID><Filter><Prefix></Prefix></Filter>"
                      "<Status>Disabled</Status>"
                      "<AbortIncompleteMultipartUpload><DaysAfterInitiation>7"
                      "</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule>"
                      "</LifecycleConfiguration>");

  absl::StatusOr<std::vector<LifecycleRule>> parsed = ParseLifecycleConfiguration(*xml);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_EQ(parsed->size(), 2u);
  EXPECT_EQ((*parsed)[0].id, "logs & <tmp>");
  EXPECT_EQ((*parsed)[0].prefix, "logs/<a>&");
  EXPECT_TRUE((*parsed)[0].enabled);
  EXPECT_EQ((*parsed)[0].expiration_days, 30);
  EXPECT_EQ((*parsed)[0].abort_incomplete_days, 2);
  EXPECT_TRUE((*parsed)[0].unsupported.empty());
  EXPECT_EQ((*parsed)[1].prefix, "");
  EXPECT_FALSE((*parsed)[1].enabled);
  EXPECT_EQ((*parsed)[1].expiration_days, 0);
}

TEST(LifecycleXmlTest, RefusesRulesItCannotWrite) {
  LifecycleRule rule;
  rule.id = "r";
  rule.expiration_days = 1;
  EXPECT_EQ(BuildLifecycleConfigurationXml({}).status().code(), absl::StatusCode::kInvalidArgument);
  LifecycleRule no_action = rule;
  no_action.expiration_days = 0;
  EXPECT_THAT(BuildLifecycleConfigurationXml({no_action}).status().message(),
              HasSubstr("no action"));
  LifecycleRule no_id = rule;
  no_id.id = "";
  EXPECT_THAT(BuildLifecycleConfigurationXml({no_id}).status().message(), HasSubstr("no id"));
  LifecycleRule foreign = rule;
  foreign.unsupported = {"Transition"};
  EXPECT_THAT(BuildLifecycleConfigurationXml({foreign}).status().message(),
              HasSubstr("Transition"));
  LifecycleRule control = rule;
  control.prefix = "a\rb";
  EXPECT_EQ(BuildLifecycleConfigurationXml({control}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(LifecycleXmlTest, ReadsEveryPrefixFormAndNamesWhatItCannotExpress) {
  absl::StatusOr<std::vector<LifecycleRule>> rules = ParseLifecycleConfiguration(
      R"(<LifecycleConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Rule><ID>legacy</ID><Prefix>old/</Prefix><Status>Enabled</Status>
    <Expiration><Days> 5 </Days></Expiration></Rule>
  <Rule><ID>and</ID><Filter><And><Prefix>both/</Prefix></And></Filter><Status>Enabled</Status>
    <AbortIncompleteMultipartUpload><DaysAfterInitiation>3</DaysAfterInitiation>
    </AbortIncompleteMultipartUpload></Rule>
  <Rule><ID>archive</ID><Filter><And><Prefix>a/</Prefix><Tag><Key>k</Key><Value>v</Value></Tag>
    </And></Filter><Status>Enabled</Status>
    <Transition><Days>30</Days><StorageClass>STANDARD_IA</StorageClass></Transition>
    <Transition><Days>60</Days><StorageClass>GLACIER</StorageClass></Transition>
    <Expiration><Date>2030-01-01T00:00:00Z</Date></Expiration></Rule>
  <Rule><Filter><Tag><Key>k</Key><Value>v</Value></Tag></Filter><Status>Disabled</Status>
    <NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays></NoncurrentVersionExpiration>
  </Rule>
</LifecycleConfiguration>)");
  ASSERT_TRUE(rules.ok()) << rules.status();
  ASSERT_EQ(rules->size(), 4u);
  EXPECT_EQ((*rules)[0].prefix, "old/");
  EXPECT_EQ((*rules)[0].expiration_days, 5);
  EXPECT_TRUE((*rules)[0].unsupported.empty());
  EXPECT_EQ((*rules)[1].prefix, "both/");
  EXPECT_EQ((*rules)[1].abort_incomplete_days, 3);
  EXPECT_TRUE((*rules)[1].unsupported.empty());
  EXPECT_EQ((*rules)[2].prefix, "a/");
  EXPECT_THAT((*rules)[2].unsupported,
              ElementsAre("Filter/And/Tag", "Transition", "Expiration/Date"));
  EXPECT_EQ((*rules)[3].id, "");
  EXPECT_FALSE((*rules)[3].enabled);
  EXPECT_THAT((*rules)[3].unsupported, ElementsAre("Filter/Tag", "NoncurrentVersionExpiration"));
}

// tinyxml2 drops text that is only whitespace; a prefix " " read as "" would widen a rule to
// the whole bucket when the rules are read, edited and set again.
TEST(LifecycleXmlTest, KeepsIdsAndPrefixesThatAreOnlyWhitespace) {
  absl::StatusOr<std::vector<LifecycleRule>> rules = ParseLifecycleConfiguration(
      "<LifecycleConfiguration><Rule><ID> </ID><Filter><Prefix> </Prefix></Filter>"
      "<Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>\n"
      "<Rule>\n  <ID>\t</ID>\n  <Filter><Prefix><![CDATA[ ]]></Prefix></Filter>\n"
      "  <Status>Disabled</Status>\n  <Expiration>\n    <Days>2</Days>\n  </Expiration>\n"
      "</Rule></LifecycleConfiguration>");
  ASSERT_TRUE(rules.ok()) << rules.status();
  ASSERT_EQ(rules->size(), 2u);
  EXPECT_EQ((*rules)[0].id, " ");
  EXPECT_EQ((*rules)[0].prefix, " ");
  EXPECT_EQ((*rules)[1].id, "\t");
  EXPECT_EQ((*rules)[1].prefix, " ");
  EXPECT_EQ((*rules)[1].expiration_days, 2);

  absl::StatusOr<std::string> body = BuildLifecycleConfigurationXml(*rules);
  ASSERT_TRUE(body.ok()) << body.status();
  absl::StatusOr<std::vector<LifecycleRule>> again = ParseLifecycleConfiguration(*body);
  ASSERT_TRUE(again.ok()) << again.status();
  ASSERT_EQ(again->size(), 2u);
  EXPECT_EQ((*again)[0].prefix, " ");
  EXPECT_EQ((*again)[1].id, "\t");
}

TEST(DeleteObjectsXmlTest, KeepsKeysThatAreOnlyWhitespace) {
  absl::StatusOr<DeleteObjectsResult> result = ParseDeleteObjectsResult(
      "<DeleteResult><Deleted><Key> </Key></Deleted>"
      "<Error><Key>\t</Key><Code>AccessDenied</Code><Message> </Message></Error></DeleteResult>");
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_THAT(result->deleted, ElementsAre(" "));
  ASSERT_EQ(result->errors.size(), 1u);
  EXPECT_EQ(result->errors[0].key, "\t");
  EXPECT_EQ(result->errors[0].message, " ");
}

TEST(LifecycleXmlTest, MalformedRulesAreErrors) {
  for (const char* xml :
       {"<LifecycleConfiguration><Rule><ID>a</ID></Rule></LifecycleConfiguration>",
        "<LifecycleConfiguration><Rule><ID>a</ID><Status>On</Status></Rule>"
        "</LifecycleConfiguration>",
        "<LifecycleConfiguration><Rule><ID>a</ID><Status>Enabled</Status><Expiration><Days>0"
        "</Days></Expiration></Rule></LifecycleConfiguration>",
        "<LifecycleConfiguration><Rule><ID>a</ID><Status>Enabled</Status>"
        "<AbortIncompleteMultipartUpload><DaysAfterInitiation>x</DaysAfterInitiation>"
        "</AbortIncompleteMultipartUpload></Rule></LifecycleConfiguration>",
        "<ListBucketResult/>", "not xml"}) {
    absl::Status status = ParseLifecycleConfiguration(xml).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInternal) << xml;
    EXPECT_THAT(status.message(), HasSubstr("LifecycleConfiguration")) << xml;
  }
  absl::StatusOr<std::vector<LifecycleRule>> empty =
      ParseLifecycleConfiguration("<LifecycleConfiguration/>");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

}  // namespace
}  // namespace pluton::s3
