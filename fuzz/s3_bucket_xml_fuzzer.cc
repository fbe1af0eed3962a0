// Fuzz target: the bucket documents of pluton_s3core (s3_bucket_xml.h): the DeleteObjects
// result and lifecycle configurations from a server, and the request bodies built from them.
// Parsers return a value or INTERNAL; builders accept what they document and nothing else,
// and what they write reads back as what they were given (a lifecycle rule set read from the
// input is written and parsed again; keys are written into a DeleteObjects body and read back
// the way the library reads XML, internal::ParseXml).
#include <tinyxml2.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "fuzz_check.h"
#include "pluton/s3/s3_bucket_xml.h"
#include "xml_util.h"

namespace {

using namespace pluton::s3;  // NOLINT: a fuzz target exercising this one namespace

bool SameRule(const LifecycleRule& a, const LifecycleRule& b) {
  return a.id == b.id && a.prefix == b.prefix && a.enabled == b.enabled &&
         a.expiration_days == b.expiration_days &&
         a.abort_incomplete_days == b.abort_incomplete_days && a.unsupported == b.unsupported;
}

void CheckLifecycleRoundTrip(const std::vector<LifecycleRule>& rules) {
  absl::StatusOr<std::string> body = BuildLifecycleConfigurationXml(rules);
  if (!body.ok()) {
    FUZZ_CHECK(body.status().code() == absl::StatusCode::kInvalidArgument,
               "the lifecycle builder refused rules with another code than INVALID_ARGUMENT");
    return;
  }
  absl::StatusOr<std::vector<LifecycleRule>> again = ParseLifecycleConfiguration(*body);
  FUZZ_CHECK(again.ok(), "a lifecycle configuration we wrote does not parse");
  FUZZ_CHECK(again->size() == rules.size(), "rules were lost writing a lifecycle configuration");
  for (size_t i = 0; i < rules.size(); ++i) {
    FUZZ_CHECK(SameRule(rules[i], (*again)[i]), "a lifecycle rule changed on its way through XML");
  }
}

void CheckDeleteRoundTrip(const std::vector<std::string>& keys) {
  absl::StatusOr<std::string> body = BuildDeleteObjectsXml(keys);
  if (!body.ok()) {
    FUZZ_CHECK(body.status().code() == absl::StatusCode::kInvalidArgument,
               "the DeleteObjects builder refused keys with another code than INVALID_ARGUMENT");
    for (const std::string& key : keys) {
      if (key.empty() || !IsXmlSafeKey(key)) return;
    }
    FUZZ_CHECK(keys.size() > kMaxDeleteObjectsKeys, "the DeleteObjects builder refused good keys");
    return;
  }
  tinyxml2::XMLDocument doc;
  FUZZ_CHECK(pluton::s3::internal::ParseXml(*body, doc) == tinyxml2::XML_SUCCESS,
             "the DeleteObjects body is not well-formed XML");
  const tinyxml2::XMLElement* object = doc.RootElement()->FirstChildElement("Object");
  for (const std::string& key : keys) {
    FUZZ_CHECK(object != nullptr, "a key is missing from the DeleteObjects body");
    const char* text = object->FirstChildElement("Key")->GetText();
    FUZZ_CHECK(key == (text == nullptr ? "" : text), "a key changed in the DeleteObjects body");
    object = object->NextSiblingElement("Object");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view xml(reinterpret_cast<const char*>(data), size);

  absl::StatusOr<DeleteObjectsResult> deleted = ParseDeleteObjectsResult(xml);
  if (deleted.ok()) {
    std::vector<std::string> keys = deleted->deleted;
    for (const DeleteObjectError& error : deleted->errors) {
      FUZZ_CHECK(!error.key.empty(), "a DeleteObjects error without a key");
      keys.push_back(error.key);
    }
    if (!keys.empty()) CheckDeleteRoundTrip(keys);
  } else {
    FUZZ_CHECK(deleted.status().code() == absl::StatusCode::kInternal,
               "a DeleteObjects parse error is not INTERNAL");
  }

  absl::StatusOr<std::vector<LifecycleRule>> rules = ParseLifecycleConfiguration(xml);
  if (rules.ok()) {
    for (const LifecycleRule& rule : *rules) {
      FUZZ_CHECK(rule.expiration_days >= 0 && rule.abort_incomplete_days >= 0,
                 "a parsed rule has a negative day count");
    }
    if (!rules->empty()) CheckLifecycleRoundTrip(*rules);
  } else {
    FUZZ_CHECK(rules.status().code() == absl::StatusCode::kInternal,
               "a lifecycle parse error is not INTERNAL");
  }
  return 0;
}
