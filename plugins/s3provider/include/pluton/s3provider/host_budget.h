// The host's upload buffer budget (pluton_host_api reserve/release_buffer_budget, through the
// SDK's HostContext) as the s3::BufferBudget StreamingUpload draws its part buffers from.
//
// The host's reserve call has no time limit, only a cancel token; max_wait is emulated by
// handing it a token that fires when the caller's CancelCheck fires or max_wait has passed.
// The host checks for free bytes before it polls the token, so max_wait 0 still takes bytes
// that are free right now.
//
// Thread safety: Reserve and Release may be called concurrently from any thread (the host
// functions are thread-safe). The HostContext is borrowed and must outlive this object.
#ifndef PLUTON_PLUGINS_S3PROVIDER_HOST_BUDGET_H_
#define PLUTON_PLUGINS_S3PROVIDER_HOST_BUDGET_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "pluton/s3/http_transport.h"
#include "pluton/s3/streaming_upload.h"
#include "pluton/sdk/host_context.h"

namespace pluton::s3provider {

class HostBudget final : public s3::BufferBudget {
 public:
  explicit HostBudget(const plugin_sdk::HostContext& host) : host_(host) {}

  // OK; CANCELLED when `cancelled` fired while waiting; DEADLINE_EXCEEDED when max_wait
  // passed first (InfiniteDuration(): no limit); RESOURCE_EXHAUSTED when `bytes` exceeds the
  // whole budget (the message says to lower chunk_size or upload_concurrency). Without a host
  // budget function every reservation succeeds.
  absl::Status Reserve(uint64_t bytes, absl::Duration max_wait,
                       const s3::CancelCheck& cancelled) override;
  void Release(uint64_t bytes) override;

 private:
  const plugin_sdk::HostContext& host_;
};

}  // namespace pluton::s3provider

#endif  // PLUTON_PLUGINS_S3PROVIDER_HOST_BUDGET_H_
