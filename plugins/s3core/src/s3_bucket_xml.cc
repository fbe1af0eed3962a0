#include "pluton/s3/s3_bucket_xml.h"

#include <tinyxml2.h>

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "xml_util.h"

namespace pluton::s3 {
namespace {

using internal::ChildText;
using internal::ForEachChild;
using internal::LocalName;
using internal::Malformed;
using internal::ParseRoot;
using internal::Text;
using tinyxml2::XMLElement;

constexpr char kS3Namespace[] = "http://s3.amazonaws.com/doc/2006-03-01/";
constexpr absl::string_view kLifecycleDoc = "LifecycleConfiguration";

// An XMLPrinter that has written the declaration and opened `root` with the S3 namespace.
class S3XmlWriter {
 public:
  explicit S3XmlWriter(const char* root) : printer_(nullptr, /*compact=*/true) {
    printer_.PushDeclaration("xml version=\"1.0\" encoding=\"UTF-8\"");
    printer_.OpenElement(root, /*compactMode=*/true);
    printer_.PushAttribute("xmlns", kS3Namespace);
  }
  void Open(const char* name) { printer_.OpenElement(name, true); }
  void Close() { printer_.CloseElement(true); }
  // <name>text</name>; tinyxml2 escapes the text.
  void Element(const char* name, const std::string& text) {
    Open(name);
    printer_.PushText(text.c_str());
    Close();
  }
  void Element(const char* name, int value) {
    Open(name);
    printer_.PushText(value);
    Close();
  }
  // Closes the root and returns the document.
  std::string Finish() {
    Close();
    return std::string(printer_.CStr(), static_cast<size_t>(printer_.CStrSize() - 1));
  }

 private:
  tinyxml2::XMLPrinter printer_;
};

void AddUnsupported(LifecycleRule* rule, std::string path) {
  if (std::find(rule->unsupported.begin(), rule->unsupported.end(), path) ==
      rule->unsupported.end()) {
    rule->unsupported.push_back(std::move(path));
  }
}

absl::StatusOr<int> ParseDays(absl::string_view path, const XMLElement* element) {
  int days = 0;
  const std::string text = Text(element);
  if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(text), &days) || days < 1) {
    return Malformed(kLifecycleDoc, absl::StrCat(path, " is not a positive number of days: \"",
                                                 absl::CHexEscape(text), "\""));
  }
  return days;
}

void ParseFilter(const XMLElement* filter, LifecycleRule* rule) {
  for (const XMLElement* e = filter->FirstChildElement(); e != nullptr;
       e = e->NextSiblingElement()) {
    const absl::string_view name = LocalName(e);
    if (name == "Prefix") {
      rule->prefix = Text(e);
    } else if (name == "And") {
      for (const XMLElement* a = e->FirstChildElement(); a != nullptr;
           a = a->NextSiblingElement()) {
        if (LocalName(a) == "Prefix") {
          rule->prefix = Text(a);
        } else {
          AddUnsupported(rule, absl::StrCat("Filter/And/", LocalName(a)));
        }
      }
    } else {
      AddUnsupported(rule, absl::StrCat("Filter/", name));
    }
  }
}

absl::StatusOr<LifecycleRule> ParseRule(const XMLElement* element) {
  LifecycleRule rule;
  bool has_status = false;
  for (const XMLElement* e = element->FirstChildElement(); e != nullptr;
       e = e->NextSiblingElement()) {
    const absl::string_view name = LocalName(e);
    if (name == "ID") {
      rule.id = Text(e);
    } else if (name == "Prefix") {
      rule.prefix = Text(e);
    } else if (name == "Filter") {
      ParseFilter(e, &rule);
    } else if (name == "Status") {
      const std::string status(absl::StripAsciiWhitespace(Text(e)));
      if (status != "Enabled" && status != "Disabled") {
        return Malformed(kLifecycleDoc,
                         absl::StrCat("a Rule's Status is \"", absl::CHexEscape(status),
                                      "\", not Enabled or Disabled"));
      }
      rule.enabled = status == "Enabled";
      has_status = true;
    } else if (name == "Expiration") {
      for (const XMLElement* x = e->FirstChildElement(); x != nullptr;
           x = x->NextSiblingElement()) {
        if (LocalName(x) == "Days") {
          absl::StatusOr<int> days = ParseDays("Expiration/Days", x);
          if (!days.ok()) return days.status();
          rule.expiration_days = *days;
        } else {
          AddUnsupported(&rule, absl::StrCat("Expiration/", LocalName(x)));
        }
      }
    } else if (name == "AbortIncompleteMultipartUpload") {
      for (const XMLElement* x = e->FirstChildElement(); x != nullptr;
           x = x->NextSiblingElement()) {
        if (LocalName(x) == "DaysAfterInitiation") {
          absl::StatusOr<int> days =
              ParseDays("AbortIncompleteMultipartUpload/DaysAfterInitiation", x);
          if (!days.ok()) return days.status();
          rule.abort_incomplete_days = *days;
        } else {
          AddUnsupported(&rule, absl::StrCat("AbortIncompleteMultipartUpload/", LocalName(x)));
        }
      }
    } else {
      AddUnsupported(&rule, std::string(name));
    }
  }
  if (!has_status) return Malformed(kLifecycleDoc, "a Rule without Status");
  return rule;
}

