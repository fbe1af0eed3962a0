// Authentication and roles through the real server (auth/authorizer.h): every RPC x every
// caller (admin, agent, reader, no token, unknown token) x a granted and another storage, with
// the exact code and ErrorInfo reason of each; what the admitted calls really did; storage
// grants by name pattern and by id without an existence oracle; ListStorages filtered; the
// access file re-read on change (a broken version keeps the old one); malformed authorization;
// health open to all; mTLS certificate identities with roles; refusals logged by name, never
// with the token.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/byte_source.h"
#include "common/raw_grpc_call.h"
#include "common/temp_dir.h"
#include "secure_server.h"
#include "server/storage_server.h"
#include "test_server_config.h"

namespace pluton::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::UnorderedElementsAre;
using Client = storage::client::StorageClient;

constexpr char kAdminToken[] = "admin-token-1f9e8d7c6b5a4f3e2d1c";
constexpr char kAgentToken[] = "agent-token-aa11bb22cc33dd44ee55";
constexpr char kReaderToken[] = "reader-token-99887766554433221100";
constexpr char kUnknownToken[] = "unknown-token-0000000000000000";
constexpr char kBucket[] = "b";
constexpr char kSeedKey[] = "seed";
constexpr char kGranted[] = "granted-a";
constexpr char kOther[] = "other";

std::string ReasonOf(const absl::Status& status) {
  return storage::client::GetErrorDetails(status).reason;
}

class AccessControlApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir_.Sub("plugins"));
    std::filesystem::create_symlink(std::string(PLUTON_TEST_PLUGIN_DIR) + "/pluton_local.so",
                                    dir_.Sub("plugins/pluton_local.so"));
    std::filesystem::create_directories(dir_.Sub("objects/b"));
    WriteAccessFile(DefaultAccess());
  }

  static nlohmann::json DefaultAccess() {
    return {{"tokens",
             {TokenEntry("ops", kAdminToken, "admin"),
              TokenEntry("agent-a", kAgentToken, "agent", {"granted-*"}),
              TokenEntry("viewer", kReaderToken, "reader", {kGranted})}}};
  }

  void WriteAccessFile(const nlohmann::json& access) {
    WriteFileAtomically(dir_.Sub("access.json"), access.dump(2));
  }

  storage::ServerConfig Config() const {
    storage::ServerConfig config = TestServerConfig(dir_);
    config.auth_tokens_file = dir_.Sub("access.json");
    config.auth_file_check_interval = absl::ZeroDuration();  // re-stat on every call
    return config;
  }

  void StartServer(const storage::ServerConfig& config) {
    auto server = storage::StorageServer::Start(config);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
  }

  // The granted and the other storage, and one object in their bucket.
  void StartWithStorages() {
    StartServer(Config());
    AddStorage(kGranted);
    AddStorage(kOther);
    std::string seed = "seed bytes";
    storage::client::MemoryByteSource source(seed);
    auto uploaded = As(kAdminToken).Upload(Header(kGranted, kSeedKey), source);
    ASSERT_TRUE(uploaded.ok()) << uploaded.status();
  }

  std::string target() const { return absl::StrCat("127.0.0.1:", server_->port()); }

  Client& As(const std::string& token) {
    storage::client::ClientOptions options;
    options.bearer_token = token;
    clients_.push_back(std::make_unique<Client>(target(), options));
    return *clients_.back();
  }

  v1::Storage AddStorage(const std::string& name) {
    v1::AddStorageRequest request;
    request.mutable_storage()->set_name(name);
    request.mutable_storage()->set_provider("local");
    (*request.mutable_storage()->mutable_config())["root"] = dir_.Sub("objects");
    auto added = As(kAdminToken).AddStorage(request);
    EXPECT_TRUE(added.ok()) << added.status();
    return added.ok() ? *added : v1::Storage();
  }

  static v1::UploadHeader Header(const std::string& storage, const std::string& key) {
    v1::UploadHeader header;
    header.set_storage(storage);
    header.set_bucket(kBucket);
    header.set_key(key);
    return header;
  }

  TempDir dir_;
  std::unique_ptr<storage::StorageServer> server_;
  std::vector<std::unique_ptr<Client>> clients_;
};

// One RPC of the matrix: how to call it on a storage, who may, and what an admitted call
// returns with these requests.
struct RpcCase {
  std::string rpc;
  std::vector<std::string> roles;  // roles admitted
  bool storage_scoped;             // agent/reader need the storage granted
  absl::StatusCode admitted_code;
  std::function<absl::Status(Client&, const std::string& storage)> call;
};

