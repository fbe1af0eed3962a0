// Object housekeeping end to end through the local provider and a real server: listing with
// prefix, delimiter and pages; stat; idempotent deletes (single and batch); incomplete uploads
// listed and cleaned up by age (an upload still streaming is aborted only when old enough, and
// then fails); lifecycle UNIMPLEMENTED for local; every bad request with its code and field.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "absl/strings/escaping.h"
#include "client/error_details.h"
#include "common/md5.h"
#include "grpcpp/grpcpp.h"
#include "server_fixture.h"

namespace pluton::testing {
namespace {

using storage::client::FromGrpcStatus;
using storage::client::GetErrorDetails;

std::vector<std::string> Fields(const absl::Status& status) {
  std::vector<std::string> fields;
  for (const auto& v : GetErrorDetails(status).field_violations) fields.push_back(v.field);
  return fields;
}

class HousekeepingApiTest : public ServerFixture {
 protected:
  void SetUp() override {
    ServerFixture::SetUp();
    AddLocalStorage("disk");
    stub_ = v1::StorageService::NewStub(
        grpc::CreateChannel(target(), grpc::InsecureChannelCredentials()));
  }

  void Put(const std::string& key, const std::string& data) {
    storage::client::MemoryByteSource source(data);
    auto uploaded =
        client_->Upload(Header("disk", "bucket", key, static_cast<int64_t>(data.size())), source);
    ASSERT_TRUE(uploaded.ok()) << uploaded.status();
  }

  // Calls a unary RPC of the stub and returns its status as an absl::Status with details.
  template <class Request, class Response, class Method>
  absl::Status Call(Method method, const Request& request, Response* response) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    return FromGrpcStatus(((*stub_).*method)(&context, request, response));
  }

  // Every page of a listing, in order: objects' keys and common prefixes.
  void ListAll(v1::ListObjectsRequest request, std::vector<std::string>* keys,
               std::vector<std::string>* prefixes, int* pages) {
    *pages = 0;
    do {
      v1::ListObjectsResponse page;
      ASSERT_TRUE(Call(&v1::StorageService::Stub::ListObjects, request, &page).ok());
      ++*pages;
      for (const auto& object : page.objects()) keys->push_back(object.key());
      for (const auto& prefix : page.common_prefixes()) prefixes->push_back(prefix);
      request.set_page_token(page.next_page_token());
      ASSERT_LT(*pages, 100) << "the listing does not end";
    } while (!request.page_token().empty());
  }

  v1::ListObjectsRequest ListRequest(const std::string& prefix, const std::string& delimiter,
                                     int page_size) {
    v1::ListObjectsRequest request;
    request.set_storage("disk");
    request.set_bucket("bucket");
    request.set_prefix(prefix);
    request.set_delimiter(delimiter);
    request.set_page_size(page_size);
    return request;
  }

  std::unique_ptr<v1::StorageService::Stub> stub_;
};

TEST_F(HousekeepingApiTest, ListsWithPrefixDelimiterAndPages) {
  for (const char* key : {"a/1", "a/2", "a/deep/3", "b/x", "c", "d e", "z"}) Put(key, key);

  std::vector<std::string> keys, prefixes;
  int pages = 0;
  ListAll(ListRequest("", "/", 2), &keys, &prefixes, &pages);
  EXPECT_EQ(keys, (std::vector<std::string>{"c", "d e", "z"}));
  EXPECT_EQ(prefixes, (std::vector<std::string>{"a/", "b/"}));
  EXPECT_GE(pages, 3);  // 5 entries, 2 per page

  keys.clear();
  prefixes.clear();
  ListAll(ListRequest("a/", "", 1), &keys, &prefixes, &pages);
  EXPECT_EQ(keys, (std::vector<std::string>{"a/1", "a/2", "a/deep/3"}));
  EXPECT_TRUE(prefixes.empty());
  EXPECT_GE(pages, 3);

  v1::ListObjectsResponse page;
  ASSERT_TRUE(Call(&v1::StorageService::Stub::ListObjects, ListRequest("c", "", 0), &page).ok());
  ASSERT_EQ(page.objects_size(), 1);
  EXPECT_EQ(page.objects(0).size(), 1);
  EXPECT_TRUE(page.objects(0).has_modify_time());
}

TEST_F(HousekeepingApiTest, StatDescribesAnObject) {
  const std::string data(70000, 'q');
  Put("docs/report.bin", data);
  v1::StatObjectRequest request;
  request.set_storage("disk");
  request.set_bucket("bucket");
  request.set_key("docs/report.bin");
  v1::ObjectInfo info;
  ASSERT_TRUE(Call(&v1::StorageService::Stub::StatObject, request, &info).ok());
  EXPECT_EQ(info.key(), "docs/report.bin");
  EXPECT_EQ(info.size(), 70000);
  EXPECT_EQ(info.md5_hex(), Md5Hex(data));
  EXPECT_TRUE(info.has_modify_time());

  request.set_key("docs/missing.bin");
  absl::Status missing = Call(&v1::StorageService::Stub::StatObject, request, &info);
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound);
  EXPECT_NE(missing.message().find("docs/missing.bin"), std::string::npos) << missing;
}

