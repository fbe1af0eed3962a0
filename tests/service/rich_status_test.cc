// ToGrpcStatus keeps every error within what gRPC clients accept in trailers, and says what it
// left out; PrefixViolationFields never loses a refusal.
#include "common/rich_status.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"

namespace pluton::storage {
namespace {

using ::testing::HasSubstr;
using ::testing::SizeIs;

google::rpc::BadRequest WireBadRequest(const grpc::Status& status, google::rpc::Status* wire) {
  EXPECT_TRUE(wire->ParseFromString(status.error_details()));
  google::rpc::BadRequest bad_request;
  int found = 0;
  for (const auto& any : wire->details()) found += any.UnpackTo(&bad_request) ? 1 : 0;
  EXPECT_EQ(found, 1);
  return bad_request;
}

TEST(ToGrpcStatusTest, SmallErrorsGoOutWhole) {
  absl::Status status = MakeRichStatus(absl::StatusCode::kInvalidArgument, "bad", "SOME_REASON",
                                       {{"a", "wrong"}, {"b", "also wrong"}});
  grpc::Status out = ToGrpcStatus(status);
  EXPECT_EQ(out.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(out.error_message(), "bad");
  google::rpc::Status wire;
  google::rpc::BadRequest bad_request = WireBadRequest(out, &wire);
  ASSERT_THAT(bad_request.field_violations(), SizeIs(2));
  EXPECT_EQ(bad_request.field_violations(1).description(), "also wrong");
  google::rpc::ErrorInfo info;
  bool has_info = false;
  for (const auto& any : wire.details()) has_info |= any.UnpackTo(&info);
  ASSERT_TRUE(has_info);
  EXPECT_EQ(info.reason(), "SOME_REASON");
}

TEST(ToGrpcStatusTest, ManyViolationsAreCappedWithACountOfTheRest) {
  std::vector<FieldViolation> violations;
  for (int i = 0; i < 300; ++i) {
    violations.push_back({absl::StrCat("config.field_", i), "is wrong in some made-up way"});
  }
  grpc::Status out =
      ToGrpcStatus(InvalidArgumentWithViolations("the storage is invalid", violations));
  EXPECT_EQ(out.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_LE(out.error_message().size(), 1024u);
  EXPECT_LE(out.error_details().size(), 3072u);
  google::rpc::Status wire;
  google::rpc::BadRequest bad_request = WireBadRequest(out, &wire);
  const int sent = bad_request.field_violations_size();
  ASSERT_GT(sent, 10);
  ASSERT_LT(sent, 300);
  for (int i = 0; i + 1 < sent; ++i) {
    EXPECT_EQ(bad_request.field_violations(i).field(), absl::StrCat("config.field_", i));
  }
  const auto& note = bad_request.field_violations(sent - 1);
  EXPECT_EQ(note.field(), "");
  EXPECT_THAT(note.description(), HasSubstr(absl::StrCat(300 - (sent - 1),
                                                         " more violations left out of this error "
                                                         "(300 in all)")));
}

TEST(ToGrpcStatusTest, LongTextIsCutAtACharacterBoundary) {
  // "é" is two bytes: a cut in the middle of one would leave invalid UTF-8.
  std::string message;
  for (int i = 0; i < 2000; ++i) message += "é";
  grpc::Status out = ToGrpcStatus(
      MakeRichStatus(absl::StatusCode::kInternal, message, "", {{"f", std::string(10000, 'd')}}));
  EXPECT_LE(out.error_message().size(), 1024u);
  EXPECT_THAT(out.error_message(), ::testing::EndsWith("é..."));
  google::rpc::Status wire;
  google::rpc::BadRequest bad_request = WireBadRequest(out, &wire);
  ASSERT_THAT(bad_request.field_violations(), SizeIs(1));
  EXPECT_EQ(bad_request.field_violations(0).description().size(), 512u);
  EXPECT_EQ(wire.message(), out.error_message());
}

TEST(PrefixViolationFieldsTest, PrefixesFieldsAndKeepsRefusalsWithoutViolations) {
  absl::Status status = PrefixViolationFields(
      InvalidArgumentWithViolations("bad", {{"root", "missing"}, {"", "too many keys"}}),
      "storage.config.");
  EXPECT_EQ(ViolationsOf(status)[0].field, "storage.config.root");
  EXPECT_EQ(ViolationsOf(status)[1].field, "storage.config");

  status = PrefixViolationFields(absl::InvalidArgumentError("plugin says no"), "storage.config.");
  ASSERT_THAT(ViolationsOf(status), SizeIs(1));
  EXPECT_EQ(ViolationsOf(status)[0].field, "storage.config");
  EXPECT_EQ(ViolationsOf(status)[0].description, "plugin says no");
  EXPECT_TRUE(PrefixViolationFields(absl::OkStatus(), "x.").ok());
}

}  // namespace
}  // namespace pluton::storage
