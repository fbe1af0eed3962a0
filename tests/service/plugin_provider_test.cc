#include "plugin/plugin_provider.h"

#include <dlfcn.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/rich_status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "plugin/config_check.h"
#include "plugin/host_services.h"
#include "plugin/plugin_call.h"
#include "plugin/plugin_loader.h"
#include "plugin_test_util.h"

namespace pluton::storage {

// For readable assertion failures.
void PrintTo(const FieldViolation& v, std::ostream* os) {
  *os << "{" << v.field << ": " << v.description << "}";
}

namespace {

using ::pluton::storage::testing::TempPluginDir;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

auto Violation(const std::string& field, const std::string& description_part) {
  return AllOf(Field(&FieldViolation::field, field),
               Field(&FieldViolation::description, HasSubstr(description_part)));
}

// ==========================================================================================
// Against the real good_minimal plugin, loaded through PluginSet.

class MinimalPluginTest : public ::testing::Test {
 protected:
  static constexpr uint64_t kBudget = 1 << 20;

  void SetUp() override {
    const std::string path = dir_.AddPlugin("good_minimal");
    auto set = PluginSet::Load(dir_.path(), host_.api());
    ASSERT_TRUE(set.ok()) << set.status();
    set_ = *std::move(set);
    provider_ = set_->Find("minimal");
    ASSERT_NE(provider_, nullptr);
    // The plugin's test counter, from the same loaded copy (RTLD_NOLOAD: no second load).
    counter_handle_ = dlopen(path.c_str(), RTLD_NOW | RTLD_NOLOAD);
    ASSERT_NE(counter_handle_, nullptr) << dlerror();
    counter_ =
        reinterpret_cast<uint64_t (*)(const char*)>(dlsym(counter_handle_, "minimal_test_counter"));
    ASSERT_NE(counter_, nullptr) << dlerror();
  }

  void TearDown() override {
    if (counter_ != nullptr) {
      // Nothing the host received may still be alive in the plugin.
      EXPECT_EQ(Counter("live_errors"), 0u);
      EXPECT_EQ(Counter("live_reports"), 0u);
      EXPECT_EQ(Counter("live_uploads"), 0u);
      EXPECT_EQ(Counter("implicit_aborts"), 0u) << "the host destroyed an open upload";
    }
    EXPECT_EQ(host_.budget().in_use(), 0u);
    if (counter_handle_ != nullptr) dlclose(counter_handle_);
    provider_.reset();
    set_.reset();
  }

  uint64_t Counter(const char* name) { return counter_(name); }

  std::unique_ptr<ProviderUpload> Begin(const UploadSpec& spec,
                                        const std::atomic<bool>* cancelled = nullptr) {
    auto upload = provider_->BeginUpload(kValidConfig, spec, cancelled);
    EXPECT_TRUE(upload.ok()) << upload.status();
    return upload.ok() ? *std::move(upload) : nullptr;
  }

  static UploadSpec Spec(int64_t expected_size = -1) {
    UploadSpec spec;
    spec.bucket = "bucket";
    spec.key = "backups/host-1/chunk-0001";
    spec.expected_size = expected_size;
    spec.content_type = "application/octet-stream";
    spec.metadata = {{"agent", "test"}};
    return spec;
  }

