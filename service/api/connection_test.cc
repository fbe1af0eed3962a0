#include "api/connection_test.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "api/proto_conversions.h"
#include "common/log.h"
#include "common/rich_status.h"
#include "common/status_macros.h"
#include "metrics/storage_metrics.h"

namespace pluton::storage {
namespace {

constexpr absl::Duration kDefaultTimeout = absl::Seconds(20);
constexpr absl::Duration kMaxTimeout = absl::Seconds(120);

// The test's time limit: unset or 0 means kDefaultTimeout; past kMaxTimeout or negative is
// refused rather than silently changed.
absl::StatusOr<absl::Duration> TimeoutOf(const v1::TestConnectionRequest& request) {
  if (!request.has_timeout()) return kDefaultTimeout;
  const absl::Duration timeout = FromProto(request.timeout());
  if (timeout == absl::ZeroDuration()) return kDefaultTimeout;
  if (timeout < absl::ZeroDuration() || timeout > kMaxTimeout) {
    return InvalidArgumentWithViolations(
        "the connection test request is invalid",
        {{"timeout", absl::StrCat("is ", absl::ToDoubleSeconds(timeout), " s; use at most ",
                                  absl::ToInt64Seconds(kMaxTimeout), " s (0 means the default, ",
                                  absl::ToInt64Seconds(kDefaultTimeout), " s)")}});
  }
  return timeout;
}

}  // namespace

absl::Status RunConnectionTest(StorageRegistry* registry, const v1::TestConnectionRequest& request,
                               v1::TestConnectionResponse* response,
                               const std::atomic<bool>* cancelled) {
  const absl::Time start = absl::Now();
  ASSIGN_OR_RETURN(const absl::Duration timeout, TimeoutOf(request));
  absl::StatusOr<ResolvedStorage> storage;
  switch (request.target_case()) {
    case v1::TestConnectionRequest::kStorage:
      storage = registry->Resolve(request.storage());
      break;
    case v1::TestConnectionRequest::kUnsaved:
      storage = registry->ResolveUnsaved(request.unsaved().provider(),
                                         ConfigFromProto(request.unsaved().config()));
      break;
    case v1::TestConnectionRequest::TARGET_NOT_SET:
      return InvalidArgumentWithViolations(
          "nothing to test", {{"target", "set storage (a saved storage) or unsaved (a config)"}});
  }
  RETURN_IF_ERROR(storage.status());

  TestConnectionOptions options;
  options.bucket = request.bucket();
  options.read_only = request.read_only();
  options.cancelled = cancelled;
  options.timeout = timeout;

  ASSIGN_OR_RETURN(TestConnectionReport report,
                   storage->provider->TestConnection(storage->config, options));
  StorageMetricsInstance()
      .test_connection
      .With({storage->provider->id(), report.success ? "success" : "failure",
             report.success ? "" : report.reason})
      .Add();
  ToProto(report, response);
  ToProto(absl::Now() - start, response->mutable_latency());
  LogInfo("test-connection", "provider=", storage->provider->id(),
          " storage=", storage->id.empty() ? "(unsaved)" : storage->id, " success=", report.success,
          report.success ? "" : " reason=", report.reason);
  return absl::OkStatus();
}

}  // namespace pluton::storage
