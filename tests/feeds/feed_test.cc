// Feeds and sitemaps with fixtures written here: entries, links, entry_url
// provenance, escaped HTML re-tokenized, Atom xhtml, JSON Feed, the lenient
// pass over broken XML.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "feeds/document.h"

namespace meetleak {
namespace {

using Strings = std::vector<std::string>;

Strings LinksOf(const Document& doc, Link::Rel rel) {
  Strings out;
  for (const Link& l : doc.links) {
    if (l.rel == rel) out.push_back(l.url);
  }
  return out;
}

// The entry_url of the segment holding `needle` ("<none>" if no segment does).
std::string EntryUrlOf(const Document& doc, std::string_view needle) {
  for (size_t i = 1; i < doc.segments.size(); ++i) {
    if (doc.segments[i].text.find(needle) != std::string::npos) return doc.segments[i].entry_url;
  }
  return "<none>";
}

bool HasWarningContaining(const Document& doc, std::string_view needle) {
  return std::any_of(doc.warnings.begin(), doc.warnings.end(),
                     [&](const std::string& w) { return w.find(needle) != std::string::npos; });
}

constexpr const char* kRss = R"(<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>Events</title><link>https://example.org/</link>
  <description>Upcoming &lt;b&gt;events&lt;/b&gt;</description>
  <item>
    <title>Town hall</title>
    <link>/events/7</link>
    <guid isPermaLink="false">event-7</guid>
    <pubDate>Thu, 26 Nov 2026 10:00:00 GMT</pubDate>
    <description>Join: &lt;a href="https://acme.zoom.us/j/85512345678?pwd=x"&gt;here&lt;/a&gt;</description>
    <content:encoded><![CDATA[<p>Meeting ID: <b>855 1234 5678</b> <a href="/notes">notes</a></p>]]></content:encoded>
    <enclosure url="https://example.org/a.mp3" type="audio/mpeg" length="1"/>
  </item>
  <item>
    <title>No link, permalink guid</title>
    <guid>https://example.org/events/8</guid>
    <dc:date>2026-11-27</dc:date>
    <description>Webinar ID 999 8888 7777</description>
  </item>
  <item><title>Neither</title><guid isPermaLink="false">tag:example.org,9</guid>
    <description>plain</description></item>
</channel></rss>)";

TEST(RssTest, EntriesLinksAndDates) {
  Document doc = ParseDocument(kRss, "application/rss+xml", "https://example.org/feed.xml");
  EXPECT_EQ(doc.kind, DocumentKind::kRss);
  EXPECT_TRUE(doc.warnings.empty());
  ASSERT_EQ(doc.entries.size(), 3u);
  EXPECT_EQ(doc.entries[0].title, "Town hall");
  EXPECT_EQ(doc.entries[0].link, "https://example.org/events/7");
  EXPECT_EQ(doc.entries[0].id, "event-7");
  EXPECT_EQ(doc.entries[0].published, "Thu, 26 Nov 2026 10:00:00 GMT");
  EXPECT_EQ(doc.entries[0].links,
            (Strings{"https://example.org/events/7", "https://example.org/a.mp3"}));
  EXPECT_EQ(doc.entries[1].link, "https://example.org/events/8");
  EXPECT_EQ(doc.entries[1].published, "2026-11-27");
  EXPECT_EQ(doc.entries[2].link, "");
  EXPECT_EQ(LinksOf(doc, Link::Rel::kEntry),
            (Strings{"https://example.org/events/7", "https://example.org/events/8"}));
}

TEST(RssTest, EscapedHtmlIsTokenizedAgainWithEntryProvenance) {
  Document doc = ParseDocument(kRss, "application/rss+xml", "https://example.org/feed.xml");
  EXPECT_EQ(LinksOf(doc, Link::Rel::kAnchor),
            (Strings{"https://acme.zoom.us/j/85512345678?pwd=x", "https://example.org/notes"}));
  EXPECT_EQ(EntryUrlOf(doc, "Meeting ID: 855 1234 5678"), "https://example.org/events/7");
  EXPECT_EQ(EntryUrlOf(doc, "https://acme.zoom.us/j/85512345678?pwd=x"),
            "https://example.org/events/7");
  EXPECT_EQ(EntryUrlOf(doc, "Webinar ID 999 8888 7777"), "https://example.org/events/8");
  EXPECT_EQ(EntryUrlOf(doc, "plain"), "tag:example.org,9");  // no link: the entry's id
  EXPECT_EQ(EntryUrlOf(doc, "Upcoming events"), "");         // channel text: no entry
}

TEST(AtomTest, AlternateLinkXmlBaseAndContentTypes) {
  Document doc = ParseDocument(R"(<feed xmlns="http://www.w3.org/2005/Atom"
      xml:base="https://blog.example/">
    <title>Blog</title>
    <entry xml:base="posts/">
      <title type="html">Call &amp;lt;3</title>
      <link rel="self" type="application/atom+xml" href="1.atom"/>
      <link rel="alternate" type="text/html" href="1.html"/>
      <link rel="enclosure" href="https://cdn.example/1.mp4"/>
      <id>urn:uuid:1</id><published>2026-11-26T10:00:00Z</published>
      <updated>2026-11-26T11:00:00Z</updated>
      <summary>Meeting ID: 855 1234 5678 &lt;a href="x"&gt;not a link in text&lt;/a&gt;</summary>
      <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">
        <p>Join <a href="join.html">https://zoom.us/j/123456789</a></p></div></content>
    </entry>
    <entry><id>https://blog.example/only-id</id><content type="html">&lt;a href="/h"&gt;h&lt;/a&gt;</content></entry>
  </feed>)",
                               "", "https://blog.example/feed.atom");
  EXPECT_EQ(doc.kind, DocumentKind::kAtom);
  ASSERT_EQ(doc.entries.size(), 2u);
  const FeedEntry& e = doc.entries[0];
  EXPECT_EQ(e.link, "https://blog.example/posts/1.html");
  EXPECT_EQ(e.links, (Strings{"https://blog.example/posts/1.atom",
                              "https://blog.example/posts/1.html", "https://cdn.example/1.mp4"}));
  EXPECT_EQ(e.id, "urn:uuid:1");
  EXPECT_EQ(e.published, "2026-11-26T10:00:00Z");
  EXPECT_EQ(e.updated, "2026-11-26T11:00:00Z");
  EXPECT_EQ(doc.entries[1].link,
            "https://blog.example/only-id");  // id as permalink, like feedparser
  EXPECT_EQ(LinksOf(doc, Link::Rel::kAnchor),
            (Strings{"https://blog.example/posts/join.html", "https://blog.example/h"}));
  EXPECT_EQ(EntryUrlOf(doc, "https://zoom.us/j/123456789"), "https://blog.example/posts/1.html");
  EXPECT_EQ(EntryUrlOf(doc, "not a link in text"), "https://blog.example/posts/1.html");
}

