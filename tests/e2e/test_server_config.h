// The ServerConfig every in-process test server starts from: loopback port 0, data and plugins
// in the test's directory, local storages anywhere in that directory (but the service's own
// files), endpoint overrides to loopback (the fakes and servers tests run), and trust in plugins
// the test's own user built when it is not root.
#ifndef PLUTON_TESTS_E2E_TEST_SERVER_CONFIG_H_
#define PLUTON_TESTS_E2E_TEST_SERVER_CONFIG_H_

#include <unistd.h>

#include "common/temp_dir.h"
#include "server/storage_server.h"

namespace pluton::testing {

inline storage::ServerConfig TestServerConfig(const TempDir& dir) {
  storage::ServerConfig config;
  config.listen_address = "127.0.0.1:0";
  config.data_dir = dir.Sub("data");
  config.plugin_dir = dir.Sub("plugins");
  config.local_roots = {dir.path()};
  config.allowed_endpoints = {"127.0.0.1", "localhost"};
  // A developer's build belongs to the user who runs the tests; CI runs them as root.
  config.allow_plugins_owned_by_service_user = geteuid() != 0;
  return config;
}

}  // namespace pluton::testing

#endif  // PLUTON_TESTS_E2E_TEST_SERVER_CONFIG_H_
