#include "feeds/feed_builder.h"

#include <utility>

#include "base/ascii.h"
#include "feeds/html_extract.h"

namespace meetleak::feeds_internal {
namespace {

enum class Ns { kNone, kAtom, kRss10, kRdf, kContent, kDc, kXhtml, kOther };

// What an element's text becomes when it closes.
enum class Field { kNone, kTitle, kLink, kId, kPublished, kUpdated, kHtml, kXhtml, kText, kLoc };

Ns NamespaceOf(std::string_view uri) {
  if (uri == "http://www.w3.org/2005/Atom" || uri == "http://purl.org/atom/ns#") return Ns::kAtom;
  if (uri == "http://purl.org/rss/1.0/" || uri == "http://my.netscape.com/rdf/simple/0.9/") {
    return Ns::kRss10;
  }
  if (uri == "http://www.w3.org/1999/02/22-rdf-syntax-ns#") return Ns::kRdf;
  if (uri == "http://purl.org/rss/1.0/modules/content/") return Ns::kContent;
  if (uri == "http://purl.org/dc/elements/1.1/" || uri == "http://purl.org/dc/terms/") {
    return Ns::kDc;
  }
  if (uri == "http://www.w3.org/1999/xhtml") return Ns::kXhtml;
  if (uri.empty() || uri.starts_with("http://backend.userland.com/rss")) return Ns::kNone;
  return Ns::kOther;
}

// For prefixes used without a declaration (common in broken feeds).
Ns NamespaceOfUndeclaredPrefix(std::string_view prefix) {
  if (prefix.empty()) return Ns::kNone;
  if (prefix == "atom") return Ns::kAtom;
  if (prefix == "content") return Ns::kContent;
  if (prefix == "dc" || prefix == "dcterms") return Ns::kDc;
  if (prefix == "xhtml") return Ns::kXhtml;
  if (prefix == "rdf") return Ns::kRdf;
  return Ns::kOther;
}

std::string_view Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

void AppendLine(std::string* to, std::string_view text) {
  text = Trim(text);
  if (text.empty()) return;
  if (!to->empty()) to->push_back('\n');
  to->append(text);
}

void AppendEscaped(std::string_view text, std::string* out) {
  for (char c : text) {
    switch (c) {
      case '&':
        out->append("&amp;");
        break;
      case '<':
        out->append("&lt;");
        break;
      case '>':
        out->append("&gt;");
        break;
      case '"':
        out->append("&quot;");
        break;
      default:
        out->push_back(c);
    }
  }
}

std::string_view AttributeValue(const std::vector<XmlAttribute>& attributes,
                                std::string_view name) {
  for (const XmlAttribute& a : attributes) {
    if (a.name == name) return a.value;
  }
  return {};
}

bool HasAttribute(const std::vector<XmlAttribute>& attributes, std::string_view name) {
  for (const XmlAttribute& a : attributes) {
    if (a.name == name) return true;
  }
  return false;
}

// Atom's type attribute ("text", "html", "xhtml" or a media type), and Atom
// 0.3's mode="escaped".
Field AtomContentField(const std::vector<XmlAttribute>& attributes) {
  std::string_view type = AttributeValue(attributes, "type");
  if (AttributeValue(attributes, "mode") == "escaped" || type == "html" || type == "text/html") {
    return Field::kHtml;
  }
  if (type == "xhtml" || type == "application/xhtml+xml") return Field::kXhtml;
  return Field::kText;
}

}  // namespace

struct FeedBuilder::State {
  struct Element {
    std::string local;
    Ns ns = Ns::kNone;
    size_t namespace_declarations = 0;
    bool pushed_base = false;
  };

  std::string url;
  Document* doc;
  bool lenient = false;
  std::vector<Element> stack;
  size_t overflow_depth = 0;
  bool depth_warned = false;
  std::vector<std::pair<std::string, std::string>> namespaces;  // (prefix, uri) in scope
  bool namespaces_warned = false;
  std::vector<std::string> bases;  // xml:base in scope, resolved; bases[0] is the URL
  bool root_seen = false;
  bool recognized = false;

  bool in_entry = false;
  size_t entry_depth = 0;
  FeedEntry entry;
  bool entry_has_link = false;
  std::string guid_link;
  std::string entry_text;
  std::string entry_html;
  std::string entry_html_base;

  Field capture = Field::kNone;
  size_t capture_depth = 0;
  bool capture_permalink = false;
  std::string capture_text;
  std::string capture_base;

  std::string doc_text;
  std::string doc_html;

  Ns Resolve(std::string_view prefix) const {
    for (auto it = namespaces.rbegin(); it != namespaces.rend(); ++it) {
      if (it->first == prefix) return NamespaceOf(it->second);
    }
    return NamespaceOfUndeclaredPrefix(prefix);
  }

