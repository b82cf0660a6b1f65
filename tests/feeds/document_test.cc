// ParseDocument on pages and plain text: kind detection, charsets, segments
// and links, with fixtures written here.
#include "feeds/document.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace meetleak {
namespace {

std::vector<std::string> LinksOf(const Document& doc, Link::Rel rel) {
  std::vector<std::string> out;
  for (const Link& l : doc.links) {
    if (l.rel == rel) out.push_back(l.url);
  }
  return out;
}

std::string SegmentsOf(const Document& doc, Segment::Origin origin) {
  std::string out;
  for (const Segment& s : doc.segments) {
    if (s.origin == origin) out += s.text + "|";
  }
  return out;
}

bool HasWarningContaining(const Document& doc, std::string_view needle) {
  return std::any_of(doc.warnings.begin(), doc.warnings.end(),
                     [&](const std::string& w) { return w.find(needle) != std::string::npos; });
}

using Strings = std::vector<std::string>;

TEST(ToStringTest, NamesEveryKind) {
  EXPECT_EQ(ToString(DocumentKind::kHtml), "html");
  EXPECT_EQ(ToString(DocumentKind::kRss), "rss");
  EXPECT_EQ(ToString(DocumentKind::kRdf), "rdf");
  EXPECT_EQ(ToString(DocumentKind::kAtom), "atom");
  EXPECT_EQ(ToString(DocumentKind::kJsonFeed), "json_feed");
  EXPECT_EQ(ToString(DocumentKind::kSitemap), "sitemap");
  EXPECT_EQ(ToString(DocumentKind::kSitemapIndex), "sitemap_index");
  EXPECT_EQ(ToString(DocumentKind::kText), "text");
}

TEST(KindTest, ContentTypeThenContent) {
  EXPECT_EQ(ParseDocument("<p>hi</p>", "text/html", "http://x/").kind, DocumentKind::kHtml);
  EXPECT_EQ(ParseDocument("just words", "text/plain", "http://x/").kind, DocumentKind::kText);
  EXPECT_EQ(ParseDocument("just words", "", "http://x/").kind, DocumentKind::kText);
  EXPECT_EQ(ParseDocument("<!doctype html><title>t</title>", "", "http://x/").kind,
            DocumentKind::kHtml);
  // Servers mislabel feeds as text/html and pages as XML: the content wins.
  EXPECT_EQ(
      ParseDocument("<?xml version='1.0'?><rss><channel/></rss>", "text/html", "http://x/").kind,
      DocumentKind::kRss);
  EXPECT_EQ(ParseDocument("<html><body>x</body></html>", "application/rss+xml", "http://x/").kind,
            DocumentKind::kHtml);
  EXPECT_EQ(ParseDocument("{\"version\":\"https://jsonfeed.org/version/1.1\",\"items\":[]}", "",
                          "http://x/")
                .kind,
            DocumentKind::kJsonFeed);
  EXPECT_EQ(ParseDocument("{\"a\":1}", "application/json", "http://x/").kind, DocumentKind::kText);
}

TEST(DocumentTest, FirstSegmentIsAlwaysTheWholeDecodedBody) {
  for (const char* body : {"", "plain", "<p>x</p>", "<rss><channel><item>", "{\"items\":"}) {
    Document doc = ParseDocument(body, "", "http://x/");
    ASSERT_FALSE(doc.segments.empty()) << body;
    EXPECT_EQ(doc.segments[0].origin, Segment::Origin::kBody);
    EXPECT_EQ(doc.segments[0].text, body);
    EXPECT_EQ(doc.segments[0].entry_url, "");
  }
}

TEST(CharsetTest, FromContentTypeMetaXmlDeclarationAndBom) {
  Document a = ParseDocument("<p>caf\xE9</p>", "text/html; charset=ISO-8859-1", "http://x/");
  EXPECT_EQ(a.charset, "windows-1252");
  EXPECT_EQ(a.segments[0].text, "<p>caf\xC3\xA9</p>");

  Document b = ParseDocument("<meta charset=\"windows-1251\"><p>\xCF\xF0\xE8</p>", "", "http://x/");
  EXPECT_EQ(b.charset, "windows-1251");
  EXPECT_NE(b.segments[0].text.find("\xD0\x9F\xD1\x80\xD0\xB8"), std::string::npos);  // При

  Document c = ParseDocument(
      "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=shift_jis\"><p>\x83\x65</p>",
      "", "http://x/");
  EXPECT_EQ(c.charset, "shift_jis");
  EXPECT_NE(c.segments[0].text.find("\xE3\x83\x86"), std::string::npos);  // テ

  Document d = ParseDocument(
      "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><rss><channel>"
      "<title>caf\xE9</title></channel></rss>",
      "", "http://x/");
  EXPECT_EQ(d.kind, DocumentKind::kRss);
  EXPECT_NE(d.segments[0].text.find("caf\xC3\xA9"), std::string::npos);

  Document e = ParseDocument("\xEF\xBB\xBF<p>x</p>", "text/html; charset=iso-8859-1", "http://x/");
  EXPECT_EQ(e.charset, "utf-8");  // the BOM beats the header
  EXPECT_EQ(e.segments[0].text, "<p>x</p>");
}

TEST(CharsetTest, Utf16And32WithAndWithoutBom) {
  std::string le("\xFF\xFE", 2), be("\xFE\xFF", 2), le32("\xFF\xFE\x00\x00", 4), noboml;
  for (char c : std::string("<p>Hi</p>")) {
    le += c, le += '\0';
    be += '\0', be += c;
    le32 += c, le32 += std::string(3, '\0');
  }
  EXPECT_EQ(ParseDocument(le, "", "http://x/").segments[0].text, "<p>Hi</p>");
  EXPECT_EQ(ParseDocument(be, "", "http://x/").segments[0].text, "<p>Hi</p>");
  EXPECT_EQ(ParseDocument(le32, "", "http://x/").segments[0].text, "<p>Hi</p>");
  std::string xml16;  // UTF-16LE XML without a BOM: found from its first bytes
  for (char c : std::string("<?xml version=\"1.0\" encoding=\"utf-16\"?><rss><channel><item>"
                            "<link>http://x/1</link></item></channel></rss>")) {
    xml16 += c, xml16 += '\0';
  }
  Document doc = ParseDocument(xml16, "", "http://x/");
  EXPECT_EQ(doc.kind, DocumentKind::kRss);
  ASSERT_EQ(doc.entries.size(), 1u);
  EXPECT_EQ(doc.entries[0].link, "http://x/1");
}

TEST(CharsetTest, InvalidBytesBecomeReplacementCharactersWithAWarning) {
  Document doc = ParseDocument("<p>a\xFF\xC3(b</p>", "text/html; charset=utf-8", "http://x/");
  EXPECT_EQ(doc.segments[0].text, "<p>a\xEF\xBF\xBD\xEF\xBF\xBD(b</p>");
  EXPECT_TRUE(HasWarningContaining(doc, "invalid UTF-8"));
  Document unknown = ParseDocument("<p>x</p>", "text/html; charset=x-no-such-charset", "http://x/");
  EXPECT_EQ(unknown.segments[0].text, "<p>x</p>");
  EXPECT_TRUE(HasWarningContaining(unknown, "unknown charset"));
}

TEST(CharsetTest, UndeclaredLatin1IsDecodedAsWindows1252) {
  Document doc = ParseDocument("<p>caf\xE9 \x93quoted\x94</p>", "", "http://x/");
  EXPECT_EQ(doc.charset, "windows-1252");
  EXPECT_EQ(doc.segments[0].text, "<p>caf\xC3\xA9 \xE2\x80\x9Cquoted\xE2\x80\x9D</p>");
}

TEST(HtmlTest, EveryKindOfLinkResolvedAgainstBaseHref) {
  Document doc = ParseDocument(R"(<html><head>
      <base href="https://cdn.example/site/">
      <meta http-equiv="refresh" content="5; URL='next.html'">
      <link rel="alternate" type="application/rss+xml" href="/feed.xml">
      <link rel="stylesheet" href="style.css">
    </head><body>
      <a href="a.html#top">A</a> <a href="https://other.example/b">B</a>
      <map><area href="c.html"></map> <iframe src="frame.html"></iframe>
      <frameset><frame src="f2.html"></frameset>
      <a href="mailto:x@y">mail</a> <a href="a.html">again</a> <a name="x">no href</a>
    </body></html>)",
                               "text/html", "http://page.example/dir/page.html");
  EXPECT_EQ(LinksOf(doc, Link::Rel::kAnchor),
            (Strings{"https://cdn.example/site/a.html", "https://other.example/b",
                     "https://cdn.example/site/c.html"}));
  EXPECT_EQ(LinksOf(doc, Link::Rel::kFrame),
            (Strings{"https://cdn.example/site/frame.html", "https://cdn.example/site/f2.html"}));
  EXPECT_EQ(LinksOf(doc, Link::Rel::kRefresh), (Strings{"https://cdn.example/site/next.html"}));
  EXPECT_EQ(LinksOf(doc, Link::Rel::kFeed), (Strings{"https://cdn.example/feed.xml"}));
}

