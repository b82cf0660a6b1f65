// The owners' report in plain words: text, HTML and the e-mail digest say
// the same per meeting — what leaked and what it allows, where, since when,
// the page's visible text around the reference (not its markup), the advice
// once per meeting, the history of each leak, and a header.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "report/notify.h"
#include "report/render.h"
#include "tests/report/fixtures.h"

namespace meetleak {
namespace {

using testing::StoredFinding;

// The visible text of an HTML document, and the text of each <mark>, as
// html5lib (a browser's parsing algorithm) reads them.
nlohmann::json HtmlText(const std::string& html) {
  const std::string script = R"py(
import html5lib, json, sys
doc = html5lib.parse(sys.stdin.buffer.read(), namespaceHTMLElements=False)
body = doc.find("body")
print(json.dumps({"text": " ".join(" ".join(body.itertext()).split()),
                  "marks": ["".join(m.itertext()) for m in doc.iter("mark")],
                  "tags": sorted({el.tag for el in doc.iter() if isinstance(el.tag, str)})}))
)py";
  testing::ProgramResult r = testing::RunPython(script, html);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return nlohmann::json::parse(r.out);
}

std::string OwnerText(const std::vector<Finding>& findings, const RenderOptions& extra = {}) {
  RenderOptions options = extra;
  options.remediation = true;
  return RenderFindings(findings, ReportFormat::kText, options);
}

// A passcode join link stored inside an anchor whose context was cut
// mid-tag, as the crawler stores it.
Finding MarkupLeak() {
  Finding f = StoredFinding(12, "85512345678", "ana@acme.example", Severity::kCritical);
  f.has_passcode = true;
  f.context =
      "ss=\"btn\" data-x=\"1\"><p>Weekly&nbsp;sync &amp; Q&amp;A: <a href=\"https://acme-corp."
      "zoom.us/j/85512345678?pwd=\xE2\x80\xA6redacted\xE2\x80\xA6\">join here</a> every "
      "<b>Tuesday</b></p><di";
  f.first_seen = "2026-11-20T10:00:00Z";
  f.last_seen = "2026-11-26T12:00:00Z";
  return f;
}

TEST(OwnerReportTest, ContextIsThePagesTextWithTheReferenceMarkedNotItsMarkup) {
  const std::string text = OwnerText({MarkupLeak()});
  EXPECT_NE(text.find("On the page: \"\xE2\x80\xA6Weekly sync & Q&A: \xC2\xBBhttps://"
                      "acme-corp.zoom.us/j/85512345678?pwd=\xE2\x80\xA6redacted\xE2\x80\xA6\xC2\xAB"
                      " join here every Tuesday\xE2\x80\xA6\""),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("<a "), std::string::npos);
  EXPECT_EQ(text.find("href="), std::string::npos);
  EXPECT_EQ(text.find("&amp;"), std::string::npos);
  const nlohmann::json html = HtmlText(RenderFindings({MarkupLeak()}, ReportFormat::kHtml));
  ASSERT_EQ(html["marks"].size(), 1u);
  EXPECT_EQ(html["marks"][0],
            "https://acme-corp.zoom.us/j/85512345678?pwd=\xE2\x80\xA6redacted\xE2\x80\xA6");
  const std::string visible = html["text"];
  EXPECT_NE(visible.find("Weekly sync & Q&A:"), std::string::npos) << visible;
  EXPECT_EQ(visible.find("href="), std::string::npos) << "no markup shown as text";
}

TEST(OwnerReportTest, AnIdInTextIsMarkedWhereverItsGroupingIs) {
  Finding f = StoredFinding(15, "9123456789", "bob@acme.example", Severity::kMedium);
  f.form = RefForm::kIdText;
  f.link_type = LinkType::kNone;
  f.context =
      "Call details<br>Meeting ID: 912 345 6789<br>Passcode: \xE2\x80\xA6redacted\xE2\x80\xA6";
  const nlohmann::json html = HtmlText(RenderFindings({f}, ReportFormat::kHtml));
  ASSERT_EQ(html["marks"].size(), 1u);
  EXPECT_EQ(html["marks"][0], "912 345 6789");
}

TEST(OwnerReportTest, PlainSentencesSayWhatLeakedAndWhatItAllows) {
  Finding start = StoredFinding(13, "85512345678", "ana@acme.example", Severity::kCritical);
  start.link_type = LinkType::kStart;
  Finding rec = StoredFinding(16, "AbCdEfGhIjKl", "ana@acme.example", Severity::kHigh);
  rec.key_kind = KeyKind::kToken;
  rec.link_type = LinkType::kRecording;
  Finding reg = StoredFinding(20, "AbCdEfGhIjKx", "ana@acme.example", Severity::kLow);
  reg.key_kind = KeyKind::kToken;
  reg.link_type = LinkType::kRegister;
  const std::string text = OwnerText({MarkupLeak(), start, rec, reg});
  for (const char* sentence :
       {"A join link with its passcode is on a public page. Anyone with this link can join "
        "without a passcode.",
        "A host start link is on a public page. Whoever has this link can start the meeting "
        "as its host.",
        "A link to a cloud recording is on a public page. Anyone with this link can watch the "
        "recording.",
        "A registration link is on a public page."})
    EXPECT_NE(text.find(sentence), std::string::npos) << sentence << "\n" << text;
  // No jargon labels.
  for (const char* jargon : {"url/join", "url/start", "id_text", "dial_in", "url/recording"})
    EXPECT_EQ(text.find(jargon), std::string::npos) << jargon;
}

TEST(OwnerReportTest, WhereAndSinceWhenWithExposureInDays) {
  Finding f = MarkupLeak();
  f.entry_url = "https://example.org/events/7";
  const std::string text = OwnerText({f});
  EXPECT_NE(text.find("Page:       https://example.org/events/12"), std::string::npos) << text;
  EXPECT_NE(text.find("Feed entry: https://example.org/events/7"), std::string::npos);
  EXPECT_NE(text.find("first 2026-11-20T10:00:00Z, last 2026-11-26T12:00:00Z (public for at "
                      "least 7 days)"),
            std::string::npos)
      << text;
}

TEST(OwnerReportTest, AdviceComesOncePerMeetingFittedToItsCase) {
  // One meeting found three times: passcode link, start link, a second page.
  Finding passcode = MarkupLeak();
  Finding start = StoredFinding(13, "85512345678", "ana@acme.example", Severity::kCritical);
  start.link_type = LinkType::kStart;
  Finding again = StoredFinding(14, "85512345678", "ana@acme.example", Severity::kHigh);
  Finding pmi = StoredFinding(30, "ana.smith", "ana@acme.example", Severity::kCritical);
  pmi.key_kind = KeyKind::kVanity;
  pmi.link_type = LinkType::kPersonal;
  pmi.meeting_kind = MeetingKind::kPmi;
  const std::string text = OwnerText({passcode, start, again, pmi});
  const auto count = [&](const std::string& needle) {
    int n = 0;
    for (std::size_t at = 0; (at = text.find(needle, at)) != std::string::npos; ++at) ++n;
    return n;
  };
  EXPECT_EQ(count("Delete this meeting and create a new one"), 1) << text;
  EXPECT_EQ(count("Move public events off your Personal Meeting ID"), 1);
  EXPECT_EQ(count("What to do:"), 2) << "one advice block per meeting";
  EXPECT_EQ(count("Ask whoever runs the page to take the link down"), 2);
  // A registration link alone: low risk, check approval settings.
  Finding reg = StoredFinding(20, "AbCdEfGhIjKx", "ana@acme.example", Severity::kLow);
  reg.key_kind = KeyKind::kToken;
  reg.link_type = LinkType::kRegister;
  const std::string reg_text = OwnerText({reg});
  EXPECT_NE(reg_text.find("low risk"), std::string::npos);
  EXPECT_NE(reg_text.find("require approval"), std::string::npos);
  EXPECT_EQ(reg_text.find("waiting room"), std::string::npos) << reg_text;
}

TEST(OwnerReportTest, HistoryNotesAndReasonsAreShownPerLeak) {
  Finding f = MarkupLeak();
  f.status = LeakStatus::kAcknowledged;
  f.severity_reason = "no passcode, no waiting room, join before host on";
  f.history = {{"2026-11-21T09:00:00Z", "reopened", "meetleak", "seen again on the page"},
               {"2026-11-22T09:00:00Z", "acknowledged", "owner", "waiting room on, asked the blog"},
               {"", "allowed", "config", "public webinar series"}};
  const std::string text = OwnerText({f});
  EXPECT_NE(text.find("2026-11-22T09:00:00Z: Acknowledged by its owner \xE2\x80\x94 waiting room "
                      "on, asked the blog"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("2026-11-21T09:00:00Z: Reopened by meetleak \xE2\x80\x94 seen again on the "
                      "page"),
            std::string::npos);
  EXPECT_NE(text.find("Allowed by the configuration \xE2\x80\x94 public webinar series"),
            std::string::npos);
  EXPECT_NE(text.find("Zoom's settings make it worse: no passcode, no waiting room, join "
                      "before host on."),
            std::string::npos);
  const std::string html = HtmlText(RenderFindings({f}, ReportFormat::kHtml))["text"];
  EXPECT_NE(html.find("Acknowledged by its owner \xE2\x80\x94 waiting room on, asked the blog"),
            std::string::npos);
  RenderOptions json_options;
  json_options.history = true;
  const nlohmann::ordered_json doc =
      nlohmann::ordered_json::parse(RenderFindings({f}, ReportFormat::kJson, json_options));
  const nlohmann::ordered_json& finding = doc["findings"][0];
  EXPECT_EQ(finding["history"].size(), 3u);
  EXPECT_EQ(finding["history"][1]["event"], "acknowledged");
  EXPECT_EQ(finding["history"][1]["by"], "owner");
  EXPECT_EQ(finding["history"][1]["time"], "2026-11-22T09:00:00Z");
  EXPECT_TRUE(finding["history"][2]["time"].is_null());
  EXPECT_EQ(finding["severity_reason"], "no passcode, no waiting room, join before host on");
  // The design's fields come first, unchanged.
  EXPECT_EQ(finding.begin().key(), "leak_id");
  // Without the option (scan, leaks list) the finding is exactly the design's.
  const nlohmann::json plain = nlohmann::json::parse(RenderFindings({f}, ReportFormat::kJson));
  EXPECT_FALSE(plain["findings"][0].contains("history"));
}

TEST(OwnerReportTest, HeaderSaysWhenWhatWhomToAskAndHowToCloseALeak) {
  RenderOptions options;
  options.header.generated_at = "2026-12-04T10:00:00Z";
  options.header.owner = "ana@acme.example";
  options.header.status = LeakStatus::kOpen;
  options.header.sources = {"https://example.org/feed.xml", "https://blog.example/sitemap.xml"};
  options.header.last_pass = "2026-12-04T09:55:00Z";
  options.header.security_contact = "secops@acme.example";
  const std::string text = OwnerText({MarkupLeak()}, options);
  for (const char* line :
       {"Generated: 2026-12-04T10:00:00Z",
        "Covers: meetings of ana@acme.example, leaks that are open",
        "Pages watched: https://example.org/feed.xml, https://blog.example/sitemap.xml",
        "Last scan: 2026-12-04T09:55:00Z", "Questions: secops@acme.example",
        "meetleak leaks ack ID --note \"what you did\""})
    EXPECT_NE(text.find(line), std::string::npos) << line << "\n" << text;
  EXPECT_NE(text.find("Once handled: meetleak leaks ack 12 --note \"what you did\""),
            std::string::npos);
  options.remediation = true;
  const std::string html =
      HtmlText(RenderFindings({MarkupLeak()}, ReportFormat::kHtml, options))["text"];
  EXPECT_NE(html.find("Questions secops@acme.example"), std::string::npos) << html;
  EXPECT_NE(html.find("meetleak leaks ack 12 --note \"what you did\""), std::string::npos);
}

TEST(OwnerReportTest, TheDigestCarriesTheSameWordingPerMeeting) {
  Finding start = StoredFinding(13, "85512345678", "ana@acme.example", Severity::kCritical);
  start.link_type = LinkType::kStart;
  const std::vector<Finding> findings = {MarkupLeak(), start};
  NotifyOptions options;
  options.security_contact = "secops@acme.example";
  const std::vector<Digest> digests = BuildDigests(findings, options);
  ASSERT_EQ(digests.size(), 1u);
  const std::string report = OwnerText(findings);
  const std::string html = HtmlText(RenderFindings(findings, ReportFormat::kHtml))["text"];
  const std::string digest_html = HtmlText(digests[0].html)["text"];
  for (const char* sentence : {"Anyone with this link can join without a passcode.",
                               "Whoever has this link can start the meeting as its host.",
                               "Delete this meeting and create a new one (new ID, new start link)",
                               "Weekly sync & Q&A:"}) {
    EXPECT_NE(report.find(sentence), std::string::npos) << sentence;
    EXPECT_NE(digests[0].text.find(sentence), std::string::npos) << sentence;
    EXPECT_NE(html.find(sentence), std::string::npos) << sentence;
    EXPECT_NE(digest_html.find(sentence), std::string::npos) << sentence;
  }
}

}  // namespace
}  // namespace meetleak
