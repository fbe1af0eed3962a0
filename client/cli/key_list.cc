#include "client/cli/key_list.h"

#include <set>

#include "absl/strings/str_split.h"

namespace pluton::storage::client {

std::vector<std::string> ParseKeyLines(absl::string_view text) {
  std::vector<std::string> keys;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty()) keys.emplace_back(line);
  }
  return keys;
}

std::vector<std::string> UniqueInOrder(const std::vector<std::string>& keys) {
  std::set<absl::string_view> seen;
  std::vector<std::string> unique;
  for (const std::string& key : keys) {
    if (seen.insert(key).second) unique.push_back(key);
  }
  return unique;
}

absl::StatusOr<std::string> ReadAll(ByteSource& source) {
  std::string text;
  char buffer[65536];
  while (true) {
    absl::StatusOr<size_t> n = source.Read(buffer, sizeof(buffer));
    if (!n.ok()) return n.status();
    if (*n == 0) return text;
    text.append(buffer, *n);
  }
}

}  // namespace pluton::storage::client
