// Whether a configuration's upload part size fits the daemon's upload buffer budget
// (--upload_buffer_budget_mib). Each upload reserves its part buffers from that budget, one
// part size at a time; a part larger than the whole budget can never be reserved, so such a
// storage is refused when it is saved rather than failing every upload.
//
// The part size is, by the convention of pluton/storage_plugin.h (config_schema_json), the
// provider's option named "chunk_size" of type "size"; providers without one are not checked.
// Sizes are read with the plugin SDK's ParseSize, so host and plugins agree on "5MiB".
//
// Thread safety: free function, no shared state.
#ifndef PLUTON_SERVICE_REGISTRY_CHUNK_SIZE_CHECK_H_
#define PLUTON_SERVICE_REGISTRY_CHUNK_SIZE_CHECK_H_

#include <cstdint>
#include <vector>

#include "common/rich_status.h"
#include "plugin/provider.h"

namespace pluton::storage {

// The daemon flag that sets the budget, for messages.
inline constexpr char kBufferBudgetFlag[] = "--upload_buffer_budget_mib";

// Appends a violation (field "chunk_size") when the chunk_size `config` sets, or else its
// schema default, exceeds `budget_bytes`. A value that does not parse is left to the plugin.
void CheckChunkSizeFitsBudget(const std::vector<ConfigFieldSpec>& schema, const ConfigMap& config,
                              uint64_t budget_bytes, std::vector<FieldViolation>& violations);

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_REGISTRY_CHUNK_SIZE_CHECK_H_
