// pluton_s3provider's pieces tested directly: value checkers, failure classification of real
// S3Client statuses (canned answers through FaultInjectingTransport) and the HostBudget
// adapter's emulated max_wait.
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pluton/s3/curl_transport.h"
#include "pluton/s3/fault_injecting_transport.h"
#include "pluton/s3/s3_client.h"
#include "pluton/s3provider/config_checks.h"
#include "pluton/s3provider/failure.h"
#include "pluton/s3provider/host_budget.h"
#include "pluton/s3provider/messages.h"
#include "pluton/sdk/host_context.h"

namespace pluton::s3provider {
namespace {

using ::testing::HasSubstr;

TEST(DecodeBase64Test, IsStrict) {
  EXPECT_EQ(DecodeBase64("aGk="), "hi");
  EXPECT_EQ(DecodeBase64("aGVsbG8h"), "hello!");
  EXPECT_EQ(DecodeBase64("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")->size(), 32u);
  EXPECT_FALSE(DecodeBase64("").has_value());
  EXPECT_FALSE(DecodeBase64("aGk").has_value());    // missing padding
  EXPECT_FALSE(DecodeBase64("aG k=").has_value());  // whitespace
  EXPECT_FALSE(DecodeBase64("a=Gk").has_value());   // '=' inside
  EXPECT_FALSE(DecodeBase64("aGl=").has_value());   // non-canonical trailing bits
  EXPECT_FALSE(DecodeBase64("aG_k").has_value());   // URL-safe alphabet
}

TEST(CheckSseCustomerKeyTest, GivesTheKeyAndItsMd5) {
  s3::SseCustomerKey key;
  EXPECT_EQ(CheckSseCustomerKey("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", &key), "");
  EXPECT_EQ(key.key_base64, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
  EXPECT_EQ(key.key_md5_base64, "tP/LI3N87DFaSk0aoqYgzg==");  // base64(md5(bytes 0..31))
  EXPECT_THAT(CheckSseCustomerKey("AAECAwQFBgcICQoLDA0ODw==", nullptr),
              HasSubstr("decodes to 16 bytes"));
}

TEST(CheckEndpointUrlTest, AcceptsSchemeHostPort) {
  std::string base;
  EXPECT_EQ(CheckEndpointUrl("http://127.0.0.1:9000", &base), "");
  EXPECT_EQ(base, "http://127.0.0.1:9000");
  EXPECT_EQ(CheckEndpointUrl("HTTPS://S3.Example.COM/", &base), "");
  EXPECT_EQ(base, "https://s3.example.com");
  EXPECT_EQ(CheckEndpointUrl("http://[::1]:8080", &base), "");
  EXPECT_EQ(base, "http://[::1]:8080");
}

TEST(CheckEndpointUrlTest, RefusesWhatIsNotJustAnEndpoint) {
  EXPECT_THAT(CheckEndpointUrl("s3.example.com", nullptr), HasSubstr("http:// or https://"));
  EXPECT_THAT(CheckEndpointUrl("ftp://s3.example.com", nullptr), HasSubstr("http:// or https://"));
  EXPECT_THAT(CheckEndpointUrl("https://s3.example.com/bucket", nullptr), HasSubstr("path"));
  EXPECT_THAT(CheckEndpointUrl("https://s3.example.com?x=1", nullptr), HasSubstr("query"));
  EXPECT_THAT(CheckEndpointUrl("https://user:pw@s3.example.com", nullptr), HasSubstr("password"));
  EXPECT_THAT(CheckEndpointUrl("https://:9000", nullptr), HasSubstr("no host"));
  EXPECT_THAT(CheckEndpointUrl("https://host:0", nullptr), HasSubstr("port"));
  EXPECT_THAT(CheckEndpointUrl("https://host:", nullptr), HasSubstr("port"));
  EXPECT_THAT(CheckEndpointUrl("https://ho st", nullptr), HasSubstr("host name"));
}

TEST(CheckBucketNameTest, RefusesPathsAndOddCharacters) {
  EXPECT_EQ(CheckBucketName("backups"), "");
  EXPECT_EQ(CheckBucketName("Legacy_Bucket.2010"), "");
  EXPECT_THAT(CheckBucketName(""), HasSubstr("empty"));
  EXPECT_THAT(CheckBucketName("a/b"), HasSubstr("'/'"));
  EXPECT_THAT(CheckBucketName("a b"), HasSubstr("characters"));
  EXPECT_THAT(CheckBucketName(std::string(256, 'a')), HasSubstr("256 characters"));
}

// Classify() on real S3Client statuses: the client gets canned answers.
class ClassifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto curl = s3::CurlTransport::Create({});
    ASSERT_TRUE(curl.ok()) << curl.status();
    curl_ = *std::move(curl);
    faults_ = std::make_unique<s3::FaultInjectingTransport>(curl_.get());
  }
  // The failure of a ListBuckets answered with `status` and an S3 error document.
  Failure Answer(int status, const std::string& code, const std::string& message = "msg") {
    faults_->ClearRules();
    const std::string body = code.empty() ? ""
                                          : "<?xml version=\"1.0\"?><Error><Code>" + code +
                                                "</Code><Message>" + message + "</Message></Error>";
    faults_->AddRule(s3::FaultRule::Respond("", "", 0, status, body));
    return Run();
  }
  Failure TransportFailure(s3::TransportErrorKind kind) {
    faults_->ClearRules();
    faults_->AddRule(s3::FaultRule::Fail("", "", 0, kind));
    return Run();
  }
  Failure Run() {
    s3::RetryPolicy once;
    once.max_attempts = 1;
    s3::S3Client client(s3::S3Endpoint{"http://127.0.0.1:9", "auto", true},
                        s3::Credentials{"k", "s", ""}, faults_.get(), once);
    const auto result = client.ListBuckets(nullptr);
    EXPECT_FALSE(result.ok());
    return Classify(result.status());
  }

