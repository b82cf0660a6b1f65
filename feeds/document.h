// Document: what feeds/ makes of a fetched body — text segments to scan,
// links to follow, feed entries — with no I/O of its own.
//
//   Document doc = ParseDocument(body, "text/html; charset=iso-8859-1",
//                                "https://example.org/events/");
//   matcher.Find(doc.segments[0].text, &inventory);   // the whole body
//   for (const Link& link : doc.links) …               // structure: where to go next
//
// ParseDocument never throws and never fails: a malformed body yields what
// could be recovered plus a warning in `warnings` (like feedparser's "bozo").
// segments[0] is always the whole body decoded to UTF-8 (kind kBody), so
// detection never depends on a parser succeeding. Time is linear in the body;
// memory is bounded by a small multiple of it; nothing recurses over nesting.
// Limits that trip (nesting depth, element count, entity) add a warning.
#ifndef MEETLEAK_FEEDS_DOCUMENT_H_
#define MEETLEAK_FEEDS_DOCUMENT_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace meetleak {

enum class DocumentKind { kHtml, kRss, kRdf, kAtom, kJsonFeed, kSitemap, kSitemapIndex, kText };

struct Segment {
  enum class Origin {
    kBody,       // the whole decoded body (always segments[0])
    kText,       // visible text (HTML text, feed title/summary/content as text)
    kAttribute,  // title, alt, data-*, meta content, href values
    kComment,
    kScript,  // inline <script>, JSON-LD
  };
  Origin origin = Origin::kBody;
  std::string text;       // UTF-8
  std::string entry_url;  // the feed entry this came from (its link, else its id); "" if none
};

struct Link {
  enum class Rel {
    kAnchor,      // a/area href
    kFrame,       // iframe/frame src
    kRefresh,     // meta refresh
    kFeed,        // link rel=alternate to a feed
    kEntry,       // a feed entry's link
    kSitemapUrl,  // a sitemap <loc> (or a sitemap index's child sitemap)
  };
  Rel rel = Rel::kAnchor;
  std::string url;  // absolute, resolved against the page URL and <base href>
};

struct FeedEntry {
  std::string title;
  std::string link;                // the entry's primary link, absolute; "" if none
  std::vector<std::string> links;  // every link of the entry, absolute
  std::string id;
  std::string published;  // as written in the feed
  std::string updated;
};

struct Document {
  DocumentKind kind = DocumentKind::kText;
  std::string charset;  // the charset the body was decoded from ("utf-8", …)
  std::vector<Segment> segments;
  std::vector<Link> links;
  std::vector<FeedEntry> entries;     // feeds only
  std::vector<std::string> warnings;  // one line each, e.g. "line 12: mismatched tag"
};

// `content_type` is the HTTP Content-Type ("" when unknown, e.g. a local
// file); `url` is the document's own URL (for resolving links; may be
// "file:///…" or "stdin:"). The kind comes from the Content-Type, then is
// sniffed from the content; the charset from the Content-Type, BOM, XML
// declaration or <meta charset>; invalid sequences become U+FFFD.
// What a source says its document is (the config's `kind`): a parse hint.
//   kAuto     the kind is sniffed, as below.
//   kPage     read as a page (HTML) whatever the body holds, so only a page's
//             links are followed (same host, `depth`); a body that looks like
//             a feed or a sitemap is said in a warning.
//   kFeed     read as a feed (RSS, Atom, RDF, JSON Feed) when the body is one,
//             whatever its Content-Type, and even when the root element stands
//             behind more than the 4 KiB sniffing reads; a body that is no
//             feed gets a warning saying what it looks like and is sniffed.
//   kSitemap  the same for a sitemap or sitemap index.
enum class SourceKind { kAuto, kPage, kFeed, kSitemap };
std::string_view ToString(SourceKind kind);  // "auto", "page", "feed", "sitemap"
std::optional<SourceKind> ParseSourceKind(std::string_view name);

struct ParseOptions {
  // False: an HTML page is only decoded and recognised — segments[0], kind
  // and charset, no links and no text segments — which is all a caller needs
  // when it follows no link from the page (its matcher reads the body). Feeds
  // and sitemaps are always parsed whole.
  bool html_structure = true;
  SourceKind kind = SourceKind::kAuto;  // the source's kind (above); kAuto sniffs
};

Document ParseDocument(std::string_view body, std::string_view content_type, std::string_view url,
                       const ParseOptions& options = {});
// The same, taking the body over: a UTF-8 body becomes segments[0] uncopied.
Document ParseDocument(std::string&& body, std::string_view content_type, std::string_view url,
                       const ParseOptions& options = {});
inline Document ParseDocument(const char* body, std::string_view content_type, std::string_view url,
                              const ParseOptions& options = {}) {
  return ParseDocument(std::string_view(body), content_type, url, options);
}

std::string_view ToString(DocumentKind kind);  // "html", "rss", "rdf", "atom", "json_feed", …

// Resolves `ref` against `base` (RFC 3986); "" when the result is not
// http(s). Fragment removed.
std::string ResolveUrl(std::string_view base, std::string_view ref);

}  // namespace meetleak

#endif  // MEETLEAK_FEEDS_DOCUMENT_H_
