// Download end to end through the local provider: uploaded objects come back byte for byte,
// ranges and resumed downloads add up to the object, a corrupted stored object is reported as
// DATA_LOSS, and every wrong request gets its code.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <thread>

#include "client/error_details.h"
#include "grpcpp/grpcpp.h"
#include "common/md5.h"
#include "common/xattr_probe.h"
#include "server_fixture.h"

namespace pluton::testing {
namespace {

std::string RandomBytes(size_t size, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string data(size, '\0');
  for (char& c : data) c = static_cast<char>(rng());
  return data;
}

class DownloadApiTest : public ServerFixture {
 protected:
  void SetUp() override {
    ServerFixture::SetUp();
    AddLocalStorage("disk");
  }

  void Put(const std::string& key, const std::string& data) {
    storage::client::MemoryByteSource source(data);
    auto uploaded =
        client_->Upload(Header("disk", "bucket", key, static_cast<int64_t>(data.size())), source);
    ASSERT_TRUE(uploaded.ok()) << uploaded.status();
  }

  static v1::DownloadRequest Request(const std::string& key, int64_t offset = 0,
                                     std::optional<int64_t> length = std::nullopt,
                                     const std::string& storage = "disk") {
    v1::DownloadRequest request;
    request.set_storage(storage);
    request.set_bucket("bucket");
    request.set_key(key);
    request.set_offset(offset);
    if (length) request.set_length(*length);
    return request;
  }

