#include "pluton/sdk/host_context.h"

#include <cstddef>

#include "pluton/sdk/abi_util.h"

namespace pluton::plugin_sdk {

bool HostContext::Compatible(const pluton_host_api* host) noexcept {
  return PLUTON_SDK_HAS_FIELD(host, pluton_host_api, abi_major) &&
         host->abi_major == PLUTON_PLUGIN_ABI_MAJOR;
}

void HostContext::Log(pluton_log_level level, const char* message) const noexcept {
  const pluton_host_api* h = host();
  if (!PLUTON_SDK_HAS_FIELD(h, pluton_host_api, log) || h->log == nullptr) return;
  h->log(level, plugin_id_, message == nullptr ? "" : message);
}

void HostContext::Log(pluton_log_level level, const std::string& message) const noexcept {
  Log(level, message.c_str());
}

int32_t HostContext::ReserveBudget(uint64_t bytes,
                                   const pluton_cancel_token* cancel) const noexcept {
  const pluton_host_api* h = host();
  if (!PLUTON_SDK_HAS_FIELD(h, pluton_host_api, reserve_buffer_budget) ||
      h->reserve_buffer_budget == nullptr ||
      !PLUTON_SDK_HAS_FIELD(h, pluton_host_api, release_buffer_budget) ||
      h->release_buffer_budget == nullptr) {
    return PLUTON_OK;  // no budget to account against
  }
  return h->reserve_buffer_budget(bytes, cancel);
}

void HostContext::ReleaseBudget(uint64_t bytes) const noexcept {
  const pluton_host_api* h = host();
  // Mirrors ReserveBudget: without both functions nothing was reserved.
  if (!PLUTON_SDK_HAS_FIELD(h, pluton_host_api, reserve_buffer_budget) ||
      h->reserve_buffer_budget == nullptr ||
      !PLUTON_SDK_HAS_FIELD(h, pluton_host_api, release_buffer_budget) ||
      h->release_buffer_budget == nullptr) {
    return;
  }
  h->release_buffer_budget(bytes);
}

BudgetReservation::BudgetReservation(BudgetReservation&& other) noexcept
    : host_(other.host_), bytes_(other.bytes_) {
  other.host_ = nullptr;
  other.bytes_ = 0;
}

BudgetReservation& BudgetReservation::operator=(BudgetReservation&& other) noexcept {
  if (this != &other) {
    Release();
    host_ = other.host_;
    bytes_ = other.bytes_;
    other.host_ = nullptr;
    other.bytes_ = 0;
  }
  return *this;
}

int32_t BudgetReservation::Reserve(const HostContext& host, uint64_t bytes,
                                   const pluton_cancel_token* cancel) noexcept {
  Release();
  const int32_t code = host.ReserveBudget(bytes, cancel);
  if (code == PLUTON_OK) {
    host_ = &host;
    bytes_ = bytes;
  }
  return code;
}

void BudgetReservation::Release() noexcept {
  if (host_ != nullptr) host_->ReleaseBudget(bytes_);
  host_ = nullptr;
  bytes_ = 0;
}

}  // namespace pluton::plugin_sdk
