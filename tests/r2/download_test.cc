// Downloads and stats through the real pluton_r2.so and pluton_s3.so (download_open / read /
// close, stat_object), after uploads through the same plugins, against the strict R2 fake:
// bytes, ranges, resuming with an offset, the stored MD5 (and a corrupted object), stat
// fields, SSE-C, error codes and messages (never a secret).
#include <openssl/evp.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "common/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "plugin_harness.h"

namespace pluton::r2_test {
namespace {

using ::pluton::testing::PatternBytes;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr uint64_t kMiB = 1024 * 1024;
// base64 of 32 bytes: an SSE-C key (a secret: must never appear in a message).
const std::string kSseKey = absl::Base64Escape(std::string(32, 'S'));

std::string Md5(const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), digest, &size, EVP_md5(), nullptr);
  return std::string(reinterpret_cast<char*>(digest), size);
}

// What one download_open + download_read loop + download_close gave.
struct Downloaded {
  Error error;  // of download_open, or of the first failed download_read
  uint64_t object_size = 0;
  std::string etag;
  std::optional<std::string> stored_md5;
  uint64_t content_length = 0;
  std::string bytes;
};

class DownloadTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    const LoadedPlugin& plugin = LoadedPlugin::Get(GetParam());
    ASSERT_NE(plugin.api, nullptr) << plugin.load_error;
    api_ = plugin.api;
    ASSERT_NE(api_->download_open, nullptr);
    ASSERT_NE(api_->stat_object, nullptr);
    ASSERT_TRUE(SharedFake().ok()) << SharedFake().status();
    fake().Reset();
    config_ = Config{{"access_key_id", kAdminKeyId},
                     {"secret_access_key", kAdminSecret},
                     {"endpoint", fake().endpoint()},
                     {"chunk_size", "5MiB"},
                     {"upload_cutoff", "5MiB"}};
    if (GetParam() == "pluton_r2.so") config_.Set("account_id", kAccountId);
  }

  static R2FakeProcess& fake() { return **SharedFake(); }

  void UseSseC(Config& config) const {
    config.Set("server_side_encryption", "SSE-C").Set("sse_customer_key", kSseKey);
  }

  // Uploads `data` through the plugin; content_md5 given up front when `with_md5`.
  Error Upload(const std::string& key, const std::string& data, bool with_md5,
               const Config* config = nullptr,
               std::vector<std::pair<std::string, std::string>> metadata = {}) {
    const std::string md5 = Md5(data);
    const std::string bucket = "backups";
    std::vector<pluton_kv> kvs;
    for (const auto& [k, v] : metadata) kvs.push_back({k.c_str(), v.c_str()});
    pluton_upload_params params{};
    params.struct_size = sizeof(params);
    params.bucket = bucket.c_str();
    params.key = key.c_str();
    params.expected_size = static_cast<int64_t>(data.size());
    params.content_type = "application/x-tar";
    params.metadata_count = kvs.size();
    params.metadata = kvs.empty() ? nullptr : kvs.data();
    params.content_md5 = with_md5 ? reinterpret_cast<const uint8_t*>(md5.data()) : nullptr;
    pluton_upload* upload = nullptr;
    Error error =
        Take(api_, api_->upload_begin((config ? *config : config_).get(), &params, &upload));
    if (!error.ok) return error;
    for (size_t offset = 0; offset < data.size() && error.ok; offset += kMiB) {
      const size_t n = std::min<size_t>(kMiB, data.size() - offset);
      error = Take(api_, api_->upload_write(
                             upload, reinterpret_cast<const uint8_t*>(data.data()) + offset, n));
    }
    if (error.ok) {
      pluton_upload_result result{};
      result.struct_size = sizeof(result);
      error = Take(api_, api_->upload_finish(upload, &result));
    }
    if (!error.ok) api_->upload_abort(upload);
    api_->upload_destroy(upload);
    return error;
  }

  // Opens [offset, offset + length) of `key` and reads up to `max_bytes` of it.
  Downloaded Download(const std::string& key, uint64_t offset = 0, int64_t length = -1,
                      size_t max_bytes = SIZE_MAX, const Config* config = nullptr,
                      const std::string& bucket = "backups",
                      const pluton_cancel_token* cancel = nullptr) {
    Downloaded out;
    pluton_download_params params{};
    params.struct_size = sizeof(params);
    params.bucket = bucket.c_str();
    params.key = key.c_str();
    params.offset = offset;
    params.length = length;
    params.cancel = cancel;
    pluton_download_info info{};
    info.struct_size = sizeof(info);
    pluton_download* download = nullptr;
    out.error = Take(
        api_, api_->download_open((config ? *config : config_).get(), &params, &download, &info));
    if (!out.error.ok) {
      EXPECT_EQ(download, nullptr);
      return out;
    }
    out.object_size = info.object_size;
    out.etag = info.etag;
    if (info.stored_md5 != nullptr) {
      out.stored_md5 = std::string(reinterpret_cast<const char*>(info.stored_md5), 16);
    }
    out.content_length = info.content_length;
    std::vector<uint8_t> buffer(256 * 1024);
    while (out.bytes.size() < max_bytes) {
      size_t n = 0;
      const size_t want = std::min(buffer.size(), max_bytes - out.bytes.size());
      out.error = Take(api_, api_->download_read(download, buffer.data(), want, &n));
      if (!out.error.ok || n == 0) break;
      EXPECT_LE(n, want);
      out.bytes.append(reinterpret_cast<const char*>(buffer.data()), n);
    }
    api_->download_close(download);
    return out;
  }

  // A copied pluton_object_stat, or the error.
  struct Stat {
    Error error;
    uint64_t size = 0;
    int64_t modified_unix_ms = 0;
    std::string etag;
    std::optional<std::string> stored_md5;
    std::string storage_class;
    std::string content_type;
    std::vector<std::pair<std::string, std::string>> metadata;
  };
  Stat StatObject(const std::string& key, const std::string& bucket = "backups",
                  const Config* config = nullptr) {
    Stat out;
    pluton_object_params params{};
    params.struct_size = sizeof(params);
    params.bucket = bucket.c_str();
    params.key = key.c_str();
    pluton_object_stat* stat = nullptr;
    out.error = Take(api_, api_->stat_object((config ? *config : config_).get(), &params, &stat));
    if (!out.error.ok) return out;
    EXPECT_NE(stat, nullptr);
    if (stat == nullptr) return out;
    out.size = stat->size;
    out.modified_unix_ms = stat->modified_unix_ms;
    out.etag = stat->etag;
    if (stat->stored_md5 != nullptr) {
      out.stored_md5 = std::string(reinterpret_cast<const char*>(stat->stored_md5), 16);
    }
    out.storage_class = stat->storage_class;
    out.content_type = stat->content_type;
    for (size_t i = 0; i < stat->metadata_count; ++i) {
      out.metadata.emplace_back(stat->metadata[i].key, stat->metadata[i].value);
    }
    api_->object_stat_destroy(stat);
    return out;
  }

  static void ExpectNoSecret(const Error& error) {
    EXPECT_THAT(error.message, Not(HasSubstr(kAdminSecret)));
    EXPECT_THAT(error.message, Not(HasSubstr(kSseKey)));
  }

  const pluton_plugin_api* api_ = nullptr;
  Config config_;
};

