// S3Client's listing, multi-object deletion, multipart-upload pages and bucket lifecycle
// against the strict R2 fake: what comes back (keys byte for byte, prefixes, pages, per-key
// errors, rules) and what went on the wire (Content-MD5, escaped XML).
#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pluton/s3/digest.h"
#include "pluton/s3/s3_client.h"
#include "r2fake_test_base.h"

namespace pluton::s3 {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using testing::kScopedKeyId;
using testing::kScopedSecret;

const CancelCheck kNever;

class S3ClientBucketTest : public testing::R2FakeTestBase {
 protected:
  void Put(const std::string& key, const std::string& data = "x") {
    absl::Span<const uint8_t> span(reinterpret_cast<const uint8_t*>(data.data()), data.size());
    absl::StatusOr<PutObjectResult> put = client_->PutObject(
        "backups", key, {span}, Md5Base64(ByteSpans(&span, 1)), ObjectOptions{}, kNever);
    ASSERT_TRUE(put.ok()) << key << ": " << put.status();
  }
  std::vector<std::string> StoredKeys() {
    std::vector<std::string> keys;
    for (const json& object : fake_->Objects("backups")) keys.push_back(object["key"]);
    return keys;
  }
};

TEST_F(S3ClientBucketTest, ListsPagesWithPrefixAndDelimiterKeepingKeysExact) {
  const std::vector<std::string> keys = {
      "data/a b.txt", "data/c+d.txt",   "data/sub/1",   "data/sub/2", "data/ü/é",
      "data/x&y<z>",  "data/zz%20.txt", "data/zz/deep", "other/x",    "data!"};
  for (const std::string& key : keys) Put(key, "payload-" + key);
  const absl::Time before_listing = absl::Now();

  std::vector<std::string> objects, prefixes;
  ListObjectsRequest request;
  request.prefix = "data/";
  request.delimiter = "/";
  request.max_keys = 2;
  int pages = 0;
  do {
    absl::StatusOr<ObjectPage> page = client_->ListObjectsV2("backups", request, kNever);
    ASSERT_TRUE(page.ok()) << page.status();
    ++pages;
    EXPECT_LE(page->objects.size() + page->common_prefixes.size(), 2u);
    for (const ObjectSummary& object : page->objects) {
      objects.push_back(object.key);
      EXPECT_EQ(object.size, ("payload-" + object.key).size()) << object.key;
      EXPECT_EQ(object.etag.size(), 32u) << "unquoted MD5 hex: " << object.etag;
      EXPECT_EQ(object.storage_class, "STANDARD");
      ASSERT_TRUE(object.modified.has_value());
      EXPECT_LE(*object.modified, before_listing);
      EXPECT_GT(*object.modified, before_listing - absl::Minutes(1));
    }
    for (const std::string& prefix : page->common_prefixes) prefixes.push_back(prefix);
    request.continuation_token = page->next_continuation_token;
  } while (!request.continuation_token.empty());

  EXPECT_GE(pages, 4);
  EXPECT_THAT(objects,
              ElementsAre("data/a b.txt", "data/c+d.txt", "data/x&y<z>", "data/zz%20.txt"));
  EXPECT_THAT(prefixes, ElementsAre("data/sub/", "data/zz/", "data/ü/"));
  json log = fake_->WaitForRequests("ListObjectsV2", static_cast<size_t>(pages));
  ASSERT_FALSE(log.empty());
  EXPECT_EQ(log[0]["params"]["encoding-type"], "url");
  EXPECT_EQ(log[0]["params"]["delimiter"], "/");
  EXPECT_EQ(log[0]["params"]["max-keys"], "2");
}

TEST_F(S3ClientBucketTest, DeletesManyKeysIncludingMissingAndAwkwardOnes) {
  const std::vector<std::string> keys = {"a&b", "c<d>e", "quote\"'", "ü/space here", "plus+"};
  for (const std::string& key : keys) Put(key);
  Put("kept");
  std::vector<std::string> to_delete = keys;
  to_delete.push_back("never-existed");
  absl::StatusOr<std::vector<DeleteObjectError>> errors =
      client_->DeleteObjects("backups", to_delete, kNever);
  ASSERT_TRUE(errors.ok()) << errors.status();
  EXPECT_TRUE(errors->empty());
  EXPECT_THAT(StoredKeys(), ElementsAre("kept"));

  json log = fake_->WaitForRequests("DeleteObjects", 1);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0]["method"], "POST");
  EXPECT_EQ(log[0]["status"], 200);
  EXPECT_TRUE(log[0]["has_content_md5"]);
  EXPECT_NE(log[0]["content_sha256"], "UNSIGNED-PAYLOAD");
}

