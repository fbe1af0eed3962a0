#include "xml_util.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace pluton::s3::internal {

using tinyxml2::XMLElement;

absl::string_view LocalName(const XMLElement* element) {
  absl::string_view name = element->Name();
  const size_t colon = name.find(':');
  return colon == absl::string_view::npos ? name : name.substr(colon + 1);
}

const XMLElement* FirstChild(const XMLElement* parent, absl::string_view name) {
  for (const XMLElement* e = parent->FirstChildElement(); e != nullptr;
       e = e->NextSiblingElement()) {
    if (LocalName(e) == name) return e;
  }
  return nullptr;
}

std::string Text(const XMLElement* element) {
  if (element == nullptr) return "";
  const char* text = element->GetText();
  return text == nullptr ? "" : text;
}

std::string ChildText(const XMLElement* parent, absl::string_view name) {
  return Text(FirstChild(parent, name));
}

absl::Status Malformed(absl::string_view document, absl::string_view problem) {
  return absl::InternalError(absl::StrCat("malformed S3 response (", document, "): ", problem));
}

absl::StatusOr<const XMLElement*> ParseRoot(absl::string_view xml, absl::string_view expected_root,
                                            tinyxml2::XMLDocument& doc) {
  if (doc.Parse(xml.data(), xml.size()) != tinyxml2::XML_SUCCESS) {
    return Malformed(expected_root,
                     absl::StrCat("not well-formed XML (", doc.ErrorStr(), "); body begins \"",
                                  absl::CHexEscape(xml.substr(0, 120)), "\""));
  }
  const XMLElement* root = doc.RootElement();
  if (root == nullptr) return Malformed(expected_root, "no root element");
  if (LocalName(root) == expected_root) return root;
  if (LocalName(root) == "Error") {
    return absl::InternalError(absl::StrCat("S3 returned an error document where ", expected_root,
                                            " was expected: ", ChildText(root, "Code"), ": ",
                                            ChildText(root, "Message")));
  }
  return Malformed(expected_root, absl::StrCat("unexpected root element <", LocalName(root), ">"));
}

}  // namespace pluton::s3::internal
