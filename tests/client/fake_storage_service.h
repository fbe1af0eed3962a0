// FakeStorageService: an in-process StorageService for the client's tests. It records what
// the client sent and answers from canned data; errors carry google.rpc details the way the
// real service encodes them. The object RPCs (listing, stat, deletion, incomplete uploads,
// lifecycle, download) are served by `objects` (fake_objects.h).
#ifndef PLUTON_TESTS_CLIENT_FAKE_STORAGE_SERVICE_H_
#define PLUTON_TESTS_CLIENT_FAKE_STORAGE_SERVICE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "fake_objects.h"
#include "fake_wire.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "pluton/storage/v1/storage_service.grpc.pb.h"

namespace pluton::storage::client::testing {

namespace v1 = ::pluton::storage::v1;

class FakeStorageService final : public v1::StorageService::Service {
 public:
  // What one Upload call received.
  struct UploadRecord {
    bool first_was_header = false;
    v1::UploadHeader header;
    std::vector<size_t> data_sizes;
    std::string data;
    bool got_trailer = false;
    bool trailer_was_last = true;
    v1::UploadTrailer trailer;
    bool cancelled = false;
  };

  // --- knobs -------------------------------------------------------------------------------
  FakeObjects objects;                   // the object RPCs' bucket, knobs and records
  int storage_count = 0;                 // ListStorages serves stg_00.. in pages
  int64_t fail_upload_after_bytes = -1;  // >= 0: fail with INVALID_ARGUMENT after this many
  bool test_connection_succeeds = true;
  absl::Duration rpc_delay;  // ListProviders and TestConnection wait this long (or until cancelled)

  // --- records -----------------------------------------------------------------------------
  UploadRecord last_upload() {
    absl::MutexLock lock(&mu_);
    return last_upload_;
  }
  // Blocks until `count` Upload calls have returned.
  void WaitForUploads(int count) {
    auto done = [this, count]() { return uploads_done_ >= count; };
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(&done));
  }
  std::vector<v1::ListStoragesRequest> list_requests() {
    absl::MutexLock lock(&mu_);
    return list_requests_;
  }
  v1::AddStorageRequest last_add() {
    absl::MutexLock lock(&mu_);
    return last_add_;
  }
  v1::UpdateStorageRequest last_update() {
    absl::MutexLock lock(&mu_);
    return last_update_;
  }
  v1::TestConnectionRequest last_test() {
    absl::MutexLock lock(&mu_);
    return last_test_;
  }

  // --- RPCs --------------------------------------------------------------------------------
  grpc::Status ListProviders(grpc::ServerContext* context, const v1::ListProvidersRequest*,
                             v1::ListProvidersResponse* response) override {
    Delay(context);
    v1::Provider* p = response->add_providers();
    p->set_id("local");
    p->set_display_name("Local disk");
    p->set_description("Stores objects in a directory.");
    p->set_abi_version("1.0");
    p->set_plugin_version("0.1.0");
    v1::ConfigField* root = p->add_config_fields();
    root->set_name("root");
    root->set_label("Root directory");
    root->set_type(v1::CONFIG_FIELD_TYPE_STRING);
    root->set_required(true);
    root->set_help("Absolute path of the directory.");
    root->set_placeholder("/var/backups");
    v1::ConfigField* token = p->add_config_fields();
    token->set_name("token");
    token->set_type(v1::CONFIG_FIELD_TYPE_STRING);
    token->set_secret(true);
    v1::ConfigField* mode = p->add_config_fields();
    mode->set_name("mode");
    mode->set_type(v1::CONFIG_FIELD_TYPE_ENUM);
    mode->set_advanced(true);
    mode->set_default_value("fast");
    mode->add_allowed_values("fast");
    mode->add_allowed_values("safe");
    return grpc::Status::OK;
  }

  grpc::Status AddStorage(grpc::ServerContext*, const v1::AddStorageRequest* request,
                          v1::Storage* response) override {
    {
      absl::MutexLock lock(&mu_);
      last_add_ = *request;
    }
    if (request->storage().config().count("bad")) {
      return RichGrpcStatus(grpc::StatusCode::INVALID_ARGUMENT,
                            "the configuration is invalid; config.bad: not a field; "
                            "config.root: is required",
                            "INVALID_ARGUMENT",
                            {{"config.bad", "not a field"}, {"config.root", "is required"}});
    }
    *response = request->storage();
    response->set_id("stg_0000000000000001");
    return grpc::Status::OK;
  }

