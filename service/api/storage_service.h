// StorageServiceImpl: the gRPC StorageService on the callback API.
//
// Registry RPCs are short (a SQLite row and a plugin's config check) and run on gRPC's
// callback threads. Calls that wait on a provider (TestConnection, the object housekeeping
// RPCs, Upload, Download) run on threads of their own (BlockingCallReactor, UploadReactor,
// DownloadReactor), so gRPC's threads never block and Server::Shutdown can cancel them. At most
// kMaxBlockingCalls unary provider calls run at once; more get RESOURCE_EXHAUSTED.
//
// Thread safety: all methods are called concurrently by gRPC. Borrowed objects (registry,
// plugins, upload environment) must outlive the server.
#ifndef PLUTON_SERVICE_API_STORAGE_SERVICE_H_
#define PLUTON_SERVICE_API_STORAGE_SERVICE_H_

#include "api/blocking_call_reactor.h"
#include "plugin/plugin_loader.h"
#include "pluton/storage/v1/storage_service.grpc.pb.h"
#include "registry/storage_registry.h"
#include "upload/upload_reactor.h"

namespace pluton::storage {

class StorageServiceImpl final : public v1::StorageService::CallbackService {
 public:
  StorageServiceImpl(StorageRegistry* registry, const PluginSet* plugins,
                     UploadEnvironment* uploads);

  grpc::ServerUnaryReactor* ListProviders(grpc::CallbackServerContext* context,
                                          const v1::ListProvidersRequest* request,
                                          v1::ListProvidersResponse* response) override;
  grpc::ServerUnaryReactor* AddStorage(grpc::CallbackServerContext* context,
                                       const v1::AddStorageRequest* request,
                                       v1::Storage* response) override;
  grpc::ServerUnaryReactor* GetStorage(grpc::CallbackServerContext* context,
                                       const v1::GetStorageRequest* request,
                                       v1::Storage* response) override;
  grpc::ServerUnaryReactor* ListStorages(grpc::CallbackServerContext* context,
                                         const v1::ListStoragesRequest* request,
                                         v1::ListStoragesResponse* response) override;
  grpc::ServerUnaryReactor* UpdateStorage(grpc::CallbackServerContext* context,
                                          const v1::UpdateStorageRequest* request,
                                          v1::Storage* response) override;
  grpc::ServerUnaryReactor* DeleteStorage(grpc::CallbackServerContext* context,
                                          const v1::DeleteStorageRequest* request,
                                          v1::DeleteStorageResponse* response) override;
  grpc::ServerUnaryReactor* TestConnection(grpc::CallbackServerContext* context,
                                           const v1::TestConnectionRequest* request,
                                           v1::TestConnectionResponse* response) override;
  grpc::ServerReadReactor<v1::UploadRequest>* Upload(grpc::CallbackServerContext* context,
                                                     v1::UploadResponse* response) override;
  grpc::ServerWriteReactor<v1::DownloadResponse>* Download(
      grpc::CallbackServerContext* context, const v1::DownloadRequest* request) override;
  grpc::ServerUnaryReactor* ListObjects(grpc::CallbackServerContext* context,
                                        const v1::ListObjectsRequest* request,
                                        v1::ListObjectsResponse* response) override;
  grpc::ServerUnaryReactor* StatObject(grpc::CallbackServerContext* context,
                                       const v1::StatObjectRequest* request,
                                       v1::ObjectInfo* response) override;
  grpc::ServerUnaryReactor* DeleteObject(grpc::CallbackServerContext* context,
                                         const v1::DeleteObjectRequest* request,
                                         v1::DeleteObjectResponse* response) override;
  grpc::ServerUnaryReactor* DeleteObjects(grpc::CallbackServerContext* context,
                                          const v1::DeleteObjectsRequest* request,
                                          v1::DeleteObjectsResponse* response) override;
  grpc::ServerUnaryReactor* ListIncompleteUploads(
      grpc::CallbackServerContext* context, const v1::ListIncompleteUploadsRequest* request,
      v1::ListIncompleteUploadsResponse* response) override;
  grpc::ServerUnaryReactor* CleanupIncompleteUploads(
      grpc::CallbackServerContext* context, const v1::CleanupIncompleteUploadsRequest* request,
      v1::CleanupIncompleteUploadsResponse* response) override;
  grpc::ServerUnaryReactor* GetLifecycle(grpc::CallbackServerContext* context,
                                         const v1::GetLifecycleRequest* request,
                                         v1::Lifecycle* response) override;
  grpc::ServerUnaryReactor* SetLifecycle(grpc::CallbackServerContext* context,
                                         const v1::SetLifecycleRequest* request,
                                         v1::Lifecycle* response) override;

  static constexpr int kMaxBlockingCalls = 64;

 private:
  StorageRegistry* const registry_;
  const PluginSet* const plugins_;
  UploadEnvironment* const uploads_;
  BlockingCallLimiter blocking_calls_{kMaxBlockingCalls};
};

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_API_STORAGE_SERVICE_H_