  void BeginEntry(const std::vector<XmlAttribute>& attributes) {
    in_entry = true;
    entry_depth = stack.size();
    entry = FeedEntry();
    entry_has_link = false;
    guid_link.clear();
    entry_text.clear();
    entry_html.clear();
    entry_html_base = bases.back();
    for (const XmlAttribute& a : attributes) {  // CDF: <ITEM HREF="…">
      if (ascii::Lower(a.name) != "href") continue;
      entry.link = ResolveUrl(bases.back(), a.value);
      entry_has_link = true;
      if (!entry.link.empty()) entry.links.push_back(entry.link);
    }
  }

  void FinishEntry() {
    in_entry = false;
    if (!entry_has_link && !guid_link.empty()) {
      entry.link = guid_link;
      entry.links.push_back(guid_link);
    }
    std::string entry_url = entry.link.empty() ? entry.id : entry.link;
    if (!entry_text.empty()) {
      doc->segments.push_back(Segment{Segment::Origin::kText, std::move(entry_text), entry_url});
    }
    if (!entry_html.empty()) {
      HtmlExtraction html;
      ExtractHtml(entry_html, &html);
      AddHtmlToDocument(std::move(html), entry_html_base, entry_url, doc);
    }
    if (!entry.link.empty()) doc->links.push_back(Link{Link::Rel::kEntry, entry.link});
    doc->entries.push_back(std::move(entry));
    entry = FeedEntry();
    entry_text.clear();
    entry_html.clear();
  }

  void AtomLink(const std::vector<XmlAttribute>& attributes) {
    std::string_view rel =
        HasAttribute(attributes, "rel") ? AttributeValue(attributes, "rel") : "alternate";
    std::string_view type = AttributeValue(attributes, "type");
    if (!HasAttribute(attributes, "type"))
      type = rel == "self" ? "application/atom+xml" : "text/html";
    if (type == "html") type = "text/html";
    if (type == "xhtml") type = "application/xhtml+xml";
    std::string href = ResolveUrl(bases.back(), AttributeValue(attributes, "href"));
    if (!href.empty()) entry.links.push_back(href);
    if (rel == "alternate" && (type == "text/html" || type == "application/xhtml+xml")) {
      entry.link = href;
      entry_has_link = true;
    }
  }

  // The field a direct child of an entry fills, or kNone.
  Field EntryField(std::string_view local, Ns ns, const std::vector<XmlAttribute>& attributes) {
    bool plain = ns == Ns::kNone || ns == Ns::kAtom || ns == Ns::kRss10;
    if (local == "title" && (plain || ns == Ns::kDc)) {
      return ns == Ns::kAtom && AtomContentField(attributes) == Field::kHtml ? Field::kHtml
                                                                             : Field::kTitle;
    }
    if (local == "link" && plain) {
      if (HasAttribute(attributes, "href")) {
        AtomLink(attributes);
        return Field::kNone;
      }
      return Field::kLink;
    }
    if (local == "guid" && plain) {
      std::string_view permalink = AttributeValue(attributes, "isPermaLink");
      capture_permalink = !HasAttribute(attributes, "isPermaLink") || permalink == "true";
      return Field::kId;
    }
    if (local == "id" && plain) {  // feedparser treats Atom's id like a permalink guid
      capture_permalink = true;
      return Field::kId;
    }
    if ((local == "pubdate" || local == "published" || local == "issued" || local == "created") ||
        (local == "date" && ns == Ns::kDc)) {
      return Field::kPublished;
    }
    if (local == "updated" || local == "modified") return Field::kUpdated;
    if (local == "encoded" && ns == Ns::kContent) return Field::kHtml;
    if (local == "body" && ns == Ns::kXhtml) return Field::kXhtml;
    if ((local == "content" || local == "summary") && ns == Ns::kAtom) {
      return AtomContentField(attributes);
    }
    if ((local == "description" || local == "content" || local == "summary") && plain) {
      return Field::kHtml;
    }
    if ((local == "enclosure" || local == "content") && HasAttribute(attributes, "url")) {
      std::string url = ResolveUrl(bases.back(), AttributeValue(attributes, "url"));
      if (!url.empty()) entry.links.push_back(std::move(url));
    }
    return Field::kNone;
  }

  Field FeedLevelField(std::string_view local, Ns ns, const std::vector<XmlAttribute>& attributes) {
    if (doc->kind == DocumentKind::kSitemap || doc->kind == DocumentKind::kSitemapIndex) {
      bool in_url =
          !stack.empty() && (stack.back().local == "url" || stack.back().local == "sitemap");
      return local == "loc" && in_url ? Field::kLoc : Field::kNone;
    }
    if ((local == "subtitle" || local == "tagline" || local == "info") && ns == Ns::kAtom) {
      return AtomContentField(attributes) == Field::kHtml ? Field::kHtml : Field::kNone;
    }
    if (local == "description" && (ns == Ns::kNone || ns == Ns::kRss10)) return Field::kHtml;
    return Field::kNone;
  }

