// The service's object records through the whole service, on the strict R2 fake: every object
// uploaded through the service is verified on restore, also a multipart stream whose MD5 the
// provider does not keep, and on a storage with checksums disabled (by SHA-256); a record
// pins one version (ETag and size) of the object; deletes and storage removal forget records.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <sqlite3.h>

#include <string>

#include "absl/strings/escaping.h"
#include "r2fake_suite.h"
#include "s3core/r2fake_process.h"

namespace pluton::testing {
namespace {

using ::testing::HasSubstr;

constexpr int64_t kMiB = 1 << 20;
constexpr char kBucket[] = "backups";

std::string Sha256(const std::string& data) {
  std::string out(32, '\0');
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), reinterpret_cast<unsigned char*>(out.data()), &size,
             EVP_sha256(), nullptr);
  return out;
}

class ObjectRecordTest : public R2FakeSuite {
 protected:
  void SetUp() override {
    ASSERT_NE(fake_, nullptr);
    fake_->Reset();
    plugins_.push_back(std::string(PLUTON_TEST_PLUGIN_DIR) + "/pluton_r2.so");
    ServerFixture::SetUp();
    // Without the md5chksum fix-up, so the provider keeps no MD5 of a multipart stream and
    // only the service's record can verify it.
    AddFakeStorage("r2", "r2", {{"md5_after_upload", "false"}});
  }

  // A stream of unknown size (the CLI's `upload ... -`): multipart, no MD5 up front.
  absl::StatusOr<v1::UploadResponse> UploadStream(const std::string& storage,
                                                  const std::string& key, const std::string& data) {
    storage::client::MemoryByteSource source(data);
    return client_->Upload(Header(storage, kBucket, key, -1), source);
  }

  absl::StatusOr<v1::DownloadInfo> Download(const std::string& storage, const std::string& key,
                                            std::string* out) {
    v1::DownloadRequest request;
    request.set_storage(storage);
    request.set_bucket(kBucket);
    request.set_key(key);
    out->clear();
    return client_->Download(request, [out](absl::string_view data) {
      out->append(data.data(), data.size());
      return absl::OkStatus();
    });
  }