TEST_P(DownloadTest, EmptyAndSinglePutObjectsComeBackByteExactWithTheirMd5) {
  const std::string small = PatternBytes(300 * 1024 + 3, 11);
  ASSERT_TRUE(Upload("empty.bin", "", /*with_md5=*/true).ok);
  ASSERT_TRUE(Upload("small.bin", small, /*with_md5=*/false).ok);

  const Downloaded empty = Download("empty.bin");
  ASSERT_TRUE(empty.error.ok) << empty.error;
  EXPECT_EQ(empty.bytes, "");
  EXPECT_EQ(empty.object_size, 0u);
  EXPECT_EQ(empty.content_length, 0u);
  EXPECT_EQ(empty.stored_md5.value_or("none"), Md5(""));

  const Downloaded whole = Download("small.bin");
  ASSERT_TRUE(whole.error.ok) << whole.error;
  EXPECT_TRUE(whole.bytes == small);
  EXPECT_EQ(whole.object_size, small.size());
  EXPECT_EQ(whole.content_length, small.size());
  EXPECT_EQ(whole.etag, absl::BytesToHexString(Md5(small)));
  EXPECT_EQ(whole.stored_md5.value_or("none"), Md5(small)) << "the single PUT's ETag";

  const Downloaded last = Download("small.bin", small.size() - 1, 1);
  ASSERT_TRUE(last.error.ok) << last.error;
  EXPECT_EQ(last.bytes, small.substr(small.size() - 1));
  EXPECT_EQ(last.content_length, 1u);
}

