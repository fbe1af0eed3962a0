#include "server/grpc_log_bridge.h"

#include <grpc/support/log.h>

#include "common/log.h"

namespace pluton::storage {
namespace {

void LogFromGrpc(gpr_log_func_args* args) {
  LogLevel level = LogLevel::kError;
  if (args->severity == GPR_LOG_SEVERITY_DEBUG) level = LogLevel::kDebug;
  if (args->severity == GPR_LOG_SEVERITY_INFO) level = LogLevel::kInfo;
  Log(level, "grpc", args->message != nullptr ? args->message : "");
}

}  // namespace

void RouteGrpcLogsThroughServiceLog() { gpr_set_log_function(&LogFromGrpc); }

}  // namespace pluton::storage
