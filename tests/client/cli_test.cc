// pluton-storage run in-process (RunCli) against the fake service: exit codes, what each
// command sends, and what it prints.
#include "client/cli/cli.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <sstream>

#include "cli_fixture.h"

namespace pluton::storage::client {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;
using ::testing::StartsWith;
using ::testing::UnorderedElementsAre;

const char kTopUsage[] =
    "usage: pluton-storage [--server HOST:PORT] [--timeout SECONDS] [--json] <command> [args]\n";

TEST_F(CliTest, NoCommandIsAUsageError) {
  EXPECT_EQ(Run({}), kExitUsage);
  EXPECT_EQ(err(), std::string("error: missing command\n") + kTopUsage +
                       "Run 'pluton-storage --help' for the commands.\n");
  EXPECT_EQ(Run({"frobnicate"}), kExitUsage);
  EXPECT_THAT(err(), StartsWith("error: unknown command \"frobnicate\"\n"));
  EXPECT_EQ(Run({"--bogus", "list"}), kExitUsage);
  EXPECT_THAT(err(), StartsWith("error: unknown option --bogus\n"));
  EXPECT_EQ(Run({"--timeout", "soon", "list"}), kExitUsage);
  EXPECT_THAT(err(), StartsWith("error: --timeout: expected a positive number of seconds, got "
                                "\"soon\"\n"));
  EXPECT_TRUE(targets_.empty()) << "no client for usage errors";
}

TEST_F(CliTest, TopHelpListsEveryCommand) {
  EXPECT_EQ(Run({"--help"}), kExitOk);
  EXPECT_EQ(out(),
            std::string(kTopUsage) +
                "\n"
                "Manages Pluton storage destinations and the objects stored in them.\n"
                "\n"
                "commands:\n"
                "  providers   List the provider plugins and their configuration fields\n"
                "  add         Register a storage destination\n"
                "  list        List the registered storages\n"
                "  get         Show one storage (secret values are never shown)\n"
                "  update      Change a storage's name or configuration values\n"
                "  delete      Remove a storage's registration (stored data is untouched)\n"
                "  test        Check that a storage (saved or not) can reach its provider\n"
                "  upload      Upload a file or standard input as one object\n"
                "  download    Download an object, or a byte range of it, to a file or standard "
                "output\n"
                "  ls          List the objects of a bucket, under a prefix\n"
                "  stat        Show one object: size, time, ETag, MD5, storage class, type, "
                "metadata\n"
                "  rm          Delete objects\n"
                "  cleanup     Abort incomplete multipart uploads, or list them\n"
                "  lifecycle   Show, replace or remove a bucket's lifecycle rules\n"
                "  hash-token  Print the SHA-256 of a bearer token for the service's access "
                "file\n"
                "  help        Show the help of a command\n"
                "\n"
                "global options (before or after the command):\n"
                "  --server HOST:PORT  service address (default: $PLUTON_STORAGE_SERVER, else "
                "localhost:50051)\n"
                "  --timeout SECONDS   deadline of each call (default 30; a transfer has none "
                "unless given)\n"
                "  --json              print responses as JSON\n"
                "  --tls               connect with TLS, trusting the system's CA certificates\n"
                "  --tls-ca FILE       connect with TLS, trusting the CA certificates in FILE "
                "(PEM)\n"
                "  --tls-cert FILE     client certificate (PEM) for mTLS; needs --tls-key\n"
                "  --tls-key FILE      private key (PEM) of --tls-cert\n"
                "  --token-file FILE   bearer token to authenticate with (default: "
                "$PLUTON_STORAGE_TOKEN)\n"
                "\n"
                "exit status: 0 success, 1 failure, 2 usage error, 3 connection test failed,\n"
                "4 stat: no such object.\n"
                "\n"
                "Run 'pluton-storage <command> --help' for a command's arguments.\n");
  EXPECT_EQ(Run({"help"}), kExitOk);
  EXPECT_THAT(out(), StartsWith(kTopUsage));
}

TEST_F(CliTest, CommandHelp) {
  EXPECT_EQ(Run({"get", "--help"}), kExitOk);
  EXPECT_EQ(
      out(),
      "usage: pluton-storage get STORAGE\n"
      "\n"
      "Show one storage (secret values are never shown).\n"
      "\n"
      "arguments and options:\n"
      "  STORAGE             the storage's id or name\n"
      "  --server HOST:PORT  service address (default: $PLUTON_STORAGE_SERVER, else "
      "localhost:50051)\n"
      "  --timeout SECONDS   deadline of each call (default 30; a transfer has none unless given)\n"
      "  --json              print responses as JSON\n"
      "  --tls               connect with TLS, trusting the system's CA certificates\n"
      "  --tls-ca FILE       connect with TLS, trusting the CA certificates in FILE (PEM)\n"
      "  --tls-cert FILE     client certificate (PEM) for mTLS; needs --tls-key\n"
      "  --tls-key FILE      private key (PEM) of --tls-cert\n"
      "  --token-file FILE   bearer token to authenticate with (default: $PLUTON_STORAGE_TOKEN)\n");
  std::string help = out();
  EXPECT_EQ(Run({"help", "get"}), kExitOk);
  EXPECT_EQ(out(), help);
  for (const char* command :
       {"providers", "add", "list", "update", "delete", "test", "upload", "download", "ls", "stat",
        "rm", "cleanup", "lifecycle", "hash-token"}) {
    EXPECT_EQ(Run({command, "--help"}), kExitOk) << command;
    EXPECT_THAT(out(), StartsWith(std::string("usage: pluton-storage ") + command)) << command;
  }
}

TEST_F(CliTest, ServerComesFromFlagThenEnvironmentThenDefault) {
  EXPECT_EQ(Run({"list"}), kExitOk);
  vars_["PLUTON_STORAGE_SERVER"] = "env-host:7000";
  EXPECT_EQ(Run({"list"}), kExitOk);
  EXPECT_EQ(Run({"--server", "flag-host:1", "list"}), kExitOk);
  EXPECT_EQ(Run({"list", "--server=after:2", "--timeout", "2.5"}), kExitOk);
  EXPECT_THAT(targets_, ElementsAre("localhost:50051", "env-host:7000", "flag-host:1", "after:2"));
  EXPECT_EQ(timeouts_[0], absl::Seconds(30));
  EXPECT_EQ(timeouts_[3], absl::Milliseconds(2500));
}

TEST_F(CliTest, AddSendsMergedConfigurationAndSecrets) {
  vars_["TOKEN"] = "t0k3n";
  files_["cfg.json"] = R"({"root": "/from-file", "mode": "safe"})";
  EXPECT_EQ(Run({"add", "mine", "--provider", "local", "--config-file", "cfg.json", "--set",
                 "root=/srv", "--secret-env", "token=TOKEN"}),
            kExitOk)
      << err();
  EXPECT_EQ(out(), "added storage mine (stg_0000000000000001)\n");
  v1::AddStorageRequest sent = service().last_add();
  EXPECT_EQ(sent.storage().name(), "mine");
  EXPECT_EQ(sent.storage().provider(), "local");
  EXPECT_FALSE(sent.validate_only());
  EXPECT_THAT(
      sent.storage().config(),
      UnorderedElementsAre(Pair("root", "/srv"), Pair("mode", "safe"), Pair("token", "t0k3n")));

  EXPECT_EQ(Run({"add", "mine", "--provider", "local", "--validate-only"}), kExitOk);
  EXPECT_EQ(out(), "configuration is valid (nothing saved)\n");
  EXPECT_TRUE(service().last_add().validate_only());
}

TEST_F(CliTest, AddUsageAndInputErrors) {
  EXPECT_EQ(Run({"add", "mine"}), kExitUsage);
  EXPECT_EQ(err(),
            "error: --provider is required\n"
            "usage: pluton-storage add NAME --provider ID [--set KEY=VALUE ...] "
            "[--config-file FILE] [--secret-env KEY=ENVVAR ...] [--secret-file KEY=PATH ...] "
            "[--validate-only]\n");
  EXPECT_EQ(Run({"add", "--provider", "local"}), kExitUsage);
  EXPECT_THAT(err(), StartsWith("error: missing NAME\n"));
  EXPECT_EQ(Run({"add", "mine", "--provider", "local", "--secret-env", "token=NOPE"}), kExitUsage);
  EXPECT_EQ(err(), "error: --secret-env: environment variable NOPE is not set (for token)\n");
}

TEST_F(CliTest, RpcErrorsPrintCodeMessageAndViolations) {
  EXPECT_EQ(Run({"add", "mine", "--provider", "local", "--set", "bad=1"}), kExitFailure);
  EXPECT_EQ(err(),
            "error: INVALID_ARGUMENT: the configuration is invalid\n"
            "  config.bad: not a field\n"
            "  config.root: is required\n");
  EXPECT_EQ(out(), "");
  EXPECT_EQ(Run({"get", "missing"}), kExitFailure);
  EXPECT_EQ(err(), "error: NOT_FOUND: no storage \"missing\"\n");
}

TEST_F(CliTest, ListFollowsPagesAndPrintsATable) {
  service().storage_count = 3;
  EXPECT_EQ(Run({"list", "--page-size", "2", "--provider", "local"}), kExitOk) << err();
  EXPECT_EQ(out(),
            "NAME  ID     PROVIDER\n"
            "s0    stg_0  local\n"
            "s1    stg_1  local\n"
            "s2    stg_2  local\n");
  EXPECT_EQ(service().list_requests().size(), 2u);
  EXPECT_EQ(Run({"list", "--page-size", "0"}), kExitUsage);
  EXPECT_THAT(err(), StartsWith("error: --page-size: expected a positive number, got \"0\"\n"));
}

TEST_F(CliTest, JsonOutput) {
  service().storage_count = 1;
  EXPECT_EQ(Run({"--json", "list"}), kExitOk);
  EXPECT_EQ(out(),
            "{\n"
            " \"storages\": [\n"
            "  {\n"
            "   \"id\": \"stg_0\",\n"
            "   \"name\": \"s0\",\n"
            "   \"provider\": \"local\",\n"
            "   \"config\": {},\n"
            "   \"secretFieldsSet\": []\n"
            "  }\n"
            " ],\n"
            " \"nextPageToken\": \"\"\n"
            "}\n");
  EXPECT_EQ(Run({"delete", "disk", "--json"}), kExitOk);
  EXPECT_EQ(out(), "{}\n");
}

TEST_F(CliTest, GetAndDelete) {
  EXPECT_EQ(Run({"get", "disk"}), kExitOk);
  EXPECT_EQ(out(),
            "name:      disk\n"
            "id:        stg_0000000000000001\n"
            "provider:  local\n"
            "created:   2023-11-14T22:13:20Z\n"
            "config:\n"
            "  root = /srv\n"
            "secrets:   token (set)\n");
  EXPECT_EQ(Run({"delete", "disk"}), kExitOk);
  EXPECT_EQ(out(), "deleted storage disk\n");
}

TEST_F(CliTest, ProvidersTableDetailAndUnknown) {
  EXPECT_EQ(Run({"providers"}), kExitOk);
  EXPECT_EQ(out(),
            "ID     NAME        ABI  VERSION\n"
            "local  Local disk  1.0  0.1.0\n");
  EXPECT_EQ(Run({"providers", "local"}), kExitOk);
  EXPECT_THAT(out(), StartsWith("local: Local disk (ABI 1.0, version 0.1.0)\n"));
  EXPECT_THAT(out(), HasSubstr("    token (string, secret)\n"));
  EXPECT_EQ(Run({"providers", "--fields"}), kExitOk);
  EXPECT_THAT(out(), HasSubstr("\nlocal: Local disk (ABI 1.0, version 0.1.0)\n"));
  EXPECT_EQ(Run({"providers", "nope"}), kExitFailure);
  EXPECT_EQ(err(), "error: NOT_FOUND: no provider \"nope\" is loaded\n");
}

TEST_F(CliTest, UpdateBuildsTheMask) {
  vars_["KEY"] = "secret";
  EXPECT_EQ(Run({"update", "disk", "--rename", "disk2", "--unset", "mode", "--set", "root=/x",
                 "--secret-env", "token=KEY"}),
            kExitOk)
      << err();
  EXPECT_EQ(out(), "updated storage disk2 (stg_0000000000000001)\n");
  v1::UpdateStorageRequest sent = service().last_update();
  EXPECT_EQ(sent.storage(), "disk");
  EXPECT_THAT(sent.update_mask().paths(),
              ElementsAre("name", "config.mode", "config.root", "config.token"));
  EXPECT_THAT(sent.update().config(),
              UnorderedElementsAre(Pair("root", "/x"), Pair("token", "secret")));
  EXPECT_EQ(Run({"update", "disk"}), kExitUsage);
  EXPECT_THAT(err(), StartsWith("error: nothing to update: give --rename, --set, --unset, "
                                "--secret-env or --secret-file\nusage: pluton-storage update "));
}

TEST_F(CliTest, TestExitCodesAndMarks) {
  vars_["LANG"] = "en_US.UTF-8";
  EXPECT_EQ(Run({"test", "disk", "--bucket", "b", "--read-only", "--timeout-seconds", "30"}),
            kExitOk);
  EXPECT_EQ(out(),
            "\u2713 list_objects  12 ms  List the bucket\n"
            "connection test passed (2.00 s)\n");
  v1::TestConnectionRequest sent = service().last_test();
  EXPECT_EQ(sent.storage(), "disk");
  EXPECT_EQ(sent.bucket(), "b");
  EXPECT_TRUE(sent.read_only());
  EXPECT_EQ(sent.timeout().seconds(), 30);

  service().test_connection_succeeds = false;
  vars_["LANG"] = "C";
  EXPECT_EQ(Run({"test", "disk"}), kExitTestFailed);
  EXPECT_THAT(out(), StartsWith("PASS list_objects   12 ms  List the bucket\n"
                                "FAIL write_probe   1.50 s  Write a small object\n"));
  EXPECT_EQ(Run({"test", "disk", "--json"}), kExitTestFailed);
  EXPECT_THAT(out(), HasSubstr("\"success\": false"));
}

TEST_F(CliTest, TestUnsavedConfiguration) {
  files_["tok"] = "abc\n";
  EXPECT_EQ(Run({"test", "--provider", "local", "--set", "root=/x", "--secret-file", "token=tok"}),
            kExitOk)
      << err();
  v1::TestConnectionRequest sent = service().last_test();
  EXPECT_EQ(sent.unsaved().provider(), "local");
  EXPECT_THAT(sent.unsaved().config(),
              UnorderedElementsAre(Pair("root", "/x"), Pair("token", "abc")));
  EXPECT_FALSE(sent.has_timeout());

  EXPECT_EQ(Run({"test"}), kExitUsage);
  EXPECT_THAT(err(), StartsWith("error: give STORAGE or --provider ID\n"));
  EXPECT_EQ(Run({"test", "disk", "--set", "a=1"}), kExitUsage);
  EXPECT_THAT(err(), StartsWith("error: give either STORAGE or --provider with its "
                                "configuration, not both\n"));
}

class CliUploadTest : public CliTest {
 protected:
  void SetUp() override {
    // One file per test and process: CTest runs the cases of this fixture in parallel.
    path_ = ::testing::TempDir() + "/cli_upload_test." +
            ::testing::UnitTest::GetInstance()->current_test_info()->name() + "." +
            std::to_string(getpid()) + ".bin";
    FILE* f = std::fopen(path_.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::fputs("hello", f);
    std::fclose(f);
  }
  void TearDown() override { std::remove(path_.c_str()); }
  std::string path_;
};

TEST_F(CliUploadTest, FromAFileTheSizeIsKnown) {
  EXPECT_EQ(Run({"upload", "disk", "bucket", "k", path_, "--chunk-size", "2", "--md5-trailer",
                 "--content-type", "text/plain", "--metadata", "owner=me"}),
            kExitOk)
      << err();
  auto record = service().last_upload();
  EXPECT_EQ(record.header.storage(), "disk");
  EXPECT_EQ(record.header.bucket(), "bucket");
  EXPECT_EQ(record.header.key(), "k");
  EXPECT_EQ(record.header.expected_size(), 5);
  EXPECT_EQ(record.header.content_type(), "text/plain");
  EXPECT_THAT(record.header.metadata(), ElementsAre(Pair("owner", "me")));
  EXPECT_THAT(record.data_sizes, ElementsAre(2, 2, 1));
  EXPECT_EQ(absl::BytesToHexString(record.trailer.md5()), "5d41402abc4b2a76b9719d911017c592");
  EXPECT_THAT(out(), StartsWith("uploaded 5 bytes (5 B) to bucket/k\n"
                                "  storage: stg_0000000000000001\n"
                                "  md5:     5d41402abc4b2a76b9719d911017c592\n"));
  EXPECT_EQ(err(), "") << "no progress bar when stderr is not a terminal";
}

TEST_F(CliUploadTest, AFileOfFiveMiBOrMoreIsHashedFirstSoItsMd5TravelsInTheHeader) {
  std::string big(5 << 20, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 131) >> 7);
  {
    FILE* f = std::fopen(path_.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    ASSERT_EQ(std::fwrite(big.data(), 1, big.size(), f), big.size());
    std::fclose(f);
  }
  unsigned char md5[EVP_MAX_MD_SIZE];
  unsigned int md5_size = 0;
  EVP_Digest(big.data(), big.size(), md5, &md5_size, EVP_md5(), nullptr);
  const std::string expected(reinterpret_cast<const char*>(md5), md5_size);

  EXPECT_EQ(Run({"upload", "disk", "bucket", "k", path_}), kExitOk) << err();
  EXPECT_EQ(service().last_upload().header.content_md5(), expected);
  EXPECT_TRUE(service().last_upload().data == big);

  EXPECT_EQ(Run({"upload", "disk", "bucket", "k", path_, "--no-prehash"}), kExitOk) << err();
  EXPECT_EQ(service().last_upload().header.content_md5(), "");

  // An MD5 the caller gives is sent as given (the service then checks it).
  EXPECT_EQ(Run({"upload", "disk", "bucket", "k", path_, "--content-md5",
                 "00112233445566778899aabbccddeeff"}),
            kExitOk)
      << err();
  EXPECT_EQ(absl::BytesToHexString(service().last_upload().header.content_md5()),
            "00112233445566778899aabbccddeeff");

  // Standard input is never read twice.
  stdin_ = big;
  EXPECT_EQ(Run({"upload", "disk", "bucket", "k"}), kExitOk) << err();
  EXPECT_EQ(service().last_upload().header.content_md5(), "");
}

TEST_F(CliUploadTest, ASmallFileIsNotHashedFirst) {
  EXPECT_EQ(Run({"upload", "disk", "bucket", "k", path_}), kExitOk) << err();
  EXPECT_EQ(service().last_upload().header.content_md5(), "")
      << "a file under 5 MiB goes in one PUT, which carries the MD5 anyway";
}

TEST_F(CliUploadTest, FromStdinTheSizeIsUnknownUnlessGiven) {
  stdin_ = "streamed";
  EXPECT_EQ(Run({"upload", "disk", "bucket", "k"}), kExitOk) << err();
  EXPECT_FALSE(service().last_upload().header.has_expected_size());
  EXPECT_EQ(service().last_upload().data, "streamed");
  EXPECT_EQ(Run({"upload", "disk", "bucket", "k", "-", "--size", "8"}), kExitOk) << err();
  EXPECT_EQ(service().last_upload().header.expected_size(), 8);
  EXPECT_TRUE(service().last_upload().got_trailer);
  EXPECT_EQ(service().last_upload().trailer.md5(), "") << "MD5 only with --md5-trailer";
}

TEST_F(CliUploadTest, ProgressOnATerminal) {
  env_.err_is_terminal = true;
  EXPECT_EQ(Run({"upload", "disk", "bucket", "k", path_}), kExitOk) << err();
  EXPECT_THAT(err(), StartsWith("\r[--------------------]   0%  0 B / 5 B"));
  EXPECT_THAT(err(), HasSubstr("\r[####################] 100%  5 B / 5 B"));
  EXPECT_EQ(err().back(), '\n');
}

TEST_F(CliUploadTest, Errors) {
  EXPECT_EQ(Run({"upload", "disk", "bucket"}), kExitUsage);
  EXPECT_THAT(err(), StartsWith("error: missing KEY\nusage: pluton-storage upload "));
  EXPECT_EQ(Run({"upload", "disk", "bucket", "k", "/nonexistent/file"}), kExitUsage);
  EXPECT_EQ(err(), "error: cannot open /nonexistent/file: No such file or directory\n");
  EXPECT_EQ(Run({"upload", "disk", "bucket", "k", path_, "--chunk-size", "5MiB"}), kExitUsage);
  EXPECT_THAT(err(), StartsWith("error: --chunk-size: must be between 1 and 4193280 bytes\n"));
  EXPECT_EQ(Run({"upload", "disk", "bucket", "k", path_, "--metadata", "x"}), kExitUsage);
  EXPECT_THAT(err(), StartsWith("error: --metadata: expected KEY=VALUE, got \"x\"\n"));
  service().fail_upload_after_bytes = 1;
  EXPECT_EQ(Run({"upload", "disk", "bucket", "k", path_}), kExitFailure);
  EXPECT_EQ(err(),
            "error: INVALID_ARGUMENT: stream longer than announced\n"
            "  header.expected_size: is 10\n");
}

}  // namespace
}  // namespace pluton::storage::client
