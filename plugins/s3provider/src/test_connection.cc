#include "pluton/s3provider/test_connection.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <functional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "pluton/s3/digest.h"
#include "pluton/s3/s3_client.h"
#include "pluton/s3provider/config_checks.h"
#include "pluton/s3provider/failure.h"
#include "pluton/s3provider/shared_transport.h"
#include "pluton/sdk/abi_util.h"
#include "pluton/sdk/errors.h"
#include "pluton/sdk/test_report.h"

namespace pluton::s3provider {
namespace {

using Clock = std::chrono::steady_clock;

constexpr char kProbeBody[] =
    "Pluton connection test: this object is deleted right after it is written.\n";

// The test's two ways to stop: the host's cancel token and the deadline.
class Limits {
 public:
  Limits(const pluton_cancel_token* cancel, uint32_t timeout_ms)
      : cancel_(cancel), deadline_(Clock::now() + std::chrono::milliseconds(timeout_ms)) {}

  bool HostCancelled() const { return plugin_sdk::CancelToken::Cancelled(cancel_); }
  bool Expired() const { return Clock::now() >= deadline_; }
  absl::Duration Remaining() const {
    const auto left = deadline_ - Clock::now();
    return left <= Clock::duration::zero() ? absl::ZeroDuration() : absl::FromChrono(left);
  }
  // Borrowed: the Limits must outlive every use of the check.
  s3::CancelCheck AsCancelCheck() const {
    return [this] { return HostCancelled() || Expired(); };
  }

 private:
  const pluton_cancel_token* cancel_;
  Clock::time_point deadline_;
};

std::string RandomHex(size_t bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::random_device device;
  std::string out;
  for (size_t i = 0; i < bytes; ++i) {
    const auto byte = static_cast<unsigned>(device()) & 0xffu;
    out += kHex[byte >> 4];
    out += kHex[byte & 0xf];
  }
  return out;
}

uint64_t MicrosSince(Clock::time_point start) {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count());
}

// Runs the checks one by one, recording each and stopping at the first failure.
class Runner {
 public:
  Runner(const Provider& provider, const ResolvedConfig& config, s3::HttpTransport* transport,
         const Limits& limits, uint32_t timeout_ms, std::string bucket)
      : provider_(provider),
        config_(config),
        transport_(transport),
        limits_(limits),
        timeout_ms_(timeout_ms),
        bucket_(std::move(bucket)) {}

  // Runs one check. `call` gets a client whose per-request limit is the time left. Returns
  // whether the check passed; after a failure (or the host's cancel) later checks are skipped.
  bool Step(Operation operation, const char* name, const std::string& description,
            const std::string& key,
            const std::function<absl::Status(s3::S3Client&, const s3::CancelCheck&)>& call) {
    if (stopped_) return false;
    const Clock::time_point start = Clock::now();
    absl::Status status;
    if (limits_.HostCancelled()) {
      status = absl::CancelledError("cancelled by the service");
    } else if (limits_.Expired()) {
      status = absl::DeadlineExceededError("the time for the connection test ran out");
    } else {
      s3::S3Client client(config_.endpoint, config_.credentials, transport_, RetryForTest());
      status = call(client, limits_.AsCancelCheck());
    }
    if (status.ok()) {
      report_.AddCheck(name, description, true, "", MicrosSince(start));
      return true;
    }
    stopped_ = true;
    const Failure failure = Classify(status, limits_.Expired());
    if (failure.kind == FailureKind::kCancelled) {
      host_cancelled_ = true;
      return false;
    }
    std::string detail = failure.detail;
    if (failure.kind == FailureKind::kTimeout) {
      detail = "no complete answer within the test's " + std::to_string(timeout_ms_) + " ms (" +
               failure.detail + ")";
    }
    report_.AddCheck(name, description, false, detail, MicrosSince(start));
    FailureContext context;
    context.operation = operation;
    context.bucket = bucket_;
    context.key = key;
    context.config = &config_;
    context.timeout_ms = timeout_ms_;
    Explanation explanation = provider_.Explain(failure, context);
    if (operation == Operation::kDeleteProbe) {
      explanation.message +=
          " (the probe object \"" + key + "\" may remain in bucket \"" + bucket_ + "\"; delete it)";
    }
    report_.Fail(std::move(explanation.reason), std::move(explanation.message));
    return false;
  }

  bool host_cancelled() const { return host_cancelled_; }
  plugin_sdk::TestReportBuilder& report() { return report_; }

 private:
  s3::RetryPolicy RetryForTest() const {
    s3::RetryPolicy retry;
    retry.max_attempts = 3;
    retry.initial_backoff = absl::Milliseconds(50);
    retry.max_backoff = absl::Milliseconds(500);
    const absl::Duration left = std::max(limits_.Remaining(), absl::Milliseconds(1));
    retry.request_timeout = left;
    retry.connect_timeout = std::min(left, absl::Seconds(10));
    return retry;
  }

