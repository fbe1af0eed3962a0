#include "pluton/s3provider/shared_transport.h"

#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "pluton/s3/curl_transport.h"

namespace pluton::s3provider {

absl::StatusOr<s3::HttpTransport*> SharedTransport(const Provider& provider) {
  static std::mutex mu;
  static std::unique_ptr<s3::CurlTransport> transport;  // GUARDED_BY(mu) until set
  std::lock_guard<std::mutex> lock(mu);
  if (transport == nullptr) {
    s3::CurlTransportOptions options;
    options.user_agent = std::string("pluton-") + provider.id() + "/" + provider.version();
    absl::StatusOr<std::unique_ptr<s3::CurlTransport>> created =
        s3::CurlTransport::Create(std::move(options));
    if (!created.ok()) return created.status();
    transport = *std::move(created);
  }
  return transport.get();
}

}  // namespace pluton::s3provider
