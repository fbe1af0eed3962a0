// What the service does with configurations and plugin refusals that are too big: a plugin
// refusal with thousands of violations stays a refusal that reaches the client whole (capped
// to gRPC's 8 KiB of trailers), unknown keys are refused by the host, and the number and size
// of keys are bounded before any plugin sees them. Real server, real client, real plugins.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <regex>

#include "absl/strings/escaping.h"
#include "client/error_details.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/grpcpp.h"
#include "server_fixture.h"

namespace pluton::testing {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;
using ViolationList = std::vector<storage::client::FieldViolation>;

constexpr size_t kGrpcMetadataLimit = 8192;

// The size gRPC's metadata limit counts for an error's trailers (name + value + 32 per
// entry), with values as sent: grpc-message percent-encoded, -bin values in base64.
size_t TrailerBytes(const grpc::Status& status) {
  size_t message = 0;
  for (unsigned char c : status.error_message()) {
    message += (c >= 0x20 && c < 0x7f && c != '%') ? 1 : 3;
  }
  size_t total = std::strlen("grpc-status") + 2 + 32 + std::strlen("grpc-message") + message + 32;
  if (!status.error_details().empty()) {
    total += std::strlen("grpc-status-details-bin") +
             absl::Base64Escape(status.error_details()).size() + 32;
  }
  return total;
}

ViolationList WireViolations(const grpc::Status& status) {
  google::rpc::Status wire;
  EXPECT_TRUE(wire.ParseFromString(status.error_details()));
  ViolationList out;
  for (const auto& any : wire.details()) {
    google::rpc::BadRequest bad_request;
    if (!any.UnpackTo(&bad_request)) continue;
    for (const auto& v : bad_request.field_violations()) {
      out.push_back({v.field(), v.description()});
    }
  }
  return out;
}

class ConfigLimitsApiTest : public ServerFixture {
 protected:
  void SetUp() override {
    plugins_.push_back(std::string(PLUTON_TEST_BROKEN_PLUGIN_DIR) + "/many_violations.so");
    ServerFixture::SetUp();
    // A client that holds the service to gRPC's default 8 KiB metadata limit explicitly.
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_MAX_METADATA_SIZE, static_cast<int>(kGrpcMetadataLimit));
    stub_ = v1::StorageService::NewStub(
        grpc::CreateCustomChannel(target(), grpc::InsecureChannelCredentials(), args));
  }

  static v1::AddStorageRequest AddRequest(const std::string& name, const std::string& provider,
                                          const std::map<std::string, std::string>& config) {
    v1::AddStorageRequest request;
    request.mutable_storage()->set_name(name);
    request.mutable_storage()->set_provider(provider);
    for (const auto& [key, value] : config) {
      (*request.mutable_storage()->mutable_config())[key] = value;
    }
    return request;
  }

  grpc::Status RawAdd(const v1::AddStorageRequest& request) {
    grpc::ClientContext context;
    v1::Storage response;
    return stub_->AddStorage(&context, request, &response);
  }

  void ExpectNothingSaved(const std::string& name) {
    v1::GetStorageRequest get;
    get.set_storage(name);
    EXPECT_EQ(client_->GetStorage(get).status().code(), absl::StatusCode::kNotFound);
    auto all = client_->ListAllStorages();
    ASSERT_TRUE(all.ok()) << all.status();
    EXPECT_THAT(*all, IsEmpty());
  }

  static ViolationList Violations(const absl::Status& status) {
    return storage::client::GetErrorDetails(status).field_violations;
  }

  std::unique_ptr<v1::StorageService::Stub> stub_;
};

auto IsViolation(const std::string& field, const std::string& description_part) {
  return AllOf(
      ::testing::Field(&storage::client::FieldViolation::field, field),
      ::testing::Field(&storage::client::FieldViolation::description, HasSubstr(description_part)));
}

