// The in-memory HttpResponseStream, and HttpTransport::Open's default built on Send().
#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "pluton/s3/http_transport.h"

namespace pluton::s3 {
namespace {

class BufferedResponseStream final : public HttpResponseStream {
 public:
  explicit BufferedResponseStream(HttpResponse response) : response_(std::move(response)) {
    if (response_.status / 100 == 2) {
      body_ = std::move(response_.body);
      response_.body.clear();
    }
  }

  const HttpResponse& response() const override { return response_; }

  absl::StatusOr<size_t> Read(uint8_t* buffer, size_t capacity, const CancelCheck&) override {
    if (buffer == nullptr || capacity == 0) {
      return absl::InvalidArgumentError("HttpResponseStream::Read needs a non-empty buffer");
    }
    const size_t n = std::min(capacity, body_.size() - position_);
    if (n > 0) std::memcpy(buffer, body_.data() + position_, n);
    position_ += n;
    return n;
  }

 private:
  HttpResponse response_;
  std::string body_;  // the 2xx body still to be read from position_
  size_t position_ = 0;
};

}  // namespace

std::unique_ptr<HttpResponseStream> MakeBufferedResponseStream(HttpResponse response) {
  return std::make_unique<BufferedResponseStream>(std::move(response));
}

absl::StatusOr<std::unique_ptr<HttpResponseStream>> HttpTransport::Open(
    const HttpRequest& request, const CancelCheck& cancelled) {
  absl::StatusOr<HttpResponse> response = Send(request, cancelled);
  if (!response.ok()) return response.status();
  return MakeBufferedResponseStream(*std::move(response));
}

}  // namespace pluton::s3
