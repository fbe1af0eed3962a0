// The strict R2 fake (tests/fakes/r2fake/server.py) as a child process of the test binary,
// started once per process on a free port, and a client for its unsigned JSON control API.
//
//   FakeR2& fake = FakeR2::Get();          // starts it on first use (ADD_FAILURE if it cannot)
//   fake.Reset();                          // between tests
//   fake.Post("faults", {{"operation", "ListObjectsV2"}, {"action", "delay"}, ...});
//   config.Set("endpoint", fake.endpoint());
//
// Configuration (kFakeConfig): an admin token, an Object Read & Write token for "backups"
// only, an Object Read token for "backups", and the buckets "backups", "other" and
// "eu-backups" (EU jurisdiction). The fake runs with --exit-with-parent and
// PYTHONDONTWRITEBYTECODE=1, and is stopped with SIGTERM at exit.
//
// Thread safety: control calls may come from any thread (the transport is thread-safe).
#ifndef PLUTON_TESTS_R2_FAKE_R2_H_
#define PLUTON_TESTS_R2_FAKE_R2_H_

#include <sys/types.h>

#include <memory>
#include <string>

#include "nlohmann/json.hpp"
#include "pluton/s3/curl_transport.h"

namespace pluton::r2_test {

inline constexpr char kAdminKeyId[] = "adminkey0000000000000000000000aa";
inline constexpr char kAdminSecret[] =
    "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";
inline constexpr char kScopedKeyId[] = "scopedkey00000000000000000000bbb";
inline constexpr char kScopedSecret[] =
    "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";
inline constexpr char kReadOnlyKeyId[] = "readonlykey000000000000000000ccc";
inline constexpr char kReadOnlySecret[] =
    "00ff11ee22dd33cc44bb55aa6699778800ff11ee22dd33cc44bb55aa66997788";
// A well-formed account id; with an endpoint override it only has to pass validation.
inline constexpr char kAccountId[] = "0123456789abcdef0123456789abcdef";

class FakeR2 {
 public:
  // The process-wide fake, started on first call. Check ok() (and error()) before use.
  static FakeR2& Get();
  ~FakeR2();

  bool ok() const { return port_ > 0; }
  const std::string& error() const { return error_; }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // Control calls (paths under /__fake__/). ADD_FAILURE and null on any error.
  nlohmann::json Call(const std::string& method, const std::string& path_and_query,
                      const nlohmann::json& body = nullptr);
  nlohmann::json Post(const std::string& path, const nlohmann::json& body) {
    return Call("POST", path, body);
  }
  void Reset() { Call("POST", "reset", nlohmann::json::object()); }
  // Objects of a bucket (optionally under a prefix); request log entries of an operation.
  nlohmann::json Objects(const std::string& bucket, const std::string& prefix = "");
  nlohmann::json Requests(const std::string& operation);
  nlohmann::json Uploads(const std::string& bucket);
  // The stored bytes of an object ("" when missing).
  std::string ObjectBytes(const std::string& bucket, const std::string& key);

 private:
  FakeR2();
  void Start();

  std::string dir_;
  pid_t pid_ = -1;
  int port_ = 0;
  std::string error_;
  std::unique_ptr<s3::CurlTransport> transport_;
};

// Query-component percent-encoding.
std::string UrlEncode(const std::string& text);

}  // namespace pluton::r2_test

#endif  // PLUTON_TESTS_R2_FAKE_R2_H_
