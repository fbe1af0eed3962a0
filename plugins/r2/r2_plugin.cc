// The r2 provider (Cloudflare R2): its Provider for the shared S3 provider code and the
// plugin's entry point, the only exported symbol.
#include "pluton/s3provider/plugin_api.h"
#include "pluton/s3provider/provider.h"
#include "pluton/storage_plugin.h"
#include "r2_config.h"
#include "r2_messages.h"

namespace pluton::r2_provider {
namespace {

class R2Provider final : public s3provider::Provider {
 public:
  R2Provider() : Provider("r2") {}

  const char* id() const override { return "r2"; }
  const char* display_name() const override { return "Cloudflare R2"; }
  const char* description() const override {
    return "Stores backups in a Cloudflare R2 bucket through R2's S3-compatible API, with an R2 "
           "API token (Access Key ID and Secret Access Key). R2 charges no egress fees.";
  }
  const char* version() const override { return PLUTON_R2_PLUGIN_VERSION; }
  const plugin_sdk::ConfigSchema& Schema() const override { return r2_provider::Schema(); }
  void Resolve(s3provider::ConfigCheck& check, s3provider::ResolvedConfig* out) const override {
    r2_provider::Resolve(check, out);
  }
  s3provider::Explanation Explain(const s3provider::Failure& failure,
                                  const s3provider::FailureContext& context) const override {
    return r2_provider::Explain(failure, context);
  }
};

}  // namespace
}  // namespace pluton::r2_provider

// Returns the constant table, or NULL for a host this plugin cannot serve.
extern "C" PLUTON_PLUGIN_EXPORT const pluton_plugin_api* pluton_storage_plugin_entry(
    const pluton_host_api* host) {
  static const pluton::r2_provider::R2Provider provider;  // constructor cannot throw
  return pluton::s3provider::PluginEntry(provider, host);
}
