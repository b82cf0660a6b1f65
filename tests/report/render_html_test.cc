// HTML: checked as text and through html5lib (the browser's parsing
// algorithm), so "inert" means what a browser would do with it.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "report/render.h"
#include "tests/report/fixtures.h"

namespace meetleak {
namespace {

using testing::ReportFixture;

// Elements, attributes and texts of the document as html5lib parses it.
nlohmann::json ParseHtml(const std::string& html) {
  const std::string script = R"py(
import html5lib, json, sys
doc = html5lib.parse(sys.stdin.buffer.read(), namespaceHTMLElements=False)
out = {"elements": [], "text": "".join(doc.itertext())}
for el in doc.iter():
    if isinstance(el.tag, str):
        out["elements"].append({"tag": el.tag, "attrs": dict(el.attrib)})
print(json.dumps(out))
)py";
  testing::ProgramResult r = testing::RunPython(script, html);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return nlohmann::json::parse(r.out);
}

TEST(RenderHtmlTest, CrawledMarkupStaysInertText) {
  std::vector<Finding> fixture = ReportFixture();
  // Markup written as text on the page (entities) is shown as text.
  Finding shown = testing::StoredFinding(40, "85512340000", "bob@acme.example", Severity::kHigh);
  shown.context = "&lt;script&gt;alert(4)&lt;/script&gt; https://acme-corp.zoom.us/j/85512340000";
  fixture.push_back(shown);
  const std::string html = RenderFindings(fixture, ReportFormat::kHtml);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("<b>bold"), std::string::npos);
  const nlohmann::json doc = ParseHtml(html);
  for (const auto& el : doc["elements"]) {
    const std::string tag = el["tag"];
    EXPECT_NE(tag, "script");
    EXPECT_NE(tag, "img");
    EXPECT_NE(tag, "iframe");
    for (const auto& [name, value] : el["attrs"].items()) {
      EXPECT_NE(name.rfind("on", 0), 0u) << "event handler attribute " << name;
      if (name == "href") {
        const std::string href = value;
        EXPECT_TRUE(href.rfind("https://", 0) == 0 || href.rfind("http://", 0) == 0) << href;
      }
      EXPECT_NE(name, "src") << "external request from <" << tag << ">";
    }
    if (tag == "link") ADD_FAILURE() << "a <link> element can load external resources";
  }
  // The hostile strings are visible to the reader as text.
  const std::string text = doc["text"];
  // The page's own markup is dropped (its text stays); markup the page
  // shows as text is shown as text.
  EXPECT_NE(text.find("alert(1) @SUM(1) -2+3"), std::string::npos) << text;
  EXPECT_NE(text.find("<script>alert(4)</script>"), std::string::npos) << text;
  EXPECT_NE(text.find("javascript:alert(3)"), std::string::npos);
  EXPECT_NE(text.find("https://example.org/x?a=1&b=<2>"), std::string::npos);
  EXPECT_NE(text.find("\"<b>bold</b>\""), std::string::npos);
}

TEST(RenderHtmlTest, SelfContainedPhoneReadablePrintable) {
  const std::string html = RenderFindings(ReportFixture(), ReportFormat::kHtml);
  const nlohmann::json doc = ParseHtml(html);
  bool viewport = false, csp = false;
  for (const auto& el : doc["elements"]) {
    if (el["tag"] != "meta") continue;
    if (el["attrs"].value("name", "") == "viewport") viewport = true;
    if (el["attrs"].value("http-equiv", "") == "Content-Security-Policy") {
      csp = true;
      EXPECT_NE(el["attrs"]["content"].get<std::string>().find("default-src 'none'"),
                std::string::npos);
    }
  }
  EXPECT_TRUE(viewport);
  EXPECT_TRUE(csp);
  EXPECT_NE(html.find("@media print"), std::string::npos);
  EXPECT_NE(html.find("@media (max-width"), std::string::npos);
  EXPECT_EQ(html.find("url("), std::string::npos) << "CSS must not fetch anything";
  EXPECT_EQ(html.find("@import"), std::string::npos);
}

TEST(RenderHtmlTest, SummaryPerOwnerAndAnArticlePerMeetingWithBadges) {
  const std::string html = RenderFindings(ReportFixture(), ReportFormat::kHtml);
  const nlohmann::json doc = ParseHtml(html);
  int tables = 0, articles = 0, badges_critical = 0;
  for (const auto& el : doc["elements"]) {
    if (el["tag"] == "table") ++tables;
    if (el["tag"] == "article") ++articles;
    if (el["attrs"].value("class", "") == "badge sev-critical") ++badges_critical;
  }
  // One summary table, and one article per meeting: 855…678, ana.smith, 912…, 855…877, token.
  EXPECT_EQ(tables, 1);
  EXPECT_EQ(articles, 5);
  EXPECT_EQ(badges_critical, 2) << "one badge per meeting: its worst";
  const std::string text = doc["text"];
  EXPECT_NE(text.find("Summary by owner"), std::string::npos);
  EXPECT_NE(text.find("Meeting 855 1234 5678 \"Weekly sync\" (recurring)"), std::string::npos);
  EXPECT_NE(text.find("Delete this meeting and create a new one"), std::string::npos);
  EXPECT_NE(text.find("(no owner)"), std::string::npos);
}

TEST(RenderHtmlTest, EmptyReportIsStillADocument) {
  const std::string html = RenderFindings({}, ReportFormat::kHtml);
  EXPECT_NE(html.find("<!DOCTYPE html>"), std::string::npos);
  EXPECT_NE(html.find("No leaks."), std::string::npos);
}

}  // namespace
}  // namespace meetleak
