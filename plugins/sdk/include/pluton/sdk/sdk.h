// Umbrella header for the Pluton provider plugin SDK (pluton::plugin_sdk): everything a
// provider plugin needs to implement the ABI in pluton/storage_plugin.h without repeating its
// plumbing. See each header for its contracts.
#ifndef PLUTON_PLUGINS_SDK_SDK_H_
#define PLUTON_PLUGINS_SDK_SDK_H_

#include "pluton/sdk/abi_util.h"       // PLUTON_SDK_HAS_FIELD, CancelToken, View
#include "pluton/sdk/config_schema.h"  // FieldSpec, ConfigSchema, ParsedConfig
#include "pluton/sdk/errors.h"         // MakeError, DestroyError, GuardErrors
#include "pluton/sdk/host_context.h"   // HostContext, BudgetReservation
#include "pluton/sdk/size.h"           // ParseSize
#include "pluton/sdk/test_report.h"    // TestReportBuilder, DestroyTestReport

#endif  // PLUTON_PLUGINS_SDK_SDK_H_
