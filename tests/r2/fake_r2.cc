#include "fake_r2.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

extern char** environ;

namespace pluton::r2_test {
namespace {

namespace fs = std::filesystem;

nlohmann::json FakeConfig() {
  using nlohmann::json;
  return json{
      {"credentials",
       json::array({
           {{"access_key_id", kAdminKeyId}, {"secret_access_key", kAdminSecret}, {"admin", true}},
           {{"access_key_id", kScopedKeyId},
            {"secret_access_key", kScopedSecret},
            {"buckets", json::array({"backups"})}},
           {{"access_key_id", kReadOnlyKeyId},
            {"secret_access_key", kReadOnlySecret},
            {"buckets", json::array({"backups"})},
            {"permission", "read-only"}},
       })},
      {"buckets",
       json::array({"backups", "other", json{{"name", "eu-backups"}, {"jurisdiction", "eu"}}})},
  };
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

std::string UrlEncode(const std::string& text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
  return out;
}

static FakeR2* g_fake = nullptr;  // the process-wide fake, deleted (stopped) at exit

FakeR2& FakeR2::Get() {
  static FakeR2* fake = [] {
    g_fake = new FakeR2();
    g_fake->Start();
    std::atexit([] { delete g_fake; });
    return g_fake;
  }();
  return *fake;
}

FakeR2::FakeR2() = default;

FakeR2::~FakeR2() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  std::error_code ignored;
  if (!dir_.empty()) fs::remove_all(dir_, ignored);
}

void FakeR2::Start() {
  absl::StatusOr<std::unique_ptr<s3::CurlTransport>> transport = s3::CurlTransport::Create({});
  if (!transport.ok()) {
    error_ = "CurlTransport: " + std::string(transport.status().message());
    return;
  }
  transport_ = *std::move(transport);

  std::string pattern = (fs::temp_directory_path() / "pluton-r2-test-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    error_ = "mkdtemp failed";
    return;
  }
  dir_ = pattern;
  const std::string config_path = dir_ + "/r2fake.json";
  const std::string port_file = dir_ + "/port";
  const std::string log_file = dir_ + "/stderr.log";
  std::ofstream(config_path) << FakeConfig().dump();

  const std::string script = std::string(PLUTON_R2FAKE_DIR) + "/server.py";
  std::vector<std::string> args = {
      "/usr/bin/python3", script,         "--port",   "0",         "--port-file",       port_file,
      "--data-dir",       dir_ + "/data", "--config", config_path, "--exit-with-parent"};
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_strings = {"PYTHONDONTWRITEBYTECODE=1"};
  for (char** e = environ; *e != nullptr; ++e) env_strings.emplace_back(*e);
  std::vector<char*> envp;
  for (std::string& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log_file.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    error_ = "posix_spawn /usr/bin/python3 failed: " + std::to_string(rc);
    return;
  }
  pid_ = pid;

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      error_ = "the fake exited at start: " + ReadFile(log_file);
      return;
    }
    const std::string text = ReadFile(port_file);
    if (!text.empty() && text.back() == '\n') {
      port_ = std::stoi(text);
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  error_ = "the fake did not start within 30 s: " + ReadFile(log_file);
}

nlohmann::json FakeR2::Call(const std::string& method, const std::string& path_and_query,
                            const nlohmann::json& body) {
  if (!ok()) {
    ADD_FAILURE() << "the R2 fake is not running: " << error_;
    return nullptr;
  }
  s3::HttpRequest request;
  request.method = method;
  request.url = endpoint() + "/__fake__/" + path_and_query;
  request.timeout = absl::Seconds(30);
  const std::string text = body.is_null() ? std::string() : body.dump();
  if (!body.is_null()) {
    request.headers.emplace_back("Content-Type", "application/json");
    request.body.push_back(
        absl::Span<const uint8_t>(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
  }
  absl::StatusOr<s3::HttpResponse> response = transport_->Send(request, nullptr);
  if (!response.ok()) {
    ADD_FAILURE() << method << " " << path_and_query << ": " << response.status();
    return nullptr;
  }
  if (response->status / 100 != 2) {
    ADD_FAILURE() << method << " " << path_and_query << ": HTTP " << response->status << " "
                  << response->body;
    return nullptr;
  }
  const nlohmann::json parsed = nlohmann::json::parse(response->body, nullptr, false);
  if (parsed.is_discarded()) return response->body;  // not JSON: the raw body as a string
  return parsed;
}

nlohmann::json FakeR2::Objects(const std::string& bucket, const std::string& prefix) {
  return Call("GET", "objects?bucket=" + UrlEncode(bucket) + "&prefix=" + UrlEncode(prefix));
}

nlohmann::json FakeR2::Requests(const std::string& operation) {
  return Call("GET", "requests?operation=" + UrlEncode(operation));
}

nlohmann::json FakeR2::Uploads(const std::string& bucket) {
  return Call("GET", "uploads?bucket=" + UrlEncode(bucket));
}

std::string FakeR2::ObjectBytes(const std::string& bucket, const std::string& key) {
  s3::HttpRequest request;
  request.method = "GET";
  request.url =
      endpoint() + "/__fake__/object?bucket=" + UrlEncode(bucket) + "&key=" + UrlEncode(key);
  request.timeout = absl::Seconds(30);
  absl::StatusOr<s3::HttpResponse> response = transport_->Send(request, nullptr);
  if (!response.ok() || response->status != 200) return "";
  return response->body;
}

}  // namespace pluton::r2_test
