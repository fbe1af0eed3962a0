// What the end-to-end suites against the strict R2 fake share (r2_service_test,
// s3_restore_test): R2FakeSuite, a ServerFixture whose test suite shares one fake
// process: SetUpTestSuite starts it, TearDownTestSuite stops it. Each test's SetUp must check
// that it started and reset it:
//
//   class R2Test : public R2FakeSuite {
//    protected:
//     void SetUp() override {
//       ASSERT_NE(fake_, nullptr);
//       fake_->Reset();
//       ...
//       ServerFixture::SetUp();
//     }
//   };
//
// Ownership: the suite owns the fake between SetUpTestSuite and TearDownTestSuite; fake_ is
// NULL outside them and when the fake failed to start (SetUpTestSuite then fails the suite).
// Thread safety: the test thread only; one suite deriving from this runs at a time.
#ifndef PLUTON_TESTS_E2E_R2FAKE_SUITE_H_
#define PLUTON_TESTS_E2E_R2FAKE_SUITE_H_

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <utility>

#include "common/md5.h"
#include "s3core/r2fake_process.h"
#include "server_fixture.h"

namespace pluton::testing {

class R2FakeSuite : public ServerFixture {
 protected:
  static void SetUpTestSuite() {
    auto fake = s3::testing::R2FakeProcess::StartDefault();
    ASSERT_TRUE(fake.ok()) << fake.status();
    fake_ = std::move(*fake).release();
  }
  static void TearDownTestSuite() {
    delete fake_;
    fake_ = nullptr;
  }

  // Adds storage `name` of `provider` ("r2" or "s3") on the fake, with the admin token and
  // 5 MiB parts from 6 MiB on, plus `extra` options. REQUIRES: the server is running.
  void AddFakeStorage(const std::string& name, const std::string& provider,
                      const std::map<std::string, std::string>& extra = {}) {
    v1::AddStorageRequest add;
    add.mutable_storage()->set_name(name);
    add.mutable_storage()->set_provider(provider);
    auto& config = *add.mutable_storage()->mutable_config();
    if (provider == "r2") config["account_id"] = "0123456789abcdef0123456789abcdef";
    config["endpoint"] = fake_->endpoint();
    config["access_key_id"] = s3::testing::kAdminKeyId;
    config["secret_access_key"] = s3::testing::kAdminSecret;
    config["chunk_size"] = "5MiB";
    config["upload_cutoff"] = "6MiB";
    for (const auto& [key, value] : extra) config[key] = value;
    auto added = client_->AddStorage(add);
    ASSERT_TRUE(added.ok()) << added.status();
  }

  inline static s3::testing::R2FakeProcess* fake_ = nullptr;
};

}  // namespace pluton::testing

#endif  // PLUTON_TESTS_E2E_R2FAKE_SUITE_H_
