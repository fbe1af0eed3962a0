#include "registry/chunk_size_check.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "pluton/sdk/size.h"

namespace pluton::storage {

void CheckChunkSizeFitsBudget(const std::vector<ConfigFieldSpec>& schema, const ConfigMap& config,
                              uint64_t budget_bytes, std::vector<FieldViolation>& violations) {
  constexpr char kField[] = "chunk_size";
  const ConfigFieldSpec* spec = nullptr;
  for (const ConfigFieldSpec& field : schema) {
    if (field.name == kField && field.type == "size") spec = &field;
  }
  if (spec == nullptr) return;
  auto it = config.find(kField);
  const std::string& text =
      it != config.end() && !it->second.empty() ? it->second : spec->default_value;
  const std::optional<uint64_t> chunk_size = plugin_sdk::ParseSize(text);
  if (!chunk_size.has_value() || *chunk_size <= budget_bytes) return;
  violations.push_back(
      {kField,
       absl::StrCat(
           "is ", plugin_sdk::FormatSize(*chunk_size),
           ", larger than the service's whole upload buffer budget of ",
           plugin_sdk::FormatSize(budget_bytes),
           ", so no upload could reserve a part buffer; use a chunk_size of at most ",
           plugin_sdk::FormatSize(budget_bytes), ", or raise the service's ", kBufferBudgetFlag,
           it == config.end() || it->second.empty() ? " (the provider's default chunk_size is used)"
                                                    : "")});
}

}  // namespace pluton::storage
