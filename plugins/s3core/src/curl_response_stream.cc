#include "curl_response_stream.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "curl_setup.h"

namespace pluton::s3::internal {
namespace {

// The longest curl_multi_poll wait, so the CancelCheck is polled at least this often.
constexpr int kPollIntervalMs = 100;
// A non-2xx body beyond this is dropped (error documents are a few hundred bytes).
constexpr size_t kMaxErrorBody = 64 * 1024;

class CurlResponseStream final : public HttpResponseStream {
 public:
  CurlResponseStream(CurlStreamPool& pool, std::unique_ptr<CurlStreamSlot> slot, std::string what,
                     absl::Duration stall_timeout)
      : pool_(pool),
        slot_(std::move(slot)),
        what_(std::move(what)),
        stall_timeout_(stall_timeout) {}

  ~CurlResponseStream() override {
    if (attached_) curl_multi_remove_handle(slot_->multi, slot_->easy);  // mid-body: closes
    curl_easy_reset(slot_->easy);  // drops every pointer into this object
    pool_.Release(std::move(slot_));
  }

  CurlResponseStream(const CurlResponseStream&) = delete;
  CurlResponseStream& operator=(const CurlResponseStream&) = delete;

  // Sends the request and waits for the final response's head (and a non-2xx body).
  absl::Status Start(const CurlTransportOptions& options, const HttpRequest& request,
                     const CancelCheck& cancelled);

  const HttpResponse& response() const override { return response_; }

  absl::StatusOr<size_t> Read(uint8_t* buffer, size_t capacity,
                              const CancelCheck& cancelled) override;

 private:
  enum class Mode {
    kHead,     // waiting for the head: body bytes pause the transfer
    kStream,   // a 2xx body: into the caller's buffer
    kCollect,  // a non-2xx body: into response_.body
  };

  static size_t OnHeader(char* data, size_t size, size_t nitems, void* userdata);
  static size_t OnBody(char* data, size_t size, size_t nmemb, void* userdata);
  size_t TakeBody(const char* data, size_t length);

  // Drives the transfer until `satisfied()`, its end, or a failure (cancel, stall, libcurl);
  // a failure is left in failure_.
  template <class Predicate>
  void Pump(const CancelCheck& cancelled, Predicate satisfied);
  // Reads libcurl's verdict once the transfer ended.
  void CollectResult();
  void Fail(absl::Status status) {
    if (!failure_.has_value()) failure_ = std::move(status);
  }
  absl::Status Resume();  // unpauses a transfer the write callback paused

  CurlStreamPool& pool_;
  std::unique_ptr<CurlStreamSlot> slot_;
  const std::string what_;  // "GET <url without query>", for messages
  const absl::Duration stall_timeout_;
  ExchangeResources exchange_;  // libcurl reads it during the transfer
  bool attached_ = false;

  HttpResponse response_;
  int status_line_code_ = 0;
  bool head_done_ = false;
  Mode mode_ = Mode::kHead;

  // The caller's buffer during Read, and what the write callback put into it.
  uint8_t* target_ = nullptr;
  size_t room_ = 0;
  size_t delivered_ = 0;
  // The rest of the one callback chunk that did not fit (at most CURL_MAX_WRITE_SIZE).
  std::string spill_;
  size_t spill_position_ = 0;

