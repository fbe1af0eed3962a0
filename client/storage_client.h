// StorageClient: a synchronous client for pluton.storage.v1.StorageService.
//
//   ClientOptions options;
//   options.timeout = absl::Seconds(10);
//   StorageClient client("localhost:50051", options);
//   absl::StatusOr<v1::Storage> storage = client.GetStorage(request);
//   if (!storage.ok()) {
//     ErrorDetails details = GetErrorDetails(storage.status());  // reason, field violations
//   }
//
// Every method returns the response or an absl::Status with the gRPC code and message and
// the google.rpc details as payloads (see error_details.h).
//
// In-process use (tests): build the client from a channel, e.g.
//   StorageClient client(server->InProcessChannel(grpc::ChannelArguments()));
//
// Thread safety: every method may be called concurrently; each call has its own context.
#ifndef PLUTON_CLIENT_STORAGE_CLIENT_H_
#define PLUTON_CLIENT_STORAGE_CLIENT_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "client/byte_source.h"
#include "client/error_details.h"
#include "grpcpp/channel.h"
#include "grpcpp/security/credentials.h"
#include "pluton/storage/v1/storage_service.grpc.pb.h"

namespace pluton::storage::client {

namespace v1 = ::pluton::storage::v1;

struct ClientOptions {
  // Deadline of each unary call, from its start. absl::InfiniteDuration() for none.
  // TestConnection gets at least the test's own timeout plus a margin.
  absl::Duration timeout = absl::Seconds(30);
  // Credentials for the channel the target-string constructor creates; insecure when null
  // (TLS: client/channel_security.h).
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  // Sent as `authorization: Bearer <token>` on every call of the channel the target-string
  // constructor creates; nothing when empty. Never logged.
  std::string bearer_token;
};

// Largest `UploadOptions::message_size`: the data must fit in the service's default 4 MiB
// receive limit together with the message framing.
inline constexpr size_t kMaxUploadMessageSize = 4 * 1024 * 1024 - 1024;

struct UploadOptions {
  // Data bytes per message; at most kMaxUploadMessageSize. The source is read until a message
  // is full (or the data ends), so every message but the last carries exactly this much.
  size_t message_size = 1024 * 1024;

  // Called on the upload's thread with the bytes sent so far after every message, and once
  // with 0 before the first. `expected_total` is the header's expected_size, -1 when unset.
  std::function<void(int64_t bytes_sent, int64_t expected_total)> on_progress;

  // Digests to put in the trailer, which the service checks before committing (a mismatch
  // aborts the upload with DATA_LOSS). Computing them costs CPU, so both are off by default.
  bool send_md5_trailer = false;
  bool send_sha256_trailer = false;  // also sets header.compute_sha256, as does trailer->sha256
  // The trailer's contents as given (e.g. digests the caller already knows); the computed
  // digests above replace its fields when enabled. A trailer is always sent, empty by
  // default: it tells the service the stream ended deliberately.
  std::optional<v1::UploadTrailer> trailer;

  // Polled before every read and write; returning true cancels the call (the service stores
  // nothing) and Upload returns CANCELLED. It does not interrupt a read or write in progress.
  std::function<bool()> is_cancelled;

  // Deadline of the whole upload, from its start. absl::InfiniteDuration() for none.
  absl::Duration timeout = absl::InfiniteDuration();
};

struct DownloadOptions {
  // Called on the calling thread once with 0 when the info arrives, then with the data bytes
  // received so far after every message. `total` is the range's length (info.length).
  std::function<void(int64_t bytes_received, int64_t total)> on_progress;

  // Polled before every read; returning true cancels the call and Download returns CANCELLED.
  std::function<bool()> is_cancelled;

  // Deadline of the whole download, from its start. absl::InfiniteDuration() for none.
  absl::Duration timeout = absl::InfiniteDuration();
};

// Receives a download's data, in order. An error cancels the download and is returned.
using DownloadSink = std::function<absl::Status(absl::string_view data)>;

// Most keys one DeleteObjects call accepts.
inline constexpr size_t kMaxDeleteObjectsKeys = 1000;

// Receives one page of a listing. The page may be empty while more follow. Returning an
// error stops the listing; the error is returned to the caller.
using ObjectPageHandler = std::function<absl::Status(const v1::ListObjectsResponse& page)>;
using IncompleteUploadPageHandler =
    std::function<absl::Status(const v1::ListIncompleteUploadsResponse& page)>;

// Receives the outcome of one DeleteObjects batch: the keys sent (in order, at most
// kMaxDeleteObjectsKeys) and the service's response (the keys that could not be deleted are
// in response.failures(); the others were deleted or already absent).
using DeleteBatchHandler = std::function<void(const std::vector<std::string>& keys,
                                              const v1::DeleteObjectsResponse& response)>;

class StorageClient {
 public:
  // Connects to `target` ("host:port" or any gRPC target URI); insecure unless
  // options.credentials is set. The connection is made lazily on the first call.
  explicit StorageClient(const std::string& target, ClientOptions options = {});
  // Uses an existing channel, e.g. grpc::Server::InProcessChannel().
  explicit StorageClient(std::shared_ptr<grpc::ChannelInterface> channel,
                         ClientOptions options = {});
  // Uses any stub implementation (a fake in tests).
  explicit StorageClient(std::unique_ptr<v1::StorageService::StubInterface> stub,
                         ClientOptions options = {});

