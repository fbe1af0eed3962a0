// The ABI function table (pluton_plugin_api) of an S3 provider plugin, built around its
// Provider. Every extern "C" function is guarded so no C++ exception crosses the ABI, and
// routes to the shared code: ResolveConfig (validate_config), RunTestConnection
// (test_connection), ProviderUpload (upload_*), ProviderDownload (download_*) and StatObject
// (stat_object).
//
//   extern "C" PLUTON_PLUGIN_EXPORT const pluton_plugin_api* pluton_storage_plugin_entry(
//       const pluton_host_api* host) {
//     static const R2Provider provider;
//     return pluton::s3provider::PluginEntry(provider, host);
//   }
//
// One provider per shared object: the table's C functions reach the provider through a
// global of this library, and each plugin links its own copy of it.
//
// Thread safety: PluginEntry may be called more than once (same provider); the table's
// functions follow the ABI's thread rules.
#ifndef PLUTON_PLUGINS_S3PROVIDER_PLUGIN_API_H_
#define PLUTON_PLUGINS_S3PROVIDER_PLUGIN_API_H_

#include "pluton/s3provider/provider.h"
#include "pluton/storage_plugin.h"

namespace pluton::s3provider {

// Stores `host` in the provider's HostContext and returns the constant table, or NULL when
// the host speaks another ABI major version (then the host is not called at all).
// REQUIRES: `provider` has static lifetime and is the same on every call.
const pluton_plugin_api* PluginEntry(const Provider& provider,
                                     const pluton_host_api* host) noexcept;

}  // namespace pluton::s3provider

#endif  // PLUTON_PLUGINS_S3PROVIDER_PLUGIN_API_H_