TEST_P(DownloadTest, MultipartObjectWholeRangedAndResumedAfterAnInterruption) {
  const std::string data = PatternBytes(11 * kMiB + 4321, 12);
  ASSERT_TRUE(Upload("multi.bin", data, /*with_md5=*/true).ok);
  ASSERT_EQ(fake().Objects("backups")[0]["multipart"], true);

  const Downloaded whole = Download("multi.bin");
  ASSERT_TRUE(whole.error.ok) << whole.error;
  EXPECT_TRUE(whole.bytes == data);
  EXPECT_EQ(whole.object_size, data.size());
  EXPECT_THAT(whole.etag, ::testing::EndsWith("-3"));
  EXPECT_EQ(whole.stored_md5.value_or("none"), Md5(data)) << "from the md5chksum metadata";

  // The middle, across the boundary of parts 1 and 2.
  const Downloaded middle = Download("multi.bin", 5 * kMiB - 500, 1000);
  ASSERT_TRUE(middle.error.ok) << middle.error;
  EXPECT_TRUE(middle.bytes == data.substr(5 * kMiB - 500, 1000));
  EXPECT_EQ(middle.content_length, 1000u);
  EXPECT_EQ(middle.object_size, data.size());

  // Interrupted (closed after 3 MiB + 5), then resumed from there.
  const Downloaded first = Download("multi.bin", 0, -1, 3 * kMiB + 5);
  ASSERT_TRUE(first.error.ok) << first.error;
  ASSERT_EQ(first.bytes.size(), 3 * kMiB + 5);
  const Downloaded rest = Download("multi.bin", first.bytes.size());
  ASSERT_TRUE(rest.error.ok) << rest.error;
  EXPECT_EQ(rest.content_length, data.size() - first.bytes.size());
  EXPECT_TRUE(first.bytes + rest.bytes == data);
  EXPECT_EQ(rest.etag, first.etag);

  // A finished download resumed at the very end reads nothing and succeeds.
  const Downloaded done = Download("multi.bin", data.size());
  ASSERT_TRUE(done.error.ok) << done.error;
  EXPECT_EQ(done.content_length, 0u);
  EXPECT_EQ(done.bytes, "");
}

TEST_P(DownloadTest, MultipartWithoutAnUpFrontMd5HasNoStoredMd5) {
  const std::string data = PatternBytes(6 * kMiB, 13);
  ASSERT_TRUE(Upload("no-md5.bin", data, /*with_md5=*/false).ok);
  const Downloaded whole = Download("no-md5.bin");
  ASSERT_TRUE(whole.error.ok) << whole.error;
  EXPECT_TRUE(whole.bytes == data);
  EXPECT_FALSE(whole.stored_md5.has_value()) << "a multipart ETag is not an MD5";
  EXPECT_FALSE(StatObject("no-md5.bin").stored_md5.has_value());
}

TEST_P(DownloadTest, CorruptedStoredBytesNoLongerMatchTheStoredMd5) {
  const std::string data = PatternBytes(200000, 14);
  ASSERT_TRUE(Upload("rot.bin", data, /*with_md5=*/true).ok);
  const nlohmann::json corrupt = fake().Json("POST", "/corrupt?bucket=backups&key=rot.bin");
  ASSERT_TRUE(corrupt.is_object() && corrupt.value("ok", false)) << corrupt.dump();

  const Downloaded got = Download("rot.bin");
  ASSERT_TRUE(got.error.ok) << got.error << " (the plugin reports; the service verifies)";
  ASSERT_EQ(got.bytes.size(), data.size());
  EXPECT_FALSE(got.bytes == data);
  ASSERT_TRUE(got.stored_md5.has_value());
  EXPECT_EQ(*got.stored_md5, Md5(data)) << "the MD5 as stored, of the original bytes";
  EXPECT_NE(Md5(got.bytes), *got.stored_md5) << "so the service can tell: DATA_LOSS";
}

