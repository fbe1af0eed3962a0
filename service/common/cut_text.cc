#include "common/cut_text.h"

#include "absl/strings/str_cat.h"

namespace pluton::storage {

std::string CutText(absl::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  constexpr absl::string_view kEllipsis = "...";
  size_t end = max_bytes - kEllipsis.size();
  // text[end] is the first byte left out: back up while it continues a UTF-8 sequence.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return absl::StrCat(text.substr(0, end), kEllipsis);
}

}  // namespace pluton::storage
