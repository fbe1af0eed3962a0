// ApiWorld: a real StorageServer in the fuzzing process, for the fuzz targets that speak its
// API: gRPC on 127.0.0.1:0, a SQLite registry and a generated master key in a temporary
// directory, every provider plugin of the build loaded with dlopen, and one `local` storage
// (added through the API) whose root lies alone in a sandbox directory, so anything written
// beside it can be seen.
//
//   ApiWorld& world = ApiWorld::Get();
//   world.stub().StatObject(&context, request, &response);
//
// Thread safety: Get() is thread-safe; the stub may be used from any thread; EmptyRoot and
// SandboxHoldsOnlyRoot must not run while a call is in flight. The server runs until exit.
#ifndef PLUTON_FUZZ_API_WORLD_H_
#define PLUTON_FUZZ_API_WORLD_H_

#include <memory>
#include <string>

#include "pluton/storage/v1/storage_service.grpc.pb.h"
#include "server/storage_server.h"

namespace pluton::fuzz {

class ApiWorld {
 public:
  static ApiWorld& Get();

  storage::v1::StorageService::Stub& stub() { return *stub_; }
  const std::string& local_storage() const { return local_storage_; }
  // Whether the root's filesystem keeps user extended attributes (where the local provider
  // stores content types and metadata).
  bool stores_attributes() const { return stores_attributes_; }

  // Removes everything under the local storage's root.
  void EmptyRoot();
  // True when the sandbox holds the root and nothing else (and the temporary directory only
  // the sandbox and the server's data).
  bool SandboxHoldsOnlyRoot() const;

 private:
  ApiWorld();

  std::string dir_;
  std::string sandbox_;
  std::string root_;
  std::string local_storage_ = "fuzz-local";
  bool stores_attributes_ = false;
  std::unique_ptr<storage::StorageServer> server_;
  std::unique_ptr<storage::v1::StorageService::Stub> stub_;
};

}  // namespace pluton::fuzz

#endif  // PLUTON_FUZZ_API_WORLD_H_