TEST(RdfTest, Rss10ItemsOutsideTheChannel) {
  Document doc = ParseDocument(R"(<?xml version="1.0"?>
    <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
      <channel rdf:about="https://r.example/"><title>R</title></channel>
      <item rdf:about="https://r.example/1"><title>One</title><link>https://r.example/1</link>
        <description>&lt;a href="https://r.example/in"&gt;x&lt;/a&gt;</description></item>
      <item rdf:about="https://r.example/2"><title>Two</title><link>https://r.example/2</link></item>
    </rdf:RDF>)",
                               "application/rdf+xml", "https://r.example/index.rdf");
  EXPECT_EQ(doc.kind, DocumentKind::kRdf);
  EXPECT_EQ(LinksOf(doc, Link::Rel::kEntry),
            (Strings{"https://r.example/1", "https://r.example/2"}));
  EXPECT_EQ(LinksOf(doc, Link::Rel::kAnchor), (Strings{"https://r.example/in"}));
}

TEST(SitemapTest, UrlsetAndIndex) {
  Document set = ParseDocument(R"(<?xml version="1.0" encoding="UTF-8"?>
    <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
            xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
      <url><loc>https://s.example/a</loc><lastmod>2026-01-01</lastmod>
        <image:image><image:loc>https://s.example/i.png</image:loc></image:image></url>
      <url><loc> /b </loc></url>
    </urlset>)",
                               "application/xml", "https://s.example/sitemap.xml");
  EXPECT_EQ(set.kind, DocumentKind::kSitemap);
  EXPECT_TRUE(set.entries.empty());
  EXPECT_EQ(LinksOf(set, Link::Rel::kSitemapUrl),
            (Strings{"https://s.example/a", "https://s.example/b"}));
  Document index = ParseDocument(
      "<sitemapindex><sitemap><loc>https://s.example/s1.xml</loc></sitemap></sitemapindex>", "",
      "https://s.example/");
  EXPECT_EQ(index.kind, DocumentKind::kSitemapIndex);
  EXPECT_EQ(LinksOf(index, Link::Rel::kSitemapUrl), (Strings{"https://s.example/s1.xml"}));
}

