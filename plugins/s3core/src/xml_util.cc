#include "xml_util.h"

#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace pluton::s3::internal {
namespace {

bool IsXmlSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// The position just past the construct that starts at `at` with `open` and ends with `close`
// (a comment, a CDATA section, a processing instruction), or npos when it does not end.
size_t SkipPast(absl::string_view xml, size_t at, absl::string_view close) {
  const size_t end = xml.find(close, at);
  return end == absl::string_view::npos ? end : end + close.size();
}

// The position just past the tag that starts at `at` ('<'), quoted attribute values
// skipped, or npos when it does not end.
size_t SkipTag(absl::string_view xml, size_t at) {
  char quote = 0;
  for (size_t i = at + 1; i < xml.size(); ++i) {
    if (quote != 0) {
      if (xml[i] == quote) quote = 0;
    } else if (xml[i] == '"' || xml[i] == '\'') {
      quote = xml[i];
    } else if (xml[i] == '>') {
      return i + 1;
    }
  }
  return absl::string_view::npos;
}

// `xml` with the whitespace between a start tag and its own end tag (<a> </a>) written as
// character references, which tinyxml2 keeps. Everything else is copied unchanged; what is
// not well-formed is left for the parser to refuse.
std::string KeepWhitespaceOnlyText(absl::string_view xml) {
  std::string out;
  out.reserve(xml.size());
  size_t i = 0;
  while (i < xml.size()) {
    if (xml[i] != '<') {
      out += xml[i++];
      continue;
    }
    const absl::string_view rest = xml.substr(i);
    size_t end;
    bool start_tag = false;
    if (absl::StartsWith(rest, "<!--")) {
      end = SkipPast(xml, i + 4, "-->");
    } else if (absl::StartsWith(rest, "<![CDATA[")) {
      end = SkipPast(xml, i + 9, "]]>");
    } else if (absl::StartsWith(rest, "<?")) {
      end = SkipPast(xml, i + 2, "?>");
    } else {
      end = SkipTag(xml, i);
      start_tag = end != absl::string_view::npos && !absl::StartsWith(rest, "</") &&
                  !absl::StartsWith(rest, "<!") && xml[end - 2] != '/';
    }
    if (end == absl::string_view::npos) {
      absl::StrAppend(&out, rest);
      break;
    }
    absl::StrAppend(&out, xml.substr(i, end - i));
    i = end;
    if (!start_tag) continue;
    size_t text_end = i;
    while (text_end < xml.size() && IsXmlSpace(xml[text_end])) ++text_end;
    if (text_end == i || !absl::StartsWith(xml.substr(text_end), "</")) continue;
    for (; i < text_end; ++i) absl::StrAppend(&out, "&#", static_cast<int>(xml[i]), ";");
  }
  return out;
}

}  // namespace

using tinyxml2::XMLElement;

tinyxml2::XMLError ParseXml(absl::string_view xml, tinyxml2::XMLDocument& doc) {
  const std::string kept = KeepWhitespaceOnlyText(xml);
  return doc.Parse(kept.data(), kept.size());
}

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
  if (ParseXml(xml, doc) != tinyxml2::XML_SUCCESS) {
    // Neither the body nor the parser's description of it (which quotes it) is passed on: an
    // endpoint that is not S3 must not get its content relayed to the caller.
    return Malformed(expected_root,
                     absl::StrCat("not well-formed XML (", doc.ErrorName(), ", ", xml.size(),
                                  " bytes): the endpoint does not answer like an S3 service"));
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