  const ConfigMap kValidConfig = {{"token", "s3cr3t"}, {"mode", "slow"}};
  HostServices host_{kBudget};
  TempPluginDir dir_;
  std::unique_ptr<PluginSet> set_;
  std::shared_ptr<const Provider> provider_;
  void* counter_handle_ = nullptr;
  uint64_t (*counter_)(const char*) = nullptr;
};

TEST_F(MinimalPluginTest, DescribesItself) {
  EXPECT_EQ(provider_->id(), "minimal");
  EXPECT_EQ(provider_->display_name(), "Minimal (test)");
  EXPECT_EQ(provider_->description(), "Stores nothing; counts bytes. For the host's tests.");
  EXPECT_EQ(provider_->plugin_version(), "1.0.0");
  EXPECT_EQ(provider_->abi_version(), std::to_string(PLUTON_PLUGIN_ABI_MAJOR) + "." +
                                          std::to_string(PLUTON_PLUGIN_ABI_MINOR));
}

TEST_F(MinimalPluginTest, SchemaIsParsed) {
  const auto& schema = provider_->schema();
  ASSERT_THAT(schema, SizeIs(5));
  EXPECT_EQ(schema[0].name, "token");
  EXPECT_EQ(schema[0].label, "Token");
  EXPECT_EQ(schema[0].type, "string");
  EXPECT_TRUE(schema[0].required);
  EXPECT_TRUE(schema[0].secret);
  EXPECT_EQ(schema[0].help, "Any non-empty string.");
  EXPECT_EQ(schema[1].name, "mode");
  EXPECT_EQ(schema[1].type, "enum");
  EXPECT_EQ(schema[1].default_value, "fast");
  EXPECT_THAT(schema[1].allowed_values, ElementsAre("fast", "slow"));
  EXPECT_FALSE(schema[1].required);
  EXPECT_EQ(schema[2].name, "retries");
  EXPECT_EQ(schema[2].type, "integer");
  EXPECT_EQ(schema[2].default_value, "3");
  EXPECT_TRUE(schema[2].advanced);
  EXPECT_EQ(schema[3].name, "verbose");
  EXPECT_EQ(schema[3].label, "verbose");  // defaults to the name
  EXPECT_EQ(schema[3].default_value, "false");
  EXPECT_EQ(schema[4].name, "chunk_size");
  EXPECT_EQ(schema[4].type, "size");
  EXPECT_EQ(schema[4].placeholder, "5MiB");
  EXPECT_TRUE(provider_->IsSecretField("token"));
  EXPECT_FALSE(provider_->IsSecretField("mode"));
  EXPECT_FALSE(provider_->IsSecretField("unknown"));
}

TEST_F(MinimalPluginTest, ValidConfigIsOk) {
  EXPECT_TRUE(provider_->ValidateConfig(kValidConfig).ok());
}

TEST_F(MinimalPluginTest, MissingTokenIsInvalidArgumentWithAViolation) {
  absl::Status status = provider_->ValidateConfig({});
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "the minimal configuration is invalid");
  EXPECT_EQ(ReasonOf(status), "INVALID_CONFIG");
  EXPECT_THAT(ViolationsOf(status), ElementsAre(Violation("token", "required")));
}

TEST_F(MinimalPluginTest, EveryWrongFieldIsReportedAtOnce) {
  absl::Status status = provider_->ValidateConfig({{"token", ""}, {"mode", "medium"}});
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolationsOf(status),
              ElementsAre(Violation("token", "required"), Violation("mode", "\"fast\" or")));
}

TEST_F(MinimalPluginTest, ConfigWithANulCharacterNeverReachesThePlugin) {
  absl::Status status = provider_->ValidateConfig({{"token", std::string("ab\0cd", 5)}});
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolationsOf(status), ElementsAre(Violation("token", "NUL")));
}

TEST_F(MinimalPluginTest, TestConnectionReportIsCopied) {
  TestConnectionOptions options;
  options.bucket = "b1";
  options.read_only = true;
  options.timeout = absl::Milliseconds(1500);
  auto report = provider_->TestConnection(kValidConfig, options);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->success);
  EXPECT_EQ(report->reason, "");
  EXPECT_EQ(report->message, "");
  ASSERT_THAT(report->checks, SizeIs(1));
  const ConnectionCheckResult& check = report->checks[0];
  EXPECT_EQ(check.name, "noop");
  // Copied before test_report_destroy, which scribbles over it.
  EXPECT_EQ(check.description, "bucket=b1 read_only=1 timeout_ms=1500");
  EXPECT_TRUE(check.passed);
  EXPECT_EQ(check.detail, "");
  EXPECT_EQ(check.latency, absl::Microseconds(42));
}

TEST_F(MinimalPluginTest, TestConnectionWithInvalidConfigIsAnError) {
  auto report = provider_->TestConnection({}, TestConnectionOptions{});
  EXPECT_EQ(report.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolationsOf(report.status()), ElementsAre(Violation("token", "required")));
}

