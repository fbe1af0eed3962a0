// GatherListFlags on its own: every occurrence of a list flag, in every form absl reads (=VALUE,
// a separate value, one or two dashes, inside --flagfile, from --fromenv), ends up in the one
// occurrence absl is given; everything else is kept in order, "--" ends the flags.
#include "server/repeated_flags.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>

#include "common/temp_dir.h"

namespace pluton::storage {
namespace {

using ::pluton::testing::TempDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::vector<std::string> kListFlags = {"local_root", "allowed_endpoint"};

std::vector<std::string> Gathered(const std::vector<std::string>& args) {
  absl::StatusOr<std::vector<std::string>> gathered = GatherListFlags(args, kListFlags);
  EXPECT_TRUE(gathered.ok()) << gathered.status();
  return gathered.ok() ? *gathered : std::vector<std::string>{"<error>"};
}

absl::Status Refusal(const std::vector<std::string>& args) {
  return GatherListFlags(args, kListFlags).status();
}

void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::trunc);
  out << content;
}

TEST(RepeatedFlagsTest, TheEqualsFormRepeatedGathersEveryValueInOrder) {
  EXPECT_THAT(Gathered({"prog", "--local_root=/a", "--local_root=/b"}),
              ElementsAre("prog", "--local_root=/a,/b"));
}

TEST(RepeatedFlagsTest, TheSeparateValueFormRepeatedGathersEveryValue) {
  EXPECT_THAT(Gathered({"prog", "--local_root", "/a", "--local_root", "/b"}),
              ElementsAre("prog", "--local_root=/a,/b"));
}

TEST(RepeatedFlagsTest, MixedFormsAndCommaListsMakeOneList) {
  EXPECT_THAT(Gathered({"prog", "--local_root=/a", "--listen=127.0.0.1:0", "--local_root", "/b,/c",
                        "-local_root=/d", "-local_root", "/e"}),
              ElementsAre("prog", "--local_root=/a,/b,/c,/d,/e", "--listen=127.0.0.1:0"));
}

TEST(RepeatedFlagsTest, EachListFlagIsGatheredApartWhereItFirstStood) {
  EXPECT_THAT(
      Gathered({"prog", "--verbose", "--allowed_endpoint=minio:9000", "--data_dir", "/d",
                "--local_root=/a", "--allowed_endpoint", "*.example.com", "--local_root=/b"}),
      ElementsAre("prog", "--verbose", "--allowed_endpoint=minio:9000,*.example.com", "--data_dir",
                  "/d", "--local_root=/a,/b"));
}

TEST(RepeatedFlagsTest, OtherArgumentsAreKeptUntouched) {
  const std::vector<std::string> args = {"prog", "--listen",          "127.0.0.1:0", "positional",
                                         "-",    "--drain_seconds=0", "--help"};
  EXPECT_EQ(Gathered(args), args);
  EXPECT_THAT(Gathered({"prog"}), ElementsAre("prog"));
}

TEST(RepeatedFlagsTest, AnEmptyValueAddsNothing) {
  EXPECT_THAT(Gathered({"prog", "--local_root=", "--local_root=/a", "--local_root", ""}),
              ElementsAre("prog", "--local_root=/a"));
  // Only empty values: the flag is given, with an empty list (absl: no directories).
  EXPECT_THAT(Gathered({"prog", "--local_root="}), ElementsAre("prog", "--local_root="));
}

TEST(RepeatedFlagsTest, DoubleDashEndsTheFlagsAndWhatFollowsIsKept) {
  EXPECT_THAT(Gathered({"prog", "--local_root=/a", "--", "--local_root=/b", "x"}),
              ElementsAre("prog", "--local_root=/a", "--", "--local_root=/b", "x"));
  EXPECT_THAT(Gathered({"prog", "--", "--local_root=/b"}),
              ElementsAre("prog", "--", "--local_root=/b"));
}

TEST(RepeatedFlagsTest, AnOccurrenceWithoutAValueIsRefusedNamingTheFlag) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"prog", "--local_root"},
                                             {"prog", "--local_root", "--verbose"},
                                             {"prog", "--local_root", "--"},
                                             {"prog", "--allowed_endpoint", "-x"}}) {
    const absl::Status status = Refusal(args);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << args[1];
    EXPECT_THAT(status.message(), HasSubstr(args[1] + " has no value: write " + args[1] + "="))
        << args[1];
  }
}

TEST(RepeatedFlagsTest, FlagfilesAreExpandedInPlaceWithTheirOccurrences) {
  TempDir dir;
  WriteFile(dir.Sub("inner"), "--local_root=/inner\n");
  WriteFile(dir.Sub("flags"),
            "# the service's flags\n\n  --local_root=/b\n--listen=[::]:50051\n"
            "--allowed_endpoint=minio:9000\n--flagfile=" +
                dir.Sub("inner") + "\n--local_root=/c\n");
  EXPECT_THAT(Gathered({"prog", "--local_root=/a", "--flagfile", dir.Sub("flags"),
                        "--allowed_endpoint=other:1", "--verbose"}),
              ElementsAre("prog", "--local_root=/a,/b,/inner,/c", "--listen=[::]:50051",
                          "--allowed_endpoint=minio:9000,other:1", "--verbose"));
  // Several files in one --flagfile, in order.
  EXPECT_THAT(Gathered({"prog", "--flagfile=" + dir.Sub("inner") + "," + dir.Sub("inner")}),
              ElementsAre("prog", "--local_root=/inner,/inner"));
}

TEST(RepeatedFlagsTest, BrokenFlagfilesAreRefusedNamingTheFile) {
  TempDir dir;
  absl::Status status = Refusal({"prog", "--flagfile=" + dir.Sub("absent")});
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(),
              HasSubstr("cannot read --flagfile " + dir.Sub("absent") + ": No such file"));

  WriteFile(dir.Sub("positional"), "--local_root=/a\n/b\n");
  status = Refusal({"prog", "--flagfile=" + dir.Sub("positional")});
  EXPECT_THAT(status.message(),
              HasSubstr("--flagfile " + dir.Sub("positional") + " line 2 is not a flag"));

  WriteFile(dir.Sub("no-value"), "--local_root\n");
  status = Refusal({"prog", "--flagfile=" + dir.Sub("no-value")});
  EXPECT_THAT(status.message(),
              HasSubstr("--local_root in --flagfile " + dir.Sub("no-value") + " has no value"));

  WriteFile(dir.Sub("loop"), "--flagfile=" + dir.Sub("loop") + "\n");
  status = Refusal({"prog", "--flagfile=" + dir.Sub("loop")});
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("does a flagfile name itself?"));
}

TEST(RepeatedFlagsTest, FromEnvironmentListFlagsBecomeOccurrencesAndTheRestIsLeftToAbsl) {
  ::setenv("FLAGS_local_root", "/env1,/env2", 1);
  ::unsetenv("FLAGS_allowed_endpoint");
  EXPECT_THAT(Gathered({"prog", "--local_root=/a", "--fromenv=local_root,listen"}),
              ElementsAre("prog", "--local_root=/a,/env1,/env2", "--fromenv=listen"));
  EXPECT_THAT(Gathered({"prog", "--tryfromenv", "allowed_endpoint,local_root"}),
              ElementsAre("prog", "--local_root=/env1,/env2"));

  const absl::Status status = Refusal({"prog", "--fromenv=allowed_endpoint"});
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(),
              HasSubstr("FLAGS_allowed_endpoint is not in the environment: export it"));
  ::unsetenv("FLAGS_local_root");
}

}  // namespace
}  // namespace pluton::storage
