// Fuzz target: storage configuration validation through the host, as AddStorage with
// validate_only does it: StorageRegistry::Add -> Provider::ValidateConfig -> the plugin's C
// ABI -> the SDK's schema checks and the provider's own checks, with the real local, r2 and
// s3 plugins loaded by dlopen (ServiceWorld).
//
// Input, one field per line (see corpus/config_validation/):
//   provider id
//   storage name
//   key=value    configuration, one per remaining line
// Properties: the answer is a storage or INVALID_ARGUMENT whose violations each name a
// request field (storage.name, storage.provider, storage.config.<key>); a valid storage's
// view holds no secret value; and no secret value reaches an error. A secret "leaks" when it
// appears in the error but not in the error for the same input with the secret's characters
// replaced by others of the same kind (so text that merely matches the message's own wording
// is not counted).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "common/rich_status.h"
#include "fuzz_check.h"
#include "line_input.h"
#include "service_world.h"

namespace {

using pluton::storage::ConfigMap;
using pluton::storage::FieldViolation;

// Every character shifted within its class (0-9, a-f, g-z, A-F, G-Z), so a hex, base64 or
// length check sees the same shape of value.
std::string Disguise(const std::string& value) {
  std::string out = value;
  for (char& c : out) {
    auto rotate = [&](char first, char last) { c = c == last ? first : static_cast<char>(c + 1); };
    if (c >= '0' && c <= '9')
      rotate('0', '9');
    else if (c >= 'a' && c <= 'f')
      rotate('a', 'f');
    else if (c >= 'g' && c <= 'z')
      rotate('g', 'z');
    else if (c >= 'A' && c <= 'F')
      rotate('A', 'F');
    else if (c >= 'G' && c <= 'Z')
      rotate('G', 'Z');
  }
  return out;
}

// The status's message and every violation, as one text.
std::string ErrorText(const absl::Status& status) {
  std::string text(status.message());
  for (const FieldViolation& v : pluton::storage::ViolationsOf(status)) {
    text += "\n" + v.field + ": " + v.description;
  }
  return text;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  pluton::fuzz::LineInput in(data, size);
  const std::string provider_id = in.Next();
  const std::string name = in.Next();
  ConfigMap config;
  while (!in.done()) {
    const std::string line = in.Next();
    const size_t eq = line.find('=');
    config[line.substr(0, eq)] = eq == std::string::npos ? "" : line.substr(eq + 1);
  }

  pluton::storage::StorageRegistry& registry = pluton::fuzz::ServiceWorld::Get().registry();
  absl::StatusOr<pluton::storage::StorageView> view =
      registry.Add(name, provider_id, config, /*validate_only=*/true);
  if (view.ok()) {
    for (const auto& [key, value] : view->config) {
      FUZZ_CHECK(std::find(view->secret_fields_set.begin(), view->secret_fields_set.end(), key) ==
                     view->secret_fields_set.end(),
                 "a secret field is shown in the storage's view");
    }
    return 0;
  }
  const absl::Status& status = view.status();
  FUZZ_CHECK(status.code() == absl::StatusCode::kInvalidArgument,
             "validation failed with another code than INVALID_ARGUMENT");
  FUZZ_CHECK(!status.message().empty(), "a validation error without a message");
  for (const FieldViolation& v : pluton::storage::ViolationsOf(status)) {
    // "storage.config" itself: a problem of the map, such as an empty option name.
    FUZZ_CHECK(v.field == "storage.name" || v.field == "storage.provider" ||
                   v.field == "storage.config" || absl::StartsWith(v.field, "storage.config."),
               "a violation names no request field");
    FUZZ_CHECK(!v.description.empty(), "a violation without a description");
  }

  std::shared_ptr<const pluton::storage::Provider> provider =
      pluton::fuzz::ServiceWorld::Get().plugins().Find(provider_id);
  if (provider == nullptr) return 0;
  const std::string text = ErrorText(status);
  ConfigMap disguised = config;
  bool has_secret = false;
  for (auto& [key, value] : disguised) {
    // Values this short could match any wording; they cannot be told apart from it.
    if (value.size() < 8 || !provider->IsSecretField(key)) continue;
    value = Disguise(value);
    has_secret = true;
  }
  if (!has_secret) return 0;
  const std::string disguised_text =
      ErrorText(registry.Add(name, provider_id, disguised, /*validate_only=*/true).status());
  for (const auto& [key, value] : config) {
    if (value.size() < 8 || disguised.at(key) == value) continue;
    FUZZ_CHECK(!absl::StrContains(text, value) || absl::StrContains(disguised_text, value),
               "a secret value appears in a validation error");
  }
  return 0;
}
