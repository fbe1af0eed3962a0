// S3 XML documents for deleting many objects and for bucket lifecycle rules: the request
// bodies (built with tinyxml2, which escapes every key, id and prefix) and the responses.
//
//   absl::StatusOr<std::string> body = BuildDeleteObjectsXml({"a&b", "c<d"});   // Quiet mode
//   absl::StatusOr<DeleteObjectsResult> result = ParseDeleteObjectsResult(response.body);
//
//   absl::StatusOr<std::vector<LifecycleRule>> rules = ParseLifecycleConfiguration(body);
//   for (const LifecycleRule& rule : *rules) {
//     if (!rule.unsupported.empty()) ...   // the rule does more than LifecycleRule can say
//   }
//
// Lifecycle model: a LifecycleRule is the subset of S3's rules Pluton manages: an id, a key
// prefix, enabled or not, expiry after N days and aborting incomplete multipart uploads after
// N days. A rule in a bucket may do more (transitions to other storage classes, tag or size
// filters, expiry on a date, noncurrent-version actions). Parsing never drops such parts
// silently: each is named in LifecycleRule::unsupported (as an element path such as
// "Transition", "Filter/And/Tag", "Expiration/Date"), and BuildLifecycleConfigurationXml
// refuses a rule that has any, so a caller must decide what to do with it.
//
// Errors: parsing gives INTERNAL "malformed S3 response (...)" for a body that is not the
// expected document or holds an unreadable required field (a day count that is not a positive
// number, a Status other than Enabled/Disabled); building gives INVALID_ARGUMENT naming the
// problem.
//
// Thread safety: pure functions.
#ifndef PLUTON_PLUGINS_S3CORE_S3_BUCKET_XML_H_
#define PLUTON_PLUGINS_S3CORE_S3_BUCKET_XML_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace pluton::s3 {

// DeleteObjects takes at most this many keys per request.
inline constexpr size_t kMaxDeleteObjectsKeys = 1000;

// True when `key` can travel in an XML 1.0 document unchanged: no control character other
// than tab and line feed (XML cannot carry most of them, and parsers turn a carriage return
// into a line feed). Other keys must be deleted one by one with DeleteObject.
bool IsXmlSafeKey(absl::string_view key);

// The DeleteObjects request body:
//   <?xml version="1.0" encoding="UTF-8"?>
//   <Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Quiet>true</Quiet>
//   <Object><Key>...</Key></Object>...</Delete>
// (without the line breaks). INVALID_ARGUMENT for no keys, more than kMaxDeleteObjectsKeys,
// or a key that is empty or not IsXmlSafeKey.
absl::StatusOr<std::string> BuildDeleteObjectsXml(absl::Span<const std::string> keys);

// One key DeleteObjects could not delete: S3's <Error> entry.
struct DeleteObjectError {
  std::string key;
  std::string code;  // e.g. "AccessDenied"
  std::string message;
};

// DeleteObjects: <DeleteResult>. In Quiet mode `deleted` is empty.
struct DeleteObjectsResult {
  std::vector<std::string> deleted;
  std::vector<DeleteObjectError> errors;
};
absl::StatusOr<DeleteObjectsResult> ParseDeleteObjectsResult(absl::string_view xml);

// One lifecycle rule, as far as Pluton manages rules (see the file comment).
struct LifecycleRule {
  std::string id;
  std::string prefix;  // "" for the whole bucket
  bool enabled = true;
  int expiration_days = 0;        // <Expiration><Days>; 0: none
  int abort_incomplete_days = 0;  // <AbortIncompleteMultipartUpload>; 0: none
  // What else the rule holds, as element paths ("Transition", "Filter/Tag",
  // "Expiration/Date", ...), in document order without repeats; empty when the fields above
  // describe the rule completely.
  std::vector<std::string> unsupported;
};

// GetBucketLifecycleConfiguration: <LifecycleConfiguration>. The prefix is read from
// <Filter><Prefix>, <Filter><And><Prefix> or the older <Rule><Prefix>.
absl::StatusOr<std::vector<LifecycleRule>> ParseLifecycleConfiguration(absl::string_view xml);

// The PutBucketLifecycleConfiguration body: per rule, in the order of the S3 API model,
//   <Rule>[<Expiration><Days>N</Days></Expiration>]<ID>id</ID><Filter><Prefix>p</Prefix>
//   </Filter><Status>Enabled|Disabled</Status>[<AbortIncompleteMultipartUpload>
//   <DaysAfterInitiation>N</DaysAfterInitiation></AbortIncompleteMultipartUpload>]</Rule>
// inside <LifecycleConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">.
// INVALID_ARGUMENT for no rules, or a rule with an empty id, a negative day count, no action,
// an unsupported part, or an id or prefix with a character XML cannot carry.
absl::StatusOr<std::string> BuildLifecycleConfigurationXml(absl::Span<const LifecycleRule> rules);

}  // namespace pluton::s3

#endif  // PLUTON_PLUGINS_S3CORE_S3_BUCKET_XML_H_