TEST_F(ConfigLimitsApiTest, FiveThousandPluginViolationsAreARefusalThatFitsTheTrailers) {
  for (bool validate_only : {false, true}) {
    SCOPED_TRACE(validate_only ? "validate_only" : "add");
    v1::AddStorageRequest request = AddRequest("loud", "noisy", {{"violations", "5000"}});
    request.set_validate_only(validate_only);
    const grpc::Status status = RawAdd(request);
    ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
    EXPECT_LT(TrailerBytes(status), kGrpcMetadataLimit);

    const ViolationList violations = WireViolations(status);
    ASSERT_GE(violations.size(), 3u);
    ASSERT_LT(violations.size(), 200u);
    EXPECT_THAT(violations[0],
                IsViolation("storage.config.option_00001", "problem 1 of 5000 that this test"));
    EXPECT_THAT(violations[1], IsViolation("storage.config.option_00002", "problem 2 of 5000"));
    // The last one counts what was left out: the host read 4096 of the plugin's 5000 and
    // noted the other 904 in one violation, 4097 in all.
    const std::string& note = violations.back().description;
    EXPECT_EQ(violations.back().field, "");
    std::smatch match;
    ASSERT_TRUE(std::regex_search(note, match, std::regex(R"((\d+) more violations left out)")))
        << note;
    EXPECT_EQ(std::stoul(match[1]) + violations.size() - 1, 4097u) << note;
    EXPECT_THAT(note, HasSubstr("(4097 in all)"));
    ExpectNothingSaved("loud");
  }
}

TEST_F(ConfigLimitsApiTest, PluginViolationCountWithoutTheArrayIsInternalAndSavesNothing) {
  auto added = client_->AddStorage(
      AddRequest("loud", "noisy", {{"violations", "7"}, {"null_array", "true"}}));
  EXPECT_EQ(added.status().code(), absl::StatusCode::kInternal) << added.status();
  EXPECT_EQ(storage::client::GetErrorDetails(added.status()).reason, "PLUGIN_CONTRACT_VIOLATION");
  EXPECT_THAT(std::string(added.status().message()),
              AllOf(HasSubstr("7 field violations"), HasSubstr("noisy configuration is invalid")));
  ExpectNothingSaved("loud");
}

TEST_F(ConfigLimitsApiTest, AFewPluginViolationsArriveWhole) {
  auto added = client_->AddStorage(AddRequest("quiet", "noisy", {{"violations", "3"}}));
  ASSERT_EQ(added.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Violations(added.status()),
              ElementsAre(IsViolation("storage.config.option_00001", "problem 1 of 3"),
                          IsViolation("storage.config.option_00002", "problem 2 of 3"),
                          IsViolation("storage.config.option_00003", "problem 3 of 3")));
  ExpectNothingSaved("quiet");
}