  grpc::Status GetStorage(grpc::ServerContext*, const v1::GetStorageRequest* request,
                          v1::Storage* response) override {
    if (request->storage() != "disk") {
      return RichGrpcStatus(grpc::StatusCode::NOT_FOUND,
                            absl::StrCat("no storage \"", request->storage(), "\""),
                            "STORAGE_NOT_FOUND");
    }
    response->set_id("stg_0000000000000001");
    response->set_name("disk");
    response->set_provider("local");
    (*response->mutable_config())["root"] = "/srv";
    response->add_secret_fields_set("token");
    response->mutable_create_time()->set_seconds(1700000000);
    return grpc::Status::OK;
  }

  grpc::Status ListStorages(grpc::ServerContext*, const v1::ListStoragesRequest* request,
                            v1::ListStoragesResponse* response) override {
    {
      absl::MutexLock lock(&mu_);
      list_requests_.push_back(*request);
    }
    int start = 0;
    if (!request->page_token().empty() && !absl::SimpleAtoi(request->page_token(), &start)) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "bad page token");
    }
    int size = request->page_size() > 0 ? request->page_size() : 50;
    int end = std::min(storage_count, start + size);
    for (int i = start; i < end; ++i) {
      v1::Storage* s = response->add_storages();
      s->set_id(absl::StrCat("stg_", i));
      s->set_name(absl::StrCat("s", i));
      s->set_provider("local");
    }
    if (end < storage_count) response->set_next_page_token(absl::StrCat(end));
    return grpc::Status::OK;
  }

  grpc::Status UpdateStorage(grpc::ServerContext*, const v1::UpdateStorageRequest* request,
                             v1::Storage* response) override {
    absl::MutexLock lock(&mu_);
    last_update_ = *request;
    response->set_id("stg_0000000000000001");
    response->set_name(request->update().name().empty() ? request->storage()
                                                        : request->update().name());
    return grpc::Status::OK;
  }

  grpc::Status DeleteStorage(grpc::ServerContext*, const v1::DeleteStorageRequest* request,
                             v1::DeleteStorageResponse*) override {
    if (request->storage() != "disk") {
      return RichGrpcStatus(grpc::StatusCode::NOT_FOUND, "no such storage", "STORAGE_NOT_FOUND");
    }
    return grpc::Status::OK;
  }

  grpc::Status TestConnection(grpc::ServerContext* context,
                              const v1::TestConnectionRequest* request,
                              v1::TestConnectionResponse* response) override {
    Delay(context);
    {
      absl::MutexLock lock(&mu_);
      last_test_ = *request;
    }
    v1::ConnectionCheck* list = response->add_checks();
    list->set_name("list_objects");
    list->set_description("List the bucket");
    list->set_passed(true);
    list->mutable_latency()->set_nanos(12'000'000);
    if (test_connection_succeeds) {
      response->set_success(true);
    } else {
      v1::ConnectionCheck* write = response->add_checks();
      write->set_name("write_probe");
      write->set_description("Write a small object");
      write->set_passed(false);
      write->set_detail("AccessDenied");
      write->mutable_latency()->set_seconds(1);
      write->mutable_latency()->set_nanos(500'000'000);
      response->set_reason("ACCESS_DENIED");
      response->set_message("The credentials cannot write to the bucket.");
    }
    response->mutable_latency()->set_seconds(2);
    return grpc::Status::OK;
  }

  grpc::Status Upload(grpc::ServerContext* context, grpc::ServerReader<v1::UploadRequest>* reader,
                      v1::UploadResponse* response) override {
    UploadRecord record;
    v1::UploadRequest request;
    bool first = true;
    grpc::Status result = grpc::Status::OK;
    while (reader->Read(&request)) {
      if (first) record.first_was_header = request.has_header();
      first = false;
      if (record.got_trailer) record.trailer_was_last = false;
      if (request.has_header()) record.header = request.header();
      if (request.kind_case() == v1::UploadRequest::kData) {
        record.data_sizes.push_back(request.data().size());
        record.data += request.data();
      }
      if (request.has_trailer()) {
        record.got_trailer = true;
        record.trailer = request.trailer();
      }
      if (fail_upload_after_bytes >= 0 &&
          static_cast<int64_t>(record.data.size()) > fail_upload_after_bytes) {
        result = RichGrpcStatus(grpc::StatusCode::INVALID_ARGUMENT, "stream longer than announced",
                                "SIZE_MISMATCH", {{"header.expected_size", "is 10"}});
        break;
      }
    }
    record.cancelled = context->IsCancelled();
    if (result.ok() && !record.cancelled) {
      response->set_bytes_stored(static_cast<int64_t>(record.data.size()));
      response->set_md5_hex(Md5Hex(record.data));
      response->set_bucket(record.header.bucket());
      response->set_key(record.header.key());
      response->set_storage_id("stg_0000000000000001");
    }
    absl::MutexLock lock(&mu_);
    last_upload_ = std::move(record);
    ++uploads_done_;
    return result;
  }

  grpc::Status ListObjects(grpc::ServerContext*, const v1::ListObjectsRequest* request,
                           v1::ListObjectsResponse* response) override {
    return objects.ListObjects(*request, response);
  }
  grpc::Status StatObject(grpc::ServerContext*, const v1::StatObjectRequest* request,
                          v1::ObjectInfo* response) override {
    return objects.StatObject(*request, response);
  }
  grpc::Status DeleteObject(grpc::ServerContext*, const v1::DeleteObjectRequest* request,
                            v1::DeleteObjectResponse*) override {
    return objects.DeleteObject(*request);
  }
  grpc::Status DeleteObjects(grpc::ServerContext*, const v1::DeleteObjectsRequest* request,
                             v1::DeleteObjectsResponse* response) override {
    return objects.DeleteObjects(*request, response);
  }
  grpc::Status ListIncompleteUploads(grpc::ServerContext*,
                                     const v1::ListIncompleteUploadsRequest* request,
                                     v1::ListIncompleteUploadsResponse* response) override {
    return objects.ListIncompleteUploads(*request, response);
  }
  grpc::Status CleanupIncompleteUploads(grpc::ServerContext*,
                                        const v1::CleanupIncompleteUploadsRequest* request,
                                        v1::CleanupIncompleteUploadsResponse* response) override {
    return objects.CleanupIncompleteUploads(*request, response);
  }
  grpc::Status GetLifecycle(grpc::ServerContext*, const v1::GetLifecycleRequest* request,
                            v1::Lifecycle* response) override {
    return objects.GetLifecycle(*request, response);
  }
  grpc::Status SetLifecycle(grpc::ServerContext*, const v1::SetLifecycleRequest* request,
                            v1::Lifecycle* response) override {
    return objects.SetLifecycle(*request, response);
  }
  grpc::Status Download(grpc::ServerContext* context, const v1::DownloadRequest* request,
                        grpc::ServerWriter<v1::DownloadResponse>* writer) override {
    return objects.Download(context, *request, writer);
  }

 private:
  void Delay(grpc::ServerContext* context) {
    absl::Time until = absl::Now() + rpc_delay;
    while (absl::Now() < until && !(context != nullptr && context->IsCancelled())) {
      absl::SleepFor(absl::Milliseconds(5));
    }
  }

  absl::Mutex mu_;
  UploadRecord last_upload_;
  int uploads_done_ = 0;
  std::vector<v1::ListStoragesRequest> list_requests_;
  v1::AddStorageRequest last_add_;
  v1::UpdateStorageRequest last_update_;
  v1::TestConnectionRequest last_test_;
};

// The fake, served in-process (no port).
class FakeServer {
 public:
  FakeServer() {
    grpc::ServerBuilder builder;
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
  }
  ~FakeServer() { server_->Shutdown(); }

  FakeStorageService& service() { return service_; }
  std::shared_ptr<grpc::Channel> channel() {
    return server_->InProcessChannel(grpc::ChannelArguments());
  }

 private:
  FakeStorageService service_;
  std::unique_ptr<grpc::Server> server_;
};

}  // namespace pluton::storage::client::testing

#endif  // PLUTON_TESTS_CLIENT_FAKE_STORAGE_SERVICE_H_