absl::Status CheckRule(const LifecycleRule& rule, size_t index) {
  const std::string where = absl::StrCat("lifecycle rule ", index);
  if (rule.id.empty()) return absl::InvalidArgumentError(absl::StrCat(where, " has no id"));
  if (!IsXmlSafeKey(rule.id) || !IsXmlSafeKey(rule.prefix)) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, " has a control character in its id or prefix"));
  }
  if (!rule.unsupported.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, " has parts that cannot be written: ", rule.unsupported.front()));
  }
  if (rule.expiration_days < 0 || rule.abort_incomplete_days < 0) {
    return absl::InvalidArgumentError(absl::StrCat(where, " has a negative day count"));
  }
  if (rule.expiration_days == 0 && rule.abort_incomplete_days == 0) {
    return absl::InvalidArgumentError(absl::StrCat(where, " has no action"));
  }
  return absl::OkStatus();
}

}  // namespace

bool IsXmlSafeKey(absl::string_view key) {
  return std::none_of(key.begin(), key.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 && c != '\t' && c != '\n';
  });
}

absl::StatusOr<std::string> BuildDeleteObjectsXml(absl::Span<const std::string> keys) {
  if (keys.empty() || keys.size() > kMaxDeleteObjectsKeys) {
    return absl::InvalidArgumentError(absl::StrCat(
        "DeleteObjects takes 1 to ", kMaxDeleteObjectsKeys, " keys, not ", keys.size()));
  }
  for (const std::string& key : keys) {
    if (key.empty() || !IsXmlSafeKey(key)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "DeleteObjects cannot carry the key \"", absl::CHexEscape(key),
          "\": keys must be non-empty and free of control characters other than tab and LF"));
    }
  }
  S3XmlWriter writer("Delete");
  writer.Element("Quiet", std::string("true"));
  for (const std::string& key : keys) {
    writer.Open("Object");
    writer.Element("Key", key);
    writer.Close();
  }
  return writer.Finish();
}

absl::StatusOr<DeleteObjectsResult> ParseDeleteObjectsResult(absl::string_view xml) {
  constexpr absl::string_view kDoc = "DeleteResult";
  tinyxml2::XMLDocument doc;
  absl::StatusOr<const XMLElement*> root = ParseRoot(xml, kDoc, doc);
  if (!root.ok()) return root.status();
  DeleteObjectsResult result;
  ForEachChild(*root, "Deleted",
               [&](const XMLElement* e) { result.deleted.push_back(ChildText(e, "Key")); });
  ForEachChild(*root, "Error", [&](const XMLElement* e) {
    result.errors.push_back(
        DeleteObjectError{ChildText(e, "Key"), ChildText(e, "Code"), ChildText(e, "Message")});
  });
  for (const DeleteObjectError& error : result.errors) {
    if (error.key.empty()) return Malformed(kDoc, "an Error entry without Key");
  }
  return result;
}

absl::StatusOr<std::vector<LifecycleRule>> ParseLifecycleConfiguration(absl::string_view xml) {
  tinyxml2::XMLDocument doc;
  absl::StatusOr<const XMLElement*> root = ParseRoot(xml, kLifecycleDoc, doc);
  if (!root.ok()) return root.status();
  std::vector<LifecycleRule> rules;
  absl::Status status = absl::OkStatus();
  ForEachChild(*root, "Rule", [&](const XMLElement* e) {
    if (!status.ok()) return;
    absl::StatusOr<LifecycleRule> rule = ParseRule(e);
    if (rule.ok()) {
      rules.push_back(*std::move(rule));
    } else {
      status = rule.status();
    }
  });
  if (!status.ok()) return status;
  return rules;
}

absl::StatusOr<std::string> BuildLifecycleConfigurationXml(absl::Span<const LifecycleRule> rules) {
  if (rules.empty()) {
    return absl::InvalidArgumentError(
        "a lifecycle configuration needs at least one rule (delete it instead)");
  }
  for (size_t i = 0; i < rules.size(); ++i) {
    if (absl::Status status = CheckRule(rules[i], i); !status.ok()) return status;
  }
  S3XmlWriter writer("LifecycleConfiguration");
  for (const LifecycleRule& rule : rules) {
    writer.Open("Rule");
    if (rule.expiration_days > 0) {
      writer.Open("Expiration");
      writer.Element("Days", rule.expiration_days);
      writer.Close();
    }
    writer.Element("ID", rule.id);
    writer.Open("Filter");
    writer.Element("Prefix", rule.prefix);
    writer.Close();
    writer.Element("Status", std::string(rule.enabled ? "Enabled" : "Disabled"));
    if (rule.abort_incomplete_days > 0) {
      writer.Open("AbortIncompleteMultipartUpload");
      writer.Element("DaysAfterInitiation", rule.abort_incomplete_days);
      writer.Close();
    }
    writer.Close();
  }
  return writer.Finish();
}

}  // namespace pluton::s3