TEST_F(MinimalPluginTest, TestConnectionSeesTheCancelFlag) {
  std::atomic<bool> cancelled{true};
  TestConnectionOptions options;
  options.cancelled = &cancelled;
  auto report = provider_->TestConnection(kValidConfig, options);
  EXPECT_EQ(report.status().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(ReasonOf(report.status()), "CANCELLED");
}

TEST_F(MinimalPluginTest, UploadCountsBytes) {
  auto upload = Begin(Spec(/*expected_size=*/11));
  ASSERT_NE(upload, nullptr);
  const std::string a = "hello ", b = "world";
  ASSERT_TRUE(upload->Write(reinterpret_cast<const uint8_t*>(a.data()), a.size()).ok());
  ASSERT_TRUE(upload->Write(nullptr, 0).ok());
  ASSERT_TRUE(upload->Write(reinterpret_cast<const uint8_t*>(b.data()), b.size()).ok());
  auto outcome = upload->Finish();
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_EQ(outcome->bytes_stored, 11u);
  EXPECT_EQ(outcome->etag, "minimal-11");
  EXPECT_EQ(outcome->part_count, 1u);
  EXPECT_EQ(outcome->part_size, 11u);

  // Finished: no more writes, and Abort does not undo the commit.
  EXPECT_EQ(upload->Write(reinterpret_cast<const uint8_t*>(a.data()), a.size()).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(upload->Finish().status().code(), absl::StatusCode::kFailedPrecondition);
  upload->Abort();
  upload.reset();
  EXPECT_EQ(Counter("abort_calls"), 0u);
  EXPECT_EQ(Counter("destroy_calls"), 1u);
  // The etag was copied before upload_destroy scribbled over it.
  EXPECT_EQ(outcome->etag, "minimal-11");
}

TEST_F(MinimalPluginTest, LargeUploadInManyWrites) {
  auto upload = Begin(Spec());
  ASSERT_NE(upload, nullptr);
  const std::vector<uint8_t> chunk(64 * 1024, 0xab);
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(upload->Write(chunk.data(), chunk.size()).ok());
  auto outcome = upload->Finish();
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_EQ(outcome->bytes_stored, 100u * chunk.size());
}

TEST_F(MinimalPluginTest, DestroyingAnUnfinishedUploadAbortsIt) {
  auto upload = Begin(Spec());
  ASSERT_NE(upload, nullptr);
  const uint8_t byte = 1;
  ASSERT_TRUE(upload->Write(&byte, 1).ok());
  EXPECT_EQ(Counter("live_uploads"), 1u);
  upload.reset();
  EXPECT_EQ(Counter("abort_calls"), 1u);
  EXPECT_EQ(Counter("destroy_calls"), 1u);
}

TEST_F(MinimalPluginTest, AbortIsIdempotentAndEndsTheUpload) {
  auto upload = Begin(Spec());
  ASSERT_NE(upload, nullptr);
  upload->Abort();
  upload->Abort();
  EXPECT_EQ(Counter("abort_calls"), 1u);
  const uint8_t byte = 1;
  absl::Status write = upload->Write(&byte, 1);
  EXPECT_EQ(write.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(write.message(), HasSubstr("aborted"));
  upload.reset();
  EXPECT_EQ(Counter("abort_calls"), 1u);
  EXPECT_EQ(Counter("destroy_calls"), 1u);
}

TEST_F(MinimalPluginTest, FailedFinishLeavesTheUploadDeadAndDestroyAbortsIt) {
  auto upload = Begin(Spec(/*expected_size=*/10));
  ASSERT_NE(upload, nullptr);
  const uint8_t bytes[5] = {};
  ASSERT_TRUE(upload->Write(bytes, sizeof(bytes)).ok());
  auto outcome = upload->Finish();
  EXPECT_EQ(outcome.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ReasonOf(outcome.status()), "SIZE_MISMATCH");
  EXPECT_EQ(outcome.status().message(), "wrote 5 bytes but the upload announced 10");
  absl::Status write = upload->Write(bytes, sizeof(bytes));
  EXPECT_EQ(write.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(write.message(), HasSubstr("already failed"));
  upload.reset();
  EXPECT_EQ(Counter("abort_calls"), 1u);
}

TEST_F(MinimalPluginTest, WriteLargerThanTheHostBudgetIsResourceExhausted) {
  auto upload = Begin(Spec());
  ASSERT_NE(upload, nullptr);
  const std::vector<uint8_t> too_big(kBudget + 1);
  absl::Status write = upload->Write(too_big.data(), too_big.size());
  EXPECT_EQ(write.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(ReasonOf(write), "BUFFER_BUDGET");
  upload->Abort();
}

TEST_F(MinimalPluginTest, WriteWaitingForBudgetSeesTheCancelFlag) {
  std::atomic<bool> cancelled{false};
  auto upload = Begin(Spec(), &cancelled);
  ASSERT_NE(upload, nullptr);
  ASSERT_EQ(host_.budget().Reserve(kBudget, nullptr), PLUTON_OK);  // Exhaust the budget.
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    cancelled = true;
  });
  const uint8_t byte = 1;
  absl::Status write = upload->Write(&byte, 1);  // Blocks in reserve_buffer_budget.
  canceller.join();
  EXPECT_EQ(write.code(), absl::StatusCode::kCancelled);
  host_.budget().Release(kBudget);
  upload.reset();
  EXPECT_EQ(Counter("abort_calls"), 1u);
}

TEST_F(MinimalPluginTest, UploadWithInvalidConfigFails) {
  auto upload = provider_->BeginUpload({}, Spec(), nullptr);
  EXPECT_EQ(upload.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolationsOf(upload.status()), ElementsAre(Violation("token", "required")));
}

TEST_F(MinimalPluginTest, InvalidUploadRequestsNeverReachThePlugin) {
  UploadSpec spec = Spec();
  spec.key = "a/../b";
  spec.content_md5 = std::string(15, 'x');
  spec.expected_size = -2;
  auto upload = provider_->BeginUpload(kValidConfig, spec, nullptr);
  EXPECT_EQ(upload.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolationsOf(upload.status()),
              ElementsAre(Violation("key", "\"..\""), Violation("expected_size", "-1"),
                          Violation("content_md5", "16 raw bytes")));

  spec = Spec();
  spec.key = "";
  upload = provider_->BeginUpload(kValidConfig, spec, nullptr);
  EXPECT_THAT(ViolationsOf(upload.status()), ElementsAre(Violation("key", "empty")));

  spec.key = std::string("a\0b", 3);
  upload = provider_->BeginUpload(kValidConfig, spec, nullptr);
  EXPECT_THAT(ViolationsOf(upload.status()), ElementsAre(Violation("key", "NUL")));

  spec.key = "./x";
  upload = provider_->BeginUpload(kValidConfig, spec, nullptr);
  EXPECT_THAT(ViolationsOf(upload.status()), ElementsAre(Violation("key", "segment")));

  spec.key = "ok/..hidden/x.";  // dots inside a segment are fine
  spec.content_md5 = std::string(16, '\x01');
  upload = provider_->BeginUpload(kValidConfig, spec, nullptr);
  EXPECT_TRUE(upload.ok()) << upload.status();
}

// ==========================================================================================
// Against a fake table in this binary: plugins that break the contract in ways the host can
// see must yield an error, never a crash.

struct FakeState {
  int error_destroys = 0;
  int report_destroys = 0;
  int upload_destroys = 0;
  pluton_error* validate_error = nullptr;
  pluton_test_report* report = nullptr;  // what test_connection hands out on success
  bool begin_sets_handle = true;
  const char* schema = "[]";
};
FakeState* g_fake = nullptr;
pluton_upload* const kFakeHandle = reinterpret_cast<pluton_upload*>(0x1);

void FakeErrorDestroy(pluton_error* e) {
  if (e != nullptr) ++g_fake->error_destroys;
}
const char* FakeSchema() { return g_fake->schema; }
pluton_error* FakeValidate(const pluton_config*) { return g_fake->validate_error; }
pluton_error* FakeTest(const pluton_config*, const pluton_test_params*, pluton_test_report** out) {
  *out = g_fake->report;
  return nullptr;
}
void FakeReportDestroy(pluton_test_report* r) {
  if (r != nullptr) ++g_fake->report_destroys;
}
pluton_error* FakeBegin(const pluton_config*, const pluton_upload_params*, pluton_upload** out) {
  if (g_fake->begin_sets_handle) *out = kFakeHandle;
  return nullptr;
}
pluton_error* FakeWrite(pluton_upload*, const uint8_t*, size_t) { return nullptr; }
pluton_error* FakeFinish(pluton_upload*, pluton_upload_result* r) {
  r->bytes_stored = 7;
  r->etag = nullptr;  // The host must cope.
  return nullptr;
}
void FakeAbort(pluton_upload*) {}
void FakeDestroy(pluton_upload*) { ++g_fake->upload_destroys; }

pluton_plugin_api FakeApi() {
  pluton_plugin_api api{};
  api.struct_size = sizeof(api);
  api.abi_major = PLUTON_PLUGIN_ABI_MAJOR;
  api.abi_minor = PLUTON_PLUGIN_ABI_MINOR;
  api.provider_id = "fake";
  api.display_name = "Fake";
  api.description = nullptr;
  api.plugin_version = nullptr;
  api.error_destroy = &FakeErrorDestroy;
  api.config_schema_json = &FakeSchema;
  api.validate_config = &FakeValidate;
  api.test_connection = &FakeTest;
  api.test_report_destroy = &FakeReportDestroy;
  api.upload_begin = &FakeBegin;
  api.upload_write = &FakeWrite;
  api.upload_finish = &FakeFinish;
  api.upload_abort = &FakeAbort;
  api.upload_destroy = &FakeDestroy;
  return api;
}

class FakePluginTest : public ::testing::Test {
 protected:
  void SetUp() override { g_fake = &state_; }
  void TearDown() override { g_fake = nullptr; }

  std::unique_ptr<PluginProvider> MustCreate() {
    auto provider = PluginProvider::Create(&api_);
    EXPECT_TRUE(provider.ok()) << provider.status();
    return provider.ok() ? *std::move(provider) : nullptr;
  }
  absl::Status CreateStatus() { return PluginProvider::Create(&api_).status(); }

  FakeState state_;
  pluton_plugin_api api_ = FakeApi();
};

TEST_F(FakePluginTest, ValidTableIsAccepted) {
  auto provider = MustCreate();
  ASSERT_NE(provider, nullptr);
  EXPECT_EQ(provider->id(), "fake");
  EXPECT_EQ(provider->description(), "");  // NULL becomes ""
  EXPECT_EQ(provider->plugin_version(), "");
  EXPECT_THAT(provider->schema(), IsEmpty());
}

TEST_F(FakePluginTest, TableChecks) {
  EXPECT_EQ(PluginProvider::Create(nullptr).status().code(), absl::StatusCode::kFailedPrecondition);

  api_ = FakeApi();
  api_.struct_size = 8;
  EXPECT_THAT(CreateStatus().message(), HasSubstr("too small (struct_size 8)"));

  api_ = FakeApi();
  api_.validate_config = nullptr;
  api_.upload_abort = nullptr;
  EXPECT_THAT(CreateStatus().message(),
              HasSubstr("required functions validate_config, upload_abort are NULL"));

  api_ = FakeApi();
  api_.provider_id = nullptr;
  EXPECT_THAT(CreateStatus().message(), HasSubstr("provider_id is NULL"));

  api_ = FakeApi();
  api_.provider_id = "";
  EXPECT_THAT(CreateStatus().message(), HasSubstr("provider_id \"\" is invalid"));

  api_ = FakeApi();
  const std::string id32(32, 'a'), id33(33, 'a');
  api_.provider_id = id33.c_str();
  EXPECT_THAT(CreateStatus().message(), HasSubstr("is invalid"));
  api_.provider_id = id32.c_str();
  EXPECT_TRUE(CreateStatus().ok());
  api_.provider_id = "r2_cloud-flare9";
  EXPECT_TRUE(CreateStatus().ok());

  api_ = FakeApi();
  api_.display_name = "";
  EXPECT_THAT(CreateStatus().message(), HasSubstr("empty display_name"));
  api_.display_name = nullptr;
  EXPECT_THAT(CreateStatus().message(), HasSubstr("empty display_name"));

  api_ = FakeApi();
  state_.schema = nullptr;
  EXPECT_THAT(CreateStatus().message(), HasSubstr("config_schema_json returned NULL"));
  state_.schema = R"([{"name": "a", "type": "blob"}])";
  EXPECT_THAT(CreateStatus().message(),
              AllOf(HasSubstr("invalid config schema"), HasSubstr("\"blob\"")));
  EXPECT_EQ(CreateStatus().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(FakePluginTest, ErrorIsConvertedAndDestroyed) {
  auto provider = MustCreate();
  ASSERT_NE(provider, nullptr);
  const pluton_field_violation violations[] = {{"account_id", "must be 32 hex digits"},
                                               {nullptr, nullptr}};
  pluton_error error{sizeof(pluton_error),
                     PLUTON_PERMISSION_DENIED,
                     "ACCESS_DENIED",
                     "the token cannot list buckets",
                     2,
                     violations};
  state_.validate_error = &error;
  absl::Status status = provider->ValidateConfig({});
  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(status.message(), "the token cannot list buckets");
  EXPECT_EQ(ReasonOf(status), "ACCESS_DENIED");
  EXPECT_THAT(ViolationsOf(status),
              ElementsAre(Violation("account_id", "32 hex"), Violation("", "")));
  EXPECT_EQ(state_.error_destroys, 1);
}

TEST_F(FakePluginTest, UnknownAndOkCodesBecomeUnknown) {
  auto provider = MustCreate();
  ASSERT_NE(provider, nullptr);
  pluton_error error{sizeof(pluton_error), 99, "FUTURE", "from the future", 0, nullptr};
  state_.validate_error = &error;
  absl::Status status = provider->ValidateConfig({});
  EXPECT_EQ(status.code(), absl::StatusCode::kUnknown);
  EXPECT_EQ(status.message(), "from the future (plugin status code 99)");
  EXPECT_EQ(ReasonOf(status), "FUTURE");

  error.code = PLUTON_OK;
  status = provider->ValidateConfig({});
  EXPECT_EQ(status.code(), absl::StatusCode::kUnknown);
  error.code = -5;
  EXPECT_EQ(provider->ValidateConfig({}).code(), absl::StatusCode::kUnknown);
  EXPECT_EQ(state_.error_destroys, 3);
}

TEST_F(FakePluginTest, MalformedErrorsAreHandled) {
  auto provider = MustCreate();
  ASSERT_NE(provider, nullptr);
  // An error struct that ends after `code` (as from a hypothetical older plugin).
  pluton_error error{
      offsetof(pluton_error, reason), PLUTON_UNAVAILABLE, "IGNORED", "ignored", 0, nullptr};
  state_.validate_error = &error;
  absl::Status status = provider->ValidateConfig({});
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(status.message(),
            "storage plugin \"fake\" failed in validate_config without saying why");
  EXPECT_EQ(ReasonOf(status), "");

  // Too small to hold a code at all.
  error.struct_size = 4;
  status = provider->ValidateConfig({});
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(ReasonOf(status), "PLUGIN_CONTRACT_VIOLATION");

  // Violations promised but missing: an error of its own, never a success.
  error = {sizeof(pluton_error), PLUTON_INVALID_ARGUMENT, nullptr, "bad config", 3, nullptr};
  status = provider->ValidateConfig({});
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(ReasonOf(status), "PLUGIN_CONTRACT_VIOLATION");
  EXPECT_THAT(status.message(), AllOf(HasSubstr("returned 3 field violations from "
                                                "validate_config without the array of them"),
                                      HasSubstr("bad config")));
  EXPECT_EQ(state_.error_destroys, 3);
}

TEST_F(FakePluginTest, ViolationsPastTheArrayLimitAreCountedNotDropped) {
  auto provider = MustCreate();
  ASSERT_NE(provider, nullptr);
  const size_t count = plugin_call::kMaxPluginArrayEntries + 10;
  const std::string long_text(5000, 'd');
  std::vector<pluton_field_violation> violations(count, {"field", "why"});
  violations[1].description = long_text.c_str();
  pluton_error error{sizeof(pluton_error), PLUTON_INVALID_ARGUMENT, "INVALID_CONFIG", "bad", count,
                     violations.data()};
  state_.validate_error = &error;
  absl::Status status = provider->ValidateConfig({});
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  const std::vector<FieldViolation> read = ViolationsOf(status);
  ASSERT_EQ(read.size(), plugin_call::kMaxPluginArrayEntries + 1);
  EXPECT_THAT(read[0], Violation("field", "why"));
  // A plugin's text is cut when copied.
  EXPECT_EQ(read[1].description.size(), plugin_call::kMaxPluginTextBytes);
  EXPECT_THAT(read[1].description, ::testing::EndsWith("..."));
  EXPECT_THAT(read.back(), Violation("",
                                     "and 10 more problems the provider reported (4106 in "
                                     "all; the service reads the first 4096)"));
  EXPECT_EQ(state_.error_destroys, 1);
}

TEST_F(FakePluginTest, UnknownKeysAreRefusedAndTheRestStillChecked) {
  state_.schema = R"([{"name": "region", "type": "string"}, {"name": "token", "type": "string"}])";
  auto provider = MustCreate();
  ASSERT_NE(provider, nullptr);
  // The plugin accepts anything: the host refuses the unknown key on its own.
  absl::Status status = provider->ValidateConfig({{"region", "eu"}, {"regoin", "eu"}});
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolationsOf(status),
              ElementsAre(Violation("regoin",
                                    "unknown option for provider fake; known: "
                                    "region, token")));

  // With the plugin refusing too, both are reported; a refusal without violations brings its
  // message.
  pluton_error error{
      sizeof(pluton_error), PLUTON_INVALID_ARGUMENT, "", "region is wrong", 0, nullptr};
  state_.validate_error = &error;
  status = provider->ValidateConfig({{"region", "eu"}, {"x", "1"}});
  EXPECT_THAT(ViolationsOf(status),
              ElementsAre(Violation("x", "unknown option"), Violation("", "region is wrong")));

  // Any other error wins as it is.
  error.code = PLUTON_UNAVAILABLE;
  EXPECT_EQ(provider->ValidateConfig({{"x", "1"}}).code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(state_.error_destroys, 2);
}

TEST_F(FakePluginTest, ConfigBoundsAreCheckedBeforeThePluginIsCalled) {
  state_.schema = R"([{"name": "token", "type": "string"}])";
  auto provider = MustCreate();
  ASSERT_NE(provider, nullptr);
  pluton_error error{
      sizeof(pluton_error), PLUTON_INTERNAL, "", "the plugin was called", 0, nullptr};
  state_.validate_error = &error;

  ConfigMap many;
  for (size_t i = 0; i <= plugin_call::kMaxConfigKeys; ++i) many[absl::StrCat("k", i)] = "v";
  absl::Status status = provider->ValidateConfig(many);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolationsOf(status), ElementsAre(Violation("", "has 65 keys; at most 64")));

  status = provider->ValidateConfig(
      {{"token", std::string(plugin_call::kMaxConfigValueBytes + 1, 's')}});
  EXPECT_THAT(ViolationsOf(status), ElementsAre(Violation("token", "4097 bytes long")));
  EXPECT_THAT(status.message(), Not(HasSubstr("sss")));
  EXPECT_EQ(state_.error_destroys, 0);

  // The other calls are bounded the same way.
  EXPECT_EQ(provider->TestConnection(many, TestConnectionOptions{}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(provider->ValidateConfig({{"token", std::string(4096, 's')}}).code(),
            absl::StatusCode::kInternal);
  EXPECT_EQ(state_.error_destroys, 1);
}

TEST_F(FakePluginTest, SuccessWithoutAReportIsInternal) {
  auto provider = MustCreate();
  ASSERT_NE(provider, nullptr);
  state_.report = nullptr;
  auto report = provider->TestConnection({}, TestConnectionOptions{});
  EXPECT_EQ(report.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(report.status().message(),
              HasSubstr("storage plugin \"fake\" returned success from test_connection without "
                        "a report"));
  EXPECT_EQ(ReasonOf(report.status()), "PLUGIN_CONTRACT_VIOLATION");
}

TEST_F(FakePluginTest, MalformedReportsAreInternalAndStillDestroyed) {
  auto provider = MustCreate();
  ASSERT_NE(provider, nullptr);
  pluton_test_report report{sizeof(pluton_test_report), 1, nullptr, nullptr, 3, nullptr};
  state_.report = &report;
  auto result = provider->TestConnection({}, TestConnectionOptions{});
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(result.status().message(), HasSubstr("claiming 3 checks"));
  EXPECT_EQ(state_.report_destroys, 1);

  report = {offsetof(pluton_test_report, checks), 1, "", "", 0, nullptr};
  result = provider->TestConnection({}, TestConnectionOptions{});
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(result.status().message(), HasSubstr("malformed test report"));
  EXPECT_EQ(state_.report_destroys, 2);

  // NULL strings are read as "".
  const pluton_test_check check{nullptr, nullptr, 0, nullptr, UINT64_MAX};
  report = {sizeof(pluton_test_report), 0, nullptr, nullptr, 1, &check};
  result = provider->TestConnection({}, TestConnectionOptions{});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_FALSE(result->success);
  ASSERT_THAT(result->checks, SizeIs(1));
  EXPECT_EQ(result->checks[0].name, "");
  EXPECT_FALSE(result->checks[0].passed);
  EXPECT_GT(result->checks[0].latency, absl::Hours(24 * 365));
  EXPECT_EQ(state_.report_destroys, 3);
}

TEST_F(FakePluginTest, SuccessWithoutAnUploadHandleIsInternal) {
  auto provider = MustCreate();
  ASSERT_NE(provider, nullptr);
  state_.begin_sets_handle = false;
  UploadSpec spec;
  spec.key = "k";
  auto upload = provider->BeginUpload({}, spec, nullptr);
  EXPECT_EQ(upload.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(upload.status().message(), HasSubstr("without an upload handle"));
  EXPECT_EQ(state_.upload_destroys, 0);
}

TEST_F(FakePluginTest, NullEtagIsReadAsEmpty) {
  auto provider = MustCreate();
  ASSERT_NE(provider, nullptr);
  UploadSpec spec;
  spec.key = "k";
  auto upload = provider->BeginUpload({}, spec, nullptr);
  ASSERT_TRUE(upload.ok()) << upload.status();
  auto outcome = (*upload)->Finish();
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_EQ(outcome->bytes_stored, 7u);
  EXPECT_EQ(outcome->etag, "");
  upload->reset();
  EXPECT_EQ(state_.upload_destroys, 1);
}

// ==========================================================================================
// ParseConfigSchema

absl::Status SchemaError(absl::string_view json) { return ParseConfigSchema(json).status(); }

TEST(ParseConfigSchemaTest, AcceptsEveryKey) {
  auto schema = ParseConfigSchema(R"([
    {"name": "region", "label": "Region", "type": "enum", "required": true, "secret": false,
     "default": "eu", "allowed_values": ["eu", "us"], "help": "Where.", "advanced": true,
     "placeholder": "eu", "unknown_future_key": [1, 2]},
    {"name": "ratio", "type": "string", "default": 1.5, "label": null},
    {"name": "on", "type": "bool", "default": true}
  ])");
  ASSERT_TRUE(schema.ok()) << schema.status();
  ASSERT_THAT(*schema, SizeIs(3));
  const ConfigFieldSpec& f = (*schema)[0];
  EXPECT_EQ(f.name, "region");
  EXPECT_EQ(f.label, "Region");
  EXPECT_EQ(f.type, "enum");
  EXPECT_TRUE(f.required);
  EXPECT_FALSE(f.secret);
  EXPECT_EQ(f.default_value, "eu");
  EXPECT_THAT(f.allowed_values, ElementsAre("eu", "us"));
  EXPECT_EQ(f.help, "Where.");
  EXPECT_TRUE(f.advanced);
  EXPECT_EQ(f.placeholder, "eu");
  EXPECT_EQ((*schema)[1].default_value, "1.5");
  EXPECT_EQ((*schema)[1].label, "ratio");
  EXPECT_EQ((*schema)[2].default_value, "true");
  EXPECT_TRUE(ParseConfigSchema("[]").ok());
}

TEST(ParseConfigSchemaTest, RejectsBadSchemas) {
  EXPECT_THAT(SchemaError("[{").message(), HasSubstr("not valid JSON"));
  EXPECT_THAT(SchemaError("").message(), HasSubstr("not valid JSON"));
  EXPECT_THAT(SchemaError(R"({"name": "a"})").message(), HasSubstr("must be a JSON array"));
  EXPECT_THAT(SchemaError(R"([1])").message(), HasSubstr("entry #0 is a JSON number"));
  EXPECT_THAT(SchemaError(R"([{"type": "string"}])").message(), HasSubstr("no \"name\""));
  EXPECT_THAT(SchemaError(R"([{"name": "", "type": "string"}])").message(),
              HasSubstr("no \"name\""));
  EXPECT_THAT(SchemaError(R"([{"name": "a"}])").message(), HasSubstr("has type \"\""));
  EXPECT_THAT(SchemaError(R"([{"name": "a", "type": "blob"}])").message(),
              HasSubstr("the types are string, integer, bool, enum and size"));
  EXPECT_THAT(SchemaError(R"([{"name": "a", "type": "string"},
                             {"name": "a", "type": "integer"}])")
                  .message(),
              HasSubstr("schema field \"a\" is declared twice"));
  EXPECT_THAT(SchemaError(R"([{"name": "a", "type": "enum"}])").message(),
              HasSubstr("enum without \"allowed_values\""));
  EXPECT_THAT(
      SchemaError(R"([{"name": "a", "type": "enum", "allowed_values": ["x"], "default": "y"}])")
          .message(),
      HasSubstr("not one of its allowed_values"));
  EXPECT_THAT(SchemaError(R"([{"name": "a", "type": "string", "required": "yes"}])").message(),
              HasSubstr("\"required\" must be true or false"));
  EXPECT_THAT(SchemaError(R"([{"name": "a", "type": "string", "label": 3}])").message(),
              HasSubstr("\"label\" must be a string"));
  EXPECT_THAT(SchemaError(R"([{"name": "a", "type": "string", "default": [1]}])").message(),
              HasSubstr("\"default\" must be a string, number or bool"));
  EXPECT_THAT(
      SchemaError(R"([{"name": "a", "type": "enum", "allowed_values": ["x", 1]}])").message(),
      HasSubstr("array of strings"));
  EXPECT_EQ(SchemaError("[1]").code(), absl::StatusCode::kInvalidArgument);
}

// ABI 1.1 download functions for the fake: a 10-byte object, read 4 bytes at a time, whose
// open claims `g_fake_content_length` bytes in the range.
bool g_download_called = false;
uint64_t g_fake_content_length = 10;
pluton_download* const kFakeDownload = reinterpret_cast<pluton_download*>(0x2);
pluton_error* FakeDownloadOpen(const pluton_config*, const pluton_download_params* params,
                               pluton_download** out, pluton_download_info* info) {
  g_download_called = true;
  info->object_size = 10;
  info->etag = nullptr;  // the host must cope
  info->stored_md5 = nullptr;
  info->content_length = g_fake_content_length - params->offset;
  *out = kFakeDownload;
  return nullptr;
}
pluton_error* FakeDownloadRead(pluton_download*, uint8_t* buffer, size_t capacity, size_t* n) {
  *n = capacity < 4 ? capacity : 4;
  for (size_t i = 0; i < *n; ++i) buffer[i] = 'x';
  return nullptr;
}
void FakeDownloadClose(pluton_download*) {}

TEST_F(FakePluginTest, AbiOneZeroTableLoadsAndCannotDownload) {
  api_.abi_minor = 0;
  api_.struct_size = kPluginApiV1Size;
  // Beyond a 1.0 table's end: the host must not look.
  api_.download_open = &FakeDownloadOpen;
  api_.download_read = &FakeDownloadRead;
  api_.download_close = &FakeDownloadClose;
  g_download_called = false;
  auto provider = MustCreate();
  ASSERT_NE(provider, nullptr);
  EXPECT_EQ(provider->abi_version(), "1.0");
  auto download = provider->OpenDownload({}, DownloadSpec{"b", "k", 0, -1}, nullptr);
  EXPECT_EQ(download.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_FALSE(g_download_called);
}

TEST_F(FakePluginTest, DownloadHoldsThePluginToItsContentLength) {
  api_.download_open = &FakeDownloadOpen;
  api_.download_read = &FakeDownloadRead;
  api_.download_close = &FakeDownloadClose;
  auto provider = MustCreate();
  ASSERT_NE(provider, nullptr);
  g_fake_content_length = 10;
  auto download = provider->OpenDownload({}, DownloadSpec{"b", "k", 0, -1}, nullptr);
  ASSERT_TRUE(download.ok()) << download.status();
  EXPECT_EQ((*download)->info().etag, "");
  uint8_t buffer[16];
  size_t total = 0;
  absl::StatusOr<size_t> n;
  while ((n = (*download)->Read(buffer, sizeof(buffer))).ok() && *n > 0) total += *n;
  // The fake never ends its stream: the 11th byte is more than announced.
  EXPECT_EQ(n.status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(total, 8u);
  g_fake_content_length = 7;  // a range that does not match the object
  EXPECT_EQ(provider->OpenDownload({}, DownloadSpec{"b", "k", 0, -1}, nullptr).status().code(),
            absl::StatusCode::kInternal);
  g_fake_content_length = 10;
}

}  // namespace
}  // namespace pluton::storage
