// The service's own (de)serialization of protobuf messages to and from gRPC byte buffers.
//
// The StorageService is registered with gRPC in raw form (ByteBuffer in, ByteBuffer out) so
// that the service, not gRPC, decides what an undecodable request means: gRPC's typed
// handlers turn a parse failure into an empty UNIMPLEMENTED (unary) or into what looks like
// a normal end of stream (client streaming), which once let a truncated upload be committed.
//
// Thread safety: free functions, no shared state.
#ifndef PLUTON_SERVICE_COMMON_MESSAGE_CODEC_H_
#define PLUTON_SERVICE_COMMON_MESSAGE_CODEC_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message_lite.h"
#include "grpcpp/support/byte_buffer.h"

namespace pluton::storage {

// Parses `raw` into `out` (cleared first). `raw` is not changed (its slices are shared, not
// copied). On failure: INVALID_ARGUMENT with reason MALFORMED_MESSAGE naming the message type
// and `where` (e.g. "the request", "message 3 of the upload stream"), and a violation on `field`.
absl::Status DecodeMessage(const grpc::ByteBuffer& raw, google::protobuf::MessageLite* out,
                           absl::string_view where, absl::string_view field);

// Serializes `message` into `out`, replacing its contents. INTERNAL when it cannot (a message
// over 2 GiB).
absl::Status EncodeMessage(const google::protobuf::MessageLite& message, grpc::ByteBuffer* out);

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_COMMON_MESSAGE_CODEC_H_
