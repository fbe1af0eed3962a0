// HostPolicy on its own: endpoint patterns (host, port, subdomain wildcard) and local paths
// (allowed directories, the service's own files, symbolic links, "..").
#include "registry/host_policy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "common/temp_dir.h"

namespace pluton::storage {
namespace {

using ::pluton::testing::TempDir;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

const std::vector<ConfigFieldSpec> kSchema = [] {
  std::vector<ConfigFieldSpec> schema(3);
  schema[0].name = "endpoint";
  schema[0].format = "endpoint";
  schema[1].name = "root";
  schema[1].format = "local_path";
  schema[2].name = "region";  // no format: never checked
  return schema;
}();

std::vector<FieldViolation> Check(const HostPolicy& policy, const ConfigMap& config) {
  std::vector<FieldViolation> violations;
  policy.Check(kSchema, config, violations);
  return violations;
}

bool EndpointAllowed(const HostPolicy& policy, const std::string& url) {
  return Check(policy, {{"endpoint", url}}).empty();
}

TEST(HostPolicyTest, EndpointPatternsMatchHostsPortsAndSubdomains) {
  auto policy = HostPolicy::Create({}, {}, {"minio.internal:9000", "*.example.com", "[::1]"});
  ASSERT_TRUE(policy.ok()) << policy.status();
  EXPECT_TRUE(EndpointAllowed(*policy, "http://minio.internal:9000"));
  EXPECT_TRUE(EndpointAllowed(*policy, "http://MINIO.internal:9000"));
  EXPECT_FALSE(EndpointAllowed(*policy, "http://minio.internal:9001"));
  EXPECT_FALSE(EndpointAllowed(*policy, "http://minio.internal"));  // port 80
  EXPECT_TRUE(EndpointAllowed(*policy, "https://s3.example.com"));
  EXPECT_TRUE(EndpointAllowed(*policy, "https://a.b.example.com:8443"));
  EXPECT_FALSE(EndpointAllowed(*policy, "https://example.com"));  // subdomains only
  EXPECT_FALSE(EndpointAllowed(*policy, "https://evilexample.com"));
  EXPECT_FALSE(EndpointAllowed(*policy, "https://example.com.evil.net"));
  EXPECT_TRUE(EndpointAllowed(*policy, "http://[::1]:9000"));
  EXPECT_FALSE(EndpointAllowed(*policy, "http://169.254.169.254"));
  EXPECT_FALSE(EndpointAllowed(*policy, "ftp://s3.example.com"));
  EXPECT_FALSE(EndpointAllowed(*policy, "http://user@169.254.169.254#@s3.example.com"));
  EXPECT_TRUE(Check(*policy, {{"region", "http://169.254.169.254"}}).empty());
}

TEST(HostPolicyTest, NoPatternsAllowNoEndpointAndTheMessageNamesTheFlag) {
  HostPolicy policy;
  const auto violations = Check(policy, {{"endpoint", "http://127.0.0.1:9000"}});
  ASSERT_THAT(violations, SizeIs(1));
  EXPECT_EQ(violations[0].field, "endpoint");
  EXPECT_THAT(violations[0].description, HasSubstr("--allowed_endpoint"));
  EXPECT_THAT(Check(policy, {{"endpoint", ""}}), IsEmpty());  // empty: the derived endpoint
}

TEST(HostPolicyTest, MalformedPatternsAreRefusedNamingTheFlag) {
  for (const std::string& bad : std::vector<std::string>{"", "host:0", "host:99999", "*", "a*b.com",
                                                         "[::1", "http://x/", "[::1]x"}) {
    auto policy = HostPolicy::Create({}, {}, {bad});
    ASSERT_FALSE(policy.ok()) << bad;
    EXPECT_THAT(policy.status().message(), HasSubstr("--allowed_endpoint")) << bad;
  }
}

TEST(HostPolicyTest, LocalPathsStayBelowTheAllowedRootsAndAwayFromTheServicesFiles) {
  TempDir dir;
  std::filesystem::create_directories(dir.Sub("allowed/data"));
  std::filesystem::create_directories(dir.Sub("allowed/objects"));
  std::filesystem::create_directory_symlink("/etc", dir.Sub("allowed/etc"));
  auto policy = HostPolicy::Create({dir.Sub("allowed")}, {dir.Sub("allowed/data")}, {});
  ASSERT_TRUE(policy.ok()) << policy.status();
  auto allowed = [&](const std::string& root) { return Check(*policy, {{"root", root}}).empty(); };
  EXPECT_TRUE(allowed(dir.Sub("allowed/objects")));
  EXPECT_TRUE(allowed(dir.Sub("allowed/objects/not-yet-created")));
  EXPECT_FALSE(allowed(dir.Sub("allowed")));  // holds the data directory
  EXPECT_FALSE(allowed(dir.Sub("allowed/data/x")));
  EXPECT_FALSE(allowed(dir.Sub("allowed/objects/../data")));
  EXPECT_FALSE(allowed(dir.Sub("allowed/objects/../../")));
  EXPECT_FALSE(allowed(dir.Sub("allowed/etc")));  // a link out
  EXPECT_FALSE(allowed(dir.Sub("allowed-not")));  // a prefix of the name is not below it
  EXPECT_FALSE(allowed("/"));
}

TEST(HostPolicyTest, LocalRootsMustBeExistingAbsoluteDirectories) {
  TempDir dir;
  EXPECT_EQ(HostPolicy::Create({"relative"}, {}, {}).status().code(),
            absl::StatusCode::kInvalidArgument);
  auto missing = HostPolicy::Create({dir.Sub("missing")}, {}, {});
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(missing.status().message(), HasSubstr("--local_root"));
}

}  // namespace
}  // namespace pluton::storage
