// s3_sink: a minimal S3 endpoint for benchmarks. It reads every byte of every request and
// answers just enough of S3 (PutObject, multipart create/part/complete/abort, HEAD, GET with
// Range) for rclone, the AWS CLI and Pluton to upload into it and download from it. It stores
// nothing and hashes nothing: the ETag it returns is the request's Content-MD5 in hex when one
// was sent, so clients that check ETags against their MD5 stay happy without the sink spending
// CPU. It remembers each object's size, and a GET returns that many zero bytes (every reader
// gets the same bytes at the same cost to the sink; objects carry a multipart ETag and no
// stored MD5, so no client verifies a checksum).
//
//   s3_sink --port-file /tmp/port      (listens on 127.0.0.1, port chosen by the kernel)
//
// One thread per connection, HTTP/1.1 keep-alive, Content-Length bodies, Expect: 100-continue.
// Prints the bytes received to stderr on SIGTERM/SIGINT. Not a general HTTP server: benchmark
// use only.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

std::atomic<uint64_t> total_body_bytes{0};
std::atomic<uint64_t> total_requests{0};
std::atomic<uint64_t> upload_counter{0};

// Sizes of "stored" objects by path, and of multipart uploads in progress by upload id, so a
// HEAD after an upload (rclone checks) answers with the right size.
std::mutex sizes_mu;
std::map<std::string, uint64_t> object_sizes;
std::map<std::string, uint64_t> upload_sizes;

std::string QueryValue(const std::string& query, const std::string& name) {
  size_t pos = 0;
  while (pos <= query.size()) {
    size_t end = query.find('&', pos);
    if (end == std::string::npos) end = query.size();
    const std::string pair = query.substr(pos, end - pos);
    if (pair.rfind(name + "=", 0) == 0) return pair.substr(name.size() + 1);
    pos = end + 1;
  }
  return "";
}

bool SendAll(int fd, const std::string& data) {
  size_t sent = 0;
  while (sent < data.size()) {
    ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Base64ToHex(const std::string& b64) {
  static const std::string kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string bytes;
  int bits = 0, value = 0;
  for (char c : b64) {
    size_t pos = kAlphabet.find(c);
    if (pos == std::string::npos) break;
    value = (value << 6) | static_cast<int>(pos);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push_back(static_cast<char>((value >> bits) & 0xff));
    }
  }
  static const char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char b : bytes) {
    hex += kHex[b >> 4];
    hex += kHex[b & 15];
  }
  return hex;
}

struct Request {
  std::string method, target;
  uint64_t content_length = 0;
  bool expect_continue = false;
  std::string content_md5;
  std::string range;  // the Range header, e.g. "bytes=0-1023"
};

