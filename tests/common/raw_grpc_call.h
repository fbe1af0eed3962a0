// CallRaw: a gRPC call whose messages are raw bytes, for protocol tests that need what no
// generated stub can send (a malformed message in the middle of a stream). Works for every
// kind of method: unary and streaming calls look the same on the wire.
//
// Thread safety: each call uses its own completion queue; safe to call from several threads.
#ifndef PLUTON_TESTS_COMMON_RAW_GRPC_CALL_H_
#define PLUTON_TESTS_COMMON_RAW_GRPC_CALL_H_

#include <memory>
#include <string>
#include <vector>

#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"

namespace pluton::testing {

struct RawCallResult {
  grpc::Status status;
  std::vector<std::string> responses;  // each response message's bytes, in order
};

// Sends `messages` on `method` (e.g. "/pluton.storage.v1.StorageService/Upload"), half-closes,
// reads every response and returns the call's status. A write the server refuses (it already
// finished the call) ends the sending early; the status tells why.
inline RawCallResult CallRaw(const std::shared_ptr<grpc::Channel>& channel,
                             const std::string& method, const std::vector<std::string>& messages) {
  grpc::GenericStub stub(channel);
  grpc::CompletionQueue queue;
  grpc::ClientContext context;
  auto wait = [&queue](intptr_t expected) {
    void* tag = nullptr;
    bool ok = false;
    if (!queue.Next(&tag, &ok) || reinterpret_cast<intptr_t>(tag) != expected) return false;
    return ok;
  };
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call =
      stub.PrepareCall(&context, method, &queue);
  call->StartCall(reinterpret_cast<void*>(1));
  bool open = wait(1);
  for (const std::string& bytes : messages) {
    if (!open) break;
    grpc::Slice slice(bytes);
    grpc::ByteBuffer buffer(&slice, 1);
    call->Write(buffer, reinterpret_cast<void*>(2));
    open = wait(2);
  }
  if (open) {
    call->WritesDone(reinterpret_cast<void*>(3));
    wait(3);
  }
  RawCallResult result;
  for (;;) {
    grpc::ByteBuffer response;
    call->Read(&response, reinterpret_cast<void*>(4));
    if (!wait(4)) break;
    std::vector<grpc::Slice> slices;
    (void)response.Dump(&slices);
    std::string bytes;
    for (const grpc::Slice& slice : slices) {
      bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
    }
    result.responses.push_back(std::move(bytes));
  }
  call->Finish(&result.status, reinterpret_cast<void*>(5));
  wait(5);
  queue.Shutdown();
  void* tag = nullptr;
  bool ok = false;
  while (queue.Next(&tag, &ok)) {
  }
  return result;
}

}  // namespace pluton::testing

#endif  // PLUTON_TESTS_COMMON_RAW_GRPC_CALL_H_
