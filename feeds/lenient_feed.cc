// The broken-XML path: HtmlTokenizer in XML mode drives the same FeedBuilder
// as the pugixml path, closing elements by name so unclosed and mismatched
// tags still yield the entries around them.
#include <vector>

#include "feeds/feed_builder.h"
#include "feeds/feed_parsers.h"
#include "feeds/html_tokenizer.h"

namespace meetleak::feeds_internal {

bool ParseLenientFeed(std::string_view utf8, std::string_view url, Document* doc) {
  FeedBuilder builder(url, doc, /*lenient=*/true);
  HtmlTokenizer tokenizer(utf8, HtmlTokenizer::Mode::kXml);
  HtmlToken token;
  std::vector<XmlAttribute> attributes;
  while (tokenizer.Next(&token)) {
    switch (token.type) {
      case HtmlToken::Type::kStartTag:
        attributes.clear();
        for (const HtmlAttribute& a : token.attributes) attributes.push_back({a.name, a.value});
        builder.StartElement(token.name, attributes);
        if (token.self_closing) builder.EndElement();
        break;
      case HtmlToken::Type::kEndTag:
        builder.EndElementNamed(token.name);
        break;
      case HtmlToken::Type::kText:
        builder.Text(token.text);
        break;
      case HtmlToken::Type::kComment:
      case HtmlToken::Type::kDoctype:
        break;
    }
  }
  if (tokenizer.dropped_attributes() > 0) {
    doc->warnings.push_back(std::to_string(tokenizer.dropped_attributes()) +
                            " attribute(s) past the per-element limit ignored");
  }
  return builder.Finish();
}

}  // namespace meetleak::feeds_internal
