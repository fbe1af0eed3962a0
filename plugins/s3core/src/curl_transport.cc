#include "pluton/s3/curl_transport.h"

#include <curl/curl.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "curl_response_stream.h"
#include "curl_setup.h"

namespace pluton::s3 {
namespace {

// One pooled easy handle and the error buffer libcurl writes into (it must live as long as
// the handle).
struct PooledHandle {
  CURL* curl = nullptr;
  char error[CURL_ERROR_SIZE] = {};

  ~PooledHandle() {
    if (curl != nullptr) curl_easy_cleanup(curl);
  }
};

// Streams the body spans to libcurl.
struct BodyReader {
  const std::vector<absl::Span<const uint8_t>>* spans = nullptr;
  size_t index = 0;   // current span
  size_t offset = 0;  // offset in the current span
};

// Everything the callbacks of one transfer touch. Lives on Send()'s stack.
struct TransferState {
  BodyReader reader;
  const CancelCheck* cancelled = nullptr;
  bool was_cancelled = false;
  HttpResponse response;
};

size_t ReadBody(char* buffer, size_t size, size_t nitems, void* userdata) {
  BodyReader& r = *static_cast<BodyReader*>(userdata);
  const size_t capacity = size * nitems;
  size_t written = 0;
  while (written < capacity && r.index < r.spans->size()) {
    const absl::Span<const uint8_t>& span = (*r.spans)[r.index];
    const size_t n = std::min(capacity - written, span.size() - r.offset);
    if (n > 0) std::memcpy(buffer + written, span.data() + r.offset, n);
    written += n;
    r.offset += n;
    if (r.offset == span.size()) {
      ++r.index;
      r.offset = 0;
    }
  }
  return written;
}

int SeekBody(void* userdata, curl_off_t offset, int origin) {
  BodyReader& r = *static_cast<BodyReader*>(userdata);
  if (origin != SEEK_SET || offset < 0) return CURL_SEEKFUNC_CANTSEEK;
  uint64_t remaining = static_cast<uint64_t>(offset);
  r.index = 0;
  r.offset = 0;
  while (r.index < r.spans->size() && remaining >= (*r.spans)[r.index].size()) {
    remaining -= (*r.spans)[r.index].size();
    ++r.index;
  }
  if (r.index == r.spans->size()) return remaining == 0 ? CURL_SEEKFUNC_OK : CURL_SEEKFUNC_FAIL;
  r.offset = static_cast<size_t>(remaining);
  return CURL_SEEKFUNC_OK;
}

size_t WriteBody(char* data, size_t size, size_t nmemb, void* userdata) {
  auto& state = *static_cast<TransferState*>(userdata);
  state.response.body.append(data, size * nmemb);
  return size * nmemb;
}

// Called once per received header line (status line and the final empty line included),
// for every response of the transfer (e.g. a 100 Continue before the final one).
size_t CollectHeader(char* data, size_t size, size_t nitems, void* userdata) {
  auto& state = *static_cast<TransferState*>(userdata);
  int ignored_status = 0;  // Send reads the final status from libcurl
  internal::AddHeaderLine(absl::string_view(data, size * nitems), &state.response.headers,
                          &ignored_status);
  return size * nitems;
}

int PollCancel(void* userdata, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto& state = *static_cast<TransferState*>(userdata);
  if (*state.cancelled && (*state.cancelled)()) {
    state.was_cancelled = true;
    return 1;  // non-zero aborts the transfer with CURLE_ABORTED_BY_CALLBACK
  }
  return 0;
}

std::once_flag global_init_once;
CURLcode global_init_result = CURLE_OK;

}  // namespace

struct CurlTransport::Impl {
  CurlTransportOptions options;
  CURLSH* share = nullptr;
  // One mutex per curl_lock_data kind, as CURLSHOPT_LOCKFUNC asks.
  std::mutex share_locks[CURL_LOCK_DATA_LAST];

  std::mutex pool_mu;
  std::vector<std::unique_ptr<PooledHandle>> idle;  // GUARDED_BY(pool_mu); back = newest
  std::atomic<size_t> handles_created{0};
  // Multi handles for Open(), each with its own live connections; created with the share.
  std::unique_ptr<internal::CurlStreamPool> streams;

  ~Impl() {
    idle.clear();  // handles first: they reference the share
    streams.reset();
    if (share != nullptr) curl_share_cleanup(share);
  }

  static void LockShare(CURL*, curl_lock_data data, curl_lock_access, void* userptr) {
    static_cast<Impl*>(userptr)->share_locks[data].lock();
  }
  static void UnlockShare(CURL*, curl_lock_data data, void* userptr) {
    static_cast<Impl*>(userptr)->share_locks[data].unlock();
  }

  // A handle from the pool, or a new one attached to the share; nullptr if out of memory.
  std::unique_ptr<PooledHandle> Acquire() {
    {
      std::lock_guard<std::mutex> lock(pool_mu);
      if (!idle.empty()) {
        std::unique_ptr<PooledHandle> handle = std::move(idle.back());
        idle.pop_back();
        return handle;
      }
    }
    auto handle = std::make_unique<PooledHandle>();
    handle->curl = curl_easy_init();
    if (handle->curl == nullptr) return nullptr;
    // CURLOPT_SHARE survives curl_easy_reset, so it is set once per handle.
    if (curl_easy_setopt(handle->curl, CURLOPT_SHARE, share) != CURLE_OK) return nullptr;
    handles_created.fetch_add(1, std::memory_order_relaxed);
    return handle;
  }

