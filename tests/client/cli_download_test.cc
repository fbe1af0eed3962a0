// `download` and what a failure leaves on disk: nothing for a new file, what was written for
// an existing file or with --resume (so it can be resumed), and the data to standard output.
// Resuming never stitches two versions together: the ETag recorded on FILE goes back as
// if_match, and a resume that reaches the end is checked whole against the stored MD5.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli_fixture.h"
#include "client/cli/download_file.h"
#include "common/xattr_probe.h"

namespace pluton::storage::client {
namespace {

using testing::FakeObjects;
using ::testing::HasSubstr;
using testing::Md5Hex;
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

  // Whether the download file's filesystem takes user xattrs (probed on a file of our own).
  bool UserXattrsSupported() const {
    return ::pluton::testing::DirectoryTakesUserXattrs(
        std::filesystem::path(path_).parent_path().string());
  }
  // The ETag recorded on the file, "(none)" when there is no record.
  std::string RecordedEtag() const {
    char value[256];
    const ssize_t n = ::getxattr(path_.c_str(), kEtagXattr, value, sizeof(value));
    if (n < 0) return errno == ENODATA ? "(none)" : "(error)";
    return std::string(value, static_cast<size_t>(n));
  }
  void SetRecordedEtag(const std::string& etag) {
    ASSERT_EQ(::setxattr(path_.c_str(), kEtagXattr, etag.data(), etag.size(), 0), 0);
  }
  // Leaves the first 8 bytes of kData in the file, with the object's ETag recorded.
  void DownloadFirstHalf() {
    ASSERT_EQ(Run({"download", "disk", "bucket", "k", path_, "--length", "8"}), kExitOk) << err();
    ASSERT_EQ(Contents(), "01234567");
    ASSERT_EQ(RecordedEtag(), FakeObjects::DownloadEtag(kData));
  }

  std::string path_;
};

#define SKIP_WITHOUT_USER_XATTRS()                                                      \
  if (!UserXattrsSupported()) {                                                         \
    GTEST_SKIP() << "the temporary directory's filesystem has no user xattrs: no ETag " \
                    "can be recorded on a download file there";                         \
  }

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
  EXPECT_THAT(out(), HasSubstr("  range:    8..16 of 16 bytes\n"));
  EXPECT_THAT(out(),
              HasSubstr("  checksum: verified whole file against the stored MD5 after resume\n"));
}

TEST_F(CliDownloadTest, RecordsTheObjectsEtagOnTheFileAndKeepsIt) {
  SKIP_WITHOUT_USER_XATTRS();
  EXPECT_EQ(Run({"download", "disk", "bucket", "k", path_}), kExitOk) << err();
  EXPECT_EQ(Contents(), kData);
  EXPECT_EQ(RecordedEtag(), FakeObjects::DownloadEtag(kData));
}

TEST_F(CliDownloadTest, ADownloadOverAnOldFileDropsItsStaleEtag) {
  SKIP_WITHOUT_USER_XATTRS();
  Write("old contents");
  SetRecordedEtag("\"stale\"");
  EXPECT_EQ(Run({"download", "disk", "bucket", "nope", path_}), kExitFailure);
  EXPECT_EQ(Contents(), "") << "truncated, and kept because it existed";
  EXPECT_EQ(RecordedEtag(), "(none)") << "the record went with the contents it described";

  SetRecordedEtag("\"stale\"");
  objects().download_etags["k"] = "";  // the new object has no ETag to replace it with
  EXPECT_EQ(Run({"download", "disk", "bucket", "k", path_}), kExitOk) << err();
  EXPECT_EQ(Contents(), kData);
  EXPECT_EQ(RecordedEtag(), "(none)");
}

TEST_F(CliDownloadTest, ResumeSendsTheRecordedEtagAsIfMatch) {
  SKIP_WITHOUT_USER_XATTRS();
  DownloadFirstHalf();
  EXPECT_EQ(Run({"download", "disk", "bucket", "k", path_, "--resume"}), kExitOk) << err();
  ASSERT_EQ(objects().download_requests().size(), 2u);
  EXPECT_EQ(objects().download_requests()[0].if_match(), "") << "nothing to match at first";
  EXPECT_EQ(objects().download_requests()[1].offset(), 8);
  EXPECT_EQ(objects().download_requests()[1].if_match(), FakeObjects::DownloadEtag(kData));
  EXPECT_EQ(Contents(), kData);
  EXPECT_THAT(out(),
              HasSubstr("  checksum: verified whole file against the stored MD5 after resume\n"));
}

TEST_F(CliDownloadTest, ResumeOfAReplacedObjectFailsAndLeavesTheFileAsItWas) {
  SKIP_WITHOUT_USER_XATTRS();
  DownloadFirstHalf();
  objects().objects["k"] = "ZYXWVUTSRQPONMLK";
  EXPECT_EQ(Run({"download", "disk", "bucket", "k", path_, "--resume"}), kExitFailure);
  EXPECT_EQ(err(), "error: the object changed since " + path_ +
                       " was started; download it again without --resume\n"
                       "  FAILED_PRECONDITION: \"k\" changed since the download began (ETag " +
                       FakeObjects::DownloadEtag("ZYXWVUTSRQPONMLK") + ", expected " +
                       FakeObjects::DownloadEtag(kData) + ")\n  " + path_ +
                       " was left as it was\n");
  EXPECT_EQ(out(), "");
  EXPECT_EQ(Contents(), "01234567");
  EXPECT_EQ(RecordedEtag(), FakeObjects::DownloadEtag(kData));
}