std::string Response(int status, const char* reason, const std::string& extra_headers,
                     const std::string& body) {
  return "HTTP/1.1 " + std::to_string(status) + " " + reason + "\r\n" + extra_headers +
         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

// GET /<bucket>: the remembered objects of the bucket as one ListObjects(V2) page (rclone lists
// the parent "directory" of an object it cats). Honours prefix and a "/" delimiter; keys in
// the sink are plain (no XML escaping needed for benchmark names). REQUIRES: sizes_mu held.
std::string ListBucket(const std::string& bucket_path, const std::string& query) {
  const std::string prefix = QueryValue(query, "prefix");
  const bool rolled = QueryValue(query, "delimiter") == "%2F";
  std::string body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult><Name>" +
                     bucket_path.substr(1) + "</Name><Prefix>" + prefix +
                     "</Prefix><IsTruncated>false</IsTruncated>";
  int count = 0;
  for (const auto& [path, size] : object_sizes) {
    if (path.rfind(bucket_path + "/", 0) != 0) continue;
    const std::string key = path.substr(bucket_path.size() + 1);
    if (key.rfind(prefix, 0) != 0) continue;
    if (rolled && key.find('/', prefix.size()) != std::string::npos) continue;
    body += "<Contents><Key>" + key + "</Key><Size>" + std::to_string(size) +
            "</Size><LastModified>2026-11-27T00:00:00.000Z</LastModified><ETag>"
            "\"00000000000000000000000000000000-1\"</ETag><StorageClass>STANDARD</StorageClass>"
            "</Contents>";
    ++count;
  }
  body += "<KeyCount>" + std::to_string(count) + "</KeyCount></ListBucketResult>";
  return Response(200, "OK", "Content-Type: application/xml\r\n", body);
}

std::string Answer(const Request& r) {
  const bool has_query = r.target.find('?') != std::string::npos;
  const std::string query = has_query ? r.target.substr(r.target.find('?') + 1) : "";
  const std::string path = r.target.substr(0, r.target.find('?'));
  std::lock_guard<std::mutex> lock(sizes_mu);
  const std::string etag = "\"" +
                           (r.content_md5.empty() ? std::string("d41d8cd98f00b204e9800998ecf8427e")
                                                  : Base64ToHex(r.content_md5)) +
                           "\"";
  if (r.method == "POST" && query.rfind("uploads", 0) == 0) {
    const std::string id = "sink-upload-" + std::to_string(++upload_counter);
    upload_sizes[id] = 0;
    return Response(200, "OK", "Content-Type: application/xml\r\n",
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><InitiateMultipartUploadResult>"
                    "<Bucket>b</Bucket><Key>k</Key><UploadId>" +
                        id + "</UploadId></InitiateMultipartUploadResult>");
  }
  if (r.method == "POST" && query.find("uploadId=") != std::string::npos) {
    object_sizes[path] = upload_sizes[QueryValue(query, "uploadId")];
    upload_sizes.erase(QueryValue(query, "uploadId"));
    return Response(200, "OK", "Content-Type: application/xml\r\n",
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><CompleteMultipartUploadResult>"
                    "<Bucket>b</Bucket><Key>k</Key><ETag>\"00000000000000000000000000000000-1\""
                    "</ETag></CompleteMultipartUploadResult>");
  }
  if (r.method == "PUT" && query.find("uploadId=") != std::string::npos) {
    upload_sizes[QueryValue(query, "uploadId")] += r.content_length;
    return Response(200, "OK", "ETag: " + etag + "\r\n", "");
  }
  if (r.method == "PUT") {
    object_sizes[path] = r.content_length;
    return Response(200, "OK", "ETag: " + etag + "\r\n", "");
  }
  if (r.method == "DELETE") return Response(204, "No Content", "", "");
  if (r.method == "GET" && path.find('/', 1) == std::string::npos) return ListBucket(path, query);
  if (r.method == "HEAD") {
    auto it = object_sizes.find(path);
    if (it == object_sizes.end()) return Response(404, "Not Found", "", "");
    // A HEAD response carries the object's length but no body.
    return "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(it->second) +
           "\r\nETag: \"00000000000000000000000000000000-1\"\r\n"
           "Last-Modified: Fri, 27 Nov 2026 00:00:00 GMT\r\n\r\n";
  }
  return Response(404, "Not Found", "Content-Type: application/xml\r\n",
                  "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>NoSuchKey</Code>"
                  "<Message>The sink stores nothing</Message></Error>");
}

// Answers a GET of a known object with its bytes (zeros), honouring "bytes=a-b" and "bytes=a-"
// ranges. Returns false when the object is unknown (Answer() then says NoSuchKey) or the
// connection failed (the next recv notices).
bool SendObject(int fd, const Request& r) {
  const std::string path = r.target.substr(0, r.target.find('?'));
  uint64_t size;
  {
    std::lock_guard<std::mutex> lock(sizes_mu);
    auto it = object_sizes.find(path);
    if (it == object_sizes.end()) return false;
    size = it->second;
  }
  uint64_t first = 0, last = size == 0 ? 0 : size - 1;
  bool ranged = false;
  if (r.range.rfind("bytes=", 0) == 0) {
    const std::string spec = r.range.substr(6);
    const size_t dash = spec.find('-');
    first = std::strtoull(spec.substr(0, dash).c_str(), nullptr, 10);
    if (dash != std::string::npos && dash + 1 < spec.size()) {
      last = std::min<uint64_t>(std::strtoull(spec.c_str() + dash + 1, nullptr, 10), last);
    }
    ranged = true;
    if (first >= size) {
      SendAll(fd, Response(416, "Range Not Satisfiable", "Content-Type: application/xml\r\n",
                           "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>InvalidRange"
                           "</Code><Message>range not satisfiable</Message></Error>"));
      return true;
    }
  }
  const uint64_t length = size == 0 ? 0 : last - first + 1;
  std::string head = ranged ? "HTTP/1.1 206 Partial Content\r\n" : "HTTP/1.1 200 OK\r\n";
  head += "Content-Length: " + std::to_string(length) + "\r\n";
  if (ranged) {
    head += "Content-Range: bytes " + std::to_string(first) + "-" + std::to_string(last) + "/" +
            std::to_string(size) + "\r\n";
  }
  head += "ETag: \"00000000000000000000000000000000-1\"\r\n"
          "Last-Modified: Fri, 27 Nov 2026 00:00:00 GMT\r\n"
          "Content-Type: application/octet-stream\r\n\r\n";
  if (!SendAll(fd, head)) return true;
  static const std::string zeros(1 << 20, '\0');
  uint64_t remaining = length;
  while (remaining > 0) {
    const size_t chunk = static_cast<size_t>(std::min<uint64_t>(remaining, zeros.size()));
    const ssize_t n = ::send(fd, zeros.data(), chunk, MSG_NOSIGNAL);
    if (n <= 0) return true;
    remaining -= static_cast<uint64_t>(n);
  }
  return true;
}

void Serve(int fd) {
  std::vector<char> buffer(1 << 20);
  std::string pending;  // bytes read past the end of the last header block
  while (true) {
    size_t header_end;
    while ((header_end = pending.find("\r\n\r\n")) == std::string::npos) {
      ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
      if (n <= 0) return (void)::close(fd);
      pending.append(buffer.data(), static_cast<size_t>(n));
      if (pending.size() > (1 << 20)) return (void)::close(fd);
    }
    Request request;
    const std::string head = pending.substr(0, header_end);
    pending.erase(0, header_end + 4);
    size_t line_end = head.find("\r\n");
    const std::string request_line = head.substr(0, line_end);
    size_t sp1 = request_line.find(' '), sp2 = request_line.rfind(' ');
    request.method = request_line.substr(0, sp1);
    request.target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
    size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
    while (pos < head.size()) {
      size_t end = head.find("\r\n", pos);
      if (end == std::string::npos) end = head.size();
      const std::string line = head.substr(pos, end - pos);
      pos = end + 2;
      size_t colon = line.find(':');
      if (colon == std::string::npos) continue;
      const std::string name = Lower(line.substr(0, colon));
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      if (name == "content-length") request.content_length = std::strtoull(value.c_str(), nullptr, 10);
      if (name == "expect" && Lower(value) == "100-continue") request.expect_continue = true;
      if (name == "content-md5") request.content_md5 = value;
      if (name == "range") request.range = value;
    }
    if (request.expect_continue && !SendAll(fd, "HTTP/1.1 100 Continue\r\n\r\n")) {
      return (void)::close(fd);
    }
    uint64_t remaining = request.content_length;
    const uint64_t from_pending = std::min<uint64_t>(remaining, pending.size());
    pending.erase(0, from_pending);
    remaining -= from_pending;
    while (remaining > 0) {
      ssize_t n = ::recv(fd, buffer.data(), std::min<uint64_t>(buffer.size(), remaining), 0);
      if (n <= 0) return (void)::close(fd);
      remaining -= static_cast<uint64_t>(n);
    }
    total_body_bytes += request.content_length;
    ++total_requests;
    if (request.method == "GET" && SendObject(fd, request)) continue;
    if (!SendAll(fd, Answer(request))) return (void)::close(fd);
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string port_file;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::string(argv[i]) == "--port-file") port_file = argv[i + 1];
  }
  int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::listen(listener, 64) != 0) {
    std::perror("s3_sink: bind/listen");
    return 1;
  }
  socklen_t len = sizeof(addr);
  ::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);
  const int port = ntohs(addr.sin_port);
  if (!port_file.empty()) std::ofstream(port_file) << port << "\n";
  std::printf("%d\n", port);
  std::fflush(stdout);

  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  std::thread([stop] {
    int sig;
    sigwait(&stop, &sig);
    std::fprintf(stderr, "s3_sink: %llu requests, %llu body bytes\n",
                 static_cast<unsigned long long>(total_requests.load()),
                 static_cast<unsigned long long>(total_body_bytes.load()));
    std::_Exit(0);
  }).detach();

  while (true) {
    int fd = ::accept(listener, nullptr, nullptr);
    if (fd < 0) continue;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    std::thread(Serve, fd).detach();
  }
}
