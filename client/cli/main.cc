// pluton-storage: command line client of the Pluton storage service. See cli.h.
#include <string>
#include <vector>

#include "client/cli/cli.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  pluton::storage::client::CliEnvironment env = pluton::storage::client::SystemCliEnvironment();
  return pluton::storage::client::RunCli(args, env);
}
