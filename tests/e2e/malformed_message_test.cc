// Requests that are not what they claim, through the real server: a malformed message in the
// middle of an upload, a stream of unknown size that ends without its trailer, trailers with
// digests of the wrong length, undecodable requests to every other RPC. Each fails with a
// clear status naming the problem, and no upload stores anything.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "client/error_details.h"
#include "common/raw_grpc_call.h"
#include "server_fixture.h"

namespace pluton::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kUploadMethod[] = "/pluton.storage.v1.StorageService/Upload";
// Field 2 (UploadRequest.data) announcing 16 bytes of which 3 follow: not a message.
const std::string kTruncatedDataField(
    "\x12\x10"
    "abc",
    5);
// Field 1 announcing 16 bytes of which 3 follow: undecodable as any request type.
const std::string kTruncatedFirstField(
    "\x0a\x10"
    "abc",
    5);

class MalformedMessageTest : public ServerFixture {
 protected:
  void SetUp() override {
    ServerFixture::SetUp();
    AddLocalStorage("disk");
    channel_ = grpc::CreateChannel(target(), grpc::InsecureChannelCredentials());
  }

  static std::string HeaderMessage(const std::string& key, int64_t size) {
    v1::UploadRequest request;
    *request.mutable_header() = Header("disk", "bucket", key, size);
    return request.SerializeAsString();
  }
  static std::string DataMessage(const std::string& bytes) {
    v1::UploadRequest request;
    request.set_data(bytes);
    return request.SerializeAsString();
  }
  static std::string TrailerMessage(const std::string& md5 = "", const std::string& sha256 = "") {
    v1::UploadRequest request;
    request.mutable_trailer()->set_md5(md5);
    request.mutable_trailer()->set_sha256(sha256);
    return request.SerializeAsString();
  }

  RawCallResult Upload(const std::vector<std::string>& messages) {
    return CallRaw(channel_, kUploadMethod, messages);
  }

  static storage::client::ErrorDetails Details(const grpc::Status& status) {
    return storage::client::GetErrorDetails(storage::client::FromGrpcStatus(status));
  }

  void ExpectNothingStored(const std::string& key) {
    // The service aborts before it finishes the call, so nothing is left by now.
    EXPECT_FALSE(std::filesystem::exists(ObjectPath("bucket", key))) << key;
    EXPECT_EQ(PartialFileCount(), 0u);
  }

  std::shared_ptr<grpc::Channel> channel_;
};

TEST_F(MalformedMessageTest, MalformedMessageMidStreamAbortsTheUpload) {
  RawCallResult result =
      Upload({HeaderMessage("torn", -1), DataMessage(std::string(1000, 'a')), kTruncatedDataField,
              DataMessage(std::string(5000, 'b')), TrailerMessage()});
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(result.status.error_message(), HasSubstr("message 3 of the upload stream"));
  EXPECT_THAT(result.status.error_message(), HasSubstr("pluton.storage.v1.UploadRequest"));
  EXPECT_THAT(result.status.error_message(), HasSubstr("after 1000 data bytes"));
  EXPECT_THAT(result.status.error_message(), HasSubstr("nothing was stored"));
  EXPECT_EQ(Details(result.status).reason, "MALFORMED_MESSAGE");
  EXPECT_TRUE(result.responses.empty());
  ExpectNothingStored("torn");
}

// The sharpest case: the bytes before the malformed message add up to the announced size,
// so only the decoding error tells the stream did not end as the agent meant.
TEST_F(MalformedMessageTest, MalformedLastMessageOfAKnownSizeStreamAbortsTheUpload) {
  RawCallResult result = Upload(
      {HeaderMessage("sized", 1000), DataMessage(std::string(1000, 'a')), kTruncatedDataField});
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(result.status.error_message(), HasSubstr("message 3 of the upload stream"));
  ExpectNothingStored("sized");
}

TEST_F(MalformedMessageTest, MalformedFirstMessageIsInvalidArgument) {
  RawCallResult result = Upload({kTruncatedDataField, DataMessage("x")});
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(result.status.error_message(), HasSubstr("message 1 of the upload stream"));
  ASSERT_EQ(Details(result.status).field_violations.size(), 1u);
  EXPECT_EQ(Details(result.status).field_violations[0].field, "header");
}

TEST_F(MalformedMessageTest, UnknownSizeStreamWithoutTrailerIsAbortedAndStoresNothing) {
  RawCallResult result = Upload({HeaderMessage("cut", -1), DataMessage(std::string(4096, 'c'))});
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_EQ(Details(result.status).reason, "UPLOAD_NOT_FINISHED");
  EXPECT_THAT(result.status.error_message(),
              HasSubstr("after 4096 bytes without an UploadTrailer"));
  ExpectNothingStored("cut");
}

