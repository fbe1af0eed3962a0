// The generic s3 provider (AWS S3 and S3-compatible services): its Provider for the shared S3
// provider code and the plugin's entry point, the only exported symbol.
#include "pluton/s3provider/plugin_api.h"
#include "pluton/s3provider/provider.h"
#include "pluton/storage_plugin.h"
#include "s3_config.h"
#include "s3_messages.h"

namespace pluton::s3_provider {
namespace {

class S3Provider final : public s3provider::Provider {
 public:
  S3Provider() : Provider("s3") {}

  const char* id() const override { return "s3"; }
  const char* display_name() const override { return "S3-compatible storage"; }
  const char* description() const override {
    return "Stores backups in a bucket of AWS S3 or any S3-compatible service (MinIO, Wasabi, "
           "Backblaze B2, Ceph...), given its endpoint URL, region and an access key.";
  }
  const char* version() const override { return PLUTON_S3_PLUGIN_VERSION; }
  const plugin_sdk::ConfigSchema& Schema() const override { return s3_provider::Schema(); }
  void Resolve(s3provider::ConfigCheck& check, s3provider::ResolvedConfig* out) const override {
    s3_provider::Resolve(check, out);
  }
  s3provider::Explanation Explain(const s3provider::Failure& failure,
                                  const s3provider::FailureContext& context) const override {
    return s3_provider::Explain(failure, context);
  }
};

}  // namespace
}  // namespace pluton::s3_provider

// Returns the constant table, or NULL for a host this plugin cannot serve.
extern "C" PLUTON_PLUGIN_EXPORT const pluton_plugin_api* pluton_storage_plugin_entry(
    const pluton_host_api* host) {
  static const pluton::s3_provider::S3Provider provider;  // constructor cannot throw
  return pluton::s3provider::PluginEntry(provider, host);
}