TEST_F(AccessControlApiTest, EveryRpcForEveryCallerOnGrantedAndOtherStorage) {
  StartWithStorages();
  int upload_number = 0;
  const std::vector<RpcCase> rpcs = {
      {"ListProviders",
       {"admin", "agent", "reader"},
       false,
       absl::StatusCode::kOk,
       [](Client& c, const std::string&) { return c.ListProviders().status(); }},
      {"AddStorage",
       {"admin"},
       false,
       absl::StatusCode::kOk,
       [this](Client& c, const std::string& storage) {
         v1::AddStorageRequest request;
         request.set_validate_only(true);
         request.mutable_storage()->set_name(storage + "-copy");
         request.mutable_storage()->set_provider("local");
         (*request.mutable_storage()->mutable_config())["root"] = dir_.Sub("objects");
         return c.AddStorage(request).status();
       }},
      {"GetStorage",
       {"admin", "agent", "reader"},
       true,
       absl::StatusCode::kOk,
       [](Client& c, const std::string& storage) {
         v1::GetStorageRequest request;
         request.set_storage(storage);
         return c.GetStorage(request).status();
       }},
      {"ListStorages",
       {"admin", "agent", "reader"},
       false,
       absl::StatusCode::kOk,
       [](Client& c, const std::string&) { return c.ListStorages({}).status(); }},
      {"UpdateStorage",
       {"admin"},
       false,
       absl::StatusCode::kOk,
       [](Client& c, const std::string& storage) {
         v1::UpdateStorageRequest request;
         request.set_storage(storage);
         request.mutable_update()->set_name(storage);
         request.mutable_update_mask()->add_paths("name");
         return c.UpdateStorage(request).status();
       }},
      {"TestConnection",
       {"admin"},
       false,
       absl::StatusCode::kOk,
       [](Client& c, const std::string& storage) {
         v1::TestConnectionRequest request;
         request.set_storage(storage);
         request.set_bucket(kBucket);
         return c.TestConnection(request).status();
       }},
      {"Upload",
       {"admin", "agent"},
       true,
       absl::StatusCode::kOk,
       [&upload_number](Client& c, const std::string& storage) {
         std::string data = "matrix upload";
         storage::client::MemoryByteSource source(data);
         return c.Upload(Header(storage, absl::StrCat("matrix-", ++upload_number)), source)
             .status();
       }},
      {"Download",
       {"admin", "agent", "reader"},
       true,
       absl::StatusCode::kOk,
       [](Client& c, const std::string& storage) {
         v1::DownloadRequest request;
         request.set_storage(storage);
         request.set_bucket(kBucket);
         request.set_key(kSeedKey);
         std::string received;
         absl::Status status = c.Download(request, [&received](absl::string_view data) {
                                  received.append(data.data(), data.size());
                                  return absl::OkStatus();
                                }).status();
         if (status.ok() && received != "seed bytes") return absl::DataLossError("wrong bytes");
         return status;
       }},
      {"ListObjects",
       {"admin", "agent", "reader"},
       true,
       absl::StatusCode::kOk,
       [](Client& c, const std::string& storage) {
         v1::ListObjectsRequest request;
         request.set_storage(storage);
         request.set_bucket(kBucket);
         return c.ListObjects(request).status();
       }},
      {"StatObject",
       {"admin", "agent", "reader"},
       true,
       absl::StatusCode::kOk,
       [](Client& c, const std::string& storage) {
         v1::StatObjectRequest request;
         request.set_storage(storage);
         request.set_bucket(kBucket);
         request.set_key(kSeedKey);
         return c.StatObject(request).status();
       }},
      {"DeleteObject",
       {"admin"},
       false,
       absl::StatusCode::kOk,
       [](Client& c, const std::string& storage) {
         v1::DeleteObjectRequest request;
         request.set_storage(storage);
         request.set_bucket(kBucket);
         request.set_key("absent");
         return c.DeleteObject(request).status();
       }},
      {"DeleteObjects",
       {"admin"},
       false,
       absl::StatusCode::kOk,
       [](Client& c, const std::string& storage) {
         v1::DeleteObjectsRequest request;
         request.set_storage(storage);
         request.set_bucket(kBucket);
         request.add_keys("absent");
         return c.DeleteObjects(request).status();
       }},
      {"ListIncompleteUploads",
       {"admin"},
       false,
       absl::StatusCode::kOk,
       [](Client& c, const std::string& storage) {
         v1::ListIncompleteUploadsRequest request;
         request.set_storage(storage);
         request.set_bucket(kBucket);
         return c.ListIncompleteUploads(request).status();
       }},
      {"CleanupIncompleteUploads",
       {"admin"},
       false,
       absl::StatusCode::kOk,
       [](Client& c, const std::string& storage) {
         v1::CleanupIncompleteUploadsRequest request;
         request.set_storage(storage);
         request.set_bucket(kBucket);
         return c.CleanupIncompleteUploads(request).status();
       }},
      {"GetLifecycle",
       {"admin"},
       false,
       absl::StatusCode::kUnimplemented,  // admitted: `local` has no lifecycle rules
       [](Client& c, const std::string& storage) {
         v1::GetLifecycleRequest request;
         request.set_storage(storage);
         request.set_bucket(kBucket);
         return c.GetLifecycle(request).status();
       }},
      {"SetLifecycle",
       {"admin"},
       false,
       absl::StatusCode::kUnimplemented,  // admitted: `local` has no lifecycle rules
       [](Client& c, const std::string& storage) {
         v1::SetLifecycleRequest request;
         request.set_storage(storage);
         request.set_bucket(kBucket);
         return c.SetLifecycle(request).status();
       }},
      // Last: the admin deletes the storages (and the test puts them back).
      {"DeleteStorage",
       {"admin"},
       false,
       absl::StatusCode::kOk,
       [this](Client& c, const std::string& storage) {
         v1::DeleteStorageRequest request;
         request.set_storage(storage);
         absl::Status status = c.DeleteStorage(request).status();
         if (status.ok()) AddStorage(storage);
         return status;
       }},
  };
  ASSERT_EQ(rpcs.size(), 17u);  // every method of StorageService

  struct Caller {
    std::string role;  // "" for none
    std::string token;
  };
  const std::vector<Caller> callers = {{"", ""},
                                       {"", kUnknownToken},
                                       {"reader", kReaderToken},
                                       {"agent", kAgentToken},
                                       {"admin", kAdminToken}};
  int checked = 0;
  for (const RpcCase& rpc : rpcs) {
    for (const Caller& caller : callers) {
      for (const std::string storage : {kGranted, kOther}) {
        SCOPED_TRACE(absl::StrCat(rpc.rpc, " by ", caller.role.empty() ? "(no role)" : caller.role,
                                  caller.token.empty() ? " without token" : "", " on ", storage));
        absl::StatusCode want = rpc.admitted_code;
        std::string want_reason;
        if (caller.token.empty()) {
          want = absl::StatusCode::kUnauthenticated;
          want_reason = "MISSING_CREDENTIALS";
        } else if (caller.role.empty()) {
          want = absl::StatusCode::kUnauthenticated;
          want_reason = "UNKNOWN_TOKEN";
        } else if (std::find(rpc.roles.begin(), rpc.roles.end(), caller.role) == rpc.roles.end()) {
          want = absl::StatusCode::kPermissionDenied;
          want_reason = "ROLE_NOT_ALLOWED";
        } else if (rpc.storage_scoped && caller.role != "admin" && storage == kOther) {
          want = absl::StatusCode::kPermissionDenied;
          want_reason = "STORAGE_NOT_GRANTED";
        }
        Client& client = As(caller.token);
        const absl::Status status = rpc.call(client, storage);
        EXPECT_EQ(status.code(), want) << status;
        if (!want_reason.empty()) {
          EXPECT_EQ(ReasonOf(status), want_reason) << status;
          EXPECT_THAT(std::string(status.message()),
                      Not(HasSubstr(caller.token.empty() ? "\x01" : caller.token)));
        }
        ++checked;
      }
    }
  }
  EXPECT_EQ(checked, 17 * 5 * 2);
}

