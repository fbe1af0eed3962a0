// A minimal HTTP/1.1 server for transport tests, on 127.0.0.1 and a kernel-chosen port.
//
//   TestHttpServer server([](const ReceivedRequest& r) { return CannedResponse{200, {}, "ok"}; });
//   transport->Send({.url = server.Url("/bucket/key"), ...});
//   EXPECT_EQ(server.Requests()[0].body, "...");
//
// It understands Content-Length bodies (no chunked uploads), keep-alive connections (one
// request after another on a connection, each answered before the next is read), and
// "Expect: 100-continue" (answers 100 Continue, and records that it was asked). Every
// request is recorded with the client's port, so tests can tell connection reuse apart.
//
// Thread safety: one thread accepts, one thread serves each connection; the handler is
// called on connection threads, possibly concurrently. Requests() and Url() are thread-safe.
// The destructor stops everything (unblocking delayed responses) and joins the threads.
#ifndef PLUTON_TESTS_S3CORE_TEST_HTTP_SERVER_H_
#define PLUTON_TESTS_S3CORE_TEST_HTTP_SERVER_H_

#include <atomic>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "pluton/s3/http_headers.h"

namespace pluton::s3::testing {

struct ReceivedRequest {
  std::string method;
  std::string target;  // path and query, as sent
  HeaderList headers;  // names as sent
  std::string body;
  int peer_port = 0;      // the client's TCP port
  int connection_id = 0;  // 1, 2, ... in accept order
};

struct CannedResponse {
  int status = 200;
  HeaderList headers;  // Content-Length is added
  std::string body;
  absl::Duration delay = absl::ZeroDuration();  // wait this long before answering
  bool close_connection = false;                // close after answering
  bool drop = false;                            // close without answering at all
  // Send only this many body bytes (Content-Length still announces the whole body), then
  // close the connection, or with hang_after_partial keep it open and silent until the
  // server stops.
  std::optional<size_t> partial_body = std::nullopt;
  bool hang_after_partial = false;
};

class TestHttpServer {
 public:
  using Handler = std::function<CannedResponse(const ReceivedRequest&)>;

  // Binds and starts accepting. Aborts the test binary (via a failed assert) if it cannot.
  explicit TestHttpServer(Handler handler);
  ~TestHttpServer();
  TestHttpServer(const TestHttpServer&) = delete;
  TestHttpServer& operator=(const TestHttpServer&) = delete;

  int port() const { return port_; }
  // "http://127.0.0.1:<port>" + path_and_query.
  std::string Url(absl::string_view path_and_query) const;
  // Every request received so far, in arrival order.
  std::vector<ReceivedRequest> Requests() const;
  // Connections accepted so far.
  int ConnectionCount() const { return connections_accepted_.load(); }

 private:
  void AcceptLoop();
  void Serve(int fd, int peer_port, int connection_id);
  // Sleeps up to `d`; returns false early if the server is stopping.
  bool SleepUnlessStopping(absl::Duration d) const;

  Handler handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> connections_accepted_{0};
  std::thread accept_thread_;

  mutable std::mutex mu_;
  std::vector<ReceivedRequest> requests_;        // GUARDED_BY(mu_)
  std::vector<std::thread> connection_threads_;  // GUARDED_BY(mu_)
  std::vector<int> connection_fds_;              // GUARDED_BY(mu_); open connections
};

// A TCP port on 127.0.0.1 that nothing listens on (bound, then closed).
int UnusedLocalPort();

// Accepts connections on 127.0.0.1 and, without reading anything, writes `reply` to each
// and closes it: a peer that does not speak the expected protocol (e.g. plain text where a
// TLS handshake is expected). The destructor stops and joins.
class RawReplyServer {
 public:
  explicit RawReplyServer(std::string reply);
  ~RawReplyServer();
  RawReplyServer(const RawReplyServer&) = delete;
  RawReplyServer& operator=(const RawReplyServer&) = delete;

  int port() const { return port_; }

 private:
  std::string reply_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace pluton::s3::testing

#endif  // PLUTON_TESTS_S3CORE_TEST_HTTP_SERVER_H_
