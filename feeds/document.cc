// ParseDocument: decode, choose a parser, always keep the whole body as
// segments[0], deduplicate links. Nothing here throws: the parsers catch what
// their libraries throw and turn it into warnings.
#include "feeds/document.h"

#include <set>
#include <utility>

#include "feeds/charset.h"
#include "feeds/feed_parsers.h"
#include "feeds/html_extract.h"
#include "feeds/html_tokenizer.h"
#include "feeds/sniff.h"

namespace meetleak {
namespace {

using feeds_internal::ParserChoice;

void ParseHtml(std::string_view utf8, std::string_view url, Document* doc) {
  doc->kind = DocumentKind::kHtml;
  feeds_internal::HtmlExtraction extraction;
  feeds_internal::ExtractHtml(utf8, &extraction);
  size_t dropped = extraction.dropped_attributes;
  feeds_internal::AddHtmlToDocument(std::move(extraction), url, "", doc);
  if (dropped > 0) {
    doc->warnings.push_back(
        std::to_string(dropped) + " attribute(s) past the per-element limit of " +
        std::to_string(feeds_internal::HtmlTokenizer::kMaxAttributes) + " ignored");
  }
}

// Keeps the first of each (rel, url).
void DeduplicateLinks(std::vector<Link>* links) {
  std::set<std::pair<Link::Rel, std::string>> seen;
  std::vector<Link> unique;
  unique.reserve(links->size());
  for (Link& link : *links) {
    if (seen.emplace(link.rel, link.url).second) unique.push_back(std::move(link));
  }
  *links = std::move(unique);
}

}  // namespace

std::string_view ToString(DocumentKind kind) {
  switch (kind) {
    case DocumentKind::kHtml:
      return "html";
    case DocumentKind::kRss:
      return "rss";
    case DocumentKind::kRdf:
      return "rdf";
    case DocumentKind::kAtom:
      return "atom";
    case DocumentKind::kJsonFeed:
      return "json_feed";
    case DocumentKind::kSitemap:
      return "sitemap";
    case DocumentKind::kSitemapIndex:
      return "sitemap_index";
    case DocumentKind::kText:
      return "text";
  }
  return "text";
}

std::string_view ToString(SourceKind kind) {
  switch (kind) {
    case SourceKind::kAuto:
      return "auto";
    case SourceKind::kPage:
      return "page";
    case SourceKind::kFeed:
      return "feed";
    case SourceKind::kSitemap:
      return "sitemap";
  }
  return "auto";
}

std::optional<SourceKind> ParseSourceKind(std::string_view name) {
  for (SourceKind k :
       {SourceKind::kAuto, SourceKind::kPage, SourceKind::kFeed, SourceKind::kSitemap})
    if (ToString(k) == name) return k;
  return std::nullopt;
}

namespace {

// The parser for `text`, by its source's kind when the body is of that kind;
// otherwise sniffed, with a warning naming the kind and what the body looks
// like. A page is read as one whatever it holds, said when it looks like a
// feed or sitemap (whose URLs a page source does not follow).
ParserChoice ChooseForKind(std::string_view text, std::string_view content_type, SourceKind kind,
                           std::vector<std::string>* warnings) {
  const ParserChoice sniffed = feeds_internal::ChooseParser(text, content_type);
  if (kind == SourceKind::kAuto) return sniffed;
  const std::string declared = "kind = \"" + std::string(ToString(kind)) + "\"";
  const std::string_view looks = feeds_internal::DescribeBody(text, sniffed);
  if (kind == SourceKind::kPage) {
    if (sniffed == ParserChoice::kXmlFeed || sniffed == ParserChoice::kJsonFeed)
      warnings->push_back(declared + ", but the body looks like " + std::string(looks) +
                          ": read as a page, as configured (its URLs are not followed)");
    return ParserChoice::kHtml;
  }
  if (std::optional<ParserChoice> c = feeds_internal::ChooseDeclared(text, kind)) return *c;
  warnings->push_back(declared + ", but the body is no " + std::string(ToString(kind)) +
                      ": it looks like " + std::string(looks) + "; read as that");
  return sniffed;
}

}  // namespace

Document ParseDocument(std::string_view body, std::string_view content_type, std::string_view url,
                       const ParseOptions& options) {
  return ParseDocument(std::string(body), content_type, url, options);
}

Document ParseDocument(std::string&& body, std::string_view content_type, std::string_view url,
                       const ParseOptions& options) {
  Document doc;
  feeds_internal::DecodedBody decoded =
      feeds_internal::DecodeToUtf8(std::move(body), content_type, &doc.warnings);
  doc.charset = decoded.charset;
  doc.segments.push_back(Segment{Segment::Origin::kBody, std::move(decoded.utf8), ""});
  const std::string& text = doc.segments[0].text;
  switch (ChooseForKind(text, content_type, options.kind, &doc.warnings)) {
    case ParserChoice::kXmlFeed:
      if (!feeds_internal::ParseXmlFeed(text, url, &doc)) {
        doc.entries.clear();
        ParseHtml(text, url, &doc);  // an XML document that is no feed: its text and links
      }
      break;
    case ParserChoice::kJsonFeed:
      if (!feeds_internal::ParseJsonFeed(text, url, &doc)) doc.kind = DocumentKind::kText;
      break;
    case ParserChoice::kHtml:
      if (options.html_structure)
        ParseHtml(text, url, &doc);
      else
        doc.kind = DocumentKind::kHtml;
      break;
    case ParserChoice::kText:
      doc.kind = DocumentKind::kText;
      break;
  }
  DeduplicateLinks(&doc.links);
  return doc;
}

}  // namespace meetleak