TEST(HtmlTest, BaseHrefAppliesToLinksBeforeIt) {
  Document doc = ParseDocument("<a href=x>1</a><base href=\"http://b.example/\">", "text/html",
                               "http://a.example/");
  EXPECT_EQ(LinksOf(doc, Link::Rel::kAnchor), (Strings{"http://b.example/x"}));
}

TEST(HtmlTest, SegmentsCarryTextAttributesCommentsAndScripts) {
  Document doc = ParseDocument(R"(<html><head><title>Weekly sync</title>
      <meta name="description" content="Meeting ID: 855 1234 5678">
      <script type="application/ld+json">{"url":"https:\/\/acme.zoom.us\/j\/85512345678"}</script>
      <style>.x{color:red}</style></head>
      <body><!-- Passcode: 4321 --><p>Meeting ID: <b>855</b> 1234 5678</p>
      <img alt="zoom.us/j/111222333" data-join="https://zoom.us/j/999" title="t">
      <a href="https://zoom.us/j/123456789?pwd=abc">join</a>
      <p>Caf&eacute; &amp; &#x7a;oom</p></body></html>)",
                               "text/html", "http://x/");
  std::string text = SegmentsOf(doc, Segment::Origin::kText);
  EXPECT_NE(text.find("Weekly sync"), std::string::npos);
  EXPECT_NE(text.find("Meeting ID: 855 1234 5678"), std::string::npos);  // inline tags joined
  EXPECT_NE(text.find("Caf\xC3\xA9 & zoom"), std::string::npos);
  EXPECT_EQ(text.find("color:red"), std::string::npos);
  std::string attributes = SegmentsOf(doc, Segment::Origin::kAttribute);
  for (const char* want : {"Meeting ID: 855 1234 5678", "zoom.us/j/111222333",
                           "https://zoom.us/j/999", "https://zoom.us/j/123456789?pwd=abc"}) {
    EXPECT_NE(attributes.find(want), std::string::npos) << want;
  }
  EXPECT_NE(SegmentsOf(doc, Segment::Origin::kComment).find("Passcode: 4321"), std::string::npos);
  EXPECT_NE(SegmentsOf(doc, Segment::Origin::kScript).find("acme.zoom.us"), std::string::npos);
  for (const Segment& s : doc.segments) EXPECT_EQ(s.entry_url, "");
}

