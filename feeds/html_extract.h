// What a page's markup holds for meetleak: visible text, attribute text,
// comments, scripts and the raw (unresolved) links. Internal to feeds/; used
// for pages and again for the escaped HTML inside feed entries.
#ifndef MEETLEAK_FEEDS_HTML_EXTRACT_H_
#define MEETLEAK_FEEDS_HTML_EXTRACT_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "feeds/document.h"

namespace meetleak::feeds_internal {

struct RawLink {
  Link::Rel rel = Link::Rel::kAnchor;
  std::string ref;  // the attribute value as written (references decoded)
};

struct HtmlExtraction {
  std::string text;  // visible text; "\n" at block boundaries, nothing at inline tags
  std::string
      attributes;  // href, src, title, alt, aria-label, data-*, content, value…, "\n"-joined
  std::string comments;        // "\n"-joined
  std::string scripts;         // inline <script> bodies (JSON-LD included), "\n"-joined
  std::vector<RawLink> links;  // document order
  std::string base_href;       // the first <base href>, raw; "" if none
  bool has_base = false;
  size_t dropped_attributes = 0;  // past HtmlTokenizer::kMaxAttributes on one tag
};

// Tokenizes `html` (UTF-8) and appends what it holds to `out`.
void ExtractHtml(std::string_view html, HtmlExtraction* out);

// Moves `extraction`'s segments (tagged with `entry_url`) and its links,
// resolved against `base_url` and the extraction's <base href>, into `doc`.
void AddHtmlToDocument(HtmlExtraction&& extraction, std::string_view base_url,
                       std::string_view entry_url, Document* doc);

}  // namespace meetleak::feeds_internal

#endif  // MEETLEAK_FEEDS_HTML_EXTRACT_H_
