#include "api/storage_service.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "api/connection_test.h"
#include "api/proto_conversions.h"
#include "common/rich_status.h"
#include "common/status_macros.h"
#include "download/download_reactor.h"
#include "objects/incomplete_upload_calls.h"
#include "objects/lifecycle_calls.h"
#include "objects/object_calls.h"

namespace pluton::storage {
namespace {

constexpr absl::string_view kConfigPathPrefix = "config.";

// Finishes a unary call at once with `status`.
grpc::ServerUnaryReactor* FinishNow(grpc::CallbackServerContext* context,
                                    const absl::Status& status) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

absl::StatusOr<StorageUpdate> UpdateFromRequest(const v1::UpdateStorageRequest& request) {
  StorageUpdate update;
  std::vector<FieldViolation> violations;
  if (request.update_mask().paths().empty()) {
    violations.push_back({"update_mask",
                          "name the fields to change, e.g. \"name\" or "
                          "\"config.chunk_size\""});
  }
  for (const std::string& path : request.update_mask().paths()) {
    if (path == "name") {
      update.name = request.update().name();
    } else if (path == "config") {
      update.replace_config = true;
    } else if (absl::StartsWith(path, kConfigPathPrefix) &&
               path.size() > kConfigPathPrefix.size()) {
      update.config_fields.insert(path.substr(kConfigPathPrefix.size()));
    } else if (path == "provider") {
      violations.push_back({"update_mask",
                            "the provider of a storage cannot be changed; add "
                            "a new storage instead"});
    } else {
      violations.push_back({"update_mask", absl::StrCat("\"", path,
                                                        "\" cannot be updated; use \"name\", "
                                                        "\"config\" or \"config.<field>\"")});
    }
  }
  if (!violations.empty()) return InvalidArgumentWithViolations("invalid update", violations);
  update.config = ConfigFromProto(request.update().config());
  return update;
}

}  // namespace

StorageServiceImpl::StorageServiceImpl(StorageRegistry* registry, const PluginSet* plugins,
                                       UploadEnvironment* uploads)
    : registry_(registry), plugins_(plugins), uploads_(uploads) {}

grpc::ServerUnaryReactor* StorageServiceImpl::ListProviders(
    grpc::CallbackServerContext* context, const v1::ListProvidersRequest* /*request*/,
    v1::ListProvidersResponse* response) {
  for (const auto& provider : plugins_->providers()) {
    ToProto(*provider, response->add_providers());
  }
  for (const RejectedPluginInfo& rejected : plugins_->rejected()) {
    v1::RejectedPlugin* out = response->add_rejected_plugins();
    out->set_path(rejected.path);
    out->set_reason(rejected.reason);
  }
  return FinishNow(context, absl::OkStatus());
}

grpc::ServerUnaryReactor* StorageServiceImpl::AddStorage(grpc::CallbackServerContext* context,
                                                         const v1::AddStorageRequest* request,
                                                         v1::Storage* response) {
  const v1::Storage& storage = request->storage();
  absl::StatusOr<StorageView> added =
      registry_->Add(storage.name(), storage.provider(), ConfigFromProto(storage.config()),
                     request->validate_only());
  if (added.ok()) ToProto(*added, response);
  return FinishNow(context, added.status());
}

grpc::ServerUnaryReactor* StorageServiceImpl::GetStorage(grpc::CallbackServerContext* context,
                                                         const v1::GetStorageRequest* request,
                                                         v1::Storage* response) {
  absl::StatusOr<StorageView> storage = registry_->Get(request->storage());
  if (storage.ok()) ToProto(*storage, response);
  return FinishNow(context, storage.status());
}

grpc::ServerUnaryReactor* StorageServiceImpl::ListStorages(grpc::CallbackServerContext* context,
                                                           const v1::ListStoragesRequest* request,
                                                           v1::ListStoragesResponse* response) {
  absl::StatusOr<StoragePage> page =
      registry_->List(request->provider(), request->page_size(), request->page_token());
  if (page.ok()) {
    for (const StorageView& view : page->storages) ToProto(view, response->add_storages());
    response->set_next_page_token(page->next_page_token);
  }
  return FinishNow(context, page.status());
}

grpc::ServerUnaryReactor* StorageServiceImpl::UpdateStorage(grpc::CallbackServerContext* context,
                                                            const v1::UpdateStorageRequest* request,
                                                            v1::Storage* response) {
  absl::StatusOr<StorageUpdate> update = UpdateFromRequest(*request);
  if (!update.ok()) return FinishNow(context, update.status());
  absl::StatusOr<StorageView> updated = registry_->Update(request->storage(), *update);
  if (updated.ok()) ToProto(*updated, response);
  return FinishNow(context, updated.status());
}

grpc::ServerUnaryReactor* StorageServiceImpl::DeleteStorage(
    grpc::CallbackServerContext* context, const v1::DeleteStorageRequest* request,
    v1::DeleteStorageResponse* /*response*/) {
  return FinishNow(context, registry_->Delete(request->storage()));
}

grpc::ServerUnaryReactor* StorageServiceImpl::TestConnection(
    grpc::CallbackServerContext* /*context*/, const v1::TestConnectionRequest* request,
    v1::TestConnectionResponse* response) {
  return BlockingCallReactor::Start(&blocking_calls_, [=](const std::atomic<bool>& cancelled) {
    return RunConnectionTest(registry_, *request, response, &cancelled);
  });
}

grpc::ServerReadReactor<v1::UploadRequest>* StorageServiceImpl::Upload(
    grpc::CallbackServerContext* context, v1::UploadResponse* response) {
  return new UploadReactor(uploads_, context, response);
}

grpc::ServerWriteReactor<v1::DownloadResponse>* StorageServiceImpl::Download(
    grpc::CallbackServerContext* /*context*/, const v1::DownloadRequest* request) {
  return new DownloadReactor(registry_, request);
}

grpc::ServerUnaryReactor* StorageServiceImpl::ListObjects(grpc::CallbackServerContext* /*context*/,
                                                          const v1::ListObjectsRequest* request,
                                                          v1::ListObjectsResponse* response) {
  return BlockingCallReactor::Start(&blocking_calls_, [=](const std::atomic<bool>& cancelled) {
    return storage::ListObjects(registry_, *request, response, &cancelled);
  });
}

grpc::ServerUnaryReactor* StorageServiceImpl::StatObject(grpc::CallbackServerContext* /*context*/,
                                                         const v1::StatObjectRequest* request,
                                                         v1::ObjectInfo* response) {
  return BlockingCallReactor::Start(&blocking_calls_, [=](const std::atomic<bool>& cancelled) {
    return storage::StatObject(registry_, *request, response, &cancelled);
  });
}

grpc::ServerUnaryReactor* StorageServiceImpl::DeleteObject(grpc::CallbackServerContext* /*context*/,
                                                           const v1::DeleteObjectRequest* request,
                                                           v1::DeleteObjectResponse* /*response*/) {
  return BlockingCallReactor::Start(&blocking_calls_, [=](const std::atomic<bool>& cancelled) {
    return storage::DeleteObject(registry_, *request, &cancelled);
  });
}

grpc::ServerUnaryReactor* StorageServiceImpl::DeleteObjects(
    grpc::CallbackServerContext* /*context*/, const v1::DeleteObjectsRequest* request,
    v1::DeleteObjectsResponse* response) {
  return BlockingCallReactor::Start(&blocking_calls_, [=](const std::atomic<bool>& cancelled) {
    return storage::DeleteObjects(registry_, *request, response, &cancelled);
  });
}

grpc::ServerUnaryReactor* StorageServiceImpl::ListIncompleteUploads(
    grpc::CallbackServerContext* /*context*/, const v1::ListIncompleteUploadsRequest* request,
    v1::ListIncompleteUploadsResponse* response) {
  return BlockingCallReactor::Start(&blocking_calls_, [=](const std::atomic<bool>& cancelled) {
    return storage::ListIncompleteUploads(registry_, *request, response, &cancelled);
  });
}

grpc::ServerUnaryReactor* StorageServiceImpl::CleanupIncompleteUploads(
    grpc::CallbackServerContext* /*context*/, const v1::CleanupIncompleteUploadsRequest* request,
    v1::CleanupIncompleteUploadsResponse* response) {
  return BlockingCallReactor::Start(&blocking_calls_, [=](const std::atomic<bool>& cancelled) {
    return storage::CleanupIncompleteUploads(registry_, *request, response, &cancelled);
  });
}

grpc::ServerUnaryReactor* StorageServiceImpl::GetLifecycle(grpc::CallbackServerContext* /*context*/,
                                                           const v1::GetLifecycleRequest* request,
                                                           v1::Lifecycle* response) {
  return BlockingCallReactor::Start(&blocking_calls_, [=](const std::atomic<bool>& cancelled) {
    return storage::GetLifecycle(registry_, *request, response, &cancelled);
  });
}

grpc::ServerUnaryReactor* StorageServiceImpl::SetLifecycle(grpc::CallbackServerContext* /*context*/,
                                                           const v1::SetLifecycleRequest* request,
                                                           v1::Lifecycle* response) {
  return BlockingCallReactor::Start(&blocking_calls_, [=](const std::atomic<bool>& cancelled) {
    return storage::SetLifecycle(registry_, *request, response, &cancelled);
  });
}

}  // namespace pluton::storage
