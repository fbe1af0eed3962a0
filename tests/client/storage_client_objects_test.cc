// StorageClient's object calls against the in-process fake: the page-following helpers
// (every page, empty pages, errors of a page or of the handler, a repeated token), the
// batching of deletions, and error details on the new RPCs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/storage_client.h"
#include "fake_storage_service.h"

namespace pluton::storage::client {
namespace {

using ::testing::ElementsAre;
using testing::FakeServer;

class StorageClientObjectsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int i = 0; i < 5; ++i) objects().objects[absl::StrCat("k", i)] = "x";
  }
  testing::FakeObjects& objects() { return server_.service().objects; }
  static v1::ListObjectsRequest List(int page_size) {
    v1::ListObjectsRequest request;
    request.set_storage("disk");
    request.set_bucket("bucket");
    request.set_page_size(page_size);
    return request;
  }

  FakeServer server_;
  StorageClient client_{server_.channel()};
};

TEST_F(StorageClientObjectsTest, ForEachObjectPageFollowsEveryPage) {
  std::vector<std::string> keys;
  int pages = 0;
  absl::Status status = client_.ForEachObjectPage(List(2), [&](const v1::ListObjectsResponse& p) {
    ++pages;
    for (const v1::ObjectInfo& object : p.objects()) keys.push_back(object.key());
    return absl::OkStatus();
  });
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(pages, 3);
  EXPECT_THAT(keys, ElementsAre("k0", "k1", "k2", "k3", "k4"));
  std::vector<std::string> tokens;
  for (const auto& request : objects().list_requests()) tokens.push_back(request.page_token());
  EXPECT_THAT(tokens, ElementsAre("", "2", "4"));
}

TEST_F(StorageClientObjectsTest, AnEmptyPageIsNotTheEnd) {
  objects().empty_first_page = true;
  int objects_seen = 0;
  ASSERT_TRUE(client_
                  .ForEachObjectPage(List(0),
                                     [&](const v1::ListObjectsResponse& p) {
                                       objects_seen += p.objects_size();
                                       return absl::OkStatus();
                                     })
                  .ok());
  EXPECT_EQ(objects_seen, 5);
}

TEST_F(StorageClientObjectsTest, TheHandlersErrorStopsTheListing) {
  int pages = 0;
  absl::Status status = client_.ForEachObjectPage(List(2), [&](const v1::ListObjectsResponse&) {
    ++pages;
    return absl::CancelledError("enough");
  });
  EXPECT_EQ(status, absl::CancelledError("enough"));
  EXPECT_EQ(pages, 1);
  EXPECT_EQ(objects().list_requests().size(), 1u);
}

TEST_F(StorageClientObjectsTest, APageErrorIsReturnedWithDetails) {
  v1::ListObjectsRequest request = List(2);
  request.set_bucket("nobucket");
  absl::Status status =
      client_.ForEachObjectPage(request, [](const auto&) { return absl::OkStatus(); });
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(GetErrorDetails(status).reason, "BUCKET_NOT_FOUND");
}

TEST_F(StorageClientObjectsTest, ARepeatedPageTokenIsAnErrorNotALoop) {
  objects().stuck_page_token = "again";
  absl::Status status =
      client_.ForEachObjectPage(List(2), [](const auto&) { return absl::OkStatus(); });
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(objects().list_requests().size(), 2u);
}

TEST_F(StorageClientObjectsTest, ForEachIncompleteUploadPage) {
  for (int i = 0; i < 5; ++i) objects().incomplete.emplace_back().set_upload_id(absl::StrCat(i));
  objects().incomplete_page_size = 2;
  std::vector<std::string> ids;
  v1::ListIncompleteUploadsRequest request;
  request.set_storage("disk");
  request.set_bucket("bucket");
  ASSERT_TRUE(client_
                  .ForEachIncompleteUploadPage(request,
                                               [&](const v1::ListIncompleteUploadsResponse& p) {
                                                 for (const auto& u : p.uploads()) {
                                                   ids.push_back(u.upload_id());
                                                 }
                                                 return absl::OkStatus();
                                               })
                  .ok());
  EXPECT_THAT(ids, ElementsAre("0", "1", "2", "3", "4"));
  EXPECT_EQ(objects().incomplete_requests().size(), 3u);
}