TEST_F(S3ClientBucketTest, ReportsPerKeyErrors) {
  for (const char* key : {"locked/1", "free", "locked/2"}) Put(key);
  fake_->AddFault({{"operation", "DeleteObjects"},
                   {"action", "key_error"},
                   {"key_prefix", "locked/"},
                   {"code", "AccessDenied"},
                   {"message", "held by policy"}});
  absl::StatusOr<std::vector<DeleteObjectError>> errors =
      client_->DeleteObjects("backups", {"locked/1", "free", "locked/2"}, kNever);
  ASSERT_TRUE(errors.ok()) << errors.status();
  ASSERT_EQ(errors->size(), 2u);
  EXPECT_EQ((*errors)[0].key, "locked/1");
  EXPECT_EQ((*errors)[0].code, "AccessDenied");
  EXPECT_EQ((*errors)[0].message, "held by policy");
  EXPECT_EQ((*errors)[1].key, "locked/2");
  EXPECT_THAT(StoredKeys(), ElementsAre("locked/1", "locked/2"));
}

TEST_F(S3ClientBucketTest, RefusesBadDeleteRequestsBeforeSending) {
  EXPECT_EQ(client_->DeleteObjects("backups", {}, kNever).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(client_->DeleteObjects("backups", std::vector<std::string>(1001, "k"), kNever)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  absl::Status control = client_->DeleteObjects("backups", {"a", "b\x01"}, kNever).status();
  EXPECT_EQ(control.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(control.message(), HasSubstr("DeleteObjects backups"));
  EXPECT_TRUE(fake_->Requests("DeleteObjects").empty());
}

TEST_F(S3ClientBucketTest, ListsMultipartUploadsPageByPage) {
  using Upload = std::pair<std::string, std::string>;  // key, upload id
  std::set<Upload> made;
  for (const char* key : {"b", "a", "c d", "a", "e/ü+f"}) {
    absl::StatusOr<std::string> id =
        client_->CreateMultipartUpload("backups", key, ObjectOptions{}, kNever);
    ASSERT_TRUE(id.ok()) << id.status();
    made.emplace(key, *id);
  }
  const std::string old_id = made.begin()->second;
  fake_->Json("POST", "uploads/initiated", {{"upload_id", old_id}, {"age_seconds", 8 * 86400}});

  std::vector<Upload> seen;
  ListUploadsRequest request;
  request.max_uploads = 2;
  int pages = 0;
  for (;;) {
    absl::StatusOr<MultipartUploadPage> page =
        client_->ListMultipartUploadsPage("backups", request, kNever);
    ASSERT_TRUE(page.ok()) << page.status();
    ASSERT_LT(++pages, 10);
    EXPECT_LE(page->uploads.size(), 2u);
    for (const MultipartUploadSummary& upload : page->uploads) {
      seen.emplace_back(upload.key, upload.upload_id);
      ASSERT_TRUE(upload.initiated.has_value());
      const absl::Duration age = absl::Now() - *upload.initiated;
      if (upload.upload_id == old_id) {
        EXPECT_GT(age, absl::Hours(24 * 8 - 1));
      } else {
        EXPECT_LT(age, absl::Minutes(5));
      }
    }
    if (page->next_key_marker.empty()) {
      EXPECT_TRUE(page->next_upload_id_marker.empty());
      break;
    }
    request.key_marker = page->next_key_marker;
    request.upload_id_marker = page->next_upload_id_marker;
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(std::set<Upload>(seen.begin(), seen.end()), made);
  std::vector<std::string> keys;
  for (const auto& [key, id] : seen) keys.push_back(key);
  EXPECT_THAT(keys, ElementsAre("a", "a", "b", "c d", "e/ü+f"));

  // The all-pages variant still sees every upload.
  absl::StatusOr<std::vector<MultipartUploadSummary>> all =
      client_->ListMultipartUploads("backups", "", kNever);
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->size(), 5u);
}

TEST_F(S3ClientBucketTest, LifecycleRoundTrip) {
  absl::StatusOr<std::vector<LifecycleRule>> none = client_->GetBucketLifecycle("backups", kNever);
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_TRUE(none->empty());

  std::vector<LifecycleRule> rules(2);
  rules[0].id = "logs & <tmp>";
  rules[0].prefix = "logs/&<>";
  rules[0].expiration_days = 30;
  rules[1].id = "uploads";
  rules[1].enabled = false;
  rules[1].abort_incomplete_days = 3;
  ASSERT_TRUE(client_->PutBucketLifecycle("backups", rules, kNever).ok());

  json stored = fake_->Json("GET", "lifecycle?bucket=backups");
  const std::string xml = stored["xml"];
  EXPECT_THAT(xml, HasSubstr("<ID>logs &amp; &lt;tmp&gt;</ID>"));
  EXPECT_THAT(xml, HasSubstr("<Prefix>logs/&amp;&lt;&gt;</Prefix>"));
  json log = fake_->WaitForRequests("PutBucketLifecycleConfiguration", 1);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_TRUE(log[0]["has_content_md5"]);
  EXPECT_EQ(log[0]["status"], 200);

  absl::StatusOr<std::vector<LifecycleRule>> got = client_->GetBucketLifecycle("backups", kNever);
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->size(), 2u);
  EXPECT_EQ((*got)[0].id, "logs & <tmp>");
  EXPECT_EQ((*got)[0].prefix, "logs/&<>");
  EXPECT_EQ((*got)[0].expiration_days, 30);
  EXPECT_TRUE((*got)[0].enabled);
  EXPECT_EQ((*got)[1].id, "uploads");
  EXPECT_FALSE((*got)[1].enabled);
  EXPECT_EQ((*got)[1].abort_incomplete_days, 3);

  ASSERT_TRUE(client_->DeleteBucketLifecycle("backups", kNever).ok());
  EXPECT_TRUE(fake_->Json("GET", "lifecycle?bucket=backups")["xml"].is_null());
  got = client_->GetBucketLifecycle("backups", kNever);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_TRUE(got->empty());
  EXPECT_TRUE(client_->DeleteBucketLifecycle("backups", kNever).ok());
}

TEST_F(S3ClientBucketTest, LifecycleRulesBeyondTheModelAreReported) {
  ASSERT_TRUE(fake_
                  ->Control("PUT", "lifecycle?bucket=backups",
                            "<LifecycleConfiguration><Rule><ID>archive</ID><Filter><Prefix>a/"
                            "</Prefix></Filter><Status>Enabled</Status><Transition><Days>30"
                            "</Days><StorageClass>STANDARD_IA</StorageClass></Transition></Rule>"
                            "</LifecycleConfiguration>")
                  .ok());
  absl::StatusOr<std::vector<LifecycleRule>> got = client_->GetBucketLifecycle("backups", kNever);
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ((*got)[0].prefix, "a/");
  EXPECT_THAT((*got)[0].unsupported, ElementsAre("Transition"));
  EXPECT_EQ(client_->PutBucketLifecycle("backups", *got, kNever).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(S3ClientBucketTest, BucketErrorsCarryTheS3Code) {
  std::unique_ptr<S3Client> scoped = MakeClient(kScopedKeyId, kScopedSecret);
  absl::Status denied = scoped->GetBucketLifecycle("other", kNever).status();
  EXPECT_EQ(denied.code(), absl::StatusCode::kPermissionDenied) << denied;
  ASSERT_TRUE(S3ErrorOf(denied).has_value());
  EXPECT_EQ(S3ErrorOf(denied)->code, "AccessDenied");

  absl::Status missing = client_->ListObjectsV2("nope", ListObjectsRequest{}, kNever).status();
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(S3ErrorOf(missing)->code, "NoSuchBucket");
  EXPECT_THAT(missing.message(), HasSubstr("ListObjectsV2 nope"));
  EXPECT_EQ(client_->DeleteObjects("nope", {"a", "b"}, kNever).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(client_->ListMultipartUploadsPage("nope", {}, kNever).status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace pluton::s3