  // Rows of the registry's object_records table (read with SQLite, beside the service).
  int RecordCount() {
    sqlite3* db = nullptr;
    int count = -1;
    if (sqlite3_open_v2(dir_.Sub("data/storages.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr) ==
        SQLITE_OK) {
      sqlite3_stmt* statement = nullptr;
      if (sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM object_records", -1, &statement, nullptr) ==
              SQLITE_OK &&
          sqlite3_step(statement) == SQLITE_ROW) {
        count = sqlite3_column_int(statement, 0);
      }
      sqlite3_finalize(statement);
    }
    sqlite3_close(db);
    return count;
  }
};

TEST_F(ObjectRecordTest, AMultipartStreamIsVerifiedOnRestoreAgainstTheServiceRecord) {
  const std::string data = PatternBytes(13 * kMiB + 7, 21);
  auto uploaded = UploadStream("r2", "stream.tar", data);
  ASSERT_TRUE(uploaded.ok()) << uploaded.status();
  ASSERT_GT(uploaded->part_count(), 1);

  std::string got;
  auto info = Download("r2", "stream.tar", &got);
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_TRUE(got == data);
  EXPECT_TRUE(info->verified());
  EXPECT_EQ(info->verified_against(), v1::VERIFICATION_SOURCE_SERVICE_RECORD);
  EXPECT_EQ(info->stored_md5_hex(), Md5Hex(data));
  EXPECT_EQ(info->recorded_sha256_hex(), "") << "one hash per byte: the MD5, unless asked";

  v1::StatObjectRequest stat;
  stat.set_storage("r2");
  stat.set_bucket(kBucket);
  stat.set_key("stream.tar");
  auto object = client_->StatObject(stat);
  ASSERT_TRUE(object.ok()) << object.status();
  EXPECT_EQ(object->md5_hex(), Md5Hex(data));
  EXPECT_EQ(object->sha256_hex(), "");

  // A range is not verified, and says so.
  v1::DownloadRequest range;
  range.set_storage("r2");
  range.set_bucket(kBucket);
  range.set_key("stream.tar");
  range.set_offset(5);
  auto ranged = client_->Download(range, [](absl::string_view) { return absl::OkStatus(); });
  ASSERT_TRUE(ranged.ok()) << ranged.status();
  EXPECT_FALSE(ranged->verified());
  EXPECT_EQ(ranged->verified_against(), v1::VERIFICATION_SOURCE_UNSPECIFIED);
}

TEST_F(ObjectRecordTest, WithChecksumsDisabledTheRecordedSha256VerifiesTheRestore) {
  AddFakeStorage("r2-nomd5", "r2", {{"disable_checksum", "true"}});
  const std::string data = PatternBytes(11 * kMiB, 22);
  auto uploaded = UploadStream("r2-nomd5", "nomd5.bin", data);
  ASSERT_TRUE(uploaded.ok()) << uploaded.status();
  EXPECT_EQ(uploaded->md5_hex(), "");

  std::string got;
  auto info = Download("r2-nomd5", "nomd5.bin", &got);
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_TRUE(got == data);
  EXPECT_TRUE(info->verified());
  EXPECT_EQ(info->verified_against(), v1::VERIFICATION_SOURCE_SERVICE_RECORD);
  EXPECT_EQ(info->stored_md5_hex(), "");
  EXPECT_EQ(info->recorded_sha256_hex(), absl::BytesToHexString(Sha256(data)));

  // Bytes rotting at the provider under the same ETag are caught by the SHA-256.
  const nlohmann::json corrupt = fake_->Json("POST", "/corrupt?bucket=backups&key=nomd5.bin");
  ASSERT_TRUE(corrupt.is_object() && corrupt.value("ok", false)) << corrupt.dump();
  auto rotten = Download("r2-nomd5", "nomd5.bin", &got);
  EXPECT_EQ(rotten.status().code(), absl::StatusCode::kDataLoss) << rotten.status();
  EXPECT_THAT(std::string(rotten.status().message()),
              HasSubstr("SHA-256 " + absl::BytesToHexString(Sha256(got))));
  EXPECT_THAT(
      std::string(rotten.status().message()),
      HasSubstr("the service's record of the upload says " + absl::BytesToHexString(Sha256(data))));
}

TEST_F(ObjectRecordTest, CorruptedBytesOfAMultipartStreamEndTheRestoreWithDataLoss) {
  const std::string data = PatternBytes(12 * kMiB, 23);
  ASSERT_TRUE(UploadStream("r2", "rot.tar", data).ok());
  const nlohmann::json corrupt = fake_->Json("POST", "/corrupt?bucket=backups&key=rot.tar");
  ASSERT_TRUE(corrupt.is_object() && corrupt.value("ok", false)) << corrupt.dump();
  std::string got;
  auto rotten = Download("r2", "rot.tar", &got);
  EXPECT_EQ(rotten.status().code(), absl::StatusCode::kDataLoss) << rotten.status();
  EXPECT_THAT(std::string(rotten.status().message()),
              HasSubstr("the service's record of the upload says " + Md5Hex(data)));
}

TEST_F(ObjectRecordTest, AnObjectReplacedBehindTheServiceIsNotVerifiedFromAnOldRecord) {
  // A second storage on the same bucket writes the key: for the first storage's record, the
  // object is another version (another ETag), so it must not be checked against that record.
  AddFakeStorage("r2-other", "r2", {{"md5_after_upload", "false"}});
  const std::string first = PatternBytes(12 * kMiB, 24);
  const std::string second = PatternBytes(12 * kMiB, 25);
  ASSERT_TRUE(UploadStream("r2", "shared.tar", first).ok());
  ASSERT_TRUE(UploadStream("r2-other", "shared.tar", second).ok());

  std::string got;
  auto info = Download("r2", "shared.tar", &got);
  ASSERT_TRUE(info.ok()) << info.status() << ": the old record was used for the new version";
  EXPECT_TRUE(got == second);
  EXPECT_FALSE(info->verified());
  EXPECT_EQ(info->stored_md5_hex(), "");
  EXPECT_EQ(info->recorded_sha256_hex(), "");

  auto through_other = Download("r2-other", "shared.tar", &got);
  ASSERT_TRUE(through_other.ok()) << through_other.status();
  EXPECT_TRUE(through_other->verified());
  EXPECT_EQ(through_other->stored_md5_hex(), Md5Hex(second));
}

TEST_F(ObjectRecordTest, DeletesAndStorageRemovalForgetTheRecords) {
  const std::string data = PatternBytes(7 * kMiB, 26);
  for (const char* key : {"a", "b", "c", "d"}) ASSERT_TRUE(UploadStream("r2", key, data).ok());
  ASSERT_TRUE(UploadStream("r2", "a", data).ok()) << "a second upload replaces the record";
  EXPECT_EQ(RecordCount(), 4);

  v1::DeleteObjectRequest one;
  one.set_storage("r2");
  one.set_bucket(kBucket);
  one.set_key("a");
  ASSERT_TRUE(client_->DeleteObject(one).ok());
  EXPECT_EQ(RecordCount(), 3);

  v1::DeleteObjectsRequest some;
  some.set_storage("r2");
  some.set_bucket(kBucket);
  some.add_keys("b");
  some.add_keys("c");
  auto deleted = client_->DeleteObjects(some);
  ASSERT_TRUE(deleted.ok()) << deleted.status();
  EXPECT_EQ(deleted->deleted_count(), 2);
  EXPECT_EQ(RecordCount(), 1);

  v1::DeleteStorageRequest remove;
  remove.set_storage("r2");
  ASSERT_TRUE(client_->DeleteStorage(remove).ok());
  EXPECT_EQ(RecordCount(), 0);
}

}  // namespace
}  // namespace pluton::testing