  void Release(std::unique_ptr<PooledHandle> handle) {
    // Drop every pointer into the finished Send() frame; live connections stay.
    curl_easy_reset(handle->curl);
    std::lock_guard<std::mutex> lock(pool_mu);
    if (idle.size() < options.max_idle_handles) idle.push_back(std::move(handle));
    // else: destroyed here, closing its connections.
  }
};

CurlTransport::CurlTransport(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

CurlTransport::~CurlTransport() = default;

absl::StatusOr<std::unique_ptr<CurlTransport>> CurlTransport::Create(CurlTransportOptions options) {
  std::call_once(global_init_once,
                 [] { global_init_result = curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (global_init_result != CURLE_OK) {
    return absl::InternalError(
        absl::StrCat("libcurl initialization failed: ", curl_easy_strerror(global_init_result)));
  }
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  impl->share = curl_share_init();
  if (impl->share == nullptr) return absl::InternalError("curl_share_init failed");
  if (curl_share_setopt(impl->share, CURLSHOPT_LOCKFUNC, &Impl::LockShare) != CURLSHE_OK ||
      curl_share_setopt(impl->share, CURLSHOPT_UNLOCKFUNC, &Impl::UnlockShare) != CURLSHE_OK ||
      curl_share_setopt(impl->share, CURLSHOPT_USERDATA, impl.get()) != CURLSHE_OK ||
      curl_share_setopt(impl->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS) != CURLSHE_OK ||
      curl_share_setopt(impl->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION) != CURLSHE_OK) {
    return absl::InternalError("curl_share_setopt failed");
  }
  impl->streams =
      std::make_unique<internal::CurlStreamPool>(impl->share, impl->options.max_idle_handles);
  return std::unique_ptr<CurlTransport>(new CurlTransport(std::move(impl)));
}

size_t CurlTransport::HandlesCreatedForTesting() const {
  return impl_->handles_created.load(std::memory_order_relaxed);
}

absl::StatusOr<HttpResponse> CurlTransport::Send(const HttpRequest& request,
                                                 const CancelCheck& cancelled) {
  if (absl::Status s = internal::CheckRequest(request); !s.ok()) return s;
  const std::string what = absl::StrCat(request.method, " ", internal::UrlForMessage(request.url));
  if (cancelled && cancelled()) {
    return TransportError(TransportErrorKind::kCancelled, absl::StrCat(what, ": cancelled"));
  }

  internal::ExchangeResources resources;
  if (!internal::PrepareExchange(impl_->options, request, &resources)) {
    return TransportError(TransportErrorKind::kOther, absl::StrCat(what, ": out of memory"));
  }

  std::unique_ptr<PooledHandle> handle = impl_->Acquire();
  if (handle == nullptr) {
    return TransportError(TransportErrorKind::kOther,
                          absl::StrCat(what, ": cannot create a libcurl handle"));
  }
  CURL* curl = handle->curl;
  handle->error[0] = '\0';

  TransferState state;
  state.reader.spans = &request.body;
  state.cancelled = &cancelled;

  CURLcode rc =
      internal::SetCommonOptions(curl, impl_->options, request, &resources, handle->error);
  auto set = [&rc](CURLcode r) {
    if (rc == CURLE_OK) rc = r;
  };
  if (request.stall_timeout != absl::InfiniteDuration()) {
    set(curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L));
    set(curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME,
                         internal::ToSecondsCeil(request.stall_timeout)));
  }
  set(curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &WriteBody));
  set(curl_easy_setopt(curl, CURLOPT_WRITEDATA, &state));
  set(curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &CollectHeader));
  set(curl_easy_setopt(curl, CURLOPT_HEADERDATA, &state));
  set(curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L));
  set(curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, &PollCancel));
  set(curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &state));

  const uint64_t body_size = request.BodySize();
  if (request.method == "HEAD") {
    set(curl_easy_setopt(curl, CURLOPT_NOBODY, 1L));
  } else if (body_size > 0 || request.method == "PUT" || request.method == "POST") {
    // An upload with a known size: Content-Length framing, the body from the spans.
    set(curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L));
    set(curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(body_size)));
    set(curl_easy_setopt(curl, CURLOPT_READFUNCTION, &ReadBody));
    set(curl_easy_setopt(curl, CURLOPT_READDATA, &state.reader));
    set(curl_easy_setopt(curl, CURLOPT_SEEKFUNCTION, &SeekBody));
    set(curl_easy_setopt(curl, CURLOPT_SEEKDATA, &state.reader));
    if (request.method != "PUT") {
      set(curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str()));
    }
  } else if (request.method != "GET") {
    set(curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str()));
  }
  if (rc != CURLE_OK) {
    impl_->Release(std::move(handle));
    return TransportError(TransportErrorKind::kOther,
                          absl::StrCat(what, ": libcurl option refused: ", curl_easy_strerror(rc)));
  }

  rc = curl_easy_perform(curl);

  long status = 0;  // NOLINT(runtime/int)
  if (rc == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  const std::string detail = handle->error[0] != '\0' ? std::string(handle->error) : "";
  impl_->Release(std::move(handle));

  if (rc != CURLE_OK) {
    TransportErrorKind kind = internal::KindOf(rc);
    if (state.was_cancelled) kind = TransportErrorKind::kCancelled;
    return internal::ExchangeError(resources, kind, what, rc, detail);
  }
  state.response.status = static_cast<int>(status);
  return std::move(state.response);
}

absl::StatusOr<std::unique_ptr<HttpResponseStream>> CurlTransport::Open(
    const HttpRequest& request, const CancelCheck& cancelled) {
  return internal::OpenCurlStream(*impl_->streams, impl_->options, request, cancelled);
}

}  // namespace pluton::s3