TEST_F(CliDownloadTest, ResumeCatchesAReplacementAServiceIgnoringIfMatchLetsThrough) {
  SKIP_WITHOUT_USER_XATTRS();
  DownloadFirstHalf();
  objects().objects["k"] = "ZYXWVUTSRQPONMLK";
  objects().ignore_if_match = true;
  EXPECT_EQ(Run({"download", "disk", "bucket", "k", path_, "--resume"}), kExitFailure);
  EXPECT_THAT(err(), StartsWith("error: the object changed since " + path_ +
                                " was started; download it again without --resume\n"));
  EXPECT_EQ(Contents(), "01234567");
  EXPECT_EQ(RecordedEtag(), FakeObjects::DownloadEtag(kData));
}

TEST_F(CliDownloadTest, ResumeFailsWhenTheProviderNoLongerReportsAnEtag) {
  SKIP_WITHOUT_USER_XATTRS();
  DownloadFirstHalf();
  objects().download_etags["k"] = "";
  EXPECT_EQ(Run({"download", "disk", "bucket", "k", path_, "--resume"}), kExitFailure);
  EXPECT_THAT(err(), StartsWith("error: the provider reports no ETag for the object any more"));
  EXPECT_THAT(err(), HasSubstr("download it again without --resume\n"));
  EXPECT_EQ(Contents(), "01234567");
}

TEST_F(CliDownloadTest, ResumeOfAFileWithoutARecordedEtagIsVerifiedWhole) {
  Write("01234567");  // begun by another tool: no ETag recorded
  EXPECT_EQ(Run({"download", "disk", "bucket", "k", path_, "--resume"}), kExitOk) << err();
  ASSERT_EQ(objects().download_requests().size(), 1u);
  EXPECT_EQ(objects().download_requests()[0].if_match(), "");
  EXPECT_EQ(Contents(), kData);
  EXPECT_THAT(out(),
              HasSubstr("  checksum: verified whole file against the stored MD5 after resume\n"));
}

TEST_F(CliDownloadTest, ResumeOntoAnotherVersionFailsTheWholeFileChecksumAndKeepsTheFile) {
  Write("XXXXXXXX");  // the first half of another version, without an ETag to tell
  EXPECT_EQ(Run({"download", "disk", "bucket", "k", path_, "--resume"}), kExitFailure);
  EXPECT_EQ(err(), "error: DATA_LOSS: " + path_ + " is corrupt: its MD5 is " +
                       Md5Hex("XXXXXXXX89abcdef") + " but the object's stored MD5 is " +
                       Md5Hex(kData) +
                       " (the part written before the resume is not from this version of the "
                       "object); the file was kept: download it again without --resume\n");
  EXPECT_EQ(out(), "");
  EXPECT_EQ(Contents(), "XXXXXXXX89abcdef");
}

TEST_F(CliDownloadTest, ResumeOfACompleteFileChecksItAgainstTheStoredMd5) {
  Write(kData);
  EXPECT_EQ(Run({"download", "disk", "bucket", "k", path_, "--resume"}), kExitOk) << err();
  EXPECT_THAT(out(), StartsWith("downloaded 0 bytes"));
  EXPECT_THAT(out(),
              HasSubstr("  checksum: verified whole file against the stored MD5 after resume\n"));

  objects().stored_md5s["k"] = Md5Hex("another version");
  EXPECT_EQ(Run({"download", "disk", "bucket", "k", path_, "--resume"}), kExitFailure);
  EXPECT_THAT(err(),
              StartsWith("error: DATA_LOSS: " + path_ + " is corrupt: its MD5 is " + Md5Hex(kData) +
                         " but the object's stored MD5 is " + Md5Hex("another version")));
  EXPECT_EQ(Contents(), kData);
}

TEST_F(CliDownloadTest, ResumeShortOfTheEndOrWithoutAStoredMd5IsNotVerified) {
  Write("XXXX");  // not this object's bytes: only a whole-file check could tell
  EXPECT_EQ(Run({"download", "disk", "bucket", "k", path_, "--resume", "--length", "4"}), kExitOk)
      << err();
  EXPECT_THAT(out(), HasSubstr("  checksum: not verified (a range of the object)\n"));
  EXPECT_EQ(Contents(), "XXXX4567");

  objects().stored_md5s["k"] = "";
  EXPECT_EQ(Run({"download", "disk", "bucket", "k", path_, "--resume"}), kExitOk) << err();
  EXPECT_THAT(out(), HasSubstr("  checksum: none stored: not verified\n"));
  EXPECT_EQ(Contents(), "XXXX456789abcdef") << "nothing to check it against";
}

TEST_F(CliDownloadTest, ToStandardOutput) {
  EXPECT_EQ(Run({"download", "disk", "bucket", "k", "-", "--offset", "4", "--length", "8"}),
            kExitOk)
      << err();
  EXPECT_EQ(out(), "456789ab");
  EXPECT_THAT(err(), StartsWith("downloaded 8 bytes (8 B) of bucket/k to standard output\n"));
}

TEST_F(CliDownloadTest, ToADeviceRecordsNoEtagAndDoesNotWarn) {
  EXPECT_EQ(Run({"download", "disk", "bucket", "k", "/dev/null"}), kExitOk) << err();
  EXPECT_EQ(err(), "") << "a device takes no user xattrs: nothing to record, nothing to say";
}

TEST_F(CliDownloadTest, AnUnwritableTargetIsAnInputError) {
  EXPECT_EQ(Run({"download", "disk", "bucket", "k", "/nonexistent/dir/file"}), kExitUsage);
  EXPECT_EQ(err(), "error: cannot open /nonexistent/dir/file: No such file or directory\n");
}

}  // namespace
}  // namespace pluton::storage::client
