// R2FakeTestBase: a test fixture base with one R2 fake per test suite (started in
// SetUpTestSuite, stopped in TearDownTestSuite), reset before every test, plus the real
// CurlTransport wrapped in a fresh FaultInjectingTransport per test and an admin S3Client.
#ifndef PLUTON_TESTS_S3CORE_R2FAKE_TEST_BASE_H_
#define PLUTON_TESTS_S3CORE_R2FAKE_TEST_BASE_H_

#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "pluton/s3/curl_transport.h"
#include "pluton/s3/fault_injecting_transport.h"
#include "pluton/s3/s3_client.h"
#include "r2fake_process.h"

namespace pluton::s3::testing {

// Quick retries so fault tests run fast.
inline RetryPolicy FastRetries() {
  RetryPolicy retry;
  retry.initial_backoff = absl::Milliseconds(1);
  retry.max_backoff = absl::Milliseconds(20);
  retry.request_timeout = absl::Seconds(60);
  return retry;
}

class R2FakeTestBase : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<std::unique_ptr<R2FakeProcess>> fake = R2FakeProcess::StartDefault();
    ASSERT_TRUE(fake.ok()) << fake.status();
    fake_ = fake->release();
    CurlTransportOptions options;
    options.use_environment_proxy = false;  // 127.0.0.1 must not go through a proxy
    absl::StatusOr<std::unique_ptr<CurlTransport>> transport = CurlTransport::Create(options);
    ASSERT_TRUE(transport.ok()) << transport.status();
    transport_ = transport->release();
  }
  static void TearDownTestSuite() {
    delete transport_;
    transport_ = nullptr;
    delete fake_;
    fake_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(fake_, nullptr) << "the R2 fake did not start";
    fake_->Reset();
    faulty_ = std::make_unique<FaultInjectingTransport>(transport_);
    client_ = MakeClient(kAdminKeyId, kAdminSecret);
  }

  std::unique_ptr<S3Client> MakeClient(const std::string& key_id, const std::string& secret,
                                       RetryPolicy retry = FastRetries()) {
    return std::make_unique<S3Client>(S3Endpoint{fake_->endpoint(), "auto", true},
                                      Credentials{key_id, secret, ""}, faulty_.get(), retry);
  }

  static inline R2FakeProcess* fake_ = nullptr;
  static inline CurlTransport* transport_ = nullptr;
  std::unique_ptr<FaultInjectingTransport> faulty_;
  std::unique_ptr<S3Client> client_;
};

}  // namespace pluton::s3::testing

#endif  // PLUTON_TESTS_S3CORE_R2FAKE_TEST_BASE_H_