TEST_F(AccessControlApiTest, AnAgentWritesItsStorageAndAReaderReadsIt) {
  StartWithStorages();
  const std::string data = PatternBytes(300000, 7);
  storage::client::MemoryByteSource source(data);
  auto uploaded = As(kAgentToken).Upload(Header(kGranted, "from-agent"), source);
  ASSERT_TRUE(uploaded.ok()) << uploaded.status();
  EXPECT_EQ(ReadFileBytes(dir_.Sub("objects/b/from-agent")), data);

  v1::DownloadRequest request;
  request.set_storage(kGranted);
  request.set_bucket(kBucket);
  request.set_key("from-agent");
  std::string received;
  auto info = As(kReaderToken).Download(request, [&received](absl::string_view chunk) {
    received.append(chunk.data(), chunk.size());
    return absl::OkStatus();
  });
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(received, data);

  // A refused upload stores nothing.
  std::string more = "not allowed";
  storage::client::MemoryByteSource refused_source(more);
  auto refused = As(kReaderToken).Upload(Header(kGranted, "from-reader"), refused_source);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied);
  auto elsewhere = As(kAgentToken).Upload(Header(kOther, "to-other"), refused_source);
  EXPECT_EQ(elsewhere.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("objects/b/from-reader")));
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("objects/b/to-other")));
}

