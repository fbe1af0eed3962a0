#include "registry/storage_names.h"

#include <openssl/rand.h>

#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "common/rich_status.h"

namespace pluton::storage {
namespace {

constexpr absl::string_view kIdPrefix = "stg_";
constexpr size_t kIdHexDigits = 16;
constexpr size_t kMaxNameLength = 63;

bool IsNameChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' ||
         c == ' ';
}

}  // namespace

std::string NewStorageId() {
  uint8_t random[kIdHexDigits / 2];
  if (RAND_bytes(random, sizeof(random)) != 1) {
    // RAND_bytes fails only when the OS entropy source is broken: an invariant, not input.
    std::abort();
  }
  return absl::StrCat(kIdPrefix, absl::BytesToHexString(absl::string_view(
                                     reinterpret_cast<const char*>(random), sizeof(random))));
}

bool LooksLikeStorageId(absl::string_view ref) {
  if (!absl::StartsWith(ref, kIdPrefix) || ref.size() != kIdPrefix.size() + kIdHexDigits) {
    return false;
  }
  for (char c : ref.substr(kIdPrefix.size())) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c)) || absl::ascii_isupper(c)) {
      return false;
    }
  }
  return true;
}

absl::Status ValidateStorageName(absl::string_view name, absl::string_view field) {
  std::string problem;
  if (name.empty()) {
    problem = "a name is required: 1-63 letters, digits, spaces, '.', '_' or '-'";
  } else if (name.size() > kMaxNameLength) {
    problem =
        absl::StrCat("the name is ", name.size(), " characters long; use at most ", kMaxNameLength);
  } else if (!absl::ascii_isalnum(static_cast<unsigned char>(name.front()))) {
    problem = "the name must start with a letter or digit";
  } else if (name.back() == ' ') {
    problem = "the name must not end with a space";
  } else if (absl::StartsWith(name, kIdPrefix)) {
    problem = "names starting with \"stg_\" are reserved for storage ids; choose another name";
  } else {
    for (char c : name) {
      if (!IsNameChar(c)) {
        problem = "use only letters, digits, spaces, '.', '_' and '-'";
        break;
      }
    }
  }
  if (problem.empty()) return absl::OkStatus();
  return InvalidArgumentWithViolations("invalid storage name", {{std::string(field), problem}});
}

}  // namespace pluton::storage
