// ServeUnary: one unary StorageService call registered in raw form. Decodes the request
// (INVALID_ARGUMENT naming the message when the bytes are not one), runs the typed handler,
// and encodes its response. The handler runs inline on gRPC's callback thread when it only
// touches the registry, or on a BlockingCallReactor thread when it waits on a provider; such a
// call first takes a slot of its pool, counted against the storage and caller `keys_of` names
// for the decoded request (api/blocking_call_limiter.h).
//
//   return ServeUnary<v1::StatObjectRequest, v1::ObjectInfo>(
//       context, request, response, &object_calls_,
//       [this](const auto& request, auto* response, const std::atomic<bool>& cancelled) {
//         return storage::StatObject(registry_, request, response, &cancelled);
//       },
//       [](const v1::StatObjectRequest& request) { return CallShareKeys{...}; });
//
// Lifetime: `raw_request` and `raw_response` belong to gRPC and outlive the call; the decoded
// request is owned by the call. Thread safety: as the handler's.
#ifndef PLUTON_SERVICE_API_UNARY_CALL_H_
#define PLUTON_SERVICE_API_UNARY_CALL_H_

#include <atomic>
#include <functional>
#include <memory>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "api/blocking_call_reactor.h"
#include "common/message_codec.h"
#include "grpcpp/grpcpp.h"

namespace pluton::storage {

template <class Request, class Response>
using UnaryHandler =
    std::function<absl::Status(const Request&, Response*, const std::atomic<bool>& cancelled)>;

// Whom a decoded request's call counts against in its pool, or why it may not run at all (it
// then finishes with that status). Runs on gRPC's callback thread: a registry lookup at most.
template <class Request>
using ShareKeysOf = std::function<absl::StatusOr<CallShareKeys>(const Request&)>;

// Finishes a unary call at once with `status`.
grpc::ServerUnaryReactor* FinishNow(grpc::CallbackServerContext* context,
                                    const absl::Status& status);

// `blocking`: where the handler runs. Null runs it inline (it must not block); otherwise it
// runs on a thread of its own, bounded by the limiter (which must outlive the call), and
// `keys_of` (required then) says whose shares it counts against.
template <class Request, class Response>
grpc::ServerUnaryReactor* ServeUnary(grpc::CallbackServerContext* context,
                                     const grpc::ByteBuffer* raw_request,
                                     grpc::ByteBuffer* raw_response, BlockingCallLimiter* blocking,
                                     UnaryHandler<Request, Response> handler,
                                     ShareKeysOf<Request> keys_of = nullptr) {
  auto request = std::make_shared<Request>();
  absl::Status decoded = DecodeMessage(*raw_request, request.get(), "the request", "request");
  if (!decoded.ok()) return FinishNow(context, decoded);
  CallShareKeys keys;
  if (blocking != nullptr) {
    absl::StatusOr<CallShareKeys> found = keys_of(*request);
    if (!found.ok()) return FinishNow(context, found.status());
    keys = *std::move(found);
  }
  auto run = [request, raw_response,
              handler = std::move(handler)](const std::atomic<bool>& cancelled) -> absl::Status {
    Response response;
    absl::Status status = handler(*request, &response, cancelled);
    if (!status.ok()) return status;
    return EncodeMessage(response, raw_response);
  };
  if (blocking == nullptr) {
    const std::atomic<bool> not_cancelled{false};
    return FinishNow(context, run(not_cancelled));
  }
  return BlockingCallReactor::Start(blocking, keys, std::move(run));
}

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_API_UNARY_CALL_H_