TEST(HtmlTest, BlockTagsSeparateTextLines) {
  Document doc =
      ParseDocument("<div>Meeting ID</div><div>855</div>x<br>y", "text/html", "http://x/");
  EXPECT_EQ(SegmentsOf(doc, Segment::Origin::kText), "Meeting ID\n855\nx\ny|");
}

TEST(HtmlTest, WithoutStructureAPageIsOnlyDecodedAndRecognised) {
  const std::string page =
      "<meta charset=iso-8859-1><p>Caf\xE9</p><a href=\"/next\">n</a><!-- c --><script>s</script>";
  Document doc = ParseDocument(page, "text/html", "http://x/", {.html_structure = false});
  EXPECT_EQ(doc.kind, DocumentKind::kHtml);
  EXPECT_EQ(doc.charset, "windows-1252");
  ASSERT_EQ(doc.segments.size(), 1u);
  EXPECT_EQ(doc.segments[0].origin, Segment::Origin::kBody);
  EXPECT_NE(doc.segments[0].text.find("Caf\xC3\xA9"), std::string::npos);
  EXPECT_TRUE(doc.links.empty());
  // The same page parsed whole has its link and text segments.
  Document whole = ParseDocument(page, "text/html", "http://x/");
  EXPECT_EQ(LinksOf(whole, Link::Rel::kAnchor), (Strings{"http://x/next"}));
  EXPECT_GT(whole.segments.size(), 1u);
}

TEST(DocumentTest, FeedsAreParsedWholeWhateverTheOptions) {
  const char* feed =
      "<rss version=\"2.0\"><channel><item><title>T</title><link>http://x/e1</link></item>"
      "</channel></rss>";
  Document doc = ParseDocument(feed, "", "http://x/feed", {.html_structure = false});
  EXPECT_EQ(doc.kind, DocumentKind::kRss);
  ASSERT_EQ(doc.entries.size(), 1u);
  EXPECT_EQ(LinksOf(doc, Link::Rel::kEntry), (Strings{"http://x/e1"}));
}

TEST(HtmlTest, LocalFilesAndStdinKeepOnlyAbsoluteLinks) {
  Document doc = ParseDocument("<a href=rel.html>r</a><a href=\"https://e.example/a\">a</a>",
                               "text/html", "file:///tmp/page.html");
  EXPECT_EQ(LinksOf(doc, Link::Rel::kAnchor), (Strings{"https://e.example/a"}));
}

}  // namespace
}  // namespace meetleak
