// `download` and what a failure leaves on disk: nothing for a new file, what was written for
// an existing file or with --resume (so it can be resumed), and the data to standard output.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "cli_fixture.h"

namespace pluton::storage::client {
namespace {

using ::testing::StartsWith;

constexpr char kData[] = "0123456789abcdef";  // 16 bytes, sent 4 per message

class CliDownloadTest : public CliTest {
 protected:
  void SetUp() override {
    objects().objects = {{"k", kData}};
    path_ = ::testing::TempDir() + "/cli_download_test_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::remove(path_.c_str());
  }
  void TearDown() override { std::remove(path_.c_str()); }

  bool Exists() const {
    struct stat st;
    return ::stat(path_.c_str(), &st) == 0;
  }
  std::string Contents() const {
    std::ifstream in(path_, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
  }
  void Write(const std::string& content) { std::ofstream(path_, std::ios::binary) << content; }

  std::string path_;
};

TEST_F(CliDownloadTest, WritesANewFile) {
  EXPECT_EQ(Run({"download", "disk", "bucket", "k", path_}), kExitOk) << err();
  EXPECT_EQ(Contents(), kData);
  EXPECT_THAT(out(), StartsWith("downloaded 16 bytes (16 B) of bucket/k to " + path_ +
                                "\n"
                                "  range:    0..16 of 16 bytes\n"));
}

TEST_F(CliDownloadTest, AFailedDownloadToANewFileLeavesNothing) {
  objects().fail_download_after_bytes = 8;
  EXPECT_EQ(Run({"download", "disk", "bucket", "k", path_}), kExitFailure);
  EXPECT_EQ(err(),
            "error: UNAVAILABLE: connection reset by the provider\n"
            "removed the incomplete " +
                path_ + "\n");
  EXPECT_FALSE(Exists());
}

TEST_F(CliDownloadTest, AMissingObjectLeavesNoEmptyFile) {
  EXPECT_EQ(Run({"download", "disk", "bucket", "nope", path_}), kExitFailure);
  EXPECT_EQ(err(),
            "error: NOT_FOUND: no object \"nope\"\n"
            "removed the incomplete " +
                path_ + "\n");
  EXPECT_FALSE(Exists());
  EXPECT_EQ(Run({"download", "disk", "bucket", "nope", path_, "--resume"}), kExitFailure);
  EXPECT_FALSE(Exists()) << "--resume keeps partial data, and there is none";
}

TEST_F(CliDownloadTest, AFailedDownloadKeepsAFileThatExisted) {
  Write("old contents");
  objects().fail_download_after_bytes = 8;
  EXPECT_EQ(Run({"download", "disk", "bucket", "k", path_}), kExitFailure);
  EXPECT_EQ(err(), "error: UNAVAILABLE: connection reset by the provider\n");
  EXPECT_EQ(Contents(), "01234567") << "what was written, to resume from";
}

TEST_F(CliDownloadTest, ResumeKeepsPartialDataOfANewFileAndContinuesIt) {
  objects().fail_download_after_bytes = 8;
  EXPECT_EQ(Run({"download", "disk", "bucket", "k", path_, "--resume"}), kExitFailure);
  EXPECT_EQ(err(), "error: UNAVAILABLE: connection reset by the provider\n");
  EXPECT_EQ(Contents(), "01234567");

  objects().fail_download_after_bytes = -1;
  EXPECT_EQ(Run({"download", "disk", "bucket", "k", path_, "--resume"}), kExitOk) << err();
  EXPECT_EQ(Contents(), kData);
  EXPECT_THAT(out(), ::testing::HasSubstr("  range:    8..16 of 16 bytes\n"));
}

TEST_F(CliDownloadTest, ToStandardOutput) {
  EXPECT_EQ(Run({"download", "disk", "bucket", "k", "-", "--offset", "4", "--length", "8"}),
            kExitOk)
      << err();
  EXPECT_EQ(out(), "456789ab");
  EXPECT_THAT(err(), StartsWith("downloaded 8 bytes (8 B) of bucket/k to standard output\n"));
}

TEST_F(CliDownloadTest, AnUnwritableTargetIsAnInputError) {
  EXPECT_EQ(Run({"download", "disk", "bucket", "k", "/nonexistent/dir/file"}), kExitUsage);
  EXPECT_EQ(err(), "error: cannot open /nonexistent/dir/file: No such file or directory\n");
}

}  // namespace
}  // namespace pluton::storage::client
