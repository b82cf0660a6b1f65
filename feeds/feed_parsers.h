// The feed parsers behind ParseDocument. Internal to feeds/. Each appends to
// `doc` (entries, links, segments, warnings, kind) and returns false when the
// body is not a feed of its kind (then `doc` holds at most warnings).
#ifndef MEETLEAK_FEEDS_FEED_PARSERS_H_
#define MEETLEAK_FEEDS_FEED_PARSERS_H_

#include <string_view>

#include "feeds/document.h"

namespace meetleak::feeds_internal {

// RSS 2.0/0.9x, RSS 1.0/RDF, Atom 1.0/0.3, sitemaps and sitemap indexes with
// pugixml (no DTD, no entity expansion); on an XML error it warns and falls
// back to ParseLenientFeed.
bool ParseXmlFeed(std::string_view utf8, std::string_view url, Document* doc);

// The same semantics over HtmlTokenizer's XML mode: tag soup, unclosed and
// mismatched tags, undeclared prefixes and HTML entities are all accepted.
bool ParseLenientFeed(std::string_view utf8, std::string_view url, Document* doc);

// JSON Feed 1.0/1.1 with nlohmann::json.
bool ParseJsonFeed(std::string_view utf8, std::string_view url, Document* doc);

}  // namespace meetleak::feeds_internal

#endif  // MEETLEAK_FEEDS_FEED_PARSERS_H_
