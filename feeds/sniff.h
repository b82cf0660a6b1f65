// Which parser a body goes to. Internal to feeds/.
#ifndef MEETLEAK_FEEDS_SNIFF_H_
#define MEETLEAK_FEEDS_SNIFF_H_

#include <string_view>

namespace meetleak::feeds_internal {

enum class ParserChoice { kHtml, kXmlFeed, kJsonFeed, kText };

// Chooses from the decoded body and the Content-Type. What the content shows
// unambiguously wins (a feed root element — <rss>, <feed>, <rdf:RDF>,
// <urlset>, <sitemapindex> — or an HTML document start), because servers
// mislabel feeds as text/html and pages as XML; otherwise the Content-Type
// decides; with neither, markup-looking text is HTML and the rest is text.
ParserChoice ChooseParser(std::string_view utf8, std::string_view content_type);

}  // namespace meetleak::feeds_internal

#endif  // MEETLEAK_FEEDS_SNIFF_H_
