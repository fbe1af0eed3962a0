// StorageServiceImpl: the gRPC StorageService on the callback API.
//
// Every method is registered in raw form (ByteBuffer in and out; RawStorageService): the
// service decodes requests itself (common/message_codec.h), so an undecodable request is
// INVALID_ARGUMENT naming the message, never gRPC's empty UNIMPLEMENTED, and a malformed message
// in the middle of an upload aborts it instead of reading as the end of the stream.
//
// Registry RPCs are short (a SQLite row and a plugin's config check) and run on gRPC's
// callback threads. Calls that wait on a provider (TestConnection, the object housekeeping
// RPCs, Upload, Download) run on threads of their own (BlockingCallReactor, UploadReactor,
// DownloadReactor), so gRPC's threads never block and Server::Shutdown can cancel them. At most
// a bounded number of unary provider calls of each kind run at once (kMaxObjectCalls,
// kMaxConnectionTests, kMaxHousekeepingCalls); more get RESOURCE_EXHAUSTED naming the kind.
// Inside each pool, and the downloads' one, one storage and one caller may hold only their
// share (FairShares; api/blocking_call_limiter.h). Every call waiting on a provider registers
// with `cutoff` (api/call_cutoff.h), which the server uses to end those still running when a
// shutdown's grace period is over.
//
// Thread safety: all methods are called concurrently by gRPC. Borrowed objects (registry,
// plugins, upload environment, cutoff) must outlive the server.
#ifndef PLUTON_SERVICE_API_STORAGE_SERVICE_H_
#define PLUTON_SERVICE_API_STORAGE_SERVICE_H_

#include "api/blocking_call_reactor.h"
#include "auth/authorizer.h"
#include "objects/object_records.h"
#include "plugin/plugin_loader.h"
#include "pluton/storage/v1/storage_service.grpc.pb.h"
#include "registry/storage_registry.h"
#include "upload/upload_reactor.h"

namespace pluton::storage {

// StorageService with every method in raw form. A method added to the proto must be added here.
// clang-format off
using RawStorageService =
    v1::StorageService::WithRawCallbackMethod_ListProviders<
    v1::StorageService::WithRawCallbackMethod_AddStorage<
    v1::StorageService::WithRawCallbackMethod_GetStorage<
    v1::StorageService::WithRawCallbackMethod_ListStorages<
    v1::StorageService::WithRawCallbackMethod_UpdateStorage<
    v1::StorageService::WithRawCallbackMethod_DeleteStorage<
    v1::StorageService::WithRawCallbackMethod_TestConnection<
    v1::StorageService::WithRawCallbackMethod_Upload<
    v1::StorageService::WithRawCallbackMethod_Download<
    v1::StorageService::WithRawCallbackMethod_ListObjects<
    v1::StorageService::WithRawCallbackMethod_StatObject<
    v1::StorageService::WithRawCallbackMethod_DeleteObject<
    v1::StorageService::WithRawCallbackMethod_DeleteObjects<
    v1::StorageService::WithRawCallbackMethod_ListIncompleteUploads<
    v1::StorageService::WithRawCallbackMethod_CleanupIncompleteUploads<
    v1::StorageService::WithRawCallbackMethod_GetLifecycle<
    v1::StorageService::WithRawCallbackMethod_SetLifecycle<
    v1::StorageService::Service>>>>>>>>>>>>>>>>>;
// clang-format on

class StorageServiceImpl final : public RawStorageService {
 public:
  // Everything is borrowed and must outlive the service. Every call is admitted by
  // `authorizer` (not null; auth/authorizer.h).
  StorageServiceImpl(StorageRegistry* registry, const PluginSet* plugins,
                     UploadEnvironment* uploads, ObjectRecords* records,
                     int max_concurrent_downloads, FairShares shares, const Authorizer* authorizer,
                     CallCutoff* cutoff);

  grpc::ServerUnaryReactor* ListProviders(grpc::CallbackServerContext* context,
                                          const grpc::ByteBuffer* request,
                                          grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* AddStorage(grpc::CallbackServerContext* context,
                                       const grpc::ByteBuffer* request,
                                       grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* GetStorage(grpc::CallbackServerContext* context,
                                       const grpc::ByteBuffer* request,
                                       grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* ListStorages(grpc::CallbackServerContext* context,
                                         const grpc::ByteBuffer* request,
                                         grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* UpdateStorage(grpc::CallbackServerContext* context,
                                          const grpc::ByteBuffer* request,
                                          grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* DeleteStorage(grpc::CallbackServerContext* context,
                                          const grpc::ByteBuffer* request,
                                          grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* TestConnection(grpc::CallbackServerContext* context,
                                           const grpc::ByteBuffer* request,
                                           grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* ListObjects(grpc::CallbackServerContext* context,
                                        const grpc::ByteBuffer* request,
                                        grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* StatObject(grpc::CallbackServerContext* context,
                                       const grpc::ByteBuffer* request,
                                       grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* DeleteObject(grpc::CallbackServerContext* context,
                                         const grpc::ByteBuffer* request,
                                         grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* DeleteObjects(grpc::CallbackServerContext* context,
                                          const grpc::ByteBuffer* request,
                                          grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* ListIncompleteUploads(grpc::CallbackServerContext* context,
                                                  const grpc::ByteBuffer* request,
                                                  grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* CleanupIncompleteUploads(grpc::CallbackServerContext* context,
                                                     const grpc::ByteBuffer* request,
                                                     grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* GetLifecycle(grpc::CallbackServerContext* context,
                                         const grpc::ByteBuffer* request,
                                         grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* SetLifecycle(grpc::CallbackServerContext* context,
                                         const grpc::ByteBuffer* request,
                                         grpc::ByteBuffer* response) override;
  grpc::ServerReadReactor<grpc::ByteBuffer>* Upload(grpc::CallbackServerContext* context,
                                                    grpc::ByteBuffer* response) override;
  grpc::ServerWriteReactor<grpc::ByteBuffer>* Download(grpc::CallbackServerContext* context,
                                                       const grpc::ByteBuffer* request) override;

  // Separate pools, so that calls of one kind stuck on a hanging provider (a Test Connection
  // waits up to its timeout) cannot starve the others: backup agents' object calls keep running
  // while 16 connection tests hang.
  static constexpr int kMaxObjectCalls = 64;        // ListObjects, StatObject, Delete*
  static constexpr int kMaxConnectionTests = 16;    // TestConnection
  static constexpr int kMaxHousekeepingCalls = 16;  // incomplete uploads, lifecycle

 private:
  StorageRegistry* const registry_;
  const PluginSet* const plugins_;
  UploadEnvironment* const uploads_;
  ObjectRecords* const records_;
  BlockingCallLimiter object_calls_;
  BlockingCallLimiter connection_tests_;
  BlockingCallLimiter housekeeping_calls_;
  BlockingCallLimiter downloads_;
  const Authorizer* const authorizer_;
};

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_API_STORAGE_SERVICE_H_
