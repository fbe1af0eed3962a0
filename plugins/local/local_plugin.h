// State shared by the local provider's files.
#ifndef PLUTON_PLUGINS_LOCAL_LOCAL_PLUGIN_H_
#define PLUTON_PLUGINS_LOCAL_LOCAL_PLUGIN_H_

#include "pluton/sdk/host_context.h"

namespace pluton::local_provider {

inline constexpr char kProviderId[] = "local";

// The host services given to the entry function (logging). Set once by the entry function;
// thread-safe to use afterwards (see HostContext).
plugin_sdk::HostContext& Host();

}  // namespace pluton::local_provider

#endif  // PLUTON_PLUGINS_LOCAL_LOCAL_PLUGIN_H_
