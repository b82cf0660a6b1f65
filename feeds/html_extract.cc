#include "feeds/html_extract.h"

#include <array>
#include <utility>

#include "base/ascii.h"
#include "feeds/html_tokenizer.h"

namespace meetleak::feeds_internal {
namespace {

bool IsBlockBoundary(std::string_view tag) {
  static constexpr std::array<std::string_view, 34> kBlocks = {
      "address", "article", "aside", "blockquote", "body", "br",    "dd", "div",    "dl",
      "dt",      "footer",  "form",  "h1",         "h2",   "h3",    "h4", "h5",     "h6",
      "head",    "header",  "hr",    "html",       "li",   "nav",   "ol", "option", "p",
      "pre",     "section", "table", "td",         "th",   "title", "tr"};
  for (std::string_view b : kBlocks) {
    if (b == tag) return true;
  }
  return false;
}

// Attributes whose values are scanned as text: where invitations hide.
bool IsTextAttribute(std::string_view name) {
  static constexpr std::array<std::string_view, 13> kNames = {
      "href",  "src",     "title",  "alt",        "aria-label", "placeholder", "value",
      "label", "content", "action", "formaction", "poster",     "cite"};
  for (std::string_view n : kNames) {
    if (n == name) return true;
  }
  return name.starts_with("data-");
}

void AppendLine(std::string* to, std::string_view text) {
  if (text.empty()) return;
  if (!to->empty()) to->push_back('\n');
  to->append(text);
}

bool HasToken(std::string_view list, std::string_view token) {
  std::string lowered = ascii::Lower(list);
  size_t p = 0;
  while (p < lowered.size()) {
    size_t start = lowered.find_first_not_of(" \t\n\f\r", p);
    if (start == std::string::npos) break;
    size_t end = lowered.find_first_of(" \t\n\f\r", start);
    if (end == std::string::npos) end = lowered.size();
    if (std::string_view(lowered).substr(start, end - start) == token) return true;
    p = end;
  }
  return false;
}

bool IsFeedType(std::string_view type) {
  std::string t = ascii::Lower(type);
  return t.starts_with("application/rss+xml") || t.starts_with("application/atom+xml") ||
         t.starts_with("application/rdf+xml") || t.starts_with("application/feed+json") ||
         t.starts_with("application/json") || t.starts_with("text/xml") ||
         t.starts_with("application/xml");
}

// "5; url='https://…'" (the WHATWG shared declarative refresh steps, leniently).
std::string RefreshTarget(std::string_view content) {
  size_t p = content.find_first_of(";,");
  if (p == std::string_view::npos) return "";
  std::string_view rest = content.substr(p + 1);
  size_t start = rest.find_first_not_of(" \t\n\f\r");
  if (start == std::string_view::npos) return "";
  rest = rest.substr(start);
  std::string lowered = ascii::Lower(rest.substr(0, 3));
  if (lowered == "url") {
    size_t eq = rest.find_first_not_of(" \t\n\f\r", 3);
    if (eq == std::string_view::npos || rest[eq] != '=') return "";
    rest = rest.substr(eq + 1);
    size_t value = rest.find_first_not_of(" \t\n\f\r");
    if (value == std::string_view::npos) return "";
    rest = rest.substr(value);
  }
  if (!rest.empty() && (rest[0] == '\'' || rest[0] == '"')) {
    size_t close = rest.find(rest[0], 1);
    rest = rest.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1);
  }
  return std::string(rest);
}

void AddLinksOf(const HtmlToken& tag, HtmlExtraction* out) {
  const std::string& name = tag.name;
  if (name == "a" || name == "area") {
    if (const std::string* href = tag.Attribute("href")) {
      out->links.push_back({Link::Rel::kAnchor, *href});
    }
  } else if (name == "iframe" || name == "frame") {
    if (const std::string* src = tag.Attribute("src")) {
      out->links.push_back({Link::Rel::kFrame, *src});
    }
  } else if (name == "meta") {
    const std::string* equiv = tag.Attribute("http-equiv");
    const std::string* content = tag.Attribute("content");
    if (equiv != nullptr && content != nullptr && ascii::Lower(*equiv) == "refresh") {
      std::string target = RefreshTarget(*content);
      if (!target.empty()) out->links.push_back({Link::Rel::kRefresh, std::move(target)});
    }
  } else if (name == "link") {
    const std::string* rel = tag.Attribute("rel");
    const std::string* type = tag.Attribute("type");
    const std::string* href = tag.Attribute("href");
    if (rel != nullptr && href != nullptr && type != nullptr && HasToken(*rel, "alternate") &&
        IsFeedType(*type)) {
      out->links.push_back({Link::Rel::kFeed, *href});
    }
  } else if (name == "base" && !out->has_base) {
    if (const std::string* href = tag.Attribute("href")) {
      out->base_href = *href;
      out->has_base = true;
    }
  }
}

void AddStartTag(const HtmlToken& tag, HtmlExtraction* out) {
  AddLinksOf(tag, out);
  for (const HtmlAttribute& a : tag.attributes) {
    if (IsTextAttribute(a.name)) AppendLine(&out->attributes, a.value);
  }
}

}  // namespace

void ExtractHtml(std::string_view html, HtmlExtraction* out) {
  HtmlTokenizer tokenizer(html);
  HtmlToken token;
  bool in_script = false;
  bool in_style = false;
  while (tokenizer.Next(&token)) {
    switch (token.type) {
      case HtmlToken::Type::kStartTag:
        AddStartTag(token, out);
        in_script = token.name == "script";
        in_style = token.name == "style";
        if (IsBlockBoundary(token.name) && !out->text.empty() && out->text.back() != '\n') {
          out->text.push_back('\n');
        }
        break;
      case HtmlToken::Type::kEndTag:
        in_script = in_style = false;
        if (IsBlockBoundary(token.name) && !out->text.empty() && out->text.back() != '\n') {
          out->text.push_back('\n');
        }
        break;
      case HtmlToken::Type::kText:
        if (in_script) {
          AppendLine(&out->scripts, token.text);
        } else if (!in_style) {
          out->text.append(token.text);
        }
        break;
      case HtmlToken::Type::kComment:
        AppendLine(&out->comments, token.text);
        break;
      case HtmlToken::Type::kDoctype:
        break;
    }
  }
  out->dropped_attributes += tokenizer.dropped_attributes();
}

void AddHtmlToDocument(HtmlExtraction&& extraction, std::string_view base_url,
                       std::string_view entry_url, Document* doc) {
  auto add = [&](Segment::Origin origin, std::string& text) {
    if (text.empty()) return;
    doc->segments.push_back(Segment{origin, std::move(text), std::string(entry_url)});
  };
  add(Segment::Origin::kText, extraction.text);
  add(Segment::Origin::kAttribute, extraction.attributes);
  add(Segment::Origin::kComment, extraction.comments);
  add(Segment::Origin::kScript, extraction.scripts);
  std::string base(base_url);
  if (extraction.has_base) {
    std::string resolved = ResolveUrl(base_url, extraction.base_href);
    if (!resolved.empty()) base = std::move(resolved);
  }
  for (const RawLink& link : extraction.links) {
    std::string url = ResolveUrl(base, link.ref);
    if (!url.empty()) doc->links.push_back(Link{link.rel, std::move(url)});
  }
}

}  // namespace meetleak::feeds_internal