  void FinishCapture() {
    Field field = capture;
    capture = Field::kNone;
    std::string_view text = Trim(capture_text);
    std::string* segment_text = in_entry ? &entry_text : &doc_text;
    switch (field) {
      case Field::kTitle:
        if (entry.title.empty()) entry.title = text;
        AppendLine(segment_text, text);
        break;
      case Field::kLink: {
        std::string url = text.empty() ? "" : ResolveUrl(capture_base, text);
        entry.link = url;
        entry_has_link = true;
        if (!url.empty()) entry.links.push_back(std::move(url));
        AppendLine(segment_text, text);
        break;
      }
      case Field::kId:
        if (entry.id.empty()) entry.id = text;
        if (capture_permalink && guid_link.empty() && !text.empty()) {
          guid_link = ResolveUrl(capture_base, text);
        }
        AppendLine(segment_text, text);
        break;
      case Field::kPublished:
        if (entry.published.empty()) entry.published = text;
        AppendLine(segment_text, text);
        break;
      case Field::kUpdated:
        if (entry.updated.empty()) entry.updated = text;
        AppendLine(segment_text, text);
        break;
      case Field::kHtml:
      case Field::kXhtml:
        if (in_entry) {
          if (!entry_html.empty()) entry_html.push_back('\n');
          entry_html.append(capture_text);
          entry_html_base = capture_base;
        } else {
          if (!doc_html.empty()) doc_html.push_back('\n');
          doc_html.append(capture_text);
        }
        break;
      case Field::kLoc: {
        std::string url = ResolveUrl(capture_base, text);
        if (!url.empty()) doc->links.push_back(Link{Link::Rel::kSitemapUrl, std::move(url)});
        AppendLine(segment_text, text);
        break;
      }
      case Field::kText:
      case Field::kNone:
        AppendLine(segment_text, text);
        break;
    }
    capture_text.clear();
  }

  void SetRoot(std::string_view local) {
    root_seen = true;
    recognized = true;
    if (ascii::EqualsIgnoreCase(local, "rss") || ascii::EqualsIgnoreCase(local, "channel")) {
      doc->kind = DocumentKind::kRss;
    } else if (ascii::EqualsIgnoreCase(local, "rdf")) {
      doc->kind = DocumentKind::kRdf;
    } else if (ascii::EqualsIgnoreCase(local, "feed") || ascii::EqualsIgnoreCase(local, "entry")) {
      doc->kind = DocumentKind::kAtom;
    } else if (ascii::EqualsIgnoreCase(local, "urlset")) {
      doc->kind = DocumentKind::kSitemap;
    } else if (ascii::EqualsIgnoreCase(local, "sitemapindex")) {
      doc->kind = DocumentKind::kSitemapIndex;
    } else {
      recognized = false;
    }
  }

