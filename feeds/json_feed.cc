// JSON Feed 1.0/1.1 (https://jsonfeed.org/version/1.1) with nlohmann::json.
// The nesting depth is measured first, in one pass, so a hostile document
// never reaches the parser's own stack.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "feeds/feed_parsers.h"
#include "feeds/html_extract.h"

namespace meetleak::feeds_internal {
namespace {

constexpr size_t kMaxJsonDepth = 256;

size_t JsonDepth(std::string_view text) {
  size_t depth = 0, deepest = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      deepest = std::max(deepest, ++depth);
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

std::string StringField(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number()) return it->dump();
  return "";
}

// ResolveUrl, except that a missing or empty reference is no link.
std::string LinkField(const nlohmann::json& object, const char* key, std::string_view base) {
  std::string ref = StringField(object, key);
  return ref.empty() ? "" : ResolveUrl(base, ref);
}

void AppendLine(std::string* to, const std::string& text) {
  if (text.empty()) return;
  if (!to->empty()) to->push_back('\n');
  to->append(text);
}

void AddItem(const nlohmann::json& item, std::string_view url, Document* doc) {
  if (!item.is_object()) return;
  FeedEntry entry;
  entry.title = StringField(item, "title");
  entry.id = StringField(item, "id");
  entry.published = StringField(item, "date_published");
  entry.updated = StringField(item, "date_modified");
  entry.link = LinkField(item, "url", url);
  if (!entry.link.empty()) entry.links.push_back(entry.link);
  std::string external = LinkField(item, "external_url", url);
  if (!external.empty()) entry.links.push_back(external);
  auto attachments = item.find("attachments");
  if (attachments != item.end() && attachments->is_array()) {
    for (const nlohmann::json& a : *attachments) {
      if (!a.is_object()) continue;
      std::string link = LinkField(a, "url", url);
      if (!link.empty()) entry.links.push_back(link);
    }
  }
  std::string entry_url = entry.link.empty() ? entry.id : entry.link;
  std::string text;
  for (const char* key : {"title", "summary", "content_text", "external_url", "url"}) {
    AppendLine(&text, StringField(item, key));
  }
  if (!text.empty()) doc->segments.push_back(Segment{Segment::Origin::kText, text, entry_url});
  std::string html = StringField(item, "content_html");
  if (!html.empty()) {
    HtmlExtraction extraction;
    ExtractHtml(html, &extraction);
    AddHtmlToDocument(std::move(extraction), url, entry_url, doc);
  }
  if (!entry.link.empty()) doc->links.push_back(Link{Link::Rel::kEntry, entry.link});
  doc->entries.push_back(std::move(entry));
}

}  // namespace

bool ParseJsonFeed(std::string_view utf8, std::string_view url, Document* doc) {
  if (JsonDepth(utf8) > kMaxJsonDepth) {
    doc->warnings.push_back("JSON nested deeper than " + std::to_string(kMaxJsonDepth) +
                            ": not parsed as a JSON Feed");
    return false;
  }
  try {
    nlohmann::json feed = nlohmann::json::parse(utf8, nullptr, /*allow_exceptions=*/false);
    if (feed.is_discarded()) {
      doc->warnings.push_back("invalid JSON: not parsed as a JSON Feed");
      return false;
    }
    if (!feed.is_object()) return false;
    std::string version = StringField(feed, "version");
    auto items = feed.find("items");
    if (version.find("jsonfeed.org/version/") == std::string::npos &&
        (items == feed.end() || !items->is_array())) {
      return false;
    }
    doc->kind = DocumentKind::kJsonFeed;
    std::string text;
    for (const char* key : {"title", "description", "home_page_url", "feed_url"}) {
      AppendLine(&text, StringField(feed, key));
    }
    if (!text.empty()) doc->segments.push_back(Segment{Segment::Origin::kText, text, ""});
    if (items != feed.end() && items->is_array()) {
      for (const nlohmann::json& item : *items) AddItem(item, url, doc);
    }
    return true;
  } catch (const std::exception& e) {  // nlohmann throws on type errors; never let it out
    doc->warnings.push_back(std::string("JSON Feed error: ") + e.what());
    return !doc->entries.empty();
  }
}

}  // namespace meetleak::feeds_internal
