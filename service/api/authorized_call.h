// ServeAuthorizedUnary: ServeUnary (api/unary_call.h) behind the Authorizer, the one place
// every unary StorageService call is admitted (auth/authorizer.h):
//
//   return ServeAuthorizedUnary<v1::StatObjectRequest, v1::ObjectInfo>(
//       *authorizer_, Rpc::kStatObject, context, request, response, &object_calls_, handler);
//
// The caller is authenticated and its role checked before the request is decoded (a refused
// caller learns nothing from the request's handling); once decoded, a request with a
// `string storage` field (an id or a name) has that storage checked before the handler runs.
// A call on a blocking pool counts against the share of its storage (its id; an unsaved
// configuration under test counts as one storage per provider) and of its caller
// (CallAccess::caller_identity()), checked before it takes a slot.
//
// RefusedStream finishes a streaming call at once with the status Admit refused it with.
//
// Thread safety: as ServeUnary's; the authorizer must outlive the call.
#ifndef PLUTON_SERVICE_API_AUTHORIZED_CALL_H_
#define PLUTON_SERVICE_API_AUTHORIZED_CALL_H_

#include <string>
#include <type_traits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "api/unary_call.h"
#include "auth/authorizer.h"
#include "common/rich_status.h"
#include "common/status_macros.h"
#include "grpcpp/grpcpp.h"
#include "pluton/storage/v1/storage_service.pb.h"

namespace pluton::storage {

// True for request messages with a `string storage` field naming the storage they act on.
template <class Request, class = void>
struct NamesOneStorage : std::false_type {};
template <class Request>
struct NamesOneStorage<
    Request, std::enable_if_t<std::is_same_v<decltype(std::declval<const Request&>().storage()),
                                             const std::string&>>> : std::true_type {};

// Whom `request`'s call counts against: its caller and, when it names one, its storage (also
// checked: PERMISSION_DENIED when not granted).
template <class Request>
absl::StatusOr<CallShareKeys> ShareKeysOfRequest(const CallAccess& access, const Request& request) {
  CallShareKeys keys;
  keys.caller = access.caller_identity();
  if constexpr (std::is_same_v<Request, v1::TestConnectionRequest>) {
    if (request.has_unsaved()) {
      keys.storage = absl::StrCat("(unsaved) ", request.unsaved().provider());
      keys.storage_label =
          absl::StrCat("(unsaved ", request.unsaved().provider(), " configuration)");
      return keys;
    }
  }
  if constexpr (NamesOneStorage<Request>::value) {
    if (request.storage().empty()) {
      // Counted against no storage: the handler reports what the request lacks, all at once.
      RETURN_IF_ERROR(access.CheckStorage(request.storage()));
      return keys;
    }
    ASSIGN_OR_RETURN(keys.storage, access.StorageShareKey(request.storage()));
    keys.storage_label = request.storage();
  }
  return keys;
}

template <class Request, class Response>
grpc::ServerUnaryReactor* ServeAuthorizedUnary(const Authorizer& authorizer, Rpc rpc,
                                               grpc::CallbackServerContext* context,
                                               const grpc::ByteBuffer* raw_request,
                                               grpc::ByteBuffer* raw_response,
                                               BlockingCallLimiter* blocking,
                                               UnaryHandler<Request, Response> handler) {
  absl::StatusOr<CallAccess> access = authorizer.Admit(*context, rpc);
  if (!access.ok()) return FinishNow(context, access.status());
  if (blocking != nullptr) {  // the storage is checked with the keys, before the slot is taken
    return ServeUnary<Request, Response>(context, raw_request, raw_response, blocking,
                                         std::move(handler),
                                         [access = *std::move(access)](const Request& request) {
                                           return ShareKeysOfRequest(access, request);
                                         });
  }
  if constexpr (NamesOneStorage<Request>::value) {
    handler = [access = *std::move(access), handler = std::move(handler)](
                  const Request& request, Response* response,
                  const std::atomic<bool>& cancelled) -> absl::Status {
      absl::Status granted = access.CheckStorage(request.storage());
      if (!granted.ok()) return granted;
      return handler(request, response, cancelled);
    };
  }
  return ServeUnary<Request, Response>(context, raw_request, raw_response, blocking,
                                       std::move(handler));
}

// A streaming call refused before it started: finishes with `status` and deletes itself.
// `Reactor` is grpc::ServerReadReactor<...> or grpc::ServerWriteReactor<...>.
template <class Reactor>
class RefusedStream final : public Reactor {
 public:
  explicit RefusedStream(const absl::Status& status) { this->Finish(ToGrpcStatus(status)); }
  void OnDone() override { delete this; }
};

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_API_AUTHORIZED_CALL_H_
