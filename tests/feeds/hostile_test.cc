// Hostile input, generated here: each shape must parse without a crash,
// within ctest's timeout, with memory bounded by a small multiple of the
// input (checked by the growth of the peak RSS, and by bounded outputs), and
// a warning where a limit trips. Timing is measured by scripts/bench-parse,
// never asserted here.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <algorithm>
#include <string>

#include "feeds/charset.h"
#include "feeds/document.h"

namespace meetleak {
namespace {

size_t PeakRssBytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<size_t>(usage.ru_maxrss) * 1024;
}

size_t TotalSegmentBytes(const Document& doc) {
  size_t total = 0;
  for (const Segment& s : doc.segments) total += s.text.size();
  return total;
}

bool HasWarningContaining(const Document& doc, std::string_view needle) {
  return std::any_of(doc.warnings.begin(), doc.warnings.end(),
                     [&](const std::string& w) { return w.find(needle) != std::string::npos; });
}

std::string Repeat(std::string_view unit, size_t times) {
  std::string out;
  out.reserve(unit.size() * times);
  for (size_t i = 0; i < times; ++i) out.append(unit);
  return out;
}

// ASan keeps freed memory in a quarantine (256 MB by default) and pads every
// allocation, so peak RSS under it says little; the bound widens by that much.
#if defined(__SANITIZE_ADDRESS__)
constexpr size_t kSanitizerSlack = 256u << 20;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr size_t kSanitizerSlack = 256u << 20;
#else
constexpr size_t kSanitizerSlack = 0;
#endif
#else
constexpr size_t kSanitizerSlack = 0;
#endif

// Parses `body` and checks the invariants every hostile input must keep.
// `growth` bounds the segments' total size as a multiple of the input (an
// invalid byte becomes the 3 bytes of U+FFFD, in the body and again in text).
Document ParseBounded(const std::string& body, std::string_view content_type,
                      size_t growth_factor = 4) {
  size_t before = PeakRssBytes();
  Document doc = ParseDocument(body, content_type, "https://h.example/");
  size_t growth = PeakRssBytes() - before;
  EXPECT_EQ(doc.segments.at(0).origin, Segment::Origin::kBody);
  EXPECT_LE(TotalSegmentBytes(doc), growth_factor * body.size() + 4096);
  EXPECT_LE(growth, 8 * body.size() + (64u << 20) + kSanitizerSlack)
      << "peak RSS grew by " << growth;
  return doc;
}

TEST(HostileTest, HundredMegabyteSingleLine) {
  std::string body = "<html><body><p>" + std::string(100u << 20, 'x') +
                     "<a href=\"https://zoom.us/j/123456789\">j</a></p>";
  Document doc = ParseBounded(body, "text/html");
  EXPECT_EQ(doc.kind, DocumentKind::kHtml);
  ASSERT_EQ(doc.links.size(), 1u);
  EXPECT_EQ(doc.links[0].url, "https://zoom.us/j/123456789");
}

TEST(HostileTest, NulBytesEverywhere) {
  std::string body("<a\0 href=\"https://n.example/\0x\">t\0ext</a><p\0>\0</p>", 44);
  body += std::string(1 << 20, '\0');
  Document doc = ParseBounded(body, "text/html");
  EXPECT_EQ(doc.segments[0].text.size(), body.size());
  Document feed = ParseBounded("<rss><channel><item><link>https://n.example/1</link>" +
                                   std::string(1000, '\0') + "</item></channel></rss>",
                               "");
  EXPECT_EQ(feed.entries.size(), 1u);
}

TEST(HostileTest, InvalidUtf8IsRepairedNeverFatal) {
  std::string body = "<p>";
  for (int i = 0; i < 1 << 20; ++i) body += static_cast<char>(0x80 + (i * 7) % 0x80);
  body += "\xED\xA0\x80\xF4\x90\x80\x80\xC0\xAF</p>";  // surrogate, > U+10FFFF, overlong
  Document doc = ParseBounded(body, "text/html; charset=utf-8", 8);
  for (const Segment& s : doc.segments) EXPECT_TRUE(feeds_internal::IsValidUtf8(s.text));
  EXPECT_TRUE(HasWarningContaining(doc, "invalid UTF-8"));
}

TEST(HostileTest, TwoHundredThousandLevelsOfNesting) {
  const size_t depth = 200000;
  std::string html =
      Repeat("<div>", depth) + "<a href=\"https://d.example/\">x</a>" + Repeat("</div>", depth);
  Document page = ParseBounded(html, "text/html");
  ASSERT_EQ(page.links.size(), 1u);

  std::string xml = "<rss><channel><item><link>https://d.example/1</link>" + Repeat("<x>", depth) +
                    "deep" + Repeat("</x>", depth) + "</item></channel></rss>";
  Document feed = ParseBounded(xml, "application/rss+xml");
  ASSERT_EQ(feed.entries.size(), 1u);
  EXPECT_EQ(feed.entries[0].link, "https://d.example/1");
  EXPECT_TRUE(HasWarningContaining(feed, "nested deeper"));

  std::string broken =
      "<rss><channel><item><link>https://d.example/2</link>" + Repeat("<x>", depth);
  Document lenient = ParseBounded(broken, "application/rss+xml");
  ASSERT_EQ(lenient.entries.size(), 1u);
  EXPECT_TRUE(HasWarningContaining(lenient, "nested deeper"));

  Document json = ParseBounded("{\"version\":\"https://jsonfeed.org/version/1\",\"items\":" +
                                   Repeat("[", depth) + Repeat("]", depth) + "}",
                               "application/feed+json");
  EXPECT_TRUE(HasWarningContaining(json, "nested deeper"));
}

TEST(HostileTest, ThreeHundredThousandAttributes) {
  std::string tag = "<p";
  for (int i = 0; i < 300000; ++i) tag += " a" + std::to_string(i) + "=\"v\"";
  tag += ">text</p><a href=\"https://a.example/\">x</a>";
  Document doc = ParseBounded(tag, "text/html");
  EXPECT_TRUE(HasWarningContaining(doc, "per-element limit"));
  ASSERT_EQ(doc.links.size(), 1u);
  Document same_name = ParseBounded("<p" + Repeat(" a=1", 300000) + ">x</p>", "text/html");
  EXPECT_TRUE(HasWarningContaining(same_name, "per-element limit") || same_name.warnings.empty());
}

TEST(HostileTest, MillionsOfEntities) {
  std::string body = "<p title=\"" + Repeat("&amp;", 1000000) + "\">" +
                     Repeat("&amp;&#x26;&nbsp;&notanentity;", 600000) + "</p>";
  Document doc = ParseBounded(body, "text/html");
  std::string rss = "<rss><channel><item><description>" + Repeat("&amp;amp;", 1000000) +
                    "</description></item></channel></rss>";
  Document feed = ParseBounded(rss, "");
  EXPECT_EQ(feed.entries.size(), 1u);
}

TEST(HostileTest, BillionLaughsIsNeverExpanded) {
  std::string xml = "<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY lol \"lol\">";
  std::string previous = "lol";
  for (int i = 1; i <= 9; ++i) {
    std::string name = "lol" + std::to_string(i);
    xml += "<!ENTITY " + name + " \"" + Repeat("&" + previous + ";", 10) + "\">";
    previous = name;
  }
  xml +=
      "]><rss><channel><item><title>&lol9;</title><link>https://l.example/</link></item>"
      "</channel></rss>";
  Document doc = ParseBounded(xml, "application/rss+xml");
  EXPECT_TRUE(HasWarningContaining(doc, "never expanded"));
  EXPECT_LT(TotalSegmentBytes(doc), 4 * xml.size());
  ASSERT_EQ(doc.entries.size(), 1u);
  EXPECT_EQ(doc.entries[0].link, "https://l.example/");
}

TEST(HostileTest, ExternalEntitiesAreNeverLoaded) {
  std::string xml =
      "<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
      "<rss><channel><item><title>&xxe;</title><link>https://x.example/</link></item></channel></"
      "rss>";
  Document doc = ParseBounded(xml, "application/rss+xml");
  for (const Segment& s : doc.segments) EXPECT_EQ(s.text.find("root:"), std::string::npos);
  EXPECT_TRUE(HasWarningContaining(doc, "never expanded"));
  ASSERT_EQ(doc.entries.size(), 1u);
  EXPECT_EQ(doc.entries[0].title, "&xxe;");
}

TEST(HostileTest, ManyTinyCommentsAndEntriesStayBounded) {
  Document comments =
      ParseBounded(Repeat("<!---->", 1000000) + Repeat("<!--x-->", 500000), "text/html");
  EXPECT_LE(comments.segments.size(), 8u);  // joined per kind, not one per comment
  Document entries = ParseBounded(
      "<rss><channel>" + Repeat("<item><link>https://e.example/</link></item>", 100000) +
          "</channel></rss>",
      "");
  EXPECT_EQ(entries.entries.size(), 100000u);
  EXPECT_EQ(entries.links.size(), 1u);  // deduplicated
}

}  // namespace
}  // namespace meetleak