TEST_F(HousekeepingApiTest, DeletesAreIdempotent) {
  Put("old/1", "x");
  Put("old/2", "y");
  Put("keep", "z");
  v1::DeleteObjectRequest one;
  one.set_storage("disk");
  one.set_bucket("bucket");
  one.set_key("old/1");
  v1::DeleteObjectResponse none;
  ASSERT_TRUE(Call(&v1::StorageService::Stub::DeleteObject, one, &none).ok());
  EXPECT_FALSE(std::filesystem::exists(ObjectPath("bucket", "old/1")));
  // Deleting it again, or a key that never existed, succeeds.
  EXPECT_TRUE(Call(&v1::StorageService::Stub::DeleteObject, one, &none).ok());
  one.set_key("never/was");
  EXPECT_TRUE(Call(&v1::StorageService::Stub::DeleteObject, one, &none).ok());

  v1::DeleteObjectsRequest many;
  many.set_storage("disk");
  many.set_bucket("bucket");
  for (const char* key : {"old/2", "old/2", "missing"}) many.add_keys(key);
  v1::DeleteObjectsResponse result;
  ASSERT_TRUE(Call(&v1::StorageService::Stub::DeleteObjects, many, &result).ok());
  EXPECT_EQ(result.deleted_count(), 2);  // the duplicate counts once
  EXPECT_EQ(result.failures_size(), 0);
  EXPECT_FALSE(std::filesystem::exists(ObjectPath("bucket", "old/2")));
  EXPECT_TRUE(std::filesystem::exists(ObjectPath("bucket", "keep")));
}

TEST_F(HousekeepingApiTest, BadRequestsNameTheirFields) {
  v1::DeleteObjectsRequest many;
  many.set_storage("disk");
  many.set_bucket("bucket");
  v1::DeleteObjectsResponse result;
  absl::Status status = Call(&v1::StorageService::Stub::DeleteObjects, many, &result);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Fields(status), std::vector<std::string>{"keys"});

  many.add_keys("ok");
  many.add_keys("");
  many.add_keys("a/../b");
  status = Call(&v1::StorageService::Stub::DeleteObjects, many, &result);
  EXPECT_EQ(Fields(status), (std::vector<std::string>{"keys[1]", "keys[2]"}));

  v1::StatObjectRequest stat;
  stat.set_storage("disk");
  v1::ObjectInfo info;
  status = Call(&v1::StorageService::Stub::StatObject, stat, &info);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Fields(status), (std::vector<std::string>{"bucket", "key"}));

  v1::ListObjectsResponse page;
  status = Call(&v1::StorageService::Stub::ListObjects, ListRequest("", "", 1001), &page);
  EXPECT_EQ(Fields(status), std::vector<std::string>{"page_size"});

  v1::ListObjectsRequest unknown = ListRequest("", "", 0);
  unknown.set_storage("nope");
  EXPECT_EQ(Call(&v1::StorageService::Stub::ListObjects, unknown, &page).code(),
            absl::StatusCode::kNotFound);

  v1::ListObjectsRequest no_bucket = ListRequest("", "", 0);
  no_bucket.set_bucket("absent");
  EXPECT_EQ(Call(&v1::StorageService::Stub::ListObjects, no_bucket, &page).code(),
            absl::StatusCode::kNotFound);

  v1::CleanupIncompleteUploadsRequest cleanup;
  cleanup.set_storage("disk");
  cleanup.set_bucket("bucket");
  cleanup.mutable_older_than()->set_seconds(-5);
  v1::CleanupIncompleteUploadsResponse cleaned;
  status = Call(&v1::StorageService::Stub::CleanupIncompleteUploads, cleanup, &cleaned);
  EXPECT_EQ(Fields(status), std::vector<std::string>{"older_than"});
}