TEST_F(AccessControlApiTest, GrantsMatchIdOrNameAndDoNotRevealWhichStoragesExist) {
  StartWithStorages();
  const v1::Storage other = [&] {
    v1::GetStorageRequest request;
    request.set_storage(kOther);
    return *As(kAdminToken).GetStorage(request);
  }();
  nlohmann::json access = DefaultAccess();
  access["tokens"].push_back(
      TokenEntry("by-id", "by-id-token-0123456789abcdef", "reader", {other.id()}));
  WriteAccessFile(access);

  auto get = [this](const std::string& token, const std::string& ref) {
    v1::GetStorageRequest request;
    request.set_storage(ref);
    return As(token).GetStorage(request).status();
  };
  // Granted by id: reachable by id and by name.
  EXPECT_TRUE(get("by-id-token-0123456789abcdef", other.id()).ok());
  EXPECT_TRUE(get("by-id-token-0123456789abcdef", kOther).ok());
  EXPECT_EQ(get("by-id-token-0123456789abcdef", kGranted).code(),
            absl::StatusCode::kPermissionDenied);
  // Granted by name pattern: reachable by id too.
  const v1::Storage granted = [&] {
    v1::GetStorageRequest request;
    request.set_storage(kGranted);
    return *As(kAdminToken).GetStorage(request);
  }();
  EXPECT_TRUE(get(kAgentToken, granted.id()).ok());
  EXPECT_EQ(get(kAgentToken, other.id()).code(), absl::StatusCode::kPermissionDenied);
  // A storage that does not exist: NOT_FOUND only where a grant matches, else the same
  // PERMISSION_DENIED as for one that exists.
  EXPECT_EQ(get(kAgentToken, "granted-missing").code(), absl::StatusCode::kNotFound);
  const absl::Status missing = get(kAgentToken, "missing");
  EXPECT_EQ(missing.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ReasonOf(missing), "STORAGE_NOT_GRANTED");
}

TEST_F(AccessControlApiTest, ListStoragesShowsOnlyGrantedStorages) {
  StartWithStorages();
  AddStorage("granted-b");
  AddStorage("zz-other");
  auto names = [this](const std::string& token) {
    std::vector<std::string> out;
    v1::ListStoragesRequest request;
    request.set_page_size(1);
    auto all = As(token).ListAllStorages(request);
    EXPECT_TRUE(all.ok()) << all.status();
    if (all.ok()) {
      for (const v1::Storage& storage : *all) out.push_back(storage.name());
    }
    return out;
  };
  EXPECT_THAT(names(kAdminToken), UnorderedElementsAre(kGranted, "granted-b", kOther, "zz-other"));
  EXPECT_THAT(names(kAgentToken), UnorderedElementsAre(kGranted, "granted-b"));
  EXPECT_THAT(names(kReaderToken), UnorderedElementsAre(kGranted));
  // Pages are never empty while more follow: the last granted storage ends the listing.
  v1::ListStoragesRequest request;
  request.set_page_size(1);
  request.set_page_token("");
  auto first = As(kReaderToken).ListStorages(request);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->storages_size(), 1);
  if (!first->next_page_token().empty()) {
    request.set_page_token(first->next_page_token());
    auto second = As(kReaderToken).ListStorages(request);
    ASSERT_TRUE(second.ok()) << second.status();
    EXPECT_EQ(second->storages_size(), 0);
    EXPECT_EQ(second->next_page_token(), "");
  }
}