TEST_F(StorageClientObjectsTest, DeleteObjectsInBatchesOfAThousand) {
  std::vector<std::string> keys;
  for (int i = 0; i < 2001; ++i) keys.push_back(absl::StrCat("key", i));
  objects().undeletable = {"key1500"};
  std::vector<size_t> batch_sizes;
  std::vector<std::string> failed;
  size_t attempted = 0;
  absl::Status status = client_.DeleteObjectsInBatches(
      "disk", "bucket", keys,
      [&](const std::vector<std::string>& batch, const v1::DeleteObjectsResponse& response) {
        batch_sizes.push_back(batch.size());
        for (const auto& f : response.failures()) failed.push_back(f.key());
      },
      &attempted);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_THAT(batch_sizes, ElementsAre(1000, 1000, 1));
  EXPECT_THAT(failed, ElementsAre("key1500"));
  EXPECT_EQ(attempted, 2001u);
  auto batches = objects().batch_requests();
  ASSERT_EQ(batches.size(), 3u);
  EXPECT_EQ(batches[1].keys(0), "key1000");
  EXPECT_EQ(batches[2].keys(0), "key2000");
  EXPECT_EQ(batches[2].storage(), "disk");
  EXPECT_EQ(batches[2].bucket(), "bucket");
}

TEST_F(StorageClientObjectsTest, DeleteObjectsInBatchesStopsAtAFailedCall) {
  size_t attempted = 99;
  absl::Status status =
      client_.DeleteObjectsInBatches("missing", "bucket", {"a", "b"}, nullptr, &attempted);
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(attempted, 0u);
  EXPECT_TRUE(client_.DeleteObjectsInBatches("disk", "bucket", {}, nullptr).ok())
      << "no keys, no call";
  EXPECT_EQ(objects().batch_requests().size(), 1u);
}

TEST_F(StorageClientObjectsTest, UnaryCallsReturnResponsesAndDetails) {
  v1::StatObjectRequest stat;
  stat.set_storage("disk");
  stat.set_bucket("bucket");
  stat.set_key("k1");
  auto info = client_.StatObject(stat);
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->size(), 1);
  stat.set_key("");
  auto bad = client_.StatObject(stat);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(GetErrorDetails(bad.status()).field_violations,
              ElementsAre(FieldViolation{"key", "required"}));

  v1::SetLifecycleRequest set;
  set.set_storage("disk");
  set.set_bucket("bucket");
  set.add_rules()->set_id("r");
  auto rejected = client_.SetLifecycle(set);
  EXPECT_EQ(rejected.status().code(), absl::StatusCode::kInvalidArgument);
  set.mutable_rules(0)->set_expire_after_days(3);
  ASSERT_TRUE(client_.SetLifecycle(set).ok());
  v1::GetLifecycleRequest get;
  get.set_storage("disk");
  get.set_bucket("bucket");
  auto lifecycle = client_.GetLifecycle(get);
  ASSERT_TRUE(lifecycle.ok());
  EXPECT_EQ(lifecycle->rules(0).expire_after_days(), 3);

  v1::DeleteObjectRequest del;
  del.set_storage("disk");
  del.set_bucket("bucket");
  del.set_key("k0");
  EXPECT_TRUE(client_.DeleteObject(del).ok());
  EXPECT_FALSE(objects().objects.count("k0"));

  v1::CleanupIncompleteUploadsRequest cleanup;
  cleanup.set_storage("missing");
  EXPECT_EQ(client_.CleanupIncompleteUploads(cleanup).status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace pluton::storage::client
