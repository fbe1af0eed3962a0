// R2FakeProcess: the strict R2 fake (tests/fakes/r2fake/server.py) as a child process on a
// free port, and a client for its unsigned JSON control API under /__fake__/.
//
//   std::unique_ptr<R2FakeProcess> fake = R2FakeProcess::Start({"--bucket", "backups"});
//   S3Endpoint endpoint{fake->endpoint()};          // http://127.0.0.1:<port>, path-style
//   fake->Reset();                                  // between tests
//   fake->AddFault({{"operation", "UploadPart"}, {"status", 503}, {"times", 2}});
//   std::string bytes = fake->ObjectBytes("backups", "key");
//
// The fake runs with --exit-with-parent, so a crashed test binary leaves nothing behind, and
// with PYTHONDONTWRITEBYTECODE=1, so it writes nothing into the source tree; the destructor
// stops it with SIGTERM and reaps it. Control calls go through the real CurlTransport.
// Failures of the control API are reported as gtest failures (ADD_FAILURE) and an empty/null
// result, so tests stay short.
//
// Thread safety: control calls may be made from any thread.
#ifndef PLUTON_TESTS_S3CORE_R2FAKE_PROCESS_H_
#define PLUTON_TESTS_S3CORE_R2FAKE_PROCESS_H_

#include <sys/types.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/temp_dir.h"
#include "pluton/s3/curl_transport.h"

namespace pluton::s3::testing {

// The fake's default admin token (README.md) and an Object Read & Write token limited to the
// bucket "other", both configured by StartDefault().
inline constexpr char kAdminKeyId[] = "r2fakeadmin000000000000000000000";
inline constexpr char kAdminSecret[] =
    "6b9f0e2d1c3a4b5e8f7a6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a";
inline constexpr char kScopedKeyId[] = "scopedtoken000000000000000000000";
inline constexpr char kScopedSecret[] =
    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

class R2FakeProcess {
 public:
  // Starts server.py with `args` added to --port/--port-file/--data-dir/--exit-with-parent
  // and waits (up to 30 s) until it listens.
  static absl::StatusOr<std::unique_ptr<R2FakeProcess>> Start(std::vector<std::string> args);
  // Buckets "backups" and "other"; the admin token and the scoped token above.
  static absl::StatusOr<std::unique_ptr<R2FakeProcess>> StartDefault(
      std::vector<std::string> extra_args = {});
  // Writes `config` (the fake's --config JSON: credentials, buckets, settings) into the
  // fake's directory and starts it with --config and `extra_args`.
  static absl::StatusOr<std::unique_ptr<R2FakeProcess>> StartWithConfig(
      const nlohmann::json& config, std::vector<std::string> extra_args = {});

  ~R2FakeProcess();
  R2FakeProcess(const R2FakeProcess&) = delete;
  R2FakeProcess& operator=(const R2FakeProcess&) = delete;

  std::string endpoint() const;  // http://127.0.0.1:<port>
  int port() const { return port_; }

  // Raw control calls: the body of a 2xx answer, else an error naming the status and body.
  absl::StatusOr<std::string> Control(const std::string& method, const std::string& path_and_query,
                                      const std::string& body = "");
  // JSON control calls (ADD_FAILURE and null on error).
  nlohmann::json Json(const std::string& method, const std::string& path_and_query,
                      const nlohmann::json& body = nullptr);

  void Reset();                                         // POST /__fake__/reset
  nlohmann::json AddFault(const nlohmann::json& rule);  // POST /__fake__/faults
  void SetSettings(const nlohmann::json& settings);     // POST /__fake__/settings
  // The request log, optionally only one operation ("UploadPart", ...), including every request
  // whose answer the caller has already received (the fake waits, up to 2 s, for requests in
  // progress to be recorded before answering).
  nlohmann::json Requests(const std::string& operation = "");
  // Requests(operation) once it holds at least `count` entries (polled for up to 5 s; the
  // log as it then is, so a test comparing its size with `count` fails when it stays short).
  nlohmann::json WaitForRequests(const std::string& operation, size_t count);
  nlohmann::json Uploads(const std::string& bucket);  // in-progress multipart uploads
  // Stored objects (with part_sizes), optionally only those under `prefix`.
  nlohmann::json Objects(const std::string& bucket, const std::string& prefix = "");
  // The stored bytes; nullopt-like empty status when there is no such object.
  absl::StatusOr<std::string> ObjectBytes(const std::string& bucket, const std::string& key);

  // The fake's stderr so far (for failure messages).
  std::string Log() const;

 private:
  R2FakeProcess() = default;
  // Spawns server.py with `args` into a fake that already has its directory.
  static absl::StatusOr<std::unique_ptr<R2FakeProcess>> Spawn(std::unique_ptr<R2FakeProcess> fake,
                                                              std::vector<std::string> args);

  pluton::testing::TempDir dir_;
  pid_t pid_ = -1;
  int port_ = 0;
  std::unique_ptr<CurlTransport> transport_;
};

// Query-component encoding for control URLs.
std::string UrlEncode(const std::string& s);

}  // namespace pluton::s3::testing

#endif  // PLUTON_TESTS_S3CORE_R2FAKE_PROCESS_H_
