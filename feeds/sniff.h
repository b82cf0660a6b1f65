// Which parser a body goes to. Internal to feeds/.
#ifndef MEETLEAK_FEEDS_SNIFF_H_
#define MEETLEAK_FEEDS_SNIFF_H_

#include <optional>
#include <string_view>

#include "feeds/document.h"

namespace meetleak::feeds_internal {

enum class ParserChoice { kHtml, kXmlFeed, kJsonFeed, kText };

// Chooses from the decoded body and the Content-Type. What the content shows
// unambiguously wins (a feed root element — <rss>, <feed>, <rdf:RDF>,
// <urlset>, <sitemapindex> — or an HTML document start), because servers
// mislabel feeds as text/html and pages as XML; otherwise the Content-Type
// decides; with neither, markup-looking text is HTML and the rest is text.
ParserChoice ChooseParser(std::string_view utf8, std::string_view content_type);

// The parser for a body its source declares to be `kind` (not kAuto), from
// the whole body; nullopt when the body is not of that kind. kPage is HTML.
std::optional<ParserChoice> ChooseDeclared(std::string_view utf8, SourceKind kind);

// What a body looks like, for a warning: "a feed", "a sitemap", "an HTML
// page" or "plain text" (`sniffed` is ChooseParser's answer).
std::string_view DescribeBody(std::string_view utf8, ParserChoice sniffed);

}  // namespace meetleak::feeds_internal

#endif  // MEETLEAK_FEEDS_SNIFF_H_