  size_t PushNamespaces(const std::vector<XmlAttribute>& attributes) {
    size_t pushed = 0;
    for (const XmlAttribute& a : attributes) {
      if (a.name != "xmlns" && !a.name.starts_with("xmlns:")) continue;
      if (namespaces.size() >= kMaxNamespaceDeclarations) {
        if (!namespaces_warned) {
          doc->warnings.push_back("more than " + std::to_string(kMaxNamespaceDeclarations) +
                                  " namespace declarations in scope: further ones ignored");
          namespaces_warned = true;
        }
        continue;
      }
      std::string_view prefix = a.name == "xmlns" ? "" : a.name.substr(6);
      namespaces.emplace_back(std::string(prefix), std::string(a.value));
      ++pushed;
    }
    return pushed;
  }
};

FeedBuilder::FeedBuilder(std::string_view url, Document* doc, bool lenient) : state_(new State) {
  state_->lenient = lenient;
  state_->url = std::string(url);
  state_->doc = doc;
  state_->bases.push_back(state_->url);
}

FeedBuilder::~FeedBuilder() = default;

void FeedBuilder::StartElement(std::string_view qname,
                               const std::vector<XmlAttribute>& attributes) {
  State& s = *state_;
  if (s.root_seen && !s.recognized) return;
  if (s.stack.size() >= kMaxDepth) {
    ++s.overflow_depth;
    if (!s.depth_warned) {
      s.doc->warnings.push_back("elements nested deeper than " + std::to_string(kMaxDepth) +
                                ": their structure is ignored, their text kept");
      s.depth_warned = true;
    }
    return;
  }
  bool plain_text_capture =
      s.capture != Field::kNone && s.capture != Field::kHtml && s.capture != Field::kXhtml;
  if (s.lenient && plain_text_capture) {
    while (s.stack.size() > s.capture_depth) EndElement();
  }
  size_t colon = qname.find(':');
  std::string_view prefix = colon == std::string_view::npos ? "" : qname.substr(0, colon);
  std::string_view local = colon == std::string_view::npos ? qname : qname.substr(colon + 1);
  State::Element element;
  element.local =
      ascii::Lower(local);  // feedparser matches names case-insensitively (CDF, sloppy RSS)
  element.namespace_declarations = s.PushNamespaces(attributes);
  element.ns = s.Resolve(prefix);
  // feedparser also takes a bare base="…" (CDF) for xml:base.
  std::string_view base_attribute = "xml:base";
  if (!HasAttribute(attributes, base_attribute))
    base_attribute = HasAttribute(attributes, "BASE") ? "BASE" : "base";
  if (HasAttribute(attributes, base_attribute)) {
    std::string base = ResolveUrl(s.bases.back(), AttributeValue(attributes, base_attribute));
    s.bases.push_back(base.empty() ? s.bases.back() : base);
    element.pushed_base = true;
  }
  if (s.capture == Field::kXhtml || s.capture == Field::kHtml) {  // markup in content: kept as HTML
    s.capture_text += '<' + element.local;
    for (const XmlAttribute& a : attributes) {
      s.capture_text += ' ' + std::string(a.name) + "=\"";
      AppendEscaped(a.value, &s.capture_text);
      s.capture_text += '"';
    }
    s.capture_text += '>';
  } else if (s.capture == Field::kNone) {
    const std::string& name = element.local;
    Field field = Field::kNone;
    if (!s.root_seen) s.SetRoot(name);
    if (!s.recognized) return;
    bool entry_kind =
        s.doc->kind != DocumentKind::kSitemap && s.doc->kind != DocumentKind::kSitemapIndex;
    if (!s.in_entry && entry_kind && (name == "item" || name == "entry")) {
      s.BeginEntry(attributes);
    } else if (s.in_entry && s.stack.size() == s.entry_depth + 1) {
      field = s.EntryField(name, element.ns, attributes);
    } else if (!s.in_entry) {
      field = s.FeedLevelField(name, element.ns, attributes);
    }
    if (field != Field::kNone) {
      s.capture = field;
      s.capture_depth = s.stack.size();
      s.capture_text.clear();
      s.capture_base = s.bases.back();
    }
  }
  s.stack.push_back(std::move(element));
}

void FeedBuilder::EndElement() {
  State& s = *state_;
  if (s.overflow_depth > 0) {
    --s.overflow_depth;
    return;
  }
  if (s.stack.empty()) return;
  size_t index = s.stack.size() - 1;
  State::Element& element = s.stack.back();
  if (s.capture != Field::kNone && s.capture_depth == index) {
    s.FinishCapture();
  } else if ((s.capture == Field::kXhtml || s.capture == Field::kHtml) && index > s.capture_depth) {
    s.capture_text += "</" + element.local + '>';
  }
  if (s.in_entry && s.entry_depth == index) s.FinishEntry();
  s.namespaces.resize(s.namespaces.size() - element.namespace_declarations);
  if (element.pushed_base) s.bases.pop_back();
  s.stack.pop_back();
}

void FeedBuilder::EndElementNamed(std::string_view qname) {
  State& s = *state_;
  if (s.overflow_depth > 0) {
    --s.overflow_depth;
    return;
  }
  size_t colon = qname.find(':');
  std::string local =
      ascii::Lower(colon == std::string_view::npos ? qname : qname.substr(colon + 1));
  constexpr size_t kSearch = 64;  // bounds the cost of a stray end tag
  for (size_t k = 0; k < s.stack.size() && k < kSearch; ++k) {
    if (s.stack[s.stack.size() - 1 - k].local == local) {
      for (size_t pops = 0; pops <= k; ++pops) EndElement();
      return;
    }
  }
}

void FeedBuilder::Text(std::string_view text) {
  State& s = *state_;
  if (s.root_seen && !s.recognized) return;
  if (s.capture == Field::kXhtml) {
    AppendEscaped(text, &s.capture_text);
  } else if (s.capture != Field::kNone) {
    s.capture_text.append(text);
  } else {
    AppendLine(s.in_entry ? &s.entry_text : &s.doc_text, text);
  }
}

bool FeedBuilder::Finish() {
  State& s = *state_;
  s.overflow_depth = 0;
  while (!s.stack.empty()) EndElement();
  if (!s.recognized) return false;
  if (!s.doc_text.empty()) {
    s.doc->segments.push_back(Segment{Segment::Origin::kText, std::move(s.doc_text), ""});
  }
  if (!s.doc_html.empty()) {
    HtmlExtraction html;
    ExtractHtml(s.doc_html, &html);
    AddHtmlToDocument(std::move(html), s.url, "", s.doc);
  }
  return true;
}

}  // namespace meetleak::feeds_internal