TEST_P(DownloadTest, ABodyCutMidwayIsResumedTransparently) {
  const std::string data = PatternBytes(2 * kMiB, 15);
  ASSERT_TRUE(Upload("cut.bin", data, /*with_md5=*/true).ok);
  fake().AddFault({{"operation", "GetObject"}, {"action", "truncate"}, {"truncate_bytes", 700000}});
  const Downloaded got = Download("cut.bin");
  ASSERT_TRUE(got.error.ok) << got.error;
  EXPECT_TRUE(got.bytes == data);
  const nlohmann::json gets = fake().WaitForRequests("GetObject", 2);
  ASSERT_EQ(gets.size(), 2u);
  EXPECT_EQ(gets[1]["headers"].value("if-match", ""), "\"" + got.etag + "\"");
}

TEST_P(DownloadTest, StatObjectReportsTheObject) {
  const std::string data = PatternBytes(4096, 16);
  const int64_t before_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count() -
                            5000;
  ASSERT_TRUE(Upload("stat/me.tar", data, /*with_md5=*/true, nullptr,
                     {{"Host-Name", "db1"}, {"origin", "pluton"}})
                  .ok);
  const Stat stat = StatObject("stat/me.tar");
  ASSERT_TRUE(stat.error.ok) << stat.error;
  EXPECT_EQ(stat.size, data.size());
  EXPECT_GE(stat.modified_unix_ms, before_ms);
  EXPECT_LE(stat.modified_unix_ms, before_ms + 65000);
  EXPECT_EQ(stat.etag, absl::BytesToHexString(Md5(data)));
  EXPECT_EQ(stat.stored_md5.value_or("none"), Md5(data));
  EXPECT_EQ(stat.storage_class, "STANDARD");
  EXPECT_EQ(stat.content_type, "application/x-tar");
  using Pair = std::pair<std::string, std::string>;
  EXPECT_THAT(stat.metadata,
              ::testing::ElementsAre(Pair{"host-name", "db1"}, Pair{"origin", "pluton"}))
      << "lowercase keys, no prefix, md5chksum hidden";
}

TEST_P(DownloadTest, MissingObjectsBucketsAndRangesAreNamedErrors) {
  ASSERT_TRUE(Upload("ten.bin", "0123456789", /*with_md5=*/true).ok);

  const Downloaded missing = Download("dir/missing.bin");
  EXPECT_EQ(missing.error.code, PLUTON_NOT_FOUND) << missing.error;
  EXPECT_EQ(missing.error.reason, "OBJECT_NOT_FOUND");
  EXPECT_THAT(missing.error.message, HasSubstr("object \"dir/missing.bin\" not found in bucket "
                                               "\"backups\""));
  ExpectNoSecret(missing.error);

  const Stat stat_missing = StatObject("dir/missing.bin");
  EXPECT_EQ(stat_missing.error.code, PLUTON_NOT_FOUND) << stat_missing.error;
  EXPECT_EQ(stat_missing.error.reason, "OBJECT_NOT_FOUND");
  EXPECT_THAT(stat_missing.error.message, HasSubstr("\"dir/missing.bin\""));
  EXPECT_THAT(stat_missing.error.message, HasSubstr("\"backups\""));
  ExpectNoSecret(stat_missing.error);

  const Downloaded no_bucket = Download("k", 0, -1, SIZE_MAX, nullptr, "no-such-bucket");
  EXPECT_EQ(no_bucket.error.code, PLUTON_NOT_FOUND) << no_bucket.error;
  EXPECT_THAT(no_bucket.error.message, HasSubstr("bucket \"no-such-bucket\""));
  ExpectNoSecret(no_bucket.error);
  const Stat stat_no_bucket = StatObject("k", "no-such-bucket");
  EXPECT_EQ(stat_no_bucket.error.code, PLUTON_NOT_FOUND) << stat_no_bucket.error;
  EXPECT_EQ(stat_no_bucket.error.reason, "NO_SUCH_BUCKET") << "not OBJECT_NOT_FOUND";
  EXPECT_THAT(stat_no_bucket.error.message, HasSubstr("bucket \"no-such-bucket\""));

  for (const auto& [offset, length] :
       std::vector<std::pair<uint64_t, int64_t>>{{11, -1}, {5, 6}, {10, 1}, {11, 0}}) {
    const Downloaded past = Download("ten.bin", offset, length);
    EXPECT_EQ(past.error.code, PLUTON_OUT_OF_RANGE) << offset << "+" << length << past.error;
    EXPECT_THAT(past.error.message, HasSubstr("10 bytes"));
    ExpectNoSecret(past.error);
  }
  const Downloaded empty_end = Download("ten.bin", 10, 0);
  EXPECT_TRUE(empty_end.error.ok) << empty_end.error;
}

