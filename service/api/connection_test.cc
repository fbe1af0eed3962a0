#include "api/connection_test.h"

#include <algorithm>

#include "absl/time/clock.h"
#include "api/proto_conversions.h"
#include "common/log.h"
#include "common/rich_status.h"
#include "common/status_macros.h"

namespace pluton::storage {
namespace {

constexpr absl::Duration kDefaultTimeout = absl::Seconds(20);
constexpr absl::Duration kMaxTimeout = absl::Seconds(120);

}  // namespace

absl::Status RunConnectionTest(StorageRegistry* registry, const v1::TestConnectionRequest& request,
                               v1::TestConnectionResponse* response,
                               const std::atomic<bool>* cancelled) {
  const absl::Time start = absl::Now();
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
  options.timeout = request.has_timeout() ? FromProto(request.timeout()) : kDefaultTimeout;
  if (options.timeout <= absl::ZeroDuration()) options.timeout = kDefaultTimeout;
  options.timeout = std::min(options.timeout, kMaxTimeout);

  ASSIGN_OR_RETURN(TestConnectionReport report,
                   storage->provider->TestConnection(storage->config, options));
  ToProto(report, response);
  ToProto(absl::Now() - start, response->mutable_latency());
  LogInfo("test-connection", "provider=", storage->provider->id(),
          " storage=", storage->id.empty() ? "(unsaved)" : storage->id, " success=", report.success,
          report.success ? "" : " reason=", report.reason);
  return absl::OkStatus();
}

}  // namespace pluton::storage