  // Downloads into a string; `info` receives the DownloadInfo when the call succeeds.
  absl::Status Get(const v1::DownloadRequest& request, std::string* out,
                   v1::DownloadInfo* info = nullptr) {
    out->clear();
    auto got = client_->Download(request, [out](absl::string_view data) {
      out->append(data.data(), data.size());
      return absl::OkStatus();
    });
    if (got.ok() && info != nullptr) *info = *got;
    return got.status();
  }
};

TEST_F(DownloadApiTest, ReturnsObjectsOfEverySizeByteForByte) {
  for (size_t size : {size_t{0}, size_t{1}, size_t{1 << 20}, size_t{(3 << 20) + 12345}}) {
    SCOPED_TRACE(size);
    const std::string key = "objects/" + std::to_string(size);
    const std::string data = RandomBytes(size, static_cast<uint32_t>(size));
    Put(key, data);
    std::string got;
    v1::DownloadInfo info;
    ASSERT_TRUE(Get(Request(key), &got, &info).ok());
    EXPECT_TRUE(got == data);
    EXPECT_EQ(info.object_size(), static_cast<int64_t>(size));
    EXPECT_EQ(info.offset(), 0);
    EXPECT_EQ(info.length(), static_cast<int64_t>(size));
    EXPECT_FALSE(info.storage_id().empty());
  }
}

// The local provider stores the MD5 as a user xattr; whether the filesystem takes them is
// probed on a file of the test's own, so an object stored without its MD5 fails here.
#define SKIP_WITHOUT_USER_XATTRS()                                                        \
  if (!DirectoryTakesUserXattrs(objects_root())) {                                        \
    GTEST_SKIP() << "the temporary directory's filesystem has no user xattrs: the local " \
                    "provider can store no MD5 there";                                    \
  }

TEST_F(DownloadApiTest, VerifiesFullDownloadsAgainstTheStoredMd5) {
  SKIP_WITHOUT_USER_XATTRS();
  const std::string data = RandomBytes(100000, 7);
  Put("verified", data);
  std::string got;
  v1::DownloadInfo info;
  ASSERT_TRUE(Get(Request("verified"), &got, &info).ok());
  EXPECT_TRUE(got == data);
  EXPECT_EQ(info.stored_md5_hex(), Md5Hex(data));
  EXPECT_TRUE(info.verified());
}

TEST_F(DownloadApiTest, SendsTheMiddleOfAnObject) {
  const std::string data = RandomBytes((5 << 20) + 3, 11);
  Put("big", data);
  std::string got;
  v1::DownloadInfo info;
  ASSERT_TRUE(Get(Request("big", (1 << 20) + 17, 3 << 20), &got, &info).ok());
  EXPECT_TRUE(got == data.substr((1 << 20) + 17, 3 << 20));
  EXPECT_EQ(info.offset(), (1 << 20) + 17);
  EXPECT_EQ(info.length(), 3 << 20);
  EXPECT_FALSE(info.verified());  // a range cannot be checked against the whole object's MD5
}

TEST_F(DownloadApiTest, InterruptedDownloadResumesWhereItStopped) {
  const std::string data = RandomBytes((4 << 20) + 99, 13);
  Put("resume", data);
  std::string got;
  auto first = client_->Download(Request("resume"), [&got](absl::string_view chunk) {
    got.append(chunk.data(), chunk.size());
    if (got.size() >= (1 << 20)) return absl::UnavailableError("connection lost");
    return absl::OkStatus();
  });
  ASSERT_EQ(first.status().code(), absl::StatusCode::kUnavailable);
  ASSERT_GT(got.size(), 0u);
  ASSERT_LT(got.size(), data.size());
  std::string rest;
  ASSERT_TRUE(Get(Request("resume", static_cast<int64_t>(got.size())), &rest).ok());
  EXPECT_TRUE(got + rest == data);
  // Resuming a finished download sends nothing.
  ASSERT_TRUE(Get(Request("resume", static_cast<int64_t>(data.size())), &rest).ok());
  EXPECT_TRUE(rest.empty());
}

TEST_F(DownloadApiTest, CorruptedObjectIsDataLoss) {
  SKIP_WITHOUT_USER_XATTRS();
  const std::string data = RandomBytes(300000, 17);
  Put("corrupt", data);
  const std::string path = ObjectPath("bucket", "corrupt");
  {
    std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(150000);
    file.put(static_cast<char>(data[150000] ^ 0x01));
  }
  std::string got;
  absl::Status status = Get(Request("corrupt"), &got);
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << status;
  EXPECT_EQ(storage::client::GetErrorDetails(status).reason, "CHECKSUM_MISMATCH");
  // A range is not verifiable: it is sent as stored.
  EXPECT_TRUE(Get(Request("corrupt", 100, 1000), &got).ok());
}

TEST_F(DownloadApiTest, RangesPastTheEndAreOutOfRange) {
  Put("small", "0123456789");
  std::string got;
  EXPECT_EQ(Get(Request("small", 11), &got).code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(Get(Request("small", 5, 6), &got).code(), absl::StatusCode::kOutOfRange);
  ASSERT_TRUE(Get(Request("small", 5, 5), &got).ok());
  EXPECT_EQ(got, "56789");
}

TEST_F(DownloadApiTest, WrongRequestsGetTheirCodes) {
  std::string got;
  EXPECT_EQ(Get(Request(""), &got).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Get(Request("k", -1), &got).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Get(Request("k", 0, -5), &got).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Get(Request("k", 0, std::nullopt, "nope"), &got).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Get(Request("missing"), &got).code(), absl::StatusCode::kNotFound);
}

TEST_F(DownloadApiTest, ResumeRefusesAnObjectReplacedSinceTheDownloadBegan) {
  Put("versioned", RandomBytes(50000, 1));
  std::string first;
  v1::DownloadInfo info;
  ASSERT_TRUE(Get(Request("versioned", 0, 20000), &first, &info).ok());
  ASSERT_FALSE(info.etag().empty());

  // Same version: the rest follows.
  v1::DownloadRequest resume = Request("versioned", 20000);
  resume.set_if_match(info.etag());
  std::string rest;
  ASSERT_TRUE(Get(resume, &rest).ok());
  EXPECT_EQ(rest.size(), 30000u);

  // Replaced: refused before any data.
  Put("versioned", RandomBytes(50000, 2));
  const absl::Status status = Get(resume, &rest);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  EXPECT_EQ(storage::client::GetErrorDetails(status).reason, "OBJECT_CHANGED");
  EXPECT_TRUE(rest.empty());
}

TEST_F(DownloadApiTest, PluginWithoutDownloadIsUnimplemented) {
  v1::AddStorageRequest add;
  add.mutable_storage()->set_name("mini");
  add.mutable_storage()->set_provider("minimal");
  (*add.mutable_storage()->mutable_config())["token"] = "t";
  ASSERT_TRUE(client_->AddStorage(add).ok());
  std::string got;
  EXPECT_EQ(Get(Request("k", 0, std::nullopt, "mini"), &got).code(),
            absl::StatusCode::kUnimplemented);
}

class DownloadLimitApiTest : public DownloadApiTest {
 protected:
  void SetUp() override {
    max_concurrent_downloads_ = 1;
    DownloadApiTest::SetUp();
  }
};

TEST_F(DownloadLimitApiTest, DownloadsBeyondTheLimitAreRefusedUntilOneEnds) {
  const std::string data = RandomBytes(32 << 20, 7);  // more than flow control lets through
  Put("big", data);
  auto stub = v1::StorageService::NewStub(
      grpc::CreateChannel(target(), grpc::InsecureChannelCredentials()));
  grpc::ClientContext held_context;
  auto held = stub->Download(&held_context, Request("big"));
  v1::DownloadResponse first;
  ASSERT_TRUE(held->Read(&first));  // the info: the download holds its place, unread
  ASSERT_TRUE(first.has_info());

  std::string got;
  absl::Status refused = Get(Request("big"), &got);
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted) << refused;
  EXPECT_THAT(std::string(refused.message()), ::testing::HasSubstr("--max_concurrent_downloads"));
  EXPECT_EQ(storage::client::GetErrorDetails(refused).reason, "TOO_MANY_DOWNLOADS");

  held_context.TryCancel();
  v1::DownloadResponse ignored;
  while (held->Read(&ignored)) {
  }
  held->Finish();
  // The place is released when the held call is done on the server; poll briefly for it.
  absl::Status again = absl::UnknownError("not tried");
  for (int i = 0; i < 100 && !again.ok(); ++i) {
    again = Get(Request("big"), &got);
    if (!again.ok()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(again.ok()) << again;
  EXPECT_TRUE(got == data);
}

}  // namespace
}  // namespace pluton::testing
