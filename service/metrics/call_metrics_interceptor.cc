#include "metrics/call_metrics_interceptor.h"

#include <set>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "metrics/storage_metrics.h"
#include "pluton/storage/v1/storage_service.grpc.pb.h"

namespace pluton::storage {
namespace {

// The method label of every method this server can serve, keyed by its path.
class MethodLabels {
 public:
  MethodLabels() {
    const std::string storage_service = v1::StorageService::service_full_name();
    const google::protobuf::ServiceDescriptor* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(storage_service);
    for (int i = 0; service != nullptr && i < service->method_count(); ++i) {
      paths_.insert(absl::StrCat("/", storage_service, "/", service->method(i)->name()));
    }
    for (const char* other : {"grpc.health.v1.Health/Check", "grpc.health.v1.Health/Watch",
                              "grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"}) {
      paths_.insert(absl::StrCat("/", other));
    }
    prefix_ = absl::StrCat("/", storage_service, "/");
  }

  std::string Of(const char* path) const {
    if (path == nullptr || paths_.count(path) == 0) return "unknown";
    if (absl::StartsWith(path, prefix_)) return std::string(path + prefix_.size());
    return std::string(path + 1);
  }

 private:
  std::set<std::string> paths_;
  std::string prefix_;
};

class CallMetricsInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit CallMetricsInterceptor(std::string method)
      : metrics_(StorageMetricsInstance()),
        method_(std::move(method)),
        inflight_(metrics_.inflight_calls.With({method_})) {
    inflight_.Add(1);
  }
  ~CallMetricsInterceptor() override {
    inflight_.Add(-1);
    metrics_.grpc_calls.With({method_, code_}).Add();
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_STATUS)) {
      code_ = absl::StatusCodeToString(
          static_cast<absl::StatusCode>(methods->GetSendStatus().error_code()));
    }
    methods->Proceed();
  }

 private:
  StorageMetrics& metrics_;
  const std::string method_;
  Gauge& inflight_;
  std::string code_ = "CANCELLED";
};

class CallMetricsInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new CallMetricsInterceptor(labels_.Of(info->method()));
  }

 private:
  const MethodLabels labels_;
};

}  // namespace

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MakeCallMetricsInterceptorFactory() {
  return std::make_unique<CallMetricsInterceptorFactory>();
}

}  // namespace pluton::storage
