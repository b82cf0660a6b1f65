// FeedBuilder: turns a stream of XML events into a feed Document (entries,
// their links, segments with entry_url, sitemap URLs). Both the pugixml pass
// and the lenient pass over broken XML drive it, so they agree on semantics.
// Internal to feeds/.
//
// Element names are matched by namespace (resolved from xmlns declarations in
// scope) and local name. xml:base is honoured. The element stack is capped at
// kMaxDepth: deeper elements still contribute text but no structure, and a
// warning is added once.
#ifndef MEETLEAK_FEEDS_FEED_BUILDER_H_
#define MEETLEAK_FEEDS_FEED_BUILDER_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "feeds/document.h"

namespace meetleak::feeds_internal {

struct XmlAttribute {
  std::string_view name;   // qualified, as written ("xml:base", "rdf:about")
  std::string_view value;  // entities decoded
};

class FeedBuilder {
 public:
  static constexpr size_t kMaxDepth = 1024;
  static constexpr size_t kMaxNamespaceDeclarations = 1024;

  // `doc` receives entries, links, segments and warnings; it must outlive
  // the builder. `url` is the document's own URL. `lenient`: a start tag
  // inside a plain-text field (title, link, id, dates) first closes that
  // field, as an unclosed <title> in tag soup means.
  FeedBuilder(std::string_view url, Document* doc, bool lenient = false);
  ~FeedBuilder();
  FeedBuilder(const FeedBuilder&) = delete;
  FeedBuilder& operator=(const FeedBuilder&) = delete;

  void StartElement(std::string_view qname, const std::vector<XmlAttribute>& attributes);
  // Closes the innermost open element.
  void EndElement();
  // Lenient pass: closes the innermost open element named `qname` and those
  // inside it; an end tag matching nothing open is ignored.
  void EndElementNamed(std::string_view qname);
  void Text(std::string_view text);

  // Closes what is still open and adds the document-level segments. Returns
  // false when the root element is not a feed or sitemap root.
  bool Finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace meetleak::feeds_internal

#endif  // MEETLEAK_FEEDS_FEED_BUILDER_H_
