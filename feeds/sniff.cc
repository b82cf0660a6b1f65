#include "feeds/sniff.h"

#include <array>
#include <string>

#include "base/ascii.h"

namespace meetleak::feeds_internal {
namespace {

std::string MediaType(std::string_view content_type) {
  std::string lowered = ascii::Lower(content_type.substr(0, content_type.find(';')));
  size_t b = lowered.find_first_not_of(" \t");
  size_t e = lowered.find_last_not_of(" \t");
  return b == std::string::npos ? "" : lowered.substr(b, e - b + 1);
}

// The local name of the first element, lower-cased, skipping the XML
// declaration, processing instructions, comments and the doctype; "" if the
// first `limit` bytes hold none.
std::string FirstElementName(std::string_view text, std::size_t limit = 4096) {
  std::string_view head = text.substr(0, limit);
  size_t p = 0;
  while (true) {
    p = head.find('<', p);
    if (p == std::string_view::npos || p + 1 >= head.size()) return "";
    if (head.compare(p, 4, "<!--") == 0) {
      size_t end = head.find("-->", p + 4);
      if (end == std::string_view::npos) return "";
      p = end + 3;
      continue;
    }
    if (ascii::IsAlpha(head[p + 1])) break;
    ++p;
  }
  size_t end = p + 1;
  while (end < head.size() && (ascii::IsAlnum(head[end]) || head[end] == ':' || head[end] == '-' ||
                               head[end] == '_' || head[end] == '.')) {
    ++end;
  }
  std::string name = ascii::Lower(head.substr(p + 1, end - p - 1));
  size_t colon = name.rfind(':');
  return colon == std::string::npos ? name : name.substr(colon + 1);
}

bool IsFeedRoot(std::string_view name) {
  return name == "rss" || name == "feed" || name == "rdf" || name == "urlset" ||
         name == "sitemapindex" || name == "channel";
}

bool LooksLikeHtml(std::string_view text) {
  std::string head = ascii::Lower(text.substr(0, 4096));
  static constexpr std::array<std::string_view, 10> kMarkers = {
      "<!doctype html", "<html", "<head", "<body", "<a ", "<div", "<p>", "<p ", "<script", "<br"};
  for (std::string_view m : kMarkers) {
    if (head.find(m) != std::string::npos) return true;
  }
  return false;
}

bool LooksLikeJsonFeed(std::string_view text, std::size_t limit = 65536) {
  size_t start = text.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos || text[start] != '{') return false;
  return text.substr(0, limit).find("jsonfeed.org/version") != std::string_view::npos;
}

bool IsSitemapRoot(std::string_view name) { return name == "urlset" || name == "sitemapindex"; }

}  // namespace

ParserChoice ChooseParser(std::string_view utf8, std::string_view content_type) {
  const std::string media = MediaType(content_type);
  const std::string root = FirstElementName(utf8);
  if (IsFeedRoot(root)) return ParserChoice::kXmlFeed;
  if (LooksLikeJsonFeed(utf8)) return ParserChoice::kJsonFeed;
  if (root == "html" || root == "head" || root == "body") return ParserChoice::kHtml;
  if (media == "text/html" || media == "application/xhtml+xml") return ParserChoice::kHtml;
  if (media == "application/feed+json" || media == "application/json") {
    return ParserChoice::kJsonFeed;
  }
  bool xml_media = media.ends_with("/xml") || media.ends_with("+xml");
  size_t start = utf8.find_first_not_of(" \t\r\n");
  bool xml_start = start != std::string_view::npos && utf8.compare(start, 5, "<?xml") == 0;
  if ((xml_media || xml_start) && !LooksLikeHtml(utf8)) return ParserChoice::kXmlFeed;
  if (LooksLikeHtml(utf8) || !root.empty()) return ParserChoice::kHtml;
  return ParserChoice::kText;
}

std::optional<ParserChoice> ChooseDeclared(std::string_view utf8, SourceKind kind) {
  if (kind == SourceKind::kPage) return ParserChoice::kHtml;
  const std::string root = FirstElementName(utf8, utf8.size());
  if (kind == SourceKind::kSitemap)
    return IsSitemapRoot(root) ? std::optional(ParserChoice::kXmlFeed) : std::nullopt;
  if (kind != SourceKind::kFeed) return std::nullopt;
  if (IsFeedRoot(root) && !IsSitemapRoot(root)) return ParserChoice::kXmlFeed;
  if (LooksLikeJsonFeed(utf8, utf8.size())) return ParserChoice::kJsonFeed;
  return std::nullopt;
}

std::string_view DescribeBody(std::string_view utf8, ParserChoice sniffed) {
  switch (sniffed) {
    case ParserChoice::kXmlFeed:
      return IsSitemapRoot(FirstElementName(utf8)) ? "a sitemap" : "a feed";
    case ParserChoice::kJsonFeed:
      return "a feed";
    case ParserChoice::kHtml:
      return "an HTML page";
    case ParserChoice::kText:
      return "plain text";
  }
  return "plain text";
}

}  // namespace meetleak::feeds_internal
