// Server reflection through the real server: off by default (UNIMPLEMENTED), listing the
// service when enabled, and decided per server even though gRPC's reflection library
// registers its plugin for every server in the process as soon as it is loaded (which this
// binary does: the service links it), so OffByDefault fails if the option does not remove it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/raw_grpc_call.h"
#include "google/protobuf/unknown_field_set.h"
#include "server_fixture.h"

namespace pluton::testing {
namespace {

using ::testing::Contains;
using ::testing::SizeIs;

constexpr char kReflectionMethod[] =
    "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo";
constexpr char kStorageService[] = "pluton.storage.v1.StorageService";

// ServerReflectionRequest{list_services: ""}: field 7, length-delimited, empty.
const std::string kListServicesRequest("\x3a\x00", 2);

RawCallResult ListServicesCall(const std::string& target) {
  return CallRaw(grpc::CreateChannel(target, grpc::InsecureChannelCredentials()), kReflectionMethod,
                 {kListServicesRequest});
}

// The names in a ServerReflectionResponse's list_services_response (field 6, a
// ListServiceResponse whose field 1 repeats ServiceResponse{name: field 1}); none when the
// response holds no such field.
std::vector<std::string> ListedServices(const std::string& response) {
  std::vector<std::string> names;
  auto fields_of = [](const std::string& bytes, int number) {
    std::vector<std::string> values;
    google::protobuf::UnknownFieldSet set;
    if (!set.ParseFromString(bytes)) return values;
    for (int i = 0; i < set.field_count(); ++i) {
      const google::protobuf::UnknownField& field = set.field(i);
      if (field.number() == number &&
          field.type() == google::protobuf::UnknownField::TYPE_LENGTH_DELIMITED) {
        values.push_back(field.length_delimited());
      }
    }
    return values;
  };
  for (const std::string& list : fields_of(response, 6)) {
    for (const std::string& service : fields_of(list, 1)) {
      for (const std::string& name : fields_of(service, 1)) names.push_back(name);
    }
  }
  return names;
}

class ReflectionApiTest : public ServerFixture {};

TEST_F(ReflectionApiTest, OffByDefault) {
  EXPECT_FALSE(storage::ServerConfig().enable_reflection);
  const RawCallResult result = ListServicesCall(target());
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::UNIMPLEMENTED)
      << result.status.error_message();
  EXPECT_THAT(result.responses, SizeIs(0));
}

class ReflectionEnabledApiTest : public ServerFixture {
 protected:
  void SetUp() override {
    enable_reflection_ = true;
    ServerFixture::SetUp();
  }
};

TEST_F(ReflectionEnabledApiTest, ListsTheStorageService) {
  const RawCallResult result = ListServicesCall(target());
  ASSERT_TRUE(result.status.ok()) << result.status.error_message();
  ASSERT_THAT(result.responses, SizeIs(1));
  EXPECT_THAT(ListedServices(result.responses[0]), Contains(kStorageService));
}

// One server per process at a time (the plugin host is a singleton), so servers in turn: a
// server started with the default after one with reflection has none, and the next one asked
// for it has it again.
TEST_F(ReflectionEnabledApiTest, IsDecidedPerServerNotPerProcess) {
  StopServer();
  enable_reflection_ = false;
  StartServer();
  const RawCallResult off = ListServicesCall(target());
  EXPECT_EQ(off.status.error_code(), grpc::StatusCode::UNIMPLEMENTED) << off.status.error_message();

  StopServer();
  enable_reflection_ = true;
  StartServer();
  const RawCallResult on = ListServicesCall(target());
  ASSERT_TRUE(on.status.ok()) << on.status.error_message();
  ASSERT_THAT(on.responses, SizeIs(1));
  EXPECT_THAT(ListedServices(on.responses[0]), Contains(kStorageService));
}

}  // namespace
}  // namespace pluton::testing