TEST(JsonFeedTest, ItemsWithHtmlAndTextContent) {
  Document doc = ParseDocument(R"({
    "version": "https://jsonfeed.org/version/1.1", "title": "J",
    "items": [
      {"id": "1", "url": "https://j.example/1", "title": "One",
       "content_html": "<p>Join <a href=\"https://zoom.us/j/123456789\">here</a></p>",
       "date_published": "2026-11-26T10:00:00Z",
       "attachments": [{"url": "https://j.example/a.mp3"}]},
      {"id": 2, "content_text": "Meeting ID 855 1234 5678"},
      "not an object"
    ]})",
                               "application/feed+json", "https://j.example/feed.json");
  EXPECT_EQ(doc.kind, DocumentKind::kJsonFeed);
  ASSERT_EQ(doc.entries.size(), 2u);
  EXPECT_EQ(doc.entries[0].link, "https://j.example/1");
  EXPECT_EQ(doc.entries[0].links, (Strings{"https://j.example/1", "https://j.example/a.mp3"}));
  EXPECT_EQ(doc.entries[0].published, "2026-11-26T10:00:00Z");
  EXPECT_EQ(doc.entries[1].id, "2");
  EXPECT_EQ(LinksOf(doc, Link::Rel::kAnchor), (Strings{"https://zoom.us/j/123456789"}));
  EXPECT_EQ(EntryUrlOf(doc, "Meeting ID 855 1234 5678"), "2");
  EXPECT_EQ(EntryUrlOf(doc, "Join here"), "https://j.example/1");
}

TEST(JsonFeedTest, BrokenJsonIsAWarningNotAnError) {
  Document doc = ParseDocument("{\"version\":\"https://jsonfeed.org/version/1\",\"items\":[{",
                               "application/feed+json", "https://j.example/");
  EXPECT_EQ(doc.kind, DocumentKind::kText);
  EXPECT_TRUE(HasWarningContaining(doc, "invalid JSON"));
  EXPECT_EQ(doc.segments.size(), 1u);
}

TEST(LenientTest, BrokenXmlStillYieldsItsEntries) {
  Document doc = ParseDocument(R"(<?xml version="1.0"?>
    <rss><channel><title>Broken &nbsp; feed</title>
    <item><title>One</title><link>https://b.example/1</link>
      <description>unclosed <b>bold & <a href="https://b.example/x">x</a></description></item>
    <item><title>Two<link>https://b.example/2</link></item>
    <item><title>Three</title><link>https://b.example/3</link>
  )",
                               "", "https://b.example/feed");
  EXPECT_EQ(doc.kind, DocumentKind::kRss);
  EXPECT_TRUE(HasWarningContaining(doc, "XML error"));
  Strings links;
  for (const FeedEntry& e : doc.entries) links.push_back(e.link);
  EXPECT_EQ(links, (Strings{"https://b.example/1", "https://b.example/2", "https://b.example/3"}));
  EXPECT_EQ(LinksOf(doc, Link::Rel::kAnchor), (Strings{"https://b.example/x"}));
}

TEST(FeedTest, XmlThatIsNoFeedIsReadAsMarkup) {
  Document doc = ParseDocument(
      "<?xml version=\"1.0\"?><catalog><a href=\"https://c.example/\">c</a>"
      "<note>Meeting ID 855 1234 5678</note></catalog>",
      "application/xml", "https://c.example/x.xml");
  EXPECT_EQ(doc.kind, DocumentKind::kHtml);
  EXPECT_TRUE(doc.entries.empty());
  EXPECT_EQ(LinksOf(doc, Link::Rel::kAnchor), (Strings{"https://c.example/"}));
  EXPECT_NE(EntryUrlOf(doc, "Meeting ID 855 1234 5678"), "<none>");
}

}  // namespace
}  // namespace meetleak