TEST_F(MalformedMessageTest, UnknownSizeStreamWithEmptyTrailerIsStored) {
  RawCallResult result = Upload(
      {HeaderMessage("whole", -1), DataMessage("hello, "), DataMessage("world"), TrailerMessage()});
  ASSERT_TRUE(result.status.ok()) << result.status.error_message();
  ASSERT_EQ(result.responses.size(), 1u);
  v1::UploadResponse response;
  ASSERT_TRUE(response.ParseFromString(result.responses[0]));
  EXPECT_EQ(response.bytes_stored(), 12);
  EXPECT_EQ(response.key(), "whole");
  EXPECT_EQ(ReadFileBytes(ObjectPath("bucket", "whole")), "hello, world");
}

TEST_F(MalformedMessageTest, KnownSizeStreamNeedsNoTrailer) {
  RawCallResult result = Upload({HeaderMessage("exact", 5), DataMessage("hello")});
  ASSERT_TRUE(result.status.ok()) << result.status.error_message();
  EXPECT_EQ(ReadFileBytes(ObjectPath("bucket", "exact")), "hello");
}

TEST_F(MalformedMessageTest, TrailerDigestsOfTheWrongLengthAreTheClientsError) {
  struct Case {
    const char* key;
    std::string md5;
    std::string sha256;
    const char* field;
  } cases[] = {{"short-md5", std::string(15, 'm'), "", "trailer.md5"},
               {"hex-md5", std::string(32, 'f'), "", "trailer.md5"},
               {"short-sha", "", std::string(31, 's'), "trailer.sha256"}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.key);
    RawCallResult result =
        Upload({HeaderMessage(c.key, -1), DataMessage("payload"), TrailerMessage(c.md5, c.sha256)});
    EXPECT_EQ(result.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    const auto details = Details(result.status);
    ASSERT_EQ(details.field_violations.size(), 1u);
    EXPECT_EQ(details.field_violations[0].field, c.field);
    EXPECT_THAT(details.field_violations[0].description, HasSubstr("raw bytes"));
    ExpectNothingStored(c.key);
  }
}

// The service hashes with SHA-256 only when the header asks: a SHA-256 trailer it cannot
// check is refused with the fix, not ignored.
TEST_F(MalformedMessageTest, ASha256TrailerNeedsTheHeaderToAskForIt) {
  RawCallResult result = Upload({HeaderMessage("unasked", -1), DataMessage("payload"),
                                 TrailerMessage("", std::string(32, 's'))});
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  const auto details = Details(result.status);
  ASSERT_EQ(details.field_violations.size(), 1u);
  EXPECT_EQ(details.field_violations[0].field, "trailer.sha256");
  EXPECT_THAT(details.field_violations[0].description, HasSubstr("header.compute_sha256"));
  ExpectNothingStored("unasked");
}

TEST_F(MalformedMessageTest, UndecodableRequestsToEveryOtherRpcAreInvalidArgument) {
  const char* methods[] = {"ListProviders",
                           "AddStorage",
                           "GetStorage",
                           "ListStorages",
                           "UpdateStorage",
                           "DeleteStorage",
                           "TestConnection",
                           "Download",
                           "ListObjects",
                           "StatObject",
                           "DeleteObject",
                           "DeleteObjects",
                           "ListIncompleteUploads",
                           "CleanupIncompleteUploads",
                           "GetLifecycle",
                           "SetLifecycle"};
  for (const std::string method : methods) {
    SCOPED_TRACE(method);
    RawCallResult result =
        CallRaw(channel_, "/pluton.storage.v1.StorageService/" + method, {kTruncatedFirstField});
    EXPECT_EQ(result.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(
        result.status.error_message(),
        HasSubstr("the request (5 bytes) is not a valid pluton.storage.v1." + method + "Request"));
    EXPECT_EQ(Details(result.status).reason, "MALFORMED_MESSAGE");
    EXPECT_TRUE(result.responses.empty());
  }
  // A well-formed request still works on the same channel.
  v1::GetStorageRequest get;
  get.set_storage("disk");
  RawCallResult found =
      CallRaw(channel_, "/pluton.storage.v1.StorageService/GetStorage", {get.SerializeAsString()});
  ASSERT_TRUE(found.status.ok()) << found.status.error_message();
  ASSERT_EQ(found.responses.size(), 1u);
  v1::Storage storage;
  ASSERT_TRUE(storage.ParseFromString(found.responses[0]));
  EXPECT_EQ(storage.name(), "disk");
}

}  // namespace
}  // namespace pluton::testing