  absl::StatusOr<v1::ListProvidersResponse> ListProviders(
      const v1::ListProvidersRequest& request = {});
  absl::StatusOr<v1::Storage> AddStorage(const v1::AddStorageRequest& request);
  absl::StatusOr<v1::Storage> GetStorage(const v1::GetStorageRequest& request);
  absl::StatusOr<v1::ListStoragesResponse> ListStorages(const v1::ListStoragesRequest& request);
  absl::StatusOr<v1::Storage> UpdateStorage(const v1::UpdateStorageRequest& request);
  absl::StatusOr<v1::DeleteStorageResponse> DeleteStorage(const v1::DeleteStorageRequest& request);
  absl::StatusOr<v1::TestConnectionResponse> TestConnection(
      const v1::TestConnectionRequest& request);

  // Objects and incomplete uploads (see the proto for each RPC's contract).
  absl::StatusOr<v1::ListObjectsResponse> ListObjects(const v1::ListObjectsRequest& request);
  absl::StatusOr<v1::ObjectInfo> StatObject(const v1::StatObjectRequest& request);
  absl::StatusOr<v1::DeleteObjectResponse> DeleteObject(const v1::DeleteObjectRequest& request);
  absl::StatusOr<v1::DeleteObjectsResponse> DeleteObjects(const v1::DeleteObjectsRequest& request);
  absl::StatusOr<v1::ListIncompleteUploadsResponse> ListIncompleteUploads(
      const v1::ListIncompleteUploadsRequest& request);
  absl::StatusOr<v1::CleanupIncompleteUploadsResponse> CleanupIncompleteUploads(
      const v1::CleanupIncompleteUploadsRequest& request);
  absl::StatusOr<v1::Lifecycle> GetLifecycle(const v1::GetLifecycleRequest& request);
  absl::StatusOr<v1::Lifecycle> SetLifecycle(const v1::SetLifecycleRequest& request);

  // Follows next_page_token from `request` (its page_token is the starting point) until the
  // last page and returns every storage in order. Each page is a separate call.
  absl::StatusOr<std::vector<v1::Storage>> ListAllStorages(v1::ListStoragesRequest request = {});

  // Calls `on_page` with every page of the listing, in order, starting at request.page_token
  // and ending only at an empty next_page_token (short and empty pages do not end it). Each
  // page is a separate call with the unary timeout; only one page is held at a time. Returns
  // the first error of a call or of `on_page`; a service that repeats a page token is an
  // INTERNAL error (it would loop forever).
  absl::Status ForEachObjectPage(v1::ListObjectsRequest request, const ObjectPageHandler& on_page);
  absl::Status ForEachIncompleteUploadPage(v1::ListIncompleteUploadsRequest request,
                                           const IncompleteUploadPageHandler& on_page);

  // Deletes `keys` of one bucket with as few DeleteObjects calls as possible: consecutive
  // batches of at most kMaxDeleteObjectsKeys keys, in order, each reported to `on_batch` (may
  // be null). Per-key failures do not stop it. A failed call does: its error is returned and
  // the keys of that batch and of the later ones were not attempted (`attempted_out`, may be
  // null, receives how many keys were, i.e. sent in batches that succeeded).
  absl::Status DeleteObjectsInBatches(const std::string& storage, const std::string& bucket,
                                      const std::vector<std::string>& keys,
                                      const DeleteBatchHandler& on_batch,
                                      size_t* attempted_out = nullptr);

  // Streams `source` as one object: the header (sent exactly as given; leave expected_size
  // unset when the size is unknown), then the data, then the trailer.
  // If the source fails, the call is cancelled so the service stores nothing, and the
  // source's error is returned. If the service ends the stream early, its status is returned.
  absl::StatusOr<v1::UploadResponse> Upload(const v1::UploadHeader& header, ByteSource& source,
                                            const UploadOptions& options = {});

  // Streams an object, or the range request.offset/length of it, into `sink` and returns the
  // service's DownloadInfo. On an error, what the sink received is incomplete; DATA_LOSS means
  // the bytes delivered do not match the object's stored checksum and must be discarded.
  // `info_out` (may be null) receives the DownloadInfo as soon as it arrives, so a caller can
  // tell how far a failed download got.
  absl::StatusOr<v1::DownloadInfo> Download(const v1::DownloadRequest& request,
                                            const DownloadSink& sink,
                                            const DownloadOptions& options = {},
                                            v1::DownloadInfo* info_out = nullptr);

 private:
  // Sets the deadline `timeout` from now on `context`, unless it is infinite.
  static void SetDeadline(grpc::ClientContext& context, absl::Duration timeout);

  std::unique_ptr<v1::StorageService::StubInterface> stub_;
  ClientOptions options_;
};

}  // namespace pluton::storage::client

#endif  // PLUTON_CLIENT_STORAGE_CLIENT_H_
