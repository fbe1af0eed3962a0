// What the client tests' fakes put on the wire: errors with google.rpc details encoded the
// way the real service encodes them, and MD5s as the service reports them.
#ifndef PLUTON_TESTS_CLIENT_FAKE_WIRE_H_
#define PLUTON_TESTS_CLIENT_FAKE_WIRE_H_

#include <openssl/evp.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/support/status.h"

namespace pluton::storage::client::testing {

// A grpc::Status with a google.rpc.Status carrying ErrorInfo(reason) and BadRequest.
inline grpc::Status RichGrpcStatus(
    grpc::StatusCode code, const std::string& message, const std::string& reason,
    const std::vector<std::pair<std::string, std::string>>& violations = {}) {
  google::rpc::Status wire;
  wire.set_code(code);
  wire.set_message(message);
  if (!reason.empty()) {
    google::rpc::ErrorInfo info;
    info.set_reason(reason);
    info.set_domain("storage.pluton.dev");
    wire.add_details()->PackFrom(info);
  }
  if (!violations.empty()) {
    google::rpc::BadRequest bad_request;
    for (const auto& [field, description] : violations) {
      auto* v = bad_request.add_field_violations();
      v->set_field(field);
      v->set_description(description);
    }
    wire.add_details()->PackFrom(bad_request);
  }
  return grpc::Status(code, message, wire.SerializeAsString());
}

inline std::string Md5Hex(const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), out, &size, EVP_md5(), nullptr);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(out), size));
}

}  // namespace pluton::storage::client::testing

#endif  // PLUTON_TESTS_CLIENT_FAKE_WIRE_H_
