// A provider endpoint that hangs, for tests of what the service does while calls wait on it.
//
// SilentServer: a TCP server on loopback that accepts connections, reads and discards what
// arrives, and never answers. It counts the connections it accepted, so a test knows when a
// call has reached it. SetSilentR2Config and HangingConnectionTest point an r2 storage at it.
//
// Thread safety: connections() and WaitForConnections() from any thread. The destructor closes
// every socket (the clients then see the connection reset) and joins its thread.
#ifndef PLUTON_TESTS_E2E_SILENT_ENDPOINT_H_
#define PLUTON_TESTS_E2E_SILENT_ENDPOINT_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "pluton/storage/v1/storage_service.pb.h"

namespace pluton::testing {

class SilentServer {
 public:
  SilentServer() {
    listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address));
    listen(listen_fd_, 64);
    socklen_t size = sizeof(address);
    getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &size);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~SilentServer() {
    stop_ = true;
    thread_.join();
    for (int fd : connections_fds_) close(fd);
    close(listen_fd_);
  }
  SilentServer(const SilentServer&) = delete;
  SilentServer& operator=(const SilentServer&) = delete;

  int port() const { return port_; }
  int connections() const { return accepted_.load(); }
  // True once `count` connections were accepted; false when `timeout` passed first.
  bool WaitForConnections(int count, std::chrono::milliseconds timeout) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (accepted_.load() < count) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return true;
  }

 private:
  // Accepts, and drains the accepted sockets so that clients never block on a full buffer.
  void Serve() {
    char sink[4096];
    while (!stop_) {
      std::vector<pollfd> fds{{listen_fd_, POLLIN, 0}};
      for (int fd : connections_fds_) fds.push_back({fd, POLLIN, 0});
      if (poll(fds.data(), fds.size(), 20) <= 0) continue;
      if (fds[0].revents & POLLIN) {
        const int fd = accept(listen_fd_, nullptr, nullptr);
        if (fd >= 0) {
          connections_fds_.push_back(fd);
          accepted_.fetch_add(1);
        }
      }
      for (size_t i = 1; i < fds.size(); ++i) {
        if ((fds[i].revents & (POLLIN | POLLHUP)) && read(fds[i].fd, sink, sizeof(sink)) <= 0) {
          Forget(fds[i].fd);  // the client closed it
        }
      }
    }
  }

  void Forget(int fd) {
    close(fd);
    for (auto it = connections_fds_.begin(); it != connections_fds_.end(); ++it) {
      if (*it == fd) {
        connections_fds_.erase(it);
        return;
      }
    }
  }

  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> accepted_{0};
  std::vector<int> connections_fds_;  // the serving thread's, until it is joined
  std::thread thread_;
};

// An r2 configuration whose endpoint is a SilentServer's `port`.
inline void SetSilentR2Config(int port, google::protobuf::Map<std::string, std::string>* config) {
  (*config)["account_id"] = "0123456789abcdef0123456789abcdef";
  (*config)["access_key_id"] = "0123456789abcdef0123456789abcdef";
  (*config)["secret_access_key"] = std::string(64, 'a');
  (*config)["endpoint"] = absl::StrCat("http://127.0.0.1:", port);
}

// A connection test of an unsaved r2 storage at a SilentServer's `port`, which waits there
// until its own timeout of `seconds`.
inline pluton::storage::v1::TestConnectionRequest HangingConnectionTest(int port, int seconds) {
  pluton::storage::v1::TestConnectionRequest request;
  request.mutable_unsaved()->set_provider("r2");
  SetSilentR2Config(port, request.mutable_unsaved()->mutable_config());
  request.set_bucket("bucket");
  *request.mutable_timeout() = google::protobuf::util::TimeUtil::SecondsToDuration(seconds);
  return request;
}

}  // namespace pluton::testing

#endif  // PLUTON_TESTS_E2E_SILENT_ENDPOINT_H_
