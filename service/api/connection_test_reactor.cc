#include "api/connection_test_reactor.h"

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

ConnectionTestReactor::ConnectionTestReactor(StorageRegistry* registry,
                                             const v1::TestConnectionRequest* request,
                                             v1::TestConnectionResponse* response)
    : registry_(registry), request_(request), response_(response) {
  worker_ = std::thread([this] { Finish(ToGrpcStatus(Run())); });
}

void ConnectionTestReactor::OnCancel() { cancelled_.store(true); }

void ConnectionTestReactor::OnDone() {
  if (worker_.get_id() == std::this_thread::get_id()) {
    worker_.detach();
  } else {
    worker_.join();
  }
  delete this;
}

absl::Status ConnectionTestReactor::Run() {
  const absl::Time start = absl::Now();
  absl::StatusOr<ResolvedStorage> storage;
  switch (request_->target_case()) {
    case v1::TestConnectionRequest::kStorage:
      storage = registry_->Resolve(request_->storage());
      break;
    case v1::TestConnectionRequest::kUnsaved:
      storage = registry_->ResolveUnsaved(request_->unsaved().provider(),
                                          ConfigFromProto(request_->unsaved().config()));
      break;
    case v1::TestConnectionRequest::TARGET_NOT_SET:
      return InvalidArgumentWithViolations(
          "nothing to test", {{"target", "set storage (a saved storage) or unsaved (a config)"}});
  }
  RETURN_IF_ERROR(storage.status());

  TestConnectionOptions options;
  options.bucket = request_->bucket();
  options.read_only = request_->read_only();
  options.cancelled = &cancelled_;
  options.timeout = request_->has_timeout() ? FromProto(request_->timeout()) : kDefaultTimeout;
  if (options.timeout <= absl::ZeroDuration()) options.timeout = kDefaultTimeout;
  options.timeout = std::min(options.timeout, kMaxTimeout);

  ASSIGN_OR_RETURN(TestConnectionReport report,
                   storage->provider->TestConnection(storage->config, options));
  ToProto(report, response_);
  ToProto(absl::Now() - start, response_->mutable_latency());
  LogInfo("test-connection", "provider=", storage->provider->id(),
          " storage=", storage->id.empty() ? "(unsaved)" : storage->id, " success=", report.success,
          report.success ? "" : " reason=", report.reason);
  return absl::OkStatus();
}

}  // namespace pluton::storage
