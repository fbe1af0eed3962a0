#include "client/error_details.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/rich_status.h"
#include "fake_storage_service.h"

namespace pluton::storage::client {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::RichGrpcStatus;

TEST(FromGrpcStatusTest, KeepsCodeMessageAndDecodesDetails) {
  absl::Status status = FromGrpcStatus(RichGrpcStatus(
      grpc::StatusCode::INVALID_ARGUMENT, "bad config", "INVALID_ARGUMENT",
      {{"config.account_id", "must be 32 hex digits"}, {"config.bucket", "is required"}}));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "bad config");
  ErrorDetails details = GetErrorDetails(status);
  EXPECT_EQ(details.reason, "INVALID_ARGUMENT");
  EXPECT_EQ(details.domain, "storage.pluton.dev");
  EXPECT_THAT(details.field_violations,
              ElementsAre(FieldViolation{"config.account_id", "must be 32 hex digits"},
                          FieldViolation{"config.bucket", "is required"}));
}

TEST(FromGrpcStatusTest, WithoutOrWithBrokenDetails) {
  absl::Status plain = FromGrpcStatus(grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "slow"));
  EXPECT_EQ(plain.code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(plain.message(), "slow");
  EXPECT_EQ(GetErrorDetails(plain).reason, "");
  EXPECT_THAT(GetErrorDetails(plain).field_violations, IsEmpty());

  absl::Status garbage =
      FromGrpcStatus(grpc::Status(grpc::StatusCode::INTERNAL, "oops", std::string("\xff\xff", 2)));
  EXPECT_EQ(garbage.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(garbage.message(), "oops");
  EXPECT_EQ(GetErrorDetails(garbage).reason, "");

  EXPECT_TRUE(FromGrpcStatus(grpc::Status::OK).ok());
}

TEST(FromGrpcStatusTest, ReasonOnly) {
  absl::Status status = FromGrpcStatus(
      RichGrpcStatus(grpc::StatusCode::NOT_FOUND, "no storage \"x\"", "STORAGE_NOT_FOUND"));
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(GetErrorDetails(status).reason, "STORAGE_NOT_FOUND");
  EXPECT_THAT(GetErrorDetails(status).field_violations, IsEmpty());
}

// The service's own encoding (common/rich_status.h) decodes to the same details.
TEST(FromGrpcStatusTest, DecodesWhatTheServiceEncodes) {
  absl::Status server_side = pluton::storage::InvalidArgumentWithViolations(
      "the configuration is invalid", {{"config.chunk_size", "must be at least 5MiB"}});
  absl::Status status = FromGrpcStatus(pluton::storage::ToGrpcStatus(server_side));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(),
            "the configuration is invalid; config.chunk_size: must be at least 5MiB");
  ErrorDetails details = GetErrorDetails(status);
  EXPECT_EQ(details.reason, "INVALID_ARGUMENT");
  EXPECT_THAT(details.field_violations,
              ElementsAre(FieldViolation{"config.chunk_size", "must be at least 5MiB"}));
  // And back: the service's helpers read the client's status too.
  EXPECT_EQ(pluton::storage::ReasonOf(status), "INVALID_ARGUMENT");
}

}  // namespace
}  // namespace pluton::storage::client
