// Fuzz target: the service's API as a client on the network sees it. A real StorageServer
// (gRPC on 127.0.0.1:0, SQLite registry, the real plugins by dlopen) with one `local` storage
// takes the calls an input describes, so every request goes through the proto conversions,
// the request checks, the registry and the host's conversions into the plugin's C calls, and
// every answer back out through them.
//
// Input (see corpus/service_api/): calls separated by lines "===". A call is its method
// name on the first line, then its request in protobuf text format. Upload takes a stream:
// UploadRequest messages separated by lines "---". A request whose `storage` (or Upload's
// header.storage) is empty gets the local storage's name. Methods: Upload, Download,
// ListObjects, StatObject, DeleteObject, DeleteObjects, ListIncompleteUploads,
// CleanupIncompleteUploads, GetLifecycle, SetLifecycle, ListProviders, GetStorage,
// ListStorages. (Storage management and TestConnection are left out: they would change the
// registry between inputs or, with another provider, reach for the network.)
//
// Properties: every error has a message and a code other than UNKNOWN or INTERNAL, and
// INVALID_ARGUMENT names the wrong fields; an upload the service accepts stores the bytes
// sent, downloads back byte for byte, and stats with its size, content type and metadata;
// nothing is ever written outside the storage's root. Each input starts from an empty root.
#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/text_format.h>
#include <grpcpp/grpcpp.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "api_world.h"
#include "client/error_details.h"
#include "fuzz_check.h"
#include "pluton/storage/v1/storage_service.grpc.pb.h"

namespace {

namespace v1 = pluton::storage::v1;
using pluton::fuzz::ApiWorld;

constexpr absl::Duration kCallDeadline = absl::Seconds(30);

// Parses `text` into `message`; false when it is not text format for it.
bool ParseText(absl::string_view text, google::protobuf::Message* message) {
  google::protobuf::TextFormat::Parser parser;
  parser.AllowPartialMessage(true);
  google::protobuf::io::ArrayInputStream stream(text.data(), static_cast<int>(text.size()));
  // Text format errors are the input's, not findings: keep them quiet.
  class Quiet : public google::protobuf::io::ErrorCollector {
    void AddError(int, int, const std::string&) override {}
  } quiet;
  parser.RecordErrorsTo(&quiet);
  if (!parser.Parse(&stream, message)) return false;
  // Strings that are not UTF-8 cannot travel in proto3: gRPC refuses such a request before the
  // service sees it (with an empty message: gRPC's behaviour, not the service's).
  std::string wire;
  std::unique_ptr<google::protobuf::Message> copy(message->New());
  return message->SerializeToString(&wire) && copy->ParseFromString(wire);
}

// The local storage stands in for an empty `storage` field.
void DefaultStorage(google::protobuf::Message* message) {
  const google::protobuf::FieldDescriptor* field =
      message->GetDescriptor()->FindFieldByName("storage");
  if (field == nullptr || field->type() != google::protobuf::FieldDescriptor::TYPE_STRING) return;
  const google::protobuf::Reflection* reflection = message->GetReflection();
  if (reflection->GetString(*message, field).empty()) {
    reflection->SetString(message, field, ApiWorld::Get().local_storage());
  }
}

void CheckStatus(const grpc::Status& status) {
  if (status.ok()) return;
  FUZZ_CHECK(!status.error_message().empty(), "an error without a message");
  FUZZ_CHECK(status.error_code() != grpc::StatusCode::UNKNOWN, "an UNKNOWN error");
  FUZZ_CHECK(status.error_code() != grpc::StatusCode::INTERNAL, "an INTERNAL error");
  if (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
    const pluton::storage::client::ErrorDetails details =
        pluton::storage::client::GetErrorDetails(pluton::storage::client::FromGrpcStatus(status));
    FUZZ_CHECK(!details.field_violations.empty(), "INVALID_ARGUMENT names no field");
  }
}

std::unique_ptr<grpc::ClientContext> Context() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + kCallDeadline));
  return context;
}

// Reads a whole object (or fails); empty optional on an error status.
std::optional<std::string> Download(const v1::DownloadRequest& request) {
  auto context = Context();
  std::unique_ptr<grpc::ClientReader<v1::DownloadResponse>> reader =
      ApiWorld::Get().stub().Download(context.get(), request);
  std::string bytes;
  v1::DownloadResponse response;
  while (reader->Read(&response)) {
    if (response.has_data()) bytes += response.data();
  }
  const grpc::Status status = reader->Finish();
  CheckStatus(status);
  if (!status.ok()) return std::nullopt;
  return bytes;
}

