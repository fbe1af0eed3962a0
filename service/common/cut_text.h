// Cutting text that goes somewhere with a size limit (an error, a log line) without breaking a
// UTF-8 sequence in two.
//
// Thread safety: free function, no shared state.
#ifndef PLUTON_SERVICE_COMMON_CUT_TEXT_H_
#define PLUTON_SERVICE_COMMON_CUT_TEXT_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace pluton::storage {

// `text` when it has at most `max_bytes` bytes; otherwise its longest prefix that ends at a
// UTF-8 sequence boundary and leaves room for "...", with "..." appended, so the result never
// exceeds `max_bytes`. REQUIRES: max_bytes >= 3.
std::string CutText(absl::string_view text, size_t max_bytes);

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_COMMON_CUT_TEXT_H_