  bool paused_ = false;     // the write callback returned CURL_WRITEFUNC_PAUSE
  bool progress_ = false;   // a header or body byte arrived since the last check
  bool finished_ = false;   // the transfer ended well: after spill_, Read returns 0
  bool cancelled_ = false;  // the caller cancelled: nothing more is delivered
  std::optional<absl::Status> failure_;
};

size_t CurlResponseStream::OnHeader(char* data, size_t size, size_t nitems, void* userdata) {
  auto& self = *static_cast<CurlResponseStream*>(userdata);
  self.progress_ = true;
  const size_t length = size * nitems;
  if (AddHeaderLine(absl::string_view(data, length), &self.response_.headers,
                    &self.status_line_code_) &&
      self.status_line_code_ >= 200) {
    self.head_done_ = true;  // 1xx heads are followed by another one
  }
  return length;
}

size_t CurlResponseStream::OnBody(char* data, size_t size, size_t nmemb, void* userdata) {
  auto& self = *static_cast<CurlResponseStream*>(userdata);
  self.progress_ = true;
  return self.TakeBody(data, size * nmemb);
}

size_t CurlResponseStream::TakeBody(const char* data, size_t length) {
  switch (mode_) {
    case Mode::kCollect:
      response_.body.append(data, std::min(length, kMaxErrorBody - response_.body.size()));
      return length;
    case Mode::kHead:
      paused_ = true;
      return CURL_WRITEFUNC_PAUSE;
    case Mode::kStream:
      break;
  }
  if (target_ == nullptr || room_ == 0) {
    paused_ = true;  // libcurl keeps this chunk and hands it over again once resumed
    return CURL_WRITEFUNC_PAUSE;
  }
  const size_t n = std::min(length, room_);
  std::memcpy(target_, data, n);
  target_ += n;
  room_ -= n;
  delivered_ += n;
  if (n < length) {  // keep the rest of this chunk; later chunks pause
    spill_.assign(data + n, length - n);
    spill_position_ = 0;
    room_ = 0;
  }
  return length;
}

void CurlResponseStream::CollectResult() {
  int left = 0;
  while (CURLMsg* message = curl_multi_info_read(slot_->multi, &left)) {
    if (message->msg != CURLMSG_DONE) continue;
    const CURLcode rc = message->data.result;
    if (rc == CURLE_OK) {
      finished_ = true;
    } else {
      Fail(ExchangeError(exchange_, KindOf(rc), what_, rc, slot_->error));
    }
  }
}

template <class Predicate>
void CurlResponseStream::Pump(const CancelCheck& cancelled, Predicate satisfied) {
  absl::Time last_progress = absl::Now();
  while (!satisfied() && !finished_ && !failure_.has_value()) {
    int running = 0;
    const CURLMcode mc = curl_multi_perform(slot_->multi, &running);
    if (mc != CURLM_OK) {
      Fail(TransportError(TransportErrorKind::kOther,
                          absl::StrCat(what_, ": ", curl_multi_strerror(mc))));
      return;
    }
    CollectResult();
    if (satisfied() || finished_ || failure_.has_value()) return;
    if (cancelled && cancelled()) {
      Fail(TransportError(TransportErrorKind::kCancelled, absl::StrCat(what_, ": cancelled")));
      return;
    }
    const absl::Time now = absl::Now();
    if (progress_) {
      progress_ = false;
      last_progress = now;
    } else if (now - last_progress >= stall_timeout_) {
      Fail(TransportError(
          TransportErrorKind::kTimeout,
          absl::StrCat(what_, ": no data received for ", absl::FormatDuration(stall_timeout_))));
      return;
    }
    const CURLMcode pc = curl_multi_poll(slot_->multi, nullptr, 0, kPollIntervalMs, nullptr);
    if (pc != CURLM_OK) {
      Fail(TransportError(TransportErrorKind::kOther,
                          absl::StrCat(what_, ": ", curl_multi_strerror(pc))));
      return;
    }
  }
}

absl::Status CurlResponseStream::Resume() {
  paused_ = false;
  // libcurl may hand the held chunk to OnBody from inside this call.
  const CURLcode rc = curl_easy_pause(slot_->easy, CURLPAUSE_CONT);
  if (rc != CURLE_OK) return CurlError(TransportErrorKind::kOther, what_, rc, "");
  return absl::OkStatus();
}

absl::Status CurlResponseStream::Start(const CurlTransportOptions& options,
                                       const HttpRequest& request, const CancelCheck& cancelled) {
  if (!PrepareExchange(options, request, &exchange_)) {
    return TransportError(TransportErrorKind::kOther, absl::StrCat(what_, ": out of memory"));
  }
  CURL* curl = slot_->easy;
  slot_->error[0] = '\0';
  CURLcode rc = SetCommonOptions(curl, options, request, &exchange_, slot_->error);
  auto set = [&rc](CURLcode r) {
    if (rc == CURLE_OK) rc = r;
  };
  set(curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &OnHeader));
  set(curl_easy_setopt(curl, CURLOPT_HEADERDATA, this));
  set(curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &OnBody));
  set(curl_easy_setopt(curl, CURLOPT_WRITEDATA, this));
  if (request.method == "HEAD") {
    set(curl_easy_setopt(curl, CURLOPT_NOBODY, 1L));
  } else if (request.method != "GET") {
    set(curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str()));
  }
  if (rc != CURLE_OK) {
    return TransportError(
        TransportErrorKind::kOther,
        absl::StrCat(what_, ": libcurl option refused: ", curl_easy_strerror(rc)));
  }
  const CURLMcode mc = curl_multi_add_handle(slot_->multi, curl);
  if (mc != CURLM_OK) {
    return TransportError(TransportErrorKind::kOther,
                          absl::StrCat(what_, ": ", curl_multi_strerror(mc)));
  }
  attached_ = true;

  Pump(cancelled, [this] { return head_done_; });
  if (failure_.has_value()) return *failure_;
  if (!head_done_) {
    return TransportError(TransportErrorKind::kConnectionReset,
                          absl::StrCat(what_, ": the connection ended before a response"));
  }
  response_.status = status_line_code_;
  if (response_.status / 100 == 2) {
    mode_ = Mode::kStream;
    return absl::OkStatus();
  }
  mode_ = Mode::kCollect;
  if (paused_) {
    if (absl::Status s = Resume(); !s.ok()) return s;
  }
  Pump(cancelled, [] { return false; });
  if (failure_.has_value()) return *failure_;
  return absl::OkStatus();
}

