// The well-formed path: pugixml builds the tree (parse_default: no DTD, no
// entity expansion beyond the five predefined ones and numeric references;
// a DOCTYPE's internal subset is skipped, never interpreted), then an
// iterative walk feeds the FeedBuilder.
#include <pugixml.hpp>
#include <string>
#include <vector>

#include "feeds/feed_builder.h"
#include "feeds/feed_parsers.h"

namespace meetleak::feeds_internal {
namespace {

size_t LineOf(std::string_view text, size_t offset) {
  size_t line = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) line += text[i] == '\n';
  return line;
}

void WarnAboutEntityDeclarations(std::string_view utf8, Document* doc) {
  size_t doctype = utf8.substr(0, 1 << 20).find("<!DOCTYPE");
  if (doctype == std::string_view::npos) return;
  if (utf8.find("<!ENTITY", doctype) != std::string_view::npos) {
    doc->warnings.push_back("DTD entity declarations ignored: entities are never expanded");
  }
}

// Depth-first over the tree with an explicit stack: nesting costs no recursion.
void Walk(const pugi::xml_document& xml, FeedBuilder* builder) {
  std::vector<XmlAttribute> attributes;
  pugi::xml_node node = xml.first_child();
  while (node) {
    if (node.type() == pugi::node_element) {
      attributes.clear();
      for (pugi::xml_attribute a : node.attributes()) attributes.push_back({a.name(), a.value()});
      builder->StartElement(node.name(), attributes);
      if (node.first_child()) {
        node = node.first_child();
        continue;
      }
      builder->EndElement();
    } else if (node.type() == pugi::node_pcdata || node.type() == pugi::node_cdata) {
      builder->Text(node.value());
    }
    while (node && !node.next_sibling()) {
      node = node.parent();
      if (node.type() == pugi::node_element) builder->EndElement();
      if (node.type() == pugi::node_document) node = pugi::xml_node();
    }
    if (node) node = node.next_sibling();
  }
}

}  // namespace

bool ParseXmlFeed(std::string_view utf8, std::string_view url, Document* doc) {
  WarnAboutEntityDeclarations(utf8, doc);
  pugi::xml_document xml;
  pugi::xml_parse_result result =
      xml.load_buffer(utf8.data(), utf8.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!result) {
    doc->warnings.push_back("line " + std::to_string(LineOf(utf8, result.offset)) +
                            ": XML error (" + result.description() +
                            "): entries recovered by the lenient parser");
    xml.reset();
    return ParseLenientFeed(utf8, url, doc);
  }
  FeedBuilder builder(url, doc);
  Walk(xml, &builder);
  return builder.Finish();
}

}  // namespace meetleak::feeds_internal