  const Provider& provider_;
  const ResolvedConfig& config_;
  s3::HttpTransport* transport_;
  const Limits& limits_;
  const uint32_t timeout_ms_;
  const std::string bucket_;
  plugin_sdk::TestReportBuilder report_;
  bool stopped_ = false;
  bool host_cancelled_ = false;
};

}  // namespace

pluton_error* RunTestConnection(const Provider& provider, const pluton_config* config,
                                const pluton_test_params* params, pluton_test_report** out_report) {
  if (out_report == nullptr) {
    return plugin_sdk::MakeError(PLUTON_INVALID_ARGUMENT, "INVALID_ARGUMENT",
                                 "test_connection needs out_report; this is a host bug");
  }
  *out_report = nullptr;
  ResolvedConfig cfg;
  if (pluton_error* error = ResolveConfig(provider, config, &cfg)) return error;

  std::string bucket;
  bool read_only = false;
  uint32_t timeout_ms = 0;
  const pluton_cancel_token* cancel = nullptr;
  if (PLUTON_SDK_HAS_FIELD(params, pluton_test_params, bucket)) {
    bucket = std::string(plugin_sdk::View(params->bucket));
  }
  if (PLUTON_SDK_HAS_FIELD(params, pluton_test_params, read_only)) {
    read_only = params->read_only != 0;
  }
  if (PLUTON_SDK_HAS_FIELD(params, pluton_test_params, timeout_ms)) {
    timeout_ms = params->timeout_ms;
  }
  if (PLUTON_SDK_HAS_FIELD(params, pluton_test_params, cancel)) cancel = params->cancel;
  if (timeout_ms == 0) timeout_ms = kDefaultTestTimeoutMs;
  if (!bucket.empty()) {
    const std::string problem = CheckBucketName(bucket);
    if (!problem.empty()) {
      return plugin_sdk::InvalidArgumentError({{"bucket", "the bucket name " + problem}});
    }
  }

  const Limits limits(cancel, timeout_ms);
  absl::StatusOr<s3::HttpTransport*> transport = SharedTransport(provider);
  if (!transport.ok()) {
    return plugin_sdk::MakeError(
        PLUTON_INTERNAL, "TRANSPORT_UNAVAILABLE",
        "the plugin cannot make HTTP requests: " + std::string(transport.status().message()));
  }

  Runner runner(provider, cfg, *transport, limits, timeout_ms, bucket);
  if (bucket.empty()) {
    runner.Step(Operation::kListBuckets, "list_buckets",
                "the credentials are accepted and may list buckets (ListBuckets)", "",
                [](s3::S3Client& client, const s3::CancelCheck& cancelled) {
                  return client.ListBuckets(cancelled).status();
                });
  } else {
    const std::string key = std::string(kProbePrefix) + "probe-" + RandomHex(16);
    const bool listed = runner.Step(
        Operation::kListObjects, "list_objects",
        "bucket \"" + bucket + "\" exists and the credentials may read it (ListObjectsV2)", "",
        [&](s3::S3Client& client, const s3::CancelCheck& cancelled) {
          return client.ListObjectsV2(bucket, "", 1, "", cancelled).status();
        });
    if (listed && !read_only) {
      const bool written = runner.Step(
          Operation::kWriteProbe, "write_probe",
          "a small object can be written to bucket \"" + bucket + "\" (PutObject " + key + ")", key,
          [&](s3::S3Client& client, const s3::CancelCheck& cancelled) {
            const auto* bytes = reinterpret_cast<const uint8_t*>(kProbeBody);
            const absl::Span<const uint8_t> body(bytes, sizeof(kProbeBody) - 1);
            const std::array<absl::Span<const uint8_t>, 1> spans = {body};
            s3::ObjectOptions options = cfg.object_options;
            options.content_type = "text/plain";
            return client.PutObject(bucket, key, {body}, s3::Md5Base64(spans), options, cancelled)
                .status();
          });
      if (written) {
        runner.Step(Operation::kDeleteProbe, "delete_probe",
                    "the probe object can be deleted (DeleteObject " + key + ")", key,
                    [&](s3::S3Client& client, const s3::CancelCheck& cancelled) {
                      return client.DeleteObject(bucket, key, cancelled);
                    });
      }
    }
  }
  if (runner.host_cancelled()) {
    return plugin_sdk::MakeError(PLUTON_CANCELLED, "CANCELLED",
                                 "the connection test was cancelled by the service");
  }
  *out_report = runner.report().Release();
  return nullptr;
}

}  // namespace pluton::s3provider