absl::StatusOr<size_t> CurlResponseStream::Read(uint8_t* buffer, size_t capacity,
                                                const CancelCheck& cancelled) {
  if (buffer == nullptr || capacity == 0) {
    return absl::InvalidArgumentError("HttpResponseStream::Read needs a non-empty buffer");
  }
  if (mode_ != Mode::kStream) return 0;  // a non-2xx body is in response()
  if (cancelled && cancelled()) {
    Fail(TransportError(TransportErrorKind::kCancelled, absl::StrCat(what_, ": cancelled")));
    cancelled_ = true;
  }
  // Bytes that arrived before a failure are handed over first.
  if (spill_position_ < spill_.size() && !cancelled_) {
    const size_t n = std::min(capacity, spill_.size() - spill_position_);
    std::memcpy(buffer, spill_.data() + spill_position_, n);
    spill_position_ += n;
    return n;
  }
  if (failure_.has_value()) return *failure_;
  if (finished_) return 0;

  target_ = buffer;
  room_ = capacity;
  delivered_ = 0;
  if (paused_) {
    if (absl::Status s = Resume(); !s.ok()) Fail(std::move(s));
  }
  Pump(cancelled, [this] { return delivered_ > 0; });
  target_ = nullptr;
  room_ = 0;
  // Bytes that arrived before a failure are handed over; the failure comes with the next call.
  if (delivered_ > 0) return delivered_;
  if (failure_.has_value()) return *failure_;
  return 0;
}

}  // namespace

CurlStreamSlot::~CurlStreamSlot() {
  if (multi != nullptr) curl_multi_cleanup(multi);
  if (easy != nullptr) curl_easy_cleanup(easy);
}

std::unique_ptr<CurlStreamSlot> CurlStreamPool::Acquire() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      std::unique_ptr<CurlStreamSlot> slot = std::move(idle_.back());
      idle_.pop_back();
      return slot;
    }
  }
  auto slot = std::make_unique<CurlStreamSlot>();
  slot->multi = curl_multi_init();
  slot->easy = curl_easy_init();
  if (slot->multi == nullptr || slot->easy == nullptr) return nullptr;
  // CURLOPT_SHARE survives curl_easy_reset, so it is set once per handle.
  if (curl_easy_setopt(slot->easy, CURLOPT_SHARE, share_) != CURLE_OK) return nullptr;
  return slot;
}

void CurlStreamPool::Release(std::unique_ptr<CurlStreamSlot> slot) {
  std::lock_guard<std::mutex> lock(mu_);
  if (idle_.size() < max_idle_) idle_.push_back(std::move(slot));
  // else: destroyed here, closing its connections.
}

absl::StatusOr<std::unique_ptr<HttpResponseStream>> OpenCurlStream(
    CurlStreamPool& pool, const CurlTransportOptions& options, const HttpRequest& request,
    const CancelCheck& cancelled) {
  if (absl::Status s = CheckRequest(request); !s.ok()) return s;
  if (!request.body.empty() && request.BodySize() > 0) {
    return absl::InvalidArgumentError("HTTP: Open sends requests without a body");
  }
  std::string what = absl::StrCat(request.method, " ", UrlForMessage(request.url));
  if (cancelled && cancelled()) {
    return TransportError(TransportErrorKind::kCancelled, absl::StrCat(what, ": cancelled"));
  }
  std::unique_ptr<CurlStreamSlot> slot = pool.Acquire();
  if (slot == nullptr) {
    return TransportError(TransportErrorKind::kOther,
                          absl::StrCat(what, ": cannot create libcurl handles"));
  }
  auto stream = std::make_unique<CurlResponseStream>(pool, std::move(slot), std::move(what),
                                                     request.stall_timeout);
  if (absl::Status s = stream->Start(options, request, cancelled); !s.ok()) return s;
  return stream;
}

}  // namespace pluton::s3::internal
