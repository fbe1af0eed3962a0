#include "api/storage_service.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "api/authorized_call.h"
#include "api/connection_test.h"
#include "api/proto_conversions.h"
#include "api/unary_call.h"
#include "common/rich_status.h"
#include "common/status_macros.h"
#include "download/download_reactor.h"
#include "objects/incomplete_upload_calls.h"
#include "objects/lifecycle_calls.h"
#include "objects/object_calls.h"

namespace pluton::storage {
namespace {

constexpr absl::string_view kConfigPathPrefix = "config.";

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
                                       UploadEnvironment* uploads, ObjectRecords* records,
                                       int max_concurrent_downloads, FairShares shares,
                                       const Authorizer* authorizer, CallCutoff* cutoff)
    : registry_(registry),
      plugins_(plugins),
      uploads_(uploads),
      records_(records),
      object_calls_({"object calls", kMaxObjectCalls}, shares, cutoff),
      connection_tests_({"connection tests", kMaxConnectionTests}, shares, cutoff),
      housekeeping_calls_(
          {"housekeeping calls (incomplete uploads, lifecycle)", kMaxHousekeepingCalls}, shares,
          cutoff),
      downloads_({"downloads", max_concurrent_downloads, "TOO_MANY_DOWNLOADS",
                  "--max_concurrent_downloads"},
                 shares, cutoff),
      authorizer_(authorizer) {}

// Registry calls run inline (no BlockingCallLimiter); provider calls on the pool of their kind.

grpc::ServerUnaryReactor* StorageServiceImpl::ListProviders(grpc::CallbackServerContext* context,
                                                            const grpc::ByteBuffer* request,
                                                            grpc::ByteBuffer* response) {
  return ServeAuthorizedUnary<v1::ListProvidersRequest, v1::ListProvidersResponse>(
      *authorizer_, Rpc::kListProviders, context, request, response, nullptr,
      [this](const v1::ListProvidersRequest& /*request*/, v1::ListProvidersResponse* response,
             const std::atomic<bool>& /*cancelled*/) {
        for (const auto& provider : plugins_->providers()) {
          ToProto(*provider, response->add_providers());
        }
        for (const RejectedPluginInfo& rejected : plugins_->rejected()) {
          v1::RejectedPlugin* out = response->add_rejected_plugins();
          out->set_path(rejected.path);
          out->set_reason(rejected.reason);
        }
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* StorageServiceImpl::AddStorage(grpc::CallbackServerContext* context,
                                                         const grpc::ByteBuffer* request,
                                                         grpc::ByteBuffer* response) {
  return ServeAuthorizedUnary<v1::AddStorageRequest, v1::Storage>(
      *authorizer_, Rpc::kAddStorage, context, request, response, nullptr,
      [this](const v1::AddStorageRequest& request, v1::Storage* response,
             const std::atomic<bool>& /*cancelled*/) {
        const v1::Storage& storage = request.storage();
        absl::StatusOr<StorageView> added =
            registry_->Add(storage.name(), storage.provider(), ConfigFromProto(storage.config()),
                           request.validate_only());
        if (added.ok()) ToProto(*added, response);
        return added.status();
      });
}

grpc::ServerUnaryReactor* StorageServiceImpl::GetStorage(grpc::CallbackServerContext* context,
                                                         const grpc::ByteBuffer* request,
                                                         grpc::ByteBuffer* response) {
  return ServeAuthorizedUnary<v1::GetStorageRequest, v1::Storage>(
      *authorizer_, Rpc::kGetStorage, context, request, response, nullptr,
      [this](const v1::GetStorageRequest& request, v1::Storage* response,
             const std::atomic<bool>& /*cancelled*/) {
        absl::StatusOr<StorageView> storage = registry_->Get(request.storage());
        if (storage.ok()) ToProto(*storage, response);
        return storage.status();
      });
}

grpc::ServerUnaryReactor* StorageServiceImpl::ListStorages(grpc::CallbackServerContext* context,
                                                           const grpc::ByteBuffer* request,
                                                           grpc::ByteBuffer* response) {
  // An agent or reader sees only the storages it is granted: registry pages are read until
  // one holds a granted storage (or the list ends), so a page is never empty while
  // next_page_token is set, and it may be shorter than page_size.
  absl::StatusOr<CallAccess> access = authorizer_->Admit(*context, Rpc::kListStorages);
  if (!access.ok()) return FinishNow(context, access.status());
  return ServeUnary<v1::ListStoragesRequest, v1::ListStoragesResponse>(
      context, request, response, nullptr,
      [this, access = *std::move(access)](const v1::ListStoragesRequest& request,
                                          v1::ListStoragesResponse* response,
                                          const std::atomic<bool>& /*cancelled*/) {
        std::string page_token = request.page_token();
        do {
          ASSIGN_OR_RETURN(StoragePage page,
                           registry_->List(request.provider(), request.page_size(), page_token));
          for (const StorageView& view : page.storages) {
            if (access.Sees(view.id, view.name)) ToProto(view, response->add_storages());
          }
          page_token = page.next_page_token;
        } while (response->storages().empty() && !page_token.empty());
        response->set_next_page_token(page_token);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* StorageServiceImpl::UpdateStorage(grpc::CallbackServerContext* context,
                                                            const grpc::ByteBuffer* request,
                                                            grpc::ByteBuffer* response) {
  return ServeAuthorizedUnary<v1::UpdateStorageRequest, v1::Storage>(
      *authorizer_, Rpc::kUpdateStorage, context, request, response, nullptr,
      [this](const v1::UpdateStorageRequest& request, v1::Storage* response,
             const std::atomic<bool>& /*cancelled*/) {
        ASSIGN_OR_RETURN(StorageUpdate update, UpdateFromRequest(request));
        ASSIGN_OR_RETURN(StorageView updated, registry_->Update(request.storage(), update));
        ToProto(updated, response);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* StorageServiceImpl::DeleteStorage(grpc::CallbackServerContext* context,
                                                            const grpc::ByteBuffer* request,
                                                            grpc::ByteBuffer* response) {
  return ServeAuthorizedUnary<v1::DeleteStorageRequest, v1::DeleteStorageResponse>(
      *authorizer_, Rpc::kDeleteStorage, context, request, response, nullptr,
      [this](const v1::DeleteStorageRequest& request, v1::DeleteStorageResponse* /*response*/,
             const std::atomic<bool>& /*cancelled*/) {
        return registry_->Delete(request.storage());
      });
}

grpc::ServerUnaryReactor* StorageServiceImpl::TestConnection(grpc::CallbackServerContext* context,
                                                             const grpc::ByteBuffer* request,
                                                             grpc::ByteBuffer* response) {
  return ServeAuthorizedUnary<v1::TestConnectionRequest, v1::TestConnectionResponse>(
      *authorizer_, Rpc::kTestConnection, context, request, response, &connection_tests_,
      [this](const v1::TestConnectionRequest& request, v1::TestConnectionResponse* response,
             const std::atomic<bool>& cancelled) {
        return RunConnectionTest(registry_, request, response, &cancelled);
      });
}

// Streaming calls are admitted here and check their storage once they decoded it: Upload
// from its header, Download from its request.
grpc::ServerReadReactor<grpc::ByteBuffer>* StorageServiceImpl::Upload(
    grpc::CallbackServerContext* context, grpc::ByteBuffer* response) {
  absl::StatusOr<CallAccess> access = authorizer_->Admit(*context, Rpc::kUpload);
  if (!access.ok()) {
    return new RefusedStream<grpc::ServerReadReactor<grpc::ByteBuffer>>(access.status());
  }
  return new UploadReactor(uploads_, context, response, *std::move(access));
}

grpc::ServerWriteReactor<grpc::ByteBuffer>* StorageServiceImpl::Download(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request) {
  absl::StatusOr<CallAccess> access = authorizer_->Admit(*context, Rpc::kDownload);
  if (!access.ok()) {
    return new RefusedStream<grpc::ServerWriteReactor<grpc::ByteBuffer>>(access.status());
  }
  return new DownloadReactor(registry_, records_, &downloads_, request, *std::move(access));
}

grpc::ServerUnaryReactor* StorageServiceImpl::ListObjects(grpc::CallbackServerContext* context,
                                                          const grpc::ByteBuffer* request,
                                                          grpc::ByteBuffer* response) {
  return ServeAuthorizedUnary<v1::ListObjectsRequest, v1::ListObjectsResponse>(
      *authorizer_, Rpc::kListObjects, context, request, response, &object_calls_,
      [this](const v1::ListObjectsRequest& request, v1::ListObjectsResponse* response,
             const std::atomic<bool>& cancelled) {
        return storage::ListObjects(registry_, request, response, &cancelled);
      });
}

grpc::ServerUnaryReactor* StorageServiceImpl::StatObject(grpc::CallbackServerContext* context,
                                                         const grpc::ByteBuffer* request,
                                                         grpc::ByteBuffer* response) {
  return ServeAuthorizedUnary<v1::StatObjectRequest, v1::ObjectInfo>(
      *authorizer_, Rpc::kStatObject, context, request, response, &object_calls_,
      [this](const v1::StatObjectRequest& request, v1::ObjectInfo* response,
             const std::atomic<bool>& cancelled) {
        return storage::StatObject(registry_, records_, request, response, &cancelled);
      });
}

grpc::ServerUnaryReactor* StorageServiceImpl::DeleteObject(grpc::CallbackServerContext* context,
                                                           const grpc::ByteBuffer* request,
                                                           grpc::ByteBuffer* response) {
  return ServeAuthorizedUnary<v1::DeleteObjectRequest, v1::DeleteObjectResponse>(
      *authorizer_, Rpc::kDeleteObject, context, request, response, &object_calls_,
      [this](const v1::DeleteObjectRequest& request, v1::DeleteObjectResponse* /*response*/,
             const std::atomic<bool>& cancelled) {
        return storage::DeleteObject(registry_, records_, request, &cancelled);
      });
}

grpc::ServerUnaryReactor* StorageServiceImpl::DeleteObjects(grpc::CallbackServerContext* context,
                                                            const grpc::ByteBuffer* request,
                                                            grpc::ByteBuffer* response) {
  return ServeAuthorizedUnary<v1::DeleteObjectsRequest, v1::DeleteObjectsResponse>(
      *authorizer_, Rpc::kDeleteObjects, context, request, response, &object_calls_,
      [this](const v1::DeleteObjectsRequest& request, v1::DeleteObjectsResponse* response,
             const std::atomic<bool>& cancelled) {
        return storage::DeleteObjects(registry_, records_, request, response, &cancelled);
      });
}

grpc::ServerUnaryReactor* StorageServiceImpl::ListIncompleteUploads(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return ServeAuthorizedUnary<v1::ListIncompleteUploadsRequest, v1::ListIncompleteUploadsResponse>(
      *authorizer_, Rpc::kListIncompleteUploads, context, request, response, &housekeeping_calls_,
      [this](const v1::ListIncompleteUploadsRequest& request,
             v1::ListIncompleteUploadsResponse* response, const std::atomic<bool>& cancelled) {
        return storage::ListIncompleteUploads(registry_, request, response, &cancelled);
      });
}

grpc::ServerUnaryReactor* StorageServiceImpl::CleanupIncompleteUploads(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return ServeAuthorizedUnary<v1::CleanupIncompleteUploadsRequest,
                              v1::CleanupIncompleteUploadsResponse>(
      *authorizer_, Rpc::kCleanupIncompleteUploads, context, request, response,
      &housekeeping_calls_,
      [this](const v1::CleanupIncompleteUploadsRequest& request,
             v1::CleanupIncompleteUploadsResponse* response, const std::atomic<bool>& cancelled) {
        return storage::CleanupIncompleteUploads(registry_, request, response, &cancelled);
      });
}

grpc::ServerUnaryReactor* StorageServiceImpl::GetLifecycle(grpc::CallbackServerContext* context,
                                                           const grpc::ByteBuffer* request,
                                                           grpc::ByteBuffer* response) {
  return ServeAuthorizedUnary<v1::GetLifecycleRequest, v1::Lifecycle>(
      *authorizer_, Rpc::kGetLifecycle, context, request, response, &housekeeping_calls_,
      [this](const v1::GetLifecycleRequest& request, v1::Lifecycle* response,
             const std::atomic<bool>& cancelled) {
        return storage::GetLifecycle(registry_, request, response, &cancelled);
      });
}

grpc::ServerUnaryReactor* StorageServiceImpl::SetLifecycle(grpc::CallbackServerContext* context,
                                                           const grpc::ByteBuffer* request,
                                                           grpc::ByteBuffer* response) {
  return ServeAuthorizedUnary<v1::SetLifecycleRequest, v1::Lifecycle>(
      *authorizer_, Rpc::kSetLifecycle, context, request, response, &housekeeping_calls_,
      [this](const v1::SetLifecycleRequest& request, v1::Lifecycle* response,
             const std::atomic<bool>& cancelled) {
        return storage::SetLifecycle(registry_, request, response, &cancelled);
      });
}

}  // namespace pluton::storage