TEST_F(ConfigLimitsApiTest, UnknownKeysAreRefusedByTheHostWhateverThePluginSays) {
  // The minimal plugin itself ignores keys it does not know.
  auto added = client_->AddStorage(
      AddRequest("m", "minimal", {{"token", "t0k"}, {"foo", "1"}, {"mode", "medium"}}));
  ASSERT_EQ(added.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(
      Violations(added.status()),
      ElementsAre(IsViolation("storage.config.foo",
                              "unknown option for provider minimal; known: token, mode, retries, "
                              "verbose, chunk_size"),
                  IsViolation("storage.config.mode", "must be \"fast\" or \"slow\"")));
  ExpectNothingSaved("m");

  ASSERT_TRUE(client_->AddStorage(AddRequest("m", "minimal", {{"token", "t0k"}})).ok());
  v1::UpdateStorageRequest update;
  update.set_storage("m");
  (*update.mutable_update()->mutable_config())["foo"] = "1";
  update.mutable_update_mask()->add_paths("config.foo");
  auto updated = client_->UpdateStorage(update);
  ASSERT_EQ(updated.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Violations(updated.status()),
              ElementsAre(IsViolation("update.config.foo", "unknown option for provider minimal")));

  v1::TestConnectionRequest test;
  test.mutable_unsaved()->set_provider("local");
  (*test.mutable_unsaved()->mutable_config())["root"] = objects_root();
  (*test.mutable_unsaved()->mutable_config())["rooot"] = objects_root();
  auto tested = client_->TestConnection(test);
  ASSERT_EQ(tested.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Violations(tested.status()),
              ElementsAre(IsViolation("unsaved.config.rooot",
                                      "unknown option for provider local; "
                                      "known: root")));
}

TEST_F(ConfigLimitsApiTest, TooManyKeysAreRefusedBeforeAnythingElse) {
  std::map<std::string, std::string> config = {{"token", "t0k"}};
  for (int i = 0; i < 64; ++i) config[absl::StrCat("junk", i)] = "x";
  auto added = client_->AddStorage(AddRequest("m", "minimal", config));
  ASSERT_EQ(added.status().code(), absl::StatusCode::kInvalidArgument);
  // One violation for the whole config: no key was looked at one by one.
  EXPECT_THAT(Violations(added.status()),
              ElementsAre(IsViolation("storage.config", "has 65 keys; at most 64 are allowed")));
  ExpectNothingSaved("m");
}

TEST_F(ConfigLimitsApiTest, OversizedKeysAndValuesAreRefusedWithoutEchoingThem) {
  const std::string secret = "S3CRET" + std::string(4091, 'v');  // 4097 bytes
  const std::string long_key(129, 'k');
  auto added =
      client_->AddStorage(AddRequest("m", "minimal", {{"token", secret}, {long_key, "x"}}));
  ASSERT_EQ(added.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Violations(added.status()),
              ElementsAre(IsViolation("storage.config." + std::string(32, 'k') + "...",
                                      "the option name is 129 bytes long; at most 128"),
                          IsViolation("storage.config.token",
                                      "the value is 4097 bytes long; at most 4096 bytes")));
  EXPECT_THAT(std::string(added.status().message()), Not(HasSubstr("S3CRET")));
  ExpectNothingSaved("m");

  // At the limits exactly: saved.
  auto at_limit = client_->AddStorage(AddRequest("m", "minimal", {{"token", secret.substr(1)}}));
  EXPECT_TRUE(at_limit.ok()) << at_limit.status();
}

class ChunkSizeBudgetApiTest : public ConfigLimitsApiTest {
 protected:
  void SetUp() override {
    upload_buffer_budget_bytes_ = 16 << 20;
    ConfigLimitsApiTest::SetUp();
  }
};

TEST_F(ChunkSizeBudgetApiTest, AChunkSizeLargerThanTheBufferBudgetIsRefusedWhenSaved) {
  for (bool validate_only : {true, false}) {
    v1::AddStorageRequest request =
        AddRequest("m", "minimal", {{"token", "t0k"}, {"chunk_size", "32MiB"}});
    request.set_validate_only(validate_only);
    auto added = client_->AddStorage(request);
    ASSERT_EQ(added.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(Violations(added.status()),
                ElementsAre(IsViolation(
                    "storage.config.chunk_size",
                    "is 32MiB, larger than the service's whole upload buffer budget of 16MiB, so "
                    "no upload could reserve a part buffer; use a chunk_size of at most 16MiB, "
                    "or raise the service's --upload_buffer_budget_mib")));
    ExpectNothingSaved("m");
  }

  // Every problem at once: the plugin's and the service's.
  auto both = client_->AddStorage(AddRequest("m", "minimal", {{"chunk_size", "1GiB"}}));
  ASSERT_EQ(both.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Violations(both.status()),
              ElementsAre(IsViolation("storage.config.token", "required"),
                          IsViolation("storage.config.chunk_size", "is 1GiB")));

  // The whole budget is fine; so is the default (5MiB).
  ASSERT_TRUE(
      client_->AddStorage(AddRequest("m", "minimal", {{"token", "t"}, {"chunk_size", "16MiB"}}))
          .ok());
  ASSERT_TRUE(client_->AddStorage(AddRequest("n", "minimal", {{"token", "t"}})).ok());

  v1::UpdateStorageRequest update;
  update.set_storage("n");
  (*update.mutable_update()->mutable_config())["chunk_size"] = "17MiB";
  update.mutable_update_mask()->add_paths("config.chunk_size");
  auto updated = client_->UpdateStorage(update);
  ASSERT_EQ(updated.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Violations(updated.status()),
              ElementsAre(IsViolation("update.config.chunk_size", "is 17MiB")));

  v1::TestConnectionRequest test;
  test.mutable_unsaved()->set_provider("minimal");
  (*test.mutable_unsaved()->mutable_config())["token"] = "t";
  (*test.mutable_unsaved()->mutable_config())["chunk_size"] = "64MiB";
  auto tested = client_->TestConnection(test);
  ASSERT_EQ(tested.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Violations(tested.status()),
              ElementsAre(IsViolation("unsaved.config.chunk_size", "is 64MiB")));
}

}  // namespace
}  // namespace pluton::testing
