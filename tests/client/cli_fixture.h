// CliTest: pluton-storage run in-process (RunCli) against the fake service, with captured
// output, a fake environment (variables, files, standard input) and a record of the clients
// the CLI created. Each test file derives its own fixture from it.
#ifndef PLUTON_TESTS_CLIENT_CLI_FIXTURE_H_
#define PLUTON_TESTS_CLIENT_CLI_FIXTURE_H_

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "client/cli/cli.h"
#include "fake_storage_service.h"

namespace pluton::storage::client {

class CliTest : public ::testing::Test {
 protected:
  CliTest() {
    env_.out = &out_;
    env_.err = &err_;
    env_.input.getenv = [this](const std::string& name) -> std::optional<std::string> {
      auto it = vars_.find(name);
      if (it == vars_.end()) return std::nullopt;
      return it->second;
    };
    env_.input.read_file = [this](const std::string& path) -> absl::StatusOr<std::string> {
      auto it = files_.find(path);
      if (it == files_.end()) return absl::NotFoundError("cannot read " + path);
      return it->second;
    };
    env_.open_stdin = [this]() -> std::unique_ptr<ByteSource> {
      return std::make_unique<MemoryByteSource>(stdin_);
    };
    env_.make_client = [this](const std::string& target, const ClientOptions& options) {
      targets_.push_back(target);
      timeouts_.push_back(options.timeout);
      return std::make_unique<StorageClient>(server_.channel(), options);
    };
  }

  int Run(std::vector<std::string> args) {
    out_.str("");
    err_.str("");
    return RunCli(args, env_);
  }
  std::string out() const { return out_.str(); }
  std::string err() const { return err_.str(); }
  testing::FakeStorageService& service() { return server_.service(); }
  testing::FakeObjects& objects() { return server_.service().objects; }

  testing::FakeServer server_;
  std::ostringstream out_, err_;
  std::map<std::string, std::string> vars_, files_;
  std::string stdin_;
  std::vector<std::string> targets_;
  std::vector<absl::Duration> timeouts_;
  CliEnvironment env_;
};

}  // namespace pluton::storage::client

#endif  // PLUTON_TESTS_CLIENT_CLI_FIXTURE_H_