TEST_F(AccessControlApiTest, TheAccessFileIsReReadWhenItChanges) {
  StartServer(Config());
  constexpr char kNewToken[] = "new-token-5555666677778888";
  EXPECT_EQ(ReasonOf(As(kNewToken).ListProviders().status()), "UNKNOWN_TOKEN");

  nlohmann::json access = DefaultAccess();
  access["tokens"].push_back(TokenEntry("newcomer", kNewToken, "reader", {"x"}));
  WriteAccessFile(access);
  EXPECT_TRUE(As(kNewToken).ListProviders().ok());

  // A broken version is refused; the one in force stays.
  WriteFileAtomically(dir_.Sub("access.json"), R"({"tokens": [{"name": "x", "role": "god"}]})");
  EXPECT_TRUE(As(kNewToken).ListProviders().ok());
  EXPECT_TRUE(As(kAdminToken).ListProviders().ok());

  // Revoked: the admin token is gone from the next good version.
  WriteAccessFile({{"tokens", {TokenEntry("newcomer", kNewToken, "admin")}}});
  EXPECT_EQ(ReasonOf(As(kAdminToken).ListProviders().status()), "UNKNOWN_TOKEN");
  v1::AddStorageRequest add;
  add.mutable_storage()->set_name("by-new-admin");
  add.mutable_storage()->set_provider("local");
  (*add.mutable_storage()->mutable_config())["root"] = dir_.Sub("objects");
  EXPECT_TRUE(As(kNewToken).AddStorage(add).ok());
}

TEST_F(AccessControlApiTest, AnExpiredTokenIsRefusedAndAnUnexpiredOneServed) {
  StartServer(Config());
  constexpr char kExpiredToken[] = "expired-token-1111222233334444";
  constexpr char kFreshToken[] = "fresh-token-5555666677778888";
  nlohmann::json access = DefaultAccess();
  nlohmann::json expired = TokenEntry("last-year", kExpiredToken, "admin");
  expired["expires"] = "2025-12-31T23:59:59Z";
  nlohmann::json fresh = TokenEntry("next-year", kFreshToken, "admin");
  fresh["expires"] = "2099-01-01T00:00:00+01:00";
  access["tokens"].push_back(expired);
  access["tokens"].push_back(fresh);
  WriteAccessFile(access);

  const absl::Status refused = As(kExpiredToken).ListProviders().status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kUnauthenticated) << refused;
  EXPECT_EQ(ReasonOf(refused), "TOKEN_EXPIRED");
  EXPECT_THAT(refused.message(), HasSubstr("\"last-year\" expired at 2025-12-31T23:59:59"));
  EXPECT_THAT(refused.message(), Not(HasSubstr(kExpiredToken)));
  EXPECT_TRUE(As(kFreshToken).ListProviders().ok());

  // An expiry that is not a time is refused with the file, saying why (the one in force stays).
  access["tokens"][access["tokens"].size() - 1]["expires"] = "next year";
  WriteAccessFile(access);
  ::testing::internal::CaptureStderr();
  EXPECT_TRUE(As(kFreshToken).ListProviders().ok());
  const std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_THAT(log, HasSubstr(".expires: expected an RFC 3339 time"));
  EXPECT_EQ(ReasonOf(As(kExpiredToken).ListProviders().status()), "TOKEN_EXPIRED");
}

TEST_F(AccessControlApiTest, ABrokenOrMissingAccessFileStopsTheStart) {
  WriteFileAtomically(dir_.Sub("access.json"), R"({"tokens": [{"name": "a", "sha256": "abc",
                                                   "role": "admin"}]})");
  auto broken = storage::StorageServer::Start(Config());
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(broken.status().message(), HasSubstr("--auth_tokens_file"));
  EXPECT_THAT(broken.status().message(), HasSubstr("tokens[0].sha256"));

  storage::ServerConfig config = Config();
  config.auth_tokens_file = dir_.Sub("absent.json");
  auto missing = storage::StorageServer::Start(config);
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.status().message(), HasSubstr("--auth_tokens_file"));
}

