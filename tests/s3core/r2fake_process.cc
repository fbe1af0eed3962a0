#include "r2fake_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "pluton/s3/uri_encode.h"

extern char** environ;

namespace pluton::s3::testing {

std::string UrlEncode(const std::string& s) { return EncodeQueryComponent(s); }

absl::StatusOr<std::unique_ptr<R2FakeProcess>> R2FakeProcess::StartDefault(
    std::vector<std::string> extra_args) {
  std::vector<std::string> args = {
      "--bucket",     "backups",
      "--bucket",     "other",
      "--credential", absl::StrCat(kAdminKeyId, ":", kAdminSecret),
      "--credential", absl::StrCat(kScopedKeyId, ":", kScopedSecret, ":other"),
  };
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  return Start(std::move(args));
}

absl::StatusOr<std::unique_ptr<R2FakeProcess>> R2FakeProcess::StartWithConfig(
    const nlohmann::json& config, std::vector<std::string> extra_args) {
  std::unique_ptr<R2FakeProcess> fake(new R2FakeProcess());
  const std::string config_path = fake->dir_.Sub("r2fake.json");
  {
    std::ofstream out(config_path, std::ios::binary | std::ios::trunc);
    out << config.dump();
    if (!out.good()) return absl::InternalError(absl::StrCat("cannot write ", config_path));
  }
  std::vector<std::string> args = {"--config", config_path};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  return Spawn(std::move(fake), std::move(args));
}

absl::StatusOr<std::unique_ptr<R2FakeProcess>> R2FakeProcess::Start(std::vector<std::string> args) {
  return Spawn(std::unique_ptr<R2FakeProcess>(new R2FakeProcess()), std::move(args));
}

absl::StatusOr<std::unique_ptr<R2FakeProcess>> R2FakeProcess::Spawn(
    std::unique_ptr<R2FakeProcess> fake, std::vector<std::string> args) {
  const std::string port_file = fake->dir_.Sub("port");
  std::vector<std::string> argv_strings = {"/usr/bin/python3",
                                           std::string(PLUTON_R2FAKE_DIR) + "/server.py",
                                           "--port",
                                           "0",
                                           "--port-file",
                                           port_file,
                                           "--data-dir",
                                           fake->dir_.Sub("data"),
                                           "--exit-with-parent"};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);
  // The caller's environment, plus PYTHONDONTWRITEBYTECODE=1 (no __pycache__ in the sources).
  std::vector<std::string> env_strings = {"PYTHONDONTWRITEBYTECODE=1"};
  for (char** e = environ; *e != nullptr; ++e) env_strings.emplace_back(*e);
  std::vector<char*> envp;
  for (std::string& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, fake->dir_.Sub("stdout").c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, fake->dir_.Sub("stderr").c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const int rc = posix_spawn(&fake->pid_, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    fake->pid_ = -1;
    return absl::InternalError(absl::StrCat("posix_spawn /usr/bin/python3 failed: ", rc));
  }

  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (true) {
    int status = 0;
    if (waitpid(fake->pid_, &status, WNOHANG) == fake->pid_) {
      fake->pid_ = -1;
      return absl::InternalError(absl::StrCat("r2fake exited at start: ", fake->Log()));
    }
    std::ifstream in(port_file);
    std::string line;
    if (in && std::getline(in, line) &&
        absl::SimpleAtoi(absl::StripAsciiWhitespace(line), &fake->port_)) {
      break;
    }
    if (absl::Now() > deadline) {
      return absl::DeadlineExceededError(
          absl::StrCat("r2fake did not write its port file: ", fake->Log()));
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  CurlTransportOptions options;
  options.use_environment_proxy = false;
  absl::StatusOr<std::unique_ptr<CurlTransport>> transport = CurlTransport::Create(options);
  if (!transport.ok()) return transport.status();
  fake->transport_ = std::move(*transport);
  return fake;
}

R2FakeProcess::~R2FakeProcess() {
  transport_.reset();
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
}

std::string R2FakeProcess::endpoint() const { return absl::StrCat("http://127.0.0.1:", port_); }

std::string R2FakeProcess::Log() const {
  return pluton::testing::ReadFileBytes(dir_.Sub("stderr"));
}

absl::StatusOr<std::string> R2FakeProcess::Control(const std::string& method,
                                                   const std::string& path_and_query,
                                                   const std::string& body) {
  HttpRequest request;
  request.method = method;
  request.url = absl::StrCat(endpoint(), "/__fake__/", path_and_query);
  request.timeout = absl::Seconds(30);
  if (!body.empty()) {
    request.headers = {{"Content-Type", "application/json"}};
    request.body = {
        absl::Span<const uint8_t>(reinterpret_cast<const uint8_t*>(body.data()), body.size())};
  }
  absl::StatusOr<HttpResponse> response = transport_->Send(request, nullptr);
  if (!response.ok()) return response.status();
  if (response->status / 100 != 2) {
    return absl::InternalError(absl::StrCat(method, " /__fake__/", path_and_query, ": HTTP ",
                                            response->status, ": ", response->body));
  }
  return std::move(response->body);
}

nlohmann::json R2FakeProcess::Json(const std::string& method, const std::string& path_and_query,
                                   const nlohmann::json& body) {
  absl::StatusOr<std::string> text =
      Control(method, path_and_query, body.is_null() ? "" : body.dump());
  if (!text.ok()) {
    ADD_FAILURE() << text.status();
    return nullptr;
  }
  nlohmann::json parsed = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    ADD_FAILURE() << "control answer is not JSON: " << *text;
    return nullptr;
  }
  return parsed;
}

void R2FakeProcess::Reset() { Json("POST", "reset"); }

nlohmann::json R2FakeProcess::AddFault(const nlohmann::json& rule) {
  return Json("POST", "faults", rule);
}

void R2FakeProcess::SetSettings(const nlohmann::json& settings) {
  Json("POST", "settings", settings);
}

nlohmann::json R2FakeProcess::Requests(const std::string& operation) {
  return Json("GET", operation.empty() ? "requests"
                                       : absl::StrCat("requests?operation=", UrlEncode(operation)));
}

nlohmann::json R2FakeProcess::WaitForRequests(const std::string& operation, size_t count) {
  const absl::Time deadline = absl::Now() + absl::Seconds(5);
  while (true) {
    nlohmann::json log = Requests(operation);
    if (!log.is_array() || log.size() >= count || absl::Now() > deadline) return log;
    absl::SleepFor(absl::Milliseconds(5));
  }
}

nlohmann::json R2FakeProcess::Uploads(const std::string& bucket) {
  return Json("GET", absl::StrCat("uploads?bucket=", UrlEncode(bucket)));
}

nlohmann::json R2FakeProcess::Objects(const std::string& bucket, const std::string& prefix) {
  std::string query = absl::StrCat("objects?bucket=", UrlEncode(bucket));
  if (!prefix.empty()) absl::StrAppend(&query, "&prefix=", UrlEncode(prefix));
  return Json("GET", query);
}

absl::StatusOr<std::string> R2FakeProcess::ObjectBytes(const std::string& bucket,
                                                       const std::string& key) {
  return Control("GET", absl::StrCat("object?bucket=", UrlEncode(bucket), "&key=", UrlEncode(key)));
}

}  // namespace pluton::s3::testing
