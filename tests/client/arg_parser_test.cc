#include "client/cli/arg_parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace pluton::storage::client {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

ArgParser AddLikeParser() {
  ArgParser parser;
  parser.AddPositional("NAME", "the name")
      .AddPositional("FILE", "a file", /*required=*/false)
      .AddOption("provider", "ID", "provider id")
      .AddOption("set", "KEY=VALUE", "a value", /*repeated=*/true)
      .AddSwitch("validate-only", "check only");
  return parser;
}

TEST(ArgParserTest, ParsesSeparateAndInlineValuesSwitchesAndPositionals) {
  ArgParser parser = AddLikeParser();
  ASSERT_TRUE(parser
                  .Parse({"--provider", "r2", "mine", "--set=a=1", "--set", "b=", "--validate-only",
                          "data.bin"})
                  .ok());
  EXPECT_EQ(parser.Get("provider"), "r2");
  EXPECT_THAT(parser.GetAll("set"), ElementsAre("a=1", "b="));
  EXPECT_EQ(parser.Get("set"), "b=");
  EXPECT_TRUE(parser.Has("validate-only"));
  EXPECT_EQ(parser.Positional("NAME"), "mine");
  EXPECT_EQ(parser.Positional("FILE"), "data.bin");
  EXPECT_FALSE(parser.help());
}

TEST(ArgParserTest, AbsentValuesAreEmpty) {
  ArgParser parser = AddLikeParser();
  ASSERT_TRUE(parser.Parse({"mine"}).ok());
  EXPECT_FALSE(parser.Has("provider"));
  EXPECT_EQ(parser.Get("provider"), std::nullopt);
  EXPECT_THAT(parser.GetAll("set"), IsEmpty());
  EXPECT_FALSE(parser.Has("validate-only"));
  EXPECT_EQ(parser.Positional("FILE"), std::nullopt);
}

TEST(ArgParserTest, ValueMayLookLikeAnOptionOrBeEmpty) {
  ArgParser parser = AddLikeParser();
  ASSERT_TRUE(parser.Parse({"mine", "--provider", "--weird", "--set="}).ok());
  EXPECT_EQ(parser.Get("provider"), "--weird");
  EXPECT_THAT(parser.GetAll("set"), ElementsAre(""));
}

TEST(ArgParserTest, DashIsAPositionalAndDoubleDashEndsOptions) {
  ArgParser parser = AddLikeParser();
  ASSERT_TRUE(parser.Parse({"mine", "-"}).ok());
  EXPECT_EQ(parser.Positional("FILE"), "-");
  ASSERT_TRUE(parser.Parse({"--", "--odd-name", "-x"}).ok());
  EXPECT_EQ(parser.Positional("NAME"), "--odd-name");
  EXPECT_EQ(parser.Positional("FILE"), "-x");
}

TEST(ArgParserTest, ReportsMistakesExactly) {
  ArgParser parser = AddLikeParser();
  EXPECT_EQ(parser.Parse({"mine", "--nope"}).message(), "unknown option --nope");
  EXPECT_EQ(parser.Parse({"mine", "--nope=1"}).message(), "unknown option --nope");
  EXPECT_EQ(parser.Parse({"mine", "-x"}).message(), "unknown option -x");
  EXPECT_EQ(parser.Parse({"mine", "--provider"}).message(), "--provider needs a value (ID)");
  EXPECT_EQ(parser.Parse({"mine", "--provider", "a", "--provider=b"}).message(),
            "--provider given more than once");
  EXPECT_EQ(parser.Parse({"mine", "--validate-only=yes"}).message(),
            "--validate-only takes no value");
  EXPECT_EQ(parser.Parse({}).message(), "missing NAME");
  EXPECT_EQ(parser.Parse({"a", "b", "c"}).message(), "unexpected argument 'c'");
  EXPECT_EQ(parser.Parse({"a", "b", "c"}).code(), absl::StatusCode::kInvalidArgument);
}

TEST(ArgParserTest, HelpStopsParsingAndSkipsValidation) {
  ArgParser parser = AddLikeParser();
  ASSERT_TRUE(parser.Parse({"--help", "--nope"}).ok());
  EXPECT_TRUE(parser.help());
  ASSERT_TRUE(parser.Parse({"-h"}).ok());
  EXPECT_TRUE(parser.help());
  ASSERT_TRUE(parser.Parse({"mine"}).ok());
  EXPECT_FALSE(parser.help());
}

TEST(ArgParserTest, StopAtFirstPositionalLeavesTheRest) {
  ArgParser parser;
  parser.AddOption("server", "HOST:PORT", "address")
      .AddSwitch("json", "json")
      .StopAtFirstPositional();
  ASSERT_TRUE(parser.Parse({"--json", "--server=h:1", "add", "x", "--provider", "r2"}).ok());
  EXPECT_TRUE(parser.Has("json"));
  EXPECT_EQ(parser.Get("server"), "h:1");
  EXPECT_THAT(parser.rest(), ElementsAre("add", "x", "--provider", "r2"));
  ASSERT_TRUE(parser.Parse({"--json"}).ok());
  EXPECT_THAT(parser.rest(), IsEmpty());
}

TEST(ArgParserTest, HelpTextListsPositionalsThenOptionsAligned) {
  ArgParser parser = AddLikeParser();
  EXPECT_EQ(parser.HelpText(),
            "  NAME             the name\n"
            "  FILE             a file (optional)\n"
            "  --provider ID    provider id\n"
            "  --set KEY=VALUE  a value (repeatable)\n"
            "  --validate-only  check only\n");
}

TEST(ArgParserTest, PositionalListTakesTheRest) {
  ArgParser parser;
  parser.AddPositional("STORAGE", "storage")
      .AddPositionalList("KEY", "keys")
      .AddSwitch("stdin", "stdin");
  ASSERT_TRUE(parser.Parse({"s", "a", "--stdin", "b", "--", "--c"}).ok());
  EXPECT_EQ(parser.Positional("STORAGE"), "s");
  EXPECT_THAT(parser.PositionalList(), ElementsAre("a", "b", "--c"));
  EXPECT_TRUE(parser.Has("stdin"));
  EXPECT_EQ(parser.Parse({"s"}).message(), "missing KEY");
  EXPECT_THAT(parser.HelpText(), HasSubstr("  KEY...   keys\n"));

  ArgParser optional;
  optional.AddPositional("STORAGE", "storage").AddPositionalList("KEY", "keys", false);
  ASSERT_TRUE(optional.Parse({"s", "x"}).ok());
  ASSERT_TRUE(optional.Parse({"s"}).ok());
  EXPECT_TRUE(optional.PositionalList().empty()) << "reset by Parse";
  EXPECT_THAT(optional.HelpText(), HasSubstr("  KEY...   keys (optional)\n"));
}

}  // namespace
}  // namespace pluton::storage::client