TEST_P(DownloadTest, SseCObjectsNeedTheConfiguredKey) {
  Config sse_config = config_;
  UseSseC(sse_config);
  const std::string data = PatternBytes(50000, 17);
  ASSERT_TRUE(Upload("sealed.bin", data, /*with_md5=*/true, &sse_config).ok);

  const Downloaded with_key = Download("sealed.bin", 10, -1, SIZE_MAX, &sse_config);
  ASSERT_TRUE(with_key.error.ok) << with_key.error;
  EXPECT_TRUE(with_key.bytes == data.substr(10));
  EXPECT_EQ(with_key.stored_md5.value_or("none"), Md5(data)) << "md5chksum survives SSE-C";
  const Stat stat = StatObject("sealed.bin", "backups", &sse_config);
  ASSERT_TRUE(stat.error.ok) << stat.error;
  EXPECT_EQ(stat.size, data.size());

  const Downloaded without_key = Download("sealed.bin");
  EXPECT_FALSE(without_key.error.ok);
  EXPECT_EQ(without_key.error.code, PLUTON_INVALID_ARGUMENT) << without_key.error;
  EXPECT_THAT(without_key.error.message, HasSubstr("sse_customer_key"));
  ExpectNoSecret(without_key.error);
  const Stat stat_without_key = StatObject("sealed.bin");
  EXPECT_EQ(stat_without_key.error.code, PLUTON_INVALID_ARGUMENT) << stat_without_key.error;
  EXPECT_THAT(stat_without_key.error.message, HasSubstr("sse_customer_key"));
  ExpectNoSecret(stat_without_key.error);
}

TEST_P(DownloadTest, CancelledReadIsCancelled) {
  const std::string data = PatternBytes(3 * kMiB, 18);
  ASSERT_TRUE(Upload("c.bin", data, /*with_md5=*/true).ok);
  TestCancel cancel;
  pluton_download_params params{};
  params.struct_size = sizeof(params);
  params.bucket = "backups";
  params.key = "c.bin";
  params.length = -1;
  params.cancel = &cancel.token;
  pluton_download_info info{};
  info.struct_size = sizeof(info);
  pluton_download* download = nullptr;
  ASSERT_TRUE(Take(api_, api_->download_open(config_.get(), &params, &download, &info)).ok);
  std::vector<uint8_t> buffer(64 * 1024);
  size_t n = 0;
  ASSERT_TRUE(Take(api_, api_->download_read(download, buffer.data(), buffer.size(), &n)).ok);
  EXPECT_GT(n, 0u);
  cancel.cancelled = true;
  const Error error = Take(api_, api_->download_read(download, buffer.data(), buffer.size(), &n));
  EXPECT_EQ(error.code, PLUTON_CANCELLED) << error;
  EXPECT_EQ(n, 0u);
  const Error after = Take(api_, api_->download_read(download, buffer.data(), buffer.size(), &n));
  EXPECT_FALSE(after.ok) << "a failed download stays dead";
  api_->download_close(download);
}

INSTANTIATE_TEST_SUITE_P(Plugins, DownloadTest, ::testing::Values("pluton_r2.so", "pluton_s3.so"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param == "pluton_r2.so" ? std::string("R2")
                                                               : std::string("S3");
                         });

}  // namespace
}  // namespace pluton::r2_test