TEST_F(AccessControlApiTest, MalformedAuthorizationIsUnauthenticated) {
  StartServer(Config());
  for (const std::string header : {"Basic dXNlcjpwYXNz", "Bearer", "Bearer   ", kAdminToken}) {
    auto stub = v1::StorageService::NewStub(
        grpc::CreateChannel(target(), grpc::InsecureChannelCredentials()));
    grpc::ClientContext context;
    context.AddMetadata("authorization", header);
    v1::ListProvidersResponse response;
    grpc::Status status = stub->ListProviders(&context, {}, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << header;
  }
  // The scheme is case-insensitive.
  auto stub = v1::StorageService::NewStub(
      grpc::CreateChannel(target(), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.AddMetadata("authorization", absl::StrCat("bearer ", kAdminToken));
  v1::ListProvidersResponse response;
  EXPECT_TRUE(stub->ListProviders(&context, {}, &response).ok());
}

TEST_F(AccessControlApiTest, HealthStaysOpenWithoutToken) {
  StartServer(Config());
  const RawCallResult result =
      CallRaw(grpc::CreateChannel(target(), grpc::InsecureChannelCredentials()),
              "/grpc.health.v1.Health/Check", {""});
  ASSERT_TRUE(result.status.ok()) << result.status.error_message();
  ASSERT_EQ(result.responses.size(), 1u);
  EXPECT_EQ(result.responses[0], std::string("\x08\x01", 2));  // SERVING
}

TEST_F(AccessControlApiTest, RefusalsAreLoggedByNameNeverWithTheToken) {
  StartWithStorages();
  ::testing::internal::CaptureStderr();
  v1::DeleteStorageRequest request;
  request.set_storage(kGranted);
  EXPECT_EQ(As(kAgentToken).DeleteStorage(request).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(As(kUnknownToken).DeleteStorage(request).status().code(),
            absl::StatusCode::kUnauthenticated);
  const std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_THAT(log, HasSubstr("refused DeleteStorage"));
  EXPECT_THAT(log, HasSubstr("\"agent-a\" (agent)"));
  EXPECT_THAT(log, HasSubstr("UNKNOWN_TOKEN"));
  EXPECT_THAT(log, Not(HasSubstr(kAgentToken)));
  EXPECT_THAT(log, Not(HasSubstr(kUnknownToken)));
}

TEST_F(AccessControlApiTest, ClientCertificatesAuthenticateWithTheirListedRole) {
  TestCa server_ca("server CA");
  TestCa client_ca("client CA");
  const PemPair server_cert = server_ca.Issue("server", {"DNS:localhost", "IP:127.0.0.1"});
  WriteFileAtomically(dir_.Sub("server.pem"), server_cert.cert_pem);
  WriteFileAtomically(dir_.Sub("server.key"), server_cert.key_pem);
  WriteFileAtomically(dir_.Sub("client-ca.pem"), client_ca.cert_pem());
  nlohmann::json access = DefaultAccess();
  access["certificates"] = {
      {{"name", "agent-c"},
       {"common_name", "agent-c.backup"},
       {"role", "agent"},
       {"storages", {kGranted}}},
      {{"name", "console"}, {"san", "console.pluton.svc"}, {"role", "admin"}}};
  WriteAccessFile(access);
  storage::ServerConfig config = Config();
  config.tls_cert_file = dir_.Sub("server.pem");
  config.tls_key_file = dir_.Sub("server.key");
  config.tls_client_ca_file = dir_.Sub("client-ca.pem");
  StartServer(config);

  auto client_with = [&](const PemPair& cert) {
    storage::client::ClientOptions options;
    options.credentials =
        storage::client::TlsChannelCredentials({server_ca.cert_pem(), cert.cert_pem, cert.key_pem});
    return Client(target(), options);
  };
  const PemPair console = client_ca.Issue("whatever", {"DNS:console.pluton.svc"});
  Client admin = client_with(console);
  v1::AddStorageRequest add;
  add.mutable_storage()->set_name(kGranted);
  add.mutable_storage()->set_provider("local");
  (*add.mutable_storage()->mutable_config())["root"] = dir_.Sub("objects");
  ASSERT_TRUE(admin.AddStorage(add).ok());

  Client agent = client_with(client_ca.Issue("agent-c.backup", {}));
  std::string data = "by certificate";
  storage::client::MemoryByteSource source(data);
  EXPECT_TRUE(agent.Upload(Header(kGranted, "by-cert"), source).ok());
  EXPECT_EQ(ReadFileBytes(dir_.Sub("objects/b/by-cert")), data);
  v1::DeleteStorageRequest remove;
  remove.set_storage(kGranted);
  const absl::Status denied = agent.DeleteStorage(remove).status();
  EXPECT_EQ(denied.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ReasonOf(denied), "ROLE_NOT_ALLOWED");

  // Signed by the CA but not listed.
  const absl::Status unknown =
      client_with(client_ca.Issue("intruder", {})).ListProviders().status();
  EXPECT_EQ(unknown.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(ReasonOf(unknown), "UNKNOWN_CERTIFICATE");
}

}  // namespace
}  // namespace pluton::testing
