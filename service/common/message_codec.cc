#include "common/message_codec.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "common/rich_status.h"
#include "grpcpp/impl/codegen/proto_utils.h"

namespace pluton::storage {
namespace {
// gRPC's own protobuf codec, the one its typed handlers use.
using Codec = grpc::SerializationTraits<google::protobuf::MessageLite>;
}  // namespace

absl::Status DecodeMessage(const grpc::ByteBuffer& raw, google::protobuf::MessageLite* out,
                           absl::string_view where, absl::string_view field) {
  grpc::ByteBuffer shared(raw);  // takes a reference on the same slices
  out->Clear();
  if (Codec::Deserialize(&shared, out).ok()) return absl::OkStatus();
  const std::string type = out->GetTypeName();
  out->Clear();
  return MakeRichStatus(
      absl::StatusCode::kInvalidArgument,
      absl::StrCat(where, " (", raw.Length(), " bytes) is not a valid ", type,
                   ": build requests from pluton/storage/v1/storage_service.proto; strings must "
                   "be UTF-8"),
      "MALFORMED_MESSAGE", {{std::string(field), absl::StrCat("could not be decoded as ", type)}});
}

absl::Status EncodeMessage(const google::protobuf::MessageLite& message, grpc::ByteBuffer* out) {
  const size_t size = message.ByteSizeLong();
  if (size > static_cast<size_t>(INT32_MAX)) {
    return absl::InternalError(
        absl::StrCat("a ", message.GetTypeName(), " of ", size, " bytes is too large to send"));
  }
  out->Clear();  // gRPC's writer requires an empty buffer
  bool own_buffer = false;
  if (!Codec::Serialize(message, out, &own_buffer).ok()) {
    return absl::InternalError(absl::StrCat("could not serialize a ", message.GetTypeName()));
  }
  return absl::OkStatus();
}

}  // namespace pluton::storage
