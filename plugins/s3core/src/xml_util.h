// Internal to pluton_s3core: walking tinyxml2 documents the way S3 responses need (element
// names compared without namespace prefixes, absent elements read as ""), shared by the
// parsers of s3_xml.cc and s3_bucket_xml.cc.
//
// Thread safety: pure functions.
#ifndef PLUTON_PLUGINS_S3CORE_SRC_XML_UTIL_H_
#define PLUTON_PLUGINS_S3CORE_SRC_XML_UTIL_H_

#include <tinyxml2.h>

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace pluton::s3::internal {

// The element's name without a namespace prefix.
absl::string_view LocalName(const tinyxml2::XMLElement* element);

// The first child element called `name`, or NULL.
const tinyxml2::XMLElement* FirstChild(const tinyxml2::XMLElement* parent, absl::string_view name);

// Calls f(child) for every child element called `name`, in document order.
template <class F>
void ForEachChild(const tinyxml2::XMLElement* parent, absl::string_view name, F&& f) {
  for (const tinyxml2::XMLElement* e = parent->FirstChildElement(); e != nullptr;
       e = e->NextSiblingElement()) {
    if (LocalName(e) == name) f(e);
  }
}

// The element's text exactly as sent (entities resolved); "" for NULL or no text.
std::string Text(const tinyxml2::XMLElement* element);

// Text(FirstChild(parent, name)).
std::string ChildText(const tinyxml2::XMLElement* parent, absl::string_view name);

// Parses `xml` into `doc` keeping the text of elements whose whole text is whitespace
// (<Key> </Key> is the key " "): tinyxml2 drops such text otherwise, which would turn a
// lifecycle rule's prefix " " into "" (the whole bucket) and make a key " " vanish. Returns
// tinyxml2's result.
tinyxml2::XMLError ParseXml(absl::string_view xml, tinyxml2::XMLDocument& doc);

// INTERNAL "malformed S3 response (<document>): <problem>".
absl::Status Malformed(absl::string_view document, absl::string_view problem);

// Parses `xml` into `doc` (ParseXml) and returns its root, checked to be `expected_root`. INTERNAL
// for XML that is not well-formed, another root, or an <Error> document (naming its Code and
// Message).
absl::StatusOr<const tinyxml2::XMLElement*> ParseRoot(absl::string_view xml,
                                                      absl::string_view expected_root,
                                                      tinyxml2::XMLDocument& doc);

}  // namespace pluton::s3::internal

#endif  // PLUTON_PLUGINS_S3CORE_SRC_XML_UTIL_H_
