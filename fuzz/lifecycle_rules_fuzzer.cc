// Fuzz target: lifecycle rules as a user gives them, end to end up to the provider: the CLI's
// rules file (`lifecycle set --file`, client/cli/lifecycle_input.h), then the service's
// SetLifecycle with its rule checks (service/objects/lifecycle_calls.h) on a real registry
// whose `local` storage answers UNIMPLEMENTED (it has no lifecycle rules), then the S3 body the
// r2 and s3 plugins would send for the same rules (s3_bucket_xml.h).
//
// Input: the rules file, JSON (see corpus/lifecycle_rules/).
// Properties: the CLI parses or says INVALID_ARGUMENT naming the file; parsed day counts are
// never negative; the service refuses with INVALID_ARGUMENT and violations naming request
// fields, or passes the rules on (UNIMPLEMENTED from `local`, reason LIFECYCLE_UNSUPPORTED);
// rules the service passes on, with ids and prefixes XML can carry, make a valid S3
// lifecycle document that reads back as the same rules.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "client/cli/lifecycle_input.h"
#include "common/rich_status.h"
#include "fuzz_check.h"
#include "objects/lifecycle_calls.h"
#include "pluton/s3/s3_bucket_xml.h"
#include "service_world.h"

namespace {

namespace v1 = pluton::storage::v1;

void CheckS3Document(const std::vector<v1::LifecycleRule>& rules) {
  std::vector<pluton::s3::LifecycleRule> s3_rules;
  for (const v1::LifecycleRule& rule : rules) {
    if (!pluton::s3::IsXmlSafeKey(rule.id()) || !pluton::s3::IsXmlSafeKey(rule.prefix())) return;
    s3_rules.push_back({rule.id(),
                        rule.prefix(),
                        rule.enabled(),
                        rule.expire_after_days(),
                        rule.abort_incomplete_upload_after_days(),
                        {}});
  }
  absl::StatusOr<std::string> body = pluton::s3::BuildLifecycleConfigurationXml(s3_rules);
  FUZZ_CHECK(body.ok(), "rules the service accepts make no S3 lifecycle document");
  absl::StatusOr<std::vector<pluton::s3::LifecycleRule>> again =
      pluton::s3::ParseLifecycleConfiguration(*body);
  FUZZ_CHECK(again.ok() && again->size() == s3_rules.size(),
             "the S3 lifecycle document does not read back");
  for (size_t i = 0; i < s3_rules.size(); ++i) {
    const pluton::s3::LifecycleRule& a = s3_rules[i];
    const pluton::s3::LifecycleRule& b = (*again)[i];
    FUZZ_CHECK(a.id == b.id && a.prefix == b.prefix && a.enabled == b.enabled &&
                   a.expiration_days == b.expiration_days &&
                   a.abort_incomplete_days == b.abort_incomplete_days && b.unsupported.empty(),
               "a rule changed on its way through the S3 lifecycle document");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<std::vector<v1::LifecycleRule>> rules =
      pluton::storage::client::ParseLifecycleRules(text, "rules.json");
  if (!rules.ok()) {
    FUZZ_CHECK(rules.status().code() == absl::StatusCode::kInvalidArgument,
               "the rules file was refused with another code than INVALID_ARGUMENT");
    FUZZ_CHECK(absl::StartsWith(rules.status().message(), "rules.json"),
               "a rules file error that does not name the file");
    return 0;
  }
  for (const v1::LifecycleRule& rule : *rules) {
    FUZZ_CHECK(rule.expire_after_days() >= 0 && rule.abort_incomplete_upload_after_days() >= 0,
               "the CLI let a negative day count through");
  }

  pluton::fuzz::ServiceWorld& world = pluton::fuzz::ServiceWorld::Get();
  v1::SetLifecycleRequest request;
  request.set_storage(world.local_storage());
  request.set_bucket("bucket");
  for (const v1::LifecycleRule& rule : *rules) *request.add_rules() = rule;
  v1::Lifecycle response;
  const absl::Status status =
      pluton::storage::SetLifecycle(&world.registry(), request, &response, nullptr);
  if (status.code() == absl::StatusCode::kInvalidArgument) {
    const std::vector<pluton::storage::FieldViolation> violations =
        pluton::storage::ViolationsOf(status);
    FUZZ_CHECK(!violations.empty(), "a refused lifecycle request without violations");
    for (const pluton::storage::FieldViolation& v : violations) {
      FUZZ_CHECK(absl::StartsWith(v.field, "rules"), "a violation names no rule field");
    }
    return 0;
  }
  FUZZ_CHECK(status.code() == absl::StatusCode::kUnimplemented &&
                 pluton::storage::ReasonOf(status) == "LIFECYCLE_UNSUPPORTED",
             "the local storage answered SetLifecycle with something else than UNIMPLEMENTED");
  if (!rules->empty()) CheckS3Document(*rules);
  return 0;
}
