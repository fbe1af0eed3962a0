// Conversions between the registry's and the providers' C++ values and the API's messages.
// Thread safety: free functions, no shared state.
#ifndef PLUTON_SERVICE_API_PROTO_CONVERSIONS_H_
#define PLUTON_SERVICE_API_PROTO_CONVERSIONS_H_

#include <vector>

#include "absl/time/time.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/timestamp.pb.h"
#include "plugin/provider.h"
#include "pluton/storage/v1/storage_service.pb.h"
#include "registry/storage_registry.h"

namespace pluton::storage {

void ToProto(absl::Time time, google::protobuf::Timestamp* out);
void ToProto(absl::Duration duration, google::protobuf::Duration* out);
absl::Duration FromProto(const google::protobuf::Duration& duration);

void ToProto(const StorageView& view, v1::Storage* out);
void ToProto(const Provider& provider, v1::Provider* out);
void ToProto(const TestConnectionReport& report, v1::TestConnectionResponse* out);
void ToProto(const ObjectDetails& object, v1::ObjectInfo* out);
void ToProto(const IncompleteUploadInfo& upload, v1::IncompleteUpload* out);
void ToProto(const KeyFailure& failure, v1::DeleteFailure* out);
void ToProto(const std::vector<LifecycleRuleSpec>& rules, v1::Lifecycle* out);

ConfigMap ConfigFromProto(const google::protobuf::Map<std::string, std::string>& config);

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_API_PROTO_CONVERSIONS_H_