TEST_F(HousekeepingApiTest, LifecycleRulesAreCheckedThenUnimplementedForLocal) {
  v1::SetLifecycleRequest set;
  set.set_storage("disk");
  set.set_bucket("bucket");
  v1::LifecycleRule* rule = set.add_rules();
  rule->set_id("");
  rule->set_expire_after_days(0);
  v1::LifecycleRule* twin = set.add_rules();
  twin->set_id("r");
  twin->set_expire_after_days(3);
  *set.add_rules() = *twin;
  v1::Lifecycle lifecycle;
  absl::Status status = Call(&v1::StorageService::Stub::SetLifecycle, set, &lifecycle);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Fields(status), (std::vector<std::string>{"rules[0].id", "rules[0]", "rules[2].id"}));

  const v1::LifecycleRule valid = *twin;
  set.clear_rules();
  *set.add_rules() = valid;
  EXPECT_EQ(Call(&v1::StorageService::Stub::SetLifecycle, set, &lifecycle).code(),
            absl::StatusCode::kUnimplemented);
  v1::GetLifecycleRequest get;
  get.set_storage("disk");
  get.set_bucket("bucket");
  status = Call(&v1::StorageService::Stub::GetLifecycle, get, &lifecycle);
  EXPECT_EQ(status.code(), absl::StatusCode::kUnimplemented);
  EXPECT_EQ(GetErrorDetails(status).reason, "LIFECYCLE_UNSUPPORTED");
}

TEST_F(HousekeepingApiTest, PluginWithoutHousekeepingIsUnimplemented) {
  v1::AddStorageRequest add;
  add.mutable_storage()->set_name("mini");
  add.mutable_storage()->set_provider("minimal");
  (*add.mutable_storage()->mutable_config())["token"] = "t";
  ASSERT_TRUE(client_->AddStorage(add).ok());
  v1::ListObjectsRequest request = ListRequest("", "", 0);
  request.set_storage("mini");
  v1::ListObjectsResponse page;
  absl::Status status = Call(&v1::StorageService::Stub::ListObjects, request, &page);
  EXPECT_EQ(status.code(), absl::StatusCode::kUnimplemented);
  EXPECT_EQ(GetErrorDetails(status).reason, "LIST_UNSUPPORTED");
}

TEST_F(HousekeepingApiTest, CleanupAbortsOnlyStaleUploads) {
  // An upload left open: its header and some data are in, the stream is not finished.
  grpc::ClientContext upload_context;
  v1::UploadResponse upload_response;
  auto writer = stub_->Upload(&upload_context, &upload_response);
  v1::UploadRequest message;
  *message.mutable_header() = Header("disk", "bucket", "big/backup.tar", -1);
  ASSERT_TRUE(writer->Write(message));
  message.set_data(std::string(1 << 20, 'b'));
  ASSERT_TRUE(writer->Write(message));
  for (int i = 0; i < 200 && PartialFileCount() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(PartialFileCount(), 1u);

  v1::ListIncompleteUploadsRequest list;
  list.set_storage("disk");
  list.set_bucket("bucket");
  v1::ListIncompleteUploadsResponse listed;
  ASSERT_TRUE(Call(&v1::StorageService::Stub::ListIncompleteUploads, list, &listed).ok());
  ASSERT_EQ(listed.uploads_size(), 1);
  EXPECT_EQ(listed.uploads(0).key(), "big/backup.tar");
  EXPECT_TRUE(listed.uploads(0).has_initiate_time());

  // The default cutoff (24 h) keeps it.
  v1::CleanupIncompleteUploadsRequest cleanup;
  cleanup.set_storage("disk");
  cleanup.set_bucket("bucket");
  v1::CleanupIncompleteUploadsResponse cleaned;
  ASSERT_TRUE(Call(&v1::StorageService::Stub::CleanupIncompleteUploads, cleanup, &cleaned).ok());
  EXPECT_EQ(cleaned.aborted_size(), 0);
  EXPECT_EQ(cleaned.kept_count(), 1);

  // A dry run with a zero cutoff names it and touches nothing.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  cleanup.mutable_older_than()->set_nanos(1000000);  // 1 ms
  cleanup.set_dry_run(true);
  cleaned.Clear();
  ASSERT_TRUE(Call(&v1::StorageService::Stub::CleanupIncompleteUploads, cleanup, &cleaned).ok());
  ASSERT_EQ(cleaned.aborted_size(), 1);
  EXPECT_EQ(cleaned.aborted(0).upload_id(), listed.uploads(0).upload_id());
  EXPECT_EQ(PartialFileCount(), 1u);

  // For real: the temporary data is gone, and the upload can no longer commit.
  cleanup.set_dry_run(false);
  cleaned.Clear();
  ASSERT_TRUE(Call(&v1::StorageService::Stub::CleanupIncompleteUploads, cleanup, &cleaned).ok());
  EXPECT_EQ(cleaned.aborted_size(), 1);
  EXPECT_EQ(cleaned.failures_size(), 0);
  EXPECT_EQ(PartialFileCount(), 0u);

  message.clear_data();
  message.mutable_trailer();
  writer->Write(message);
  writer->WritesDone();
  const grpc::Status finished = writer->Finish();
  EXPECT_FALSE(finished.ok());
  EXPECT_FALSE(std::filesystem::exists(ObjectPath("bucket", "big/backup.tar")));
}

}  // namespace
}  // namespace pluton::testing