// An upload the service accepted: the object must be there, whole, as described.
void CheckStoredObject(const v1::UploadHeader& header, const std::string& sent,
                       const v1::UploadResponse& response) {
  FUZZ_CHECK(response.bytes_stored() == static_cast<int64_t>(sent.size()),
             "the upload stored another number of bytes than were sent");
  v1::DownloadRequest download;
  download.set_storage(header.storage());
  download.set_bucket(header.bucket());
  download.set_key(header.key());
  const std::optional<std::string> stored = Download(download);
  FUZZ_CHECK(stored.has_value() && *stored == sent, "an uploaded object does not read back");

  v1::StatObjectRequest stat;
  stat.set_storage(header.storage());
  stat.set_bucket(header.bucket());
  stat.set_key(header.key());
  v1::ObjectInfo info;
  auto context = Context();
  const grpc::Status status = ApiWorld::Get().stub().StatObject(context.get(), stat, &info);
  FUZZ_CHECK(status.ok(), "an uploaded object cannot be described");
  FUZZ_CHECK(info.size() == static_cast<int64_t>(sent.size()), "StatObject gives another size");
  if (ApiWorld::Get().stores_attributes()) {
    FUZZ_CHECK(info.content_type() == header.content_type() || header.content_type().empty(),
               "the content type did not survive");
    FUZZ_CHECK(info.metadata().size() == header.metadata().size(), "metadata did not survive");
    for (const auto& [key, value] : header.metadata()) {
      const auto found = info.metadata().find(key);
      FUZZ_CHECK(found != info.metadata().end() && found->second == value,
                 "a metadata value did not survive");
    }
  }
}

void Upload(absl::string_view body) {
  std::vector<v1::UploadRequest> messages;
  for (absl::string_view text : absl::StrSplit(body, "\n---\n")) {
    v1::UploadRequest message;
    if (!ParseText(text, &message)) return;
    if (message.has_header()) DefaultStorage(message.mutable_header());
    messages.push_back(std::move(message));
  }
  auto context = Context();
  v1::UploadResponse response;
  std::unique_ptr<grpc::ClientWriter<v1::UploadRequest>> writer =
      ApiWorld::Get().stub().Upload(context.get(), &response);
  std::string sent;
  for (const v1::UploadRequest& message : messages) {
    if (!writer->Write(message)) break;
    if (message.has_data()) sent += message.data();
  }
  writer->WritesDone();
  const grpc::Status status = writer->Finish();
  CheckStatus(status);
  if (!status.ok()) return;
  FUZZ_CHECK(!messages.empty() && messages.front().has_header(),
             "an upload without a header was accepted");
  CheckStoredObject(messages.front().header(), sent, response);
}

template <class Request, class Response, class Method>
void Unary(absl::string_view text, Method method) {
  Request request;
  if (!ParseText(text, &request)) return;
  DefaultStorage(&request);
  Response response;
  auto context = Context();
  CheckStatus((ApiWorld::Get().stub().*method)(context.get(), request, &response));
}

void Call(absl::string_view call) {
  const size_t end = call.find('\n');
  const absl::string_view method = absl::StripAsciiWhitespace(call.substr(0, end));
  const absl::string_view body = end == absl::string_view::npos ? "" : call.substr(end + 1);
  using Stub = v1::StorageService::Stub;
  if (method == "Upload") {
    Upload(body);
  } else if (method == "Download") {
    v1::DownloadRequest request;
    if (!ParseText(body, &request)) return;
    DefaultStorage(&request);
    Download(request);
  } else if (method == "ListObjects") {
    Unary<v1::ListObjectsRequest, v1::ListObjectsResponse>(body, &Stub::ListObjects);
  } else if (method == "StatObject") {
    Unary<v1::StatObjectRequest, v1::ObjectInfo>(body, &Stub::StatObject);
  } else if (method == "DeleteObject") {
    Unary<v1::DeleteObjectRequest, v1::DeleteObjectResponse>(body, &Stub::DeleteObject);
  } else if (method == "DeleteObjects") {
    Unary<v1::DeleteObjectsRequest, v1::DeleteObjectsResponse>(body, &Stub::DeleteObjects);
  } else if (method == "ListIncompleteUploads") {
    Unary<v1::ListIncompleteUploadsRequest, v1::ListIncompleteUploadsResponse>(
        body, &Stub::ListIncompleteUploads);
  } else if (method == "CleanupIncompleteUploads") {
    Unary<v1::CleanupIncompleteUploadsRequest, v1::CleanupIncompleteUploadsResponse>(
        body, &Stub::CleanupIncompleteUploads);
  } else if (method == "GetLifecycle") {
    Unary<v1::GetLifecycleRequest, v1::Lifecycle>(body, &Stub::GetLifecycle);
  } else if (method == "SetLifecycle") {
    Unary<v1::SetLifecycleRequest, v1::Lifecycle>(body, &Stub::SetLifecycle);
  } else if (method == "ListProviders") {
    Unary<v1::ListProvidersRequest, v1::ListProvidersResponse>(body, &Stub::ListProviders);
  } else if (method == "GetStorage") {
    Unary<v1::GetStorageRequest, v1::Storage>(body, &Stub::GetStorage);
  } else if (method == "ListStorages") {
    Unary<v1::ListStoragesRequest, v1::ListStoragesResponse>(body, &Stub::ListStorages);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ApiWorld& world = ApiWorld::Get();
  world.EmptyRoot();
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  for (absl::string_view call : absl::StrSplit(input, "\n===\n")) Call(call);
  FUZZ_CHECK(world.SandboxHoldsOnlyRoot(), "something was written outside the storage's root");
  return 0;
}
