#include "test_http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include "absl//strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"

namespace pluton::s3::testing {
namespace {

[[noreturn]] void Die(const char* what) {
  std::perror(what);
  std::abort();
}

int LocalPort(int fd, bool peer) {
  sockaddr_in addr{};
  socklen_t len = sizeof(addr);
  const int rc = peer ? getpeername(fd, reinterpret_cast<sockaddr*>(&addr), &len)
                      : getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  if (rc != 0) return 0;
  return ntohs(addr.sin_port);
}

int ListenLocal() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) Die("socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) Die("bind");
  if (listen(fd, 64) != 0) Die("listen");
  return fd;
}

bool SendAll(int fd, absl::string_view data) {
  while (!data.empty()) {
    const ssize_t n = send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

const char* Reason(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 204:
      return "No Content";
    case 400:
      return "Bad Request";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

}  // namespace

TestHttpServer::TestHttpServer(Handler handler) : handler_(std::move(handler)) {
  listen_fd_ = ListenLocal();
  port_ = LocalPort(listen_fd_, /*peer=*/false);
  accept_thread_ = std::thread([this] { AcceptLoop(); });
}

TestHttpServer::~TestHttpServer() {
  stopping_.store(true);
  accept_thread_.join();
  close(listen_fd_);
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (int fd : connection_fds_) shutdown(fd, SHUT_RDWR);
    threads.swap(connection_threads_);
  }
  for (auto& t : threads) t.join();
}

std::string TestHttpServer::Url(absl::string_view path_and_query) const {
  return absl::StrCat("http://127.0.0.1:", port_, path_and_query);
}

std::vector<ReceivedRequest> TestHttpServer::Requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

bool TestHttpServer::SleepUnlessStopping(absl::Duration d) const {
  const absl::Time end = absl::Now() + d;
  while (absl::Now() < end) {
    if (stopping_.load()) return false;
    absl::SleepFor(std::min(end - absl::Now(), absl::Milliseconds(5)));
  }
  return !stopping_.load();
}

void TestHttpServer::AcceptLoop() {
  while (!stopping_.load()) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, 20) <= 0) continue;
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    const int id = ++connections_accepted_;
    const int peer_port = LocalPort(fd, /*peer=*/true);
    std::lock_guard<std::mutex> lock(mu_);
    connection_fds_.push_back(fd);
    connection_threads_.emplace_back([this, fd, peer_port, id] { Serve(fd, peer_port, id); });
  }
}

void TestHttpServer::Serve(int fd, int peer_port, int connection_id) {
  std::string buffer;
  // Reads more bytes into `buffer`; false on EOF, error or stop.
  auto read_more = [&]() -> bool {
    while (!stopping_.load()) {
      pollfd p{fd, POLLIN, 0};
      const int ready = poll(&p, 1, 20);
      if (ready == 0) continue;
      if (ready < 0 && errno == EINTR) continue;
      if (ready < 0) return false;
      char chunk[64 * 1024];
      const ssize_t n = recv(fd, chunk, sizeof(chunk), 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      buffer.append(chunk, static_cast<size_t>(n));
      return true;
    }
    return false;
  };

  bool open = true;
  while (open) {
    size_t header_end;
    while ((header_end = buffer.find("\r\n\r\n")) == std::string::npos) {
      if (!read_more()) {
        open = false;
        break;
      }
    }
    if (!open) break;

    ReceivedRequest request;
    request.peer_port = peer_port;
    request.connection_id = connection_id;
    std::vector<absl::string_view> lines =
        absl::StrSplit(absl::string_view(buffer).substr(0, header_end), "\r\n");
    std::vector<absl::string_view> request_line = absl::StrSplit(lines[0], ' ');
    if (request_line.size() == 3) {
      request.method = std::string(request_line[0]);
      request.target = std::string(request_line[1]);
    }
    size_t content_length = 0;
    bool expect_continue = false;
    bool client_close = false;
    for (size_t i = 1; i < lines.size(); ++i) {
      const size_t colon = lines[i].find(':');
      if (colon == absl::string_view::npos) continue;
      std::string name(lines[i].substr(0, colon));
      std::string value(absl::StripAsciiWhitespace(lines[i].substr(colon + 1)));
      if (absl::EqualsIgnoreCase(name, "content-length")) {
        (void)absl::SimpleAtoi(value, &content_length);
      }
      if (absl::EqualsIgnoreCase(name, "expect") && absl::EqualsIgnoreCase(value, "100-continue")) {
        expect_continue = true;
      }
      if (absl::EqualsIgnoreCase(name, "connection") && absl::EqualsIgnoreCase(value, "close")) {
        client_close = true;
      }
      request.headers.emplace_back(std::move(name), std::move(value));
    }
    buffer.erase(0, header_end + 4);
    if (expect_continue && !SendAll(fd, "HTTP/1.1 100 Continue\r\n\r\n")) break;
    while (buffer.size() < content_length) {
      if (!read_more()) {
        open = false;
        break;
      }
    }
    if (!open) break;
    request.body = buffer.substr(0, content_length);
    buffer.erase(0, content_length);

    {
      std::lock_guard<std::mutex> lock(mu_);
      requests_.push_back(request);
    }
    CannedResponse response = handler_(request);
    if (!SleepUnlessStopping(response.delay) || response.drop) break;

    std::string out =
        absl::StrCat("HTTP/1.1 ", response.status, " ", Reason(response.status), "\r\n");
    for (const auto& [name, value] : response.headers)
      absl::StrAppend(&out, name, ": ", value, "\r\n");
    absl::StrAppend(&out, "Content-Length: ", response.body.size(), "\r\n");
    if (response.close_connection) absl::StrAppend(&out, "Connection: close\r\n");
    absl::StrAppend(&out, "\r\n");
    if (request.method != "HEAD") {
      out += response.body.substr(0, response.partial_body.value_or(response.body.size()));
    }
    if (!SendAll(fd, out)) break;
    if (response.partial_body.has_value()) {
      if (response.hang_after_partial) SleepUnlessStopping(absl::InfiniteDuration());
      break;
    }
    if (response.close_connection || client_close) break;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    connection_fds_.erase(std::remove(connection_fds_.begin(), connection_fds_.end(), fd),
                          connection_fds_.end());
  }
  close(fd);
}

int UnusedLocalPort() {
  const int fd = ListenLocal();
  const int port = LocalPort(fd, /*peer=*/false);
  close(fd);
  return port;
}

RawReplyServer::RawReplyServer(std::string reply) : reply_(std::move(reply)) {
  listen_fd_ = ListenLocal();
  port_ = LocalPort(listen_fd_, /*peer=*/false);
  thread_ = std::thread([this] {
    while (!stopping_.load()) {
      pollfd p{listen_fd_, POLLIN, 0};
      if (poll(&p, 1, 20) <= 0) continue;
      const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      SendAll(fd, reply_);
      shutdown(fd, SHUT_WR);
      close(fd);
    }
  });
}

RawReplyServer::~RawReplyServer() {
  stopping_.store(true);
  thread_.join();
  close(listen_fd_);
}

}  // namespace pluton::s3::testing
