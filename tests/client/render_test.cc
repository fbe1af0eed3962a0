#include "client/cli/render.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "client/error_details.h"
#include "fake_storage_service.h"

namespace pluton::storage::client {
namespace {

using testing::RichGrpcStatus;

constexpr int64_t kMiB = 1024 * 1024;

TEST(FormatBytesTest, PicksTheUnit) {
  EXPECT_EQ(FormatBytes(0), "0 B");
  EXPECT_EQ(FormatBytes(1023), "1023 B");
  EXPECT_EQ(FormatBytes(1024), "1.0 KiB");
  EXPECT_EQ(FormatBytes(1536), "1.5 KiB");
  EXPECT_EQ(FormatBytes(10 * kMiB), "10.0 MiB");
  EXPECT_EQ(FormatBytes(5 * kMiB / 2 * 1024), "2.5 GiB");
  EXPECT_EQ(FormatBytes(int64_t{3} << 40), "3.0 TiB");
}

TEST(FormatRateTest, IsInMebibytesPerSecond) {
  EXPECT_EQ(FormatRate(0), "0.0 MiB/s");
  EXPECT_EQ(FormatRate(12.34 * kMiB), "12.3 MiB/s");
  EXPECT_EQ(FormatRate(NAN), "0.0 MiB/s");
}

TEST(FormatEtaTest, MinutesSecondsAndHours) {
  EXPECT_EQ(FormatEta(0), "0:00");
  EXPECT_EQ(FormatEta(0.2), "0:01");
  EXPECT_EQ(FormatEta(59.5), "1:00");
  EXPECT_EQ(FormatEta(754), "12:34");
  EXPECT_EQ(FormatEta(3725), "1:02:05");
  EXPECT_EQ(FormatEta(-1), "--:--");
  EXPECT_EQ(FormatEta(NAN), "--:--");
  EXPECT_EQ(FormatEta(INFINITY), "--:--");
}

TEST(FormatLatencyTest, MillisecondsThenSeconds) {
  EXPECT_EQ(FormatLatency(absl::ZeroDuration()), "0 ms");
  EXPECT_EQ(FormatLatency(absl::Microseconds(12400)), "12 ms");
  EXPECT_EQ(FormatLatency(absl::Microseconds(999400)), "999 ms");
  EXPECT_EQ(FormatLatency(absl::Microseconds(999600)), "1.00 s");
  EXPECT_EQ(FormatLatency(absl::Milliseconds(1500)), "1.50 s");
  EXPECT_EQ(FormatLatency(absl::Seconds(75)), "75.00 s");
}

TEST(FormatProgressLineTest, KnownTotalShowsBarPercentRateAndEta) {
  EXPECT_EQ(FormatProgressLine(20 * kMiB, 100 * kMiB, absl::Seconds(2)),
            "[####----------------]  20%  20.0 MiB / 100.0 MiB  10.0 MiB/s  ETA 0:08");
  EXPECT_EQ(FormatProgressLine(0, 100, absl::ZeroDuration()),
            "[--------------------]   0%  0 B / 100 B  0.0 MiB/s  ETA --:--");
  EXPECT_EQ(FormatProgressLine(100 * kMiB, 100 * kMiB, absl::Seconds(4)),
            "[####################] 100%  100.0 MiB / 100.0 MiB  25.0 MiB/s  ETA 0:00");
  EXPECT_EQ(FormatProgressLine(0, 0, absl::Seconds(1)),
            "[####################] 100%  0 B / 0 B  0.0 MiB/s  ETA --:--");
}

TEST(FormatProgressLineTest, UnknownTotalShowsBytesAndRate) {
  EXPECT_EQ(FormatProgressLine(20 * kMiB, -1, absl::Seconds(2)), "20.0 MiB  10.0 MiB/s");
}

TEST(FormatErrorTest, CodeMessageAndOneLinePerViolationWithoutRepeatingThem) {
  absl::Status status = FromGrpcStatus(RichGrpcStatus(
      grpc::StatusCode::INVALID_ARGUMENT,
      "the configuration is invalid; config.bad: not a field; config.root: is required",
      "INVALID_ARGUMENT", {{"config.bad", "not a field"}, {"config.root", "is required"}}));
  EXPECT_EQ(FormatError(status),
            "error: INVALID_ARGUMENT: the configuration is invalid\n"
            "  config.bad: not a field\n"
            "  config.root: is required\n");
}

TEST(FormatErrorTest, KeepsMessagesThatDoNotEndWithTheViolations) {
  absl::Status status = FromGrpcStatus(
      RichGrpcStatus(grpc::StatusCode::INVALID_ARGUMENT, "bad key", "INVALID_ARGUMENT",
                     {{"header.key", "must not start with \"/\""}}));
  EXPECT_EQ(FormatError(status),
            "error: INVALID_ARGUMENT: bad key\n"
            "  header.key: must not start with \"/\"\n");
  EXPECT_EQ(FormatError(FromGrpcStatus(RichGrpcStatus(grpc::StatusCode::NOT_FOUND,
                                                      "no storage \"x\"", "STORAGE_NOT_FOUND"))),
            "error: NOT_FOUND: no storage \"x\"\n");
  EXPECT_EQ(FormatError(FromGrpcStatus(
                grpc::Status(grpc::StatusCode::UNAVAILABLE, "failed to connect to all addresses"))),
            "error: UNAVAILABLE: failed to connect to all addresses\n");
}

TEST(FormatErrorTest, AViolationWithoutAFieldIsItsDescriptionAlone) {
  // The service appends every violation to the message as "; FIELD: description", an empty
  // field included; the CLI strips that suffix and prints each violation on its own line.
  absl::Status status = FromGrpcStatus(RichGrpcStatus(
      grpc::StatusCode::INVALID_ARGUMENT,
      "the configuration is invalid; : too many options; config.root: is required",
      "INVALID_ARGUMENT", {{"", "too many options"}, {"config.root", "is required"}}));
  EXPECT_EQ(FormatError(status),
            "error: INVALID_ARGUMENT: the configuration is invalid\n"
            "  too many options\n"
            "  config.root: is required\n");
}

TEST(FormatTableTest, AlignsColumnsWithoutTrailingSpaces) {
  EXPECT_EQ(FormatTable({{"NAME", "ID"}, {"a-long-name", "1"}, {"b", ""}}),
            "NAME         ID\n"
            "a-long-name  1\n"
            "b\n");
}

v1::ListProvidersResponse Providers() {
  testing::FakeStorageService fake;
  v1::ListProvidersResponse response;
  grpc::ServerContext context;
  EXPECT_TRUE(fake.ListProviders(&context, nullptr, &response).ok());
  return response;
}

TEST(FormatProvidersTest, TableAndRejectedPlugins) {
  v1::ListProvidersResponse response = Providers();
  EXPECT_EQ(FormatProviders(response),
            "ID     NAME        ABI  VERSION\n"
            "local  Local disk  1.0  0.1.0\n");
  auto* rejected = response.add_rejected_plugins();
  rejected->set_path("/p/bad.so");
  rejected->set_reason("ABI major version 2, this service speaks 1");
  EXPECT_EQ(FormatProviders(response),
            "ID     NAME        ABI  VERSION\n"
            "local  Local disk  1.0  0.1.0\n"
            "\n"
            "rejected plugins:\n"
            "  /p/bad.so: ABI major version 2, this service speaks 1\n");
  EXPECT_EQ(FormatProviders(v1::ListProvidersResponse()), "no providers loaded\n");
}

TEST(FormatProviderDetailTest, ShowsEveryFieldWithTraitsDefaultsAndAllowedValues) {
  EXPECT_EQ(FormatProviderDetail(Providers().providers(0)),
            "local: Local disk (ABI 1.0, version 0.1.0)\n"
            "  Stores objects in a directory.\n"
            "  configuration fields:\n"
            "    root (string, required)\n"
            "        Root directory\n"
            "        Absolute path of the directory.\n"
            "        example: /var/backups\n"
            "    token (string, secret)\n"
            "    mode (enum, advanced)\n"
            "        default: fast\n"
            "        allowed: fast, safe\n");
}

TEST(ConfigFieldTypeNameTest, LowercaseWithoutPrefix) {
  EXPECT_EQ(ConfigFieldTypeName(v1::CONFIG_FIELD_TYPE_SIZE), "size");
  EXPECT_EQ(ConfigFieldTypeName(v1::CONFIG_FIELD_TYPE_INTEGER), "integer");
  EXPECT_EQ(ConfigFieldTypeName(v1::CONFIG_FIELD_TYPE_UNSPECIFIED), "unspecified");
}

TEST(FormatStorageTest, FieldByFieldWithSortedConfigAndSecretNames) {
  v1::Storage storage;
  storage.set_id("stg_0123456789abcdef");
  storage.set_name("backups");
  storage.set_provider("r2");
  (*storage.mutable_config())["region"] = "auto";
  (*storage.mutable_config())["account_id"] = "abc";
  storage.add_secret_fields_set("access_key_id");
  storage.add_secret_fields_set("secret_access_key");
  storage.mutable_create_time()->set_seconds(1700000000);
  EXPECT_EQ(FormatStorage(storage),
            "name:      backups\n"
            "id:        stg_0123456789abcdef\n"
            "provider:  r2\n"
            "created:   2023-11-14T22:13:20Z\n"
            "config:\n"
            "  account_id = abc\n"
            "  region = auto\n"
            "secrets:   access_key_id, secret_access_key (set)\n");
  storage.clear_config();
  storage.clear_secret_fields_set();
  storage.clear_create_time();
  EXPECT_EQ(FormatStorage(storage),
            "name:      backups\n"
            "id:        stg_0123456789abcdef\n"
            "provider:  r2\n"
            "config:    (defaults)\n"
            "secrets:   (none set)\n");
}

TEST(FormatStorageTableTest, TableOrPlaceholder) {
  v1::Storage a;
  a.set_name("alpha");
  a.set_id("stg_1");
  a.set_provider("local");
  EXPECT_EQ(FormatStorageTable({a}),
            "NAME   ID     PROVIDER\n"
            "alpha  stg_1  local\n");
  EXPECT_EQ(FormatStorageTable({}), "no storages\n");
}

v1::TestConnectionResponse TestResponse(bool succeed) {
  testing::FakeStorageService fake;
  fake.test_connection_succeeds = succeed;
  v1::TestConnectionRequest request;
  v1::TestConnectionResponse response;
  grpc::ServerContext context;
  EXPECT_TRUE(fake.TestConnection(&context, &request, &response).ok());
  return response;
}

TEST(FormatTestResultTest, FailedChecksShowDetailAndReason) {
  EXPECT_EQ(FormatTestResult(TestResponse(false), /*utf8=*/true),
            "\u2713 list_objects   12 ms  List the bucket\n"
            "\u2717 write_probe   1.50 s  Write a small object\n"
            "    AccessDenied\n"
            "connection test failed (2.00 s): ACCESS_DENIED\n"
            "  The credentials cannot write to the bucket.\n");
  EXPECT_EQ(FormatTestResult(TestResponse(false), /*utf8=*/false),
            "PASS list_objects   12 ms  List the bucket\n"
            "FAIL write_probe   1.50 s  Write a small object\n"
            "    AccessDenied\n"
            "connection test failed (2.00 s): ACCESS_DENIED\n"
            "  The credentials cannot write to the bucket.\n");
}

TEST(FormatTestResultTest, Success) {
  EXPECT_EQ(FormatTestResult(TestResponse(true), /*utf8=*/true),
            "\u2713 list_objects  12 ms  List the bucket\n"
            "connection test passed (2.00 s)\n");
}

TEST(FormatUploadResultTest, BytesDigestsPartsAndRate) {
  v1::UploadResponse response;
  response.set_bytes_stored(10 * kMiB);
  response.set_md5_hex("0123");
  response.set_sha256_hex("4567");
  response.set_part_count(2);
  response.set_part_size(5 * kMiB);
  response.mutable_elapsed()->set_seconds(2);
  response.set_storage_id("stg_1");
  response.set_bucket("b");
  response.set_key("k/x");
  EXPECT_EQ(FormatUploadResult(response, absl::Seconds(99)),
            "uploaded 10485760 bytes (10.0 MiB) to b/k/x\n"
            "  storage: stg_1\n"
            "  md5:     0123\n"
            "  sha256:  4567\n"
            "  etag:    -\n"
            "  parts:   2 x 5.0 MiB\n"
            "  elapsed: 2.00 s (5.0 MiB/s)\n");
  response.set_part_count(0);
  response.clear_elapsed();
  response.set_etag("\"e\"");
  EXPECT_EQ(FormatUploadResult(response, absl::Seconds(4)),
            "uploaded 10485760 bytes (10.0 MiB) to b/k/x\n"
            "  storage: stg_1\n"
            "  md5:     0123\n"
            "  sha256:  4567\n"
            "  etag:    \"e\"\n"
            "  parts:   single request\n"
            "  elapsed: 4.00 s (2.5 MiB/s)\n");
}

TEST(IsUtf8LocaleTest, FirstSetVariableDecides) {
  auto env = [](std::map<std::string, std::string> vars) {
    return [vars](const std::string& name) -> std::optional<std::string> {
      auto it = vars.find(name);
      if (it == vars.end()) return std::nullopt;
      return it->second;
    };
  };
  EXPECT_TRUE(IsUtf8Locale(env({{"LANG", "en_US.UTF-8"}})));
  EXPECT_TRUE(IsUtf8Locale(env({{"LANG", "de_DE.utf8"}})));
  EXPECT_TRUE(IsUtf8Locale(env({{"LC_ALL", ""}, {"LC_CTYPE", "C.UTF-8"}, {"LANG", "C"}})));
  EXPECT_FALSE(IsUtf8Locale(env({{"LC_ALL", "C"}, {"LANG", "en_US.UTF-8"}})));
  EXPECT_FALSE(IsUtf8Locale(env({})));
}

TEST(ToJsonTest, PrintsEveryFieldIndented) {
  EXPECT_EQ(*ToJson(v1::DeleteStorageResponse()), "{}\n");
  v1::ConnectionCheck check;
  check.set_name("list_objects");
  EXPECT_EQ(*ToJson(check),
            "{\n"
            " \"name\": \"list_objects\",\n"
            " \"description\": \"\",\n"
            " \"passed\": false,\n"
            " \"detail\": \"\"\n"
            "}\n");
}

}  // namespace
}  // namespace pluton::storage::client