  std::unique_ptr<s3::CurlTransport> curl_;
  std::unique_ptr<s3::FaultInjectingTransport> faults_;
};

TEST_F(ClassifyTest, S3ErrorCodes) {
  EXPECT_EQ(Answer(403, "InvalidAccessKeyId").kind, FailureKind::kInvalidAccessKeyId);
  EXPECT_EQ(
      Answer(400, "InvalidArgument", "Credential access key has length 20, should be 32").kind,
      FailureKind::kInvalidAccessKeyId);
  EXPECT_EQ(Answer(403, "SignatureDoesNotMatch").kind, FailureKind::kSignatureMismatch);
  EXPECT_EQ(Answer(403, "AccessDenied").kind, FailureKind::kAccessDenied);
  EXPECT_EQ(Answer(403, "").kind, FailureKind::kAccessDenied);
  EXPECT_EQ(Answer(404, "NoSuchBucket").kind, FailureKind::kNoSuchBucket);
  EXPECT_EQ(Answer(403, "RequestTimeTooSkewed").kind, FailureKind::kClockSkew);
  EXPECT_EQ(Answer(403, "NotEntitled").kind, FailureKind::kNotEntitled);
  EXPECT_EQ(Answer(401, "").kind, FailureKind::kUnauthorized);
  EXPECT_EQ(Answer(400, "AuthorizationHeaderMalformed").kind, FailureKind::kWrongRegion);
  EXPECT_EQ(Answer(301, "PermanentRedirect").kind, FailureKind::kWrongRegion);
  EXPECT_EQ(Answer(501, "NotImplemented").kind, FailureKind::kNotImplemented);
  EXPECT_EQ(Answer(503, "SlowDown").kind, FailureKind::kServiceUnavailable);
  EXPECT_EQ(Answer(400, "BadDigest").kind, FailureKind::kBadDigest);
  const Failure rejected = Answer(400, "InvalidStorageClass");
  EXPECT_EQ(rejected.kind, FailureKind::kRejected);
  EXPECT_EQ(rejected.s3_code, "InvalidStorageClass");
  EXPECT_EQ(rejected.http_status, 400);
  EXPECT_THAT(rejected.detail, HasSubstr("InvalidStorageClass"));
  EXPECT_EQ(DefaultReason(rejected), "REQUEST_REJECTED");
}

TEST_F(ClassifyTest, TransportFailures) {
  EXPECT_EQ(TransportFailure(s3::TransportErrorKind::kDnsFailure).kind,
            FailureKind::kEndpointNotFound);
  EXPECT_EQ(TransportFailure(s3::TransportErrorKind::kConnectFailed).kind,
            FailureKind::kEndpointUnreachable);
  EXPECT_EQ(TransportFailure(s3::TransportErrorKind::kTlsFailure).kind, FailureKind::kTlsError);
  EXPECT_EQ(TransportFailure(s3::TransportErrorKind::kTimeout).kind, FailureKind::kTimeout);
}

TEST_F(ClassifyTest, RefusedEndpointAddressIsAPreconditionNamedWithTheFix) {
  const Failure failure = TransportFailure(s3::TransportErrorKind::kAddressRefused);
  EXPECT_EQ(failure.kind, FailureKind::kAddressRefused);
  EXPECT_EQ(failure.status_code, absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(DefaultReason(failure), "ENDPOINT_ADDRESS_REFUSED");
  EXPECT_EQ(CodeFor(failure), PLUTON_FAILED_PRECONDITION);

  ResolvedConfig config;
  config.endpoint.base_url = "https://s3.example.com";
  config.endpoint_overridden = true;
  FailureContext context;
  context.operation = Operation::kListObjects;
  context.bucket = "backups";
  context.config = &config;
  const std::string overridden = CommonMessage(failure, context, "R2");
  EXPECT_THAT(overridden, HasSubstr("the endpoint https://s3.example.com resolves to a link-local "
                                    "or cloud metadata address"));
  EXPECT_THAT(overridden, HasSubstr(failure.detail));
  EXPECT_THAT(overridden, HasSubstr("--allowed_endpoint"));
  config.endpoint_overridden = false;
  EXPECT_THAT(CommonMessage(failure, context, "R2"), HasSubstr("R2's own"));
  EXPECT_THAT(CommonMessage(failure, context, "R2"), HasSubstr("DNS resolver"));
}

TEST(ClassifyStatusTest, CancellationIsATimeoutOnlyAfterTheDeadline) {
  const absl::Status cancelled =
      s3::TransportError(s3::TransportErrorKind::kCancelled, "cancelled");
  EXPECT_EQ(Classify(cancelled).kind, FailureKind::kCancelled);
  EXPECT_EQ(Classify(cancelled, /*deadline_passed=*/true).kind, FailureKind::kTimeout);
  EXPECT_EQ(Classify(absl::CancelledError("x")).kind, FailureKind::kCancelled);
  EXPECT_EQ(Classify(absl::DeadlineExceededError("x")).kind, FailureKind::kTimeout);
}

TEST(ClassifyStatusTest, OtherStatusesKeepTheirCode) {
  const Failure failure = Classify(absl::ResourceExhaustedError("too big"));
  EXPECT_EQ(failure.kind, FailureKind::kOther);
  EXPECT_EQ(DefaultReason(failure), "RESOURCE_EXHAUSTED");
  EXPECT_EQ(CodeFor(failure), PLUTON_RESOURCE_EXHAUSTED);
  EXPECT_EQ(failure.detail, "too big");
}

TEST(CodeForTest, MapsKindsToPlutonCodes) {
  auto code = [](FailureKind kind) {
    Failure f;
    f.kind = kind;
    return CodeFor(f);
  };
  EXPECT_EQ(code(FailureKind::kSignatureMismatch), PLUTON_UNAUTHENTICATED);
  EXPECT_EQ(code(FailureKind::kInvalidAccessKeyId), PLUTON_UNAUTHENTICATED);
  EXPECT_EQ(code(FailureKind::kAccessDenied), PLUTON_PERMISSION_DENIED);
  EXPECT_EQ(code(FailureKind::kNoSuchBucket), PLUTON_NOT_FOUND);
  EXPECT_EQ(code(FailureKind::kClockSkew), PLUTON_FAILED_PRECONDITION);
  EXPECT_EQ(code(FailureKind::kEndpointNotFound), PLUTON_UNAVAILABLE);
  EXPECT_EQ(code(FailureKind::kTimeout), PLUTON_DEADLINE_EXCEEDED);
  EXPECT_EQ(code(FailureKind::kCancelled), PLUTON_CANCELLED);
  EXPECT_EQ(code(FailureKind::kBadDigest), PLUTON_DATA_LOSS);
}

// A host whose budget is always exhausted: reserve waits until the token fires.
struct ExhaustedHost {
  static int32_t Reserve(uint64_t bytes, const pluton_cancel_token* cancel) {
    if (bytes > 1000) return PLUTON_RESOURCE_EXHAUSTED;
    while (cancel->is_cancelled(cancel->ctx) == 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return PLUTON_CANCELLED;
  }
  static void Release(uint64_t) {}
  static const pluton_host_api* Api() {
    static const pluton_host_api api = {sizeof(pluton_host_api),
                                        PLUTON_PLUGIN_ABI_MAJOR,
                                        PLUTON_PLUGIN_ABI_MINOR,
                                        nullptr,
                                        &Reserve,
                                        &Release};
    return &api;
  }
};

TEST(HostBudgetTest, MaxWaitIsEmulatedWithTheCancelToken) {
  plugin_sdk::HostContext host("test");
  host.Set(ExhaustedHost::Api());
  HostBudget budget(host);
  const auto start = std::chrono::steady_clock::now();
  const absl::Status waited = budget.Reserve(10, absl::Milliseconds(100), [] { return false; });
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(waited.code(), absl::StatusCode::kDeadlineExceeded) << waited;
  EXPECT_GE(elapsed, std::chrono::milliseconds(100));
  // This host never frees anything: without the emulated maximum it would wait forever.
  EXPECT_LT(elapsed, std::chrono::seconds(30));

  EXPECT_EQ(budget.Reserve(10, absl::InfiniteDuration(), [] { return true; }).code(),
            absl::StatusCode::kCancelled);
  EXPECT_EQ(budget.Reserve(10, absl::Seconds(10), [] { return true; }).code(),
            absl::StatusCode::kCancelled);
  const absl::Status too_big = budget.Reserve(5000, absl::Seconds(1), nullptr);
  EXPECT_EQ(too_big.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(too_big.message(), HasSubstr("chunk_size"));
}

TEST(HostBudgetTest, WithoutAHostBudgetEverythingIsGranted) {
  plugin_sdk::HostContext host("test");
  HostBudget budget(host);
  EXPECT_TRUE(budget.Reserve(1ull << 40, absl::ZeroDuration(), nullptr).ok());
  budget.Release(1ull << 40);
}

}  // namespace
}  // namespace pluton::s3provider
