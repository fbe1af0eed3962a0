#include "client/storage_client.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/channel_security.h"
#include "client/digest.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"

namespace pluton::storage::client {
namespace {

// Margin added to a connection test's own timeout for the call's deadline.
constexpr absl::Duration kTestConnectionMargin = absl::Seconds(10);

// The service's rules for TestConnectionRequest.timeout: 0 means 20 s, at most 120 s.
absl::Duration EffectiveTestTimeout(const v1::TestConnectionRequest& request) {
  absl::Duration requested =
      absl::Seconds(request.timeout().seconds()) + absl::Nanoseconds(request.timeout().nanos());
  if (requested <= absl::ZeroDuration()) return absl::Seconds(20);
  return std::min(requested, absl::Seconds(120));
}

template <typename Response, typename Call>
absl::StatusOr<Response> Unary(Call&& call) {
  Response response;
  grpc::Status status = call(&response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response;
}

// Calls `fetch` for every page from request.page_token() on, handing each to `on_page`, until
// a page has an empty next_page_token. Stops at the first error (of `fetch` or `on_page`).
template <typename Request, typename Fetch, typename OnPage>
absl::Status FollowPages(Request request, Fetch&& fetch, OnPage&& on_page) {
  while (true) {
    auto page = fetch(request);
    if (!page.ok()) return page.status();
    absl::Status handled = on_page(*page);
    if (!handled.ok()) return handled;
    if (page->next_page_token().empty()) return absl::OkStatus();
    if (page->next_page_token() == request.page_token()) {
      return absl::InternalError("the service returned the same page token twice");
    }
    request.set_page_token(page->next_page_token());
  }
}

}  // namespace

StorageClient::StorageClient(const std::string& target, ClientOptions options)
    : StorageClient(CreateStorageChannel(target, options.credentials, options.bearer_token),
                    options) {}

StorageClient::StorageClient(std::shared_ptr<grpc::ChannelInterface> channel, ClientOptions options)
    : StorageClient(v1::StorageService::NewStub(std::move(channel)), std::move(options)) {}

StorageClient::StorageClient(std::unique_ptr<v1::StorageService::StubInterface> stub,
                             ClientOptions options)
    : stub_(std::move(stub)), options_(std::move(options)) {}

void StorageClient::SetDeadline(grpc::ClientContext& context, absl::Duration timeout) {
  if (timeout == absl::InfiniteDuration()) return;
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
}

absl::StatusOr<v1::ListProvidersResponse> StorageClient::ListProviders(
    const v1::ListProvidersRequest& request) {
  grpc::ClientContext context;
  SetDeadline(context, options_.timeout);
  return Unary<v1::ListProvidersResponse>(
      [&](auto* response) { return stub_->ListProviders(&context, request, response); });
}

absl::StatusOr<v1::Storage> StorageClient::AddStorage(const v1::AddStorageRequest& request) {
  grpc::ClientContext context;
  SetDeadline(context, options_.timeout);
  return Unary<v1::Storage>(
      [&](auto* response) { return stub_->AddStorage(&context, request, response); });
}

absl::StatusOr<v1::Storage> StorageClient::GetStorage(const v1::GetStorageRequest& request) {
  grpc::ClientContext context;
  SetDeadline(context, options_.timeout);
  return Unary<v1::Storage>(
      [&](auto* response) { return stub_->GetStorage(&context, request, response); });
}

absl::StatusOr<v1::ListStoragesResponse> StorageClient::ListStorages(
    const v1::ListStoragesRequest& request) {
  grpc::ClientContext context;
  SetDeadline(context, options_.timeout);
  return Unary<v1::ListStoragesResponse>(
      [&](auto* response) { return stub_->ListStorages(&context, request, response); });
}

absl::StatusOr<v1::Storage> StorageClient::UpdateStorage(const v1::UpdateStorageRequest& request) {
  grpc::ClientContext context;
  SetDeadline(context, options_.timeout);
  return Unary<v1::Storage>(
      [&](auto* response) { return stub_->UpdateStorage(&context, request, response); });
}

absl::StatusOr<v1::DeleteStorageResponse> StorageClient::DeleteStorage(
    const v1::DeleteStorageRequest& request) {
  grpc::ClientContext context;
  SetDeadline(context, options_.timeout);
  return Unary<v1::DeleteStorageResponse>(
      [&](auto* response) { return stub_->DeleteStorage(&context, request, response); });
}

absl::StatusOr<v1::TestConnectionResponse> StorageClient::TestConnection(
    const v1::TestConnectionRequest& request) {
  grpc::ClientContext context;
  SetDeadline(context,
              std::max(options_.timeout, EffectiveTestTimeout(request) + kTestConnectionMargin));
  return Unary<v1::TestConnectionResponse>(
      [&](auto* response) { return stub_->TestConnection(&context, request, response); });
}

absl::StatusOr<v1::ListObjectsResponse> StorageClient::ListObjects(
    const v1::ListObjectsRequest& request) {
  grpc::ClientContext context;
  SetDeadline(context, options_.timeout);
  return Unary<v1::ListObjectsResponse>(
      [&](auto* response) { return stub_->ListObjects(&context, request, response); });
}

absl::StatusOr<v1::ObjectInfo> StorageClient::StatObject(const v1::StatObjectRequest& request) {
  grpc::ClientContext context;
  SetDeadline(context, options_.timeout);
  return Unary<v1::ObjectInfo>(
      [&](auto* response) { return stub_->StatObject(&context, request, response); });
}

absl::StatusOr<v1::DeleteObjectResponse> StorageClient::DeleteObject(
    const v1::DeleteObjectRequest& request) {
  grpc::ClientContext context;
  SetDeadline(context, options_.timeout);
  return Unary<v1::DeleteObjectResponse>(
      [&](auto* response) { return stub_->DeleteObject(&context, request, response); });
}

absl::StatusOr<v1::DeleteObjectsResponse> StorageClient::DeleteObjects(
    const v1::DeleteObjectsRequest& request) {
  grpc::ClientContext context;
  SetDeadline(context, options_.timeout);
  return Unary<v1::DeleteObjectsResponse>(
      [&](auto* response) { return stub_->DeleteObjects(&context, request, response); });
}

absl::StatusOr<v1::ListIncompleteUploadsResponse> StorageClient::ListIncompleteUploads(
    const v1::ListIncompleteUploadsRequest& request) {
  grpc::ClientContext context;
  SetDeadline(context, options_.timeout);
  return Unary<v1::ListIncompleteUploadsResponse>(
      [&](auto* response) { return stub_->ListIncompleteUploads(&context, request, response); });
}

absl::StatusOr<v1::CleanupIncompleteUploadsResponse> StorageClient::CleanupIncompleteUploads(
    const v1::CleanupIncompleteUploadsRequest& request) {
  grpc::ClientContext context;
  SetDeadline(context, options_.timeout);
  return Unary<v1::CleanupIncompleteUploadsResponse>(
      [&](auto* response) { return stub_->CleanupIncompleteUploads(&context, request, response); });
}

absl::StatusOr<v1::Lifecycle> StorageClient::GetLifecycle(const v1::GetLifecycleRequest& request) {
  grpc::ClientContext context;
  SetDeadline(context, options_.timeout);
  return Unary<v1::Lifecycle>(
      [&](auto* response) { return stub_->GetLifecycle(&context, request, response); });
}

absl::StatusOr<v1::Lifecycle> StorageClient::SetLifecycle(const v1::SetLifecycleRequest& request) {
  grpc::ClientContext context;
  SetDeadline(context, options_.timeout);
  return Unary<v1::Lifecycle>(
      [&](auto* response) { return stub_->SetLifecycle(&context, request, response); });
}

absl::StatusOr<std::vector<v1::Storage>> StorageClient::ListAllStorages(
    v1::ListStoragesRequest request) {
  std::vector<v1::Storage> storages;
  absl::Status listed = FollowPages(
      std::move(request), [this](const v1::ListStoragesRequest& r) { return ListStorages(r); },
      [&storages](v1::ListStoragesResponse& page) {
        for (v1::Storage& storage : *page.mutable_storages()) {
          storages.push_back(std::move(storage));
        }
        return absl::OkStatus();
      });
  if (!listed.ok()) return listed;
  return storages;
}

absl::Status StorageClient::ForEachObjectPage(v1::ListObjectsRequest request,
                                              const ObjectPageHandler& on_page) {
  return FollowPages(
      std::move(request), [this](const v1::ListObjectsRequest& r) { return ListObjects(r); },
      [&on_page](const v1::ListObjectsResponse& page) { return on_page(page); });
}

absl::Status StorageClient::ForEachIncompleteUploadPage(
    v1::ListIncompleteUploadsRequest request, const IncompleteUploadPageHandler& on_page) {
  return FollowPages(
      std::move(request),
      [this](const v1::ListIncompleteUploadsRequest& r) { return ListIncompleteUploads(r); },
      [&on_page](const v1::ListIncompleteUploadsResponse& page) { return on_page(page); });
}

absl::Status StorageClient::DeleteObjectsInBatches(const std::string& storage,
                                                   const std::string& bucket,
                                                   const std::vector<std::string>& keys,
                                                   const DeleteBatchHandler& on_batch,
                                                   size_t* attempted_out) {
  size_t attempted = 0;
  if (attempted_out != nullptr) *attempted_out = 0;
  std::vector<std::string> batch;
  while (attempted < keys.size()) {
    const size_t end = std::min(keys.size(), attempted + kMaxDeleteObjectsKeys);
    batch.assign(keys.begin() + static_cast<std::ptrdiff_t>(attempted),
                 keys.begin() + static_cast<std::ptrdiff_t>(end));
    v1::DeleteObjectsRequest request;
    request.set_storage(storage);
    request.set_bucket(bucket);
    for (const std::string& key : batch) request.add_keys(key);
    absl::StatusOr<v1::DeleteObjectsResponse> response = DeleteObjects(request);
    if (!response.ok()) return response.status();
    attempted = end;
    if (attempted_out != nullptr) *attempted_out = attempted;
    if (on_batch) on_batch(batch, *response);
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::UploadResponse> StorageClient::Upload(const v1::UploadHeader& header,
                                                         ByteSource& source,
                                                         const UploadOptions& options) {
  if (options.message_size == 0 || options.message_size > kMaxUploadMessageSize) {
    return absl::InvalidArgumentError(absl::StrCat("message size must be between 1 and ",
                                                   kMaxUploadMessageSize, " bytes, not ",
                                                   options.message_size));
  }
  Digest md5(options.send_md5_trailer, EVP_md5());
  Digest sha256(options.send_sha256_trailer, EVP_sha256());
  if (md5.failed() || sha256.failed()) return absl::InternalError("cannot set up digests");

  grpc::ClientContext context;
  SetDeadline(context, options.timeout);
  v1::UploadResponse response;
  std::unique_ptr<grpc::ClientWriterInterface<v1::UploadRequest>> writer =
      stub_->Upload(&context, &response);

  // Cancels the call so the service discards what it received, and returns `local`.
  auto cancel_with = [&](absl::Status local) -> absl::Status {
    context.TryCancel();
    (void)writer->Finish();  // CANCELLED, or the service's own earlier error: not ours to report
    return local;
  };
  // The stream broke while writing: the service ended the call; its status says why.
  auto broken = [&]() -> absl::Status {
    grpc::Status status = writer->Finish();
    if (!status.ok()) return FromGrpcStatus(status);
    return absl::InternalError("the service ended the upload before all data was sent");
  };
  auto cancelled = [&]() { return options.is_cancelled && options.is_cancelled(); };
  auto progress = [&](int64_t sent) {
    if (options.on_progress) {
      options.on_progress(sent, header.has_expected_size() ? header.expected_size() : -1);
    }
  };

  // One message for the whole stream: the header, then its data buffer is reused.
  v1::UploadRequest message;
  *message.mutable_header() = header;
  // A SHA-256 trailer can only be checked by a service that hashes with SHA-256 from the start.
  if (options.send_sha256_trailer || (options.trailer && !options.trailer->sha256().empty())) {
    message.mutable_header()->set_compute_sha256(true);
  }
  if (cancelled()) return cancel_with(absl::CancelledError("upload cancelled"));
  if (!writer->Write(message)) return broken();
  progress(0);

  std::string* data = message.mutable_data();
  int64_t sent = 0;
  bool end = false;
  while (!end) {
    if (cancelled()) return cancel_with(absl::CancelledError("upload cancelled"));
    data->resize(options.message_size);
    size_t filled = 0;
    while (filled < options.message_size) {
      absl::StatusOr<size_t> n = source.Read(&(*data)[filled], options.message_size - filled);
      if (!n.ok()) return cancel_with(n.status());
      if (*n > options.message_size - filled) {
        return cancel_with(absl::InternalError("the byte source read more than asked"));
      }
      if (*n == 0) {
        end = true;
        break;
      }
      filled += *n;
    }
    if (filled == 0) break;
    data->resize(filled);
    md5.Update(data->data(), filled);
    sha256.Update(data->data(), filled);
    if (cancelled()) return cancel_with(absl::CancelledError("upload cancelled"));
    if (!writer->Write(message)) return broken();
    sent += static_cast<int64_t>(filled);
    progress(sent);
  }

  v1::UploadTrailer* trailer = message.mutable_trailer();  // frees the data buffer
  if (options.trailer) *trailer = *options.trailer;
  if (options.send_md5_trailer) trailer->set_md5(md5.Final());
  if (options.send_sha256_trailer) trailer->set_sha256(sha256.Final());
  if ((options.send_md5_trailer && trailer->md5().empty()) ||
      (options.send_sha256_trailer && trailer->sha256().empty())) {
    return cancel_with(absl::InternalError("cannot compute the trailer digests"));
  }
  if (cancelled()) return cancel_with(absl::CancelledError("upload cancelled"));
  // The trailer goes with the half-close (WritesDone) in one operation.
  if (!writer->Write(message, grpc::WriteOptions().set_last_message())) return broken();
  grpc::Status status = writer->Finish();
  if (!status.ok()) return FromGrpcStatus(status);
  return response;
}

absl::StatusOr<v1::DownloadInfo> StorageClient::Download(const v1::DownloadRequest& request,
                                                         const DownloadSink& sink,
                                                         const DownloadOptions& options,
                                                         v1::DownloadInfo* info_out) {
  grpc::ClientContext context;
  SetDeadline(context, options.timeout);
  std::unique_ptr<grpc::ClientReaderInterface<v1::DownloadResponse>> reader =
      stub_->Download(&context, request);
  auto cancel_with = [&](absl::Status local) -> absl::Status {
    context.TryCancel();
    (void)reader->Finish();  // CANCELLED: ours, not the service's
    return local;
  };
  auto cancelled = [&]() { return options.is_cancelled && options.is_cancelled(); };

  v1::DownloadResponse message;
  std::optional<v1::DownloadInfo> info;
  int64_t received = 0;
  while (true) {
    if (cancelled()) return cancel_with(absl::CancelledError("download cancelled"));
    if (!reader->Read(&message)) break;
    if (message.has_info()) {
      if (info) return cancel_with(absl::InternalError("the service sent a second info"));
      info = message.info();
      if (info_out != nullptr) *info_out = *info;
      if (options.on_progress) options.on_progress(0, info->length());
      continue;
    }
    if (!info) return cancel_with(absl::InternalError("the service sent data before the info"));
    const std::string& data = message.data();
    received += static_cast<int64_t>(data.size());
    if (received > info->length()) {
      return cancel_with(absl::InternalError("the service sent more data than announced"));
    }
    absl::Status sunk = sink(data);
    if (!sunk.ok()) return cancel_with(sunk);
    if (options.on_progress) options.on_progress(received, info->length());
  }
  grpc::Status status = reader->Finish();
  if (!status.ok()) return FromGrpcStatus(status);
  if (!info) return absl::InternalError("the service ended the download without its info");
  if (received != info->length()) {
    return absl::DataLossError(
        absl::StrCat("the download ended after ", received, " of ", info->length(), " bytes"));
  }
  return *info;
}

}  // namespace pluton::storage::client
