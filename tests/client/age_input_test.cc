// ParseAge and ToProtoDuration: the ages `cleanup --older-than` accepts.
#include "client/cli/age_input.h"

#include <gtest/gtest.h>

namespace pluton::storage::client {
namespace {

absl::Duration Age(absl::string_view text) {
  absl::StatusOr<absl::Duration> age = ParseAge(text);
  EXPECT_TRUE(age.ok()) << text << ": " << age.status();
  return age.value_or(absl::ZeroDuration());
}

TEST(ParseAgeTest, UnitsIncludingDaysAddUp) {
  EXPECT_EQ(Age("24h"), absl::Hours(24));
  EXPECT_EQ(Age("90m"), absl::Minutes(90));
  EXPECT_EQ(Age("7d"), absl::Hours(7 * 24));
  EXPECT_EQ(Age("1d12h"), absl::Hours(36));
  EXPECT_EQ(Age("1.5h"), absl::Minutes(90));
  EXPECT_EQ(Age("0.5d"), absl::Hours(12));
  EXPECT_EQ(Age("30s"), absl::Seconds(30));
  EXPECT_EQ(Age("0s"), absl::ZeroDuration());
}

TEST(ParseAgeTest, RejectsWhatIsNotAnAge) {
  for (const char* text : {"", "24", "h", "-1h", "+1h", "1w", "1d-2h", "inf", "1 h"}) {
    absl::StatusOr<absl::Duration> age = ParseAge(text);
    EXPECT_FALSE(age.ok()) << text;
    EXPECT_EQ(age.status().message(),
              std::string("expected an age such as 24h, 90m or 7d (units d, h, m, s), got \"") +
                  text + "\"");
  }
}

TEST(ParseAgeTest, AtMostTenThousandYears) {
  EXPECT_EQ(Age("3652500d"), absl::Seconds(315'576'000'000));
  EXPECT_EQ(ParseAge("3652501d").status().message(),
            "\"3652501d\" is too long an age: at most 10000 years");
  EXPECT_FALSE(ParseAge("99999999999999999999d").ok()) << "past absl's range too";
}

TEST(ToProtoDurationTest, SecondsAndNanos) {
  google::protobuf::Duration d = ToProtoDuration(absl::Seconds(3) + absl::Milliseconds(250));
  EXPECT_EQ(d.seconds(), 3);
  EXPECT_EQ(d.nanos(), 250000000);
}

}  // namespace
}  // namespace pluton::storage::client
