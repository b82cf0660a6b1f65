#include <gtest/gtest.h>

#include "report/render.h"
#include "tests/report/fixtures.h"

namespace meetleak {
namespace {

using testing::ReportFixture;

TEST(RenderTextTest, PlainListHasOneBlockPerFindingWithItsFacts) {
  const std::string out = RenderFindings(ReportFixture(), ReportFormat::kText);
  EXPECT_NE(out.find("[CRITICAL] meeting_id 85512345678  url/join on acme-corp.zoom.us, "
                     "passcode published"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("  page:    https://example.org/feed.xml\n"), std::string::npos);
  EXPECT_NE(out.find("  entry:   https://example.org/events/7\n"), std::string::npos);
  EXPECT_NE(out.find("[MEDIUM] meeting_id 9123456789  id_text"), std::string::npos);
  EXPECT_NE(out.find("[HIGH] token AbCdEfGhIjKl  url/recording"), std::string::npos);
  EXPECT_NE(out.find("  context: Join: https://acme-corp.zoom.us/j/85512345678?pwd="),
            std::string::npos);
}

TEST(RenderTextTest, ControlCharactersFromCrawledTextCannotDriveTheTerminal) {
  Finding f = testing::StoredFinding(1, "123456789", "a@b.example", Severity::kHigh);
  f.context =
      "before \x1b[2J\x1b]0;pwned\x07 after \xC2\x9B"
      "31m";
  for (bool remediation : {false, true}) {
    RenderOptions options;
    options.remediation = remediation;
    const std::string out = RenderFindings({f}, ReportFormat::kText, options);
    EXPECT_EQ(out.find('\x1b'), std::string::npos);
    EXPECT_EQ(out.find('\x07'), std::string::npos);
    EXPECT_EQ(out.find("\xC2\x9B"), std::string::npos);
    EXPECT_NE(out.find("before \\x1b[2J"), std::string::npos) << out;
  }
}

TEST(RenderTextTest, ReportGroupsByOwnerThenMeetingWorstFirst) {
  RenderOptions options;
  options.remediation = true;
  const std::string out = RenderFindings(ReportFixture(), ReportFormat::kText, options);
  const auto ana = out.find("Owner: ana@acme.example - 3 leaks (3 critical), 2 open");
  const auto bob = out.find("Owner: bob@acme.example - 2 leaks (1 high, 1 medium), 2 open");
  const auto nobody = out.find("Owner: (no owner) - 1 leak (1 high), 1 open");
  ASSERT_NE(ana, std::string::npos) << out;
  ASSERT_NE(bob, std::string::npos) << out;
  ASSERT_NE(nobody, std::string::npos) << out;
  EXPECT_LT(ana, bob);
  EXPECT_LT(bob, nobody);
  // Bob's high meeting comes before his medium one.
  const auto high_meeting = out.find("Meeting 855 9998 8877", bob);
  const auto medium_meeting = out.find("Meeting 912 345 6789", bob);
  ASSERT_NE(high_meeting, std::string::npos);
  ASSERT_NE(medium_meeting, std::string::npos);
  EXPECT_LT(high_meeting, medium_meeting);
  // One meeting heading for the two leaks of 85512345678, with topic and kind.
  const std::string heading = "Meeting 855 1234 5678 \"Weekly sync\" (recurring) - risk: critical";
  ASSERT_NE(out.find(heading), std::string::npos) << out;
  EXPECT_EQ(out.find(heading, out.find(heading) + 1), std::string::npos);
  EXPECT_NE(out.find("Seen:       first 2026-11-26T10:00:00Z, last 2026-11-26T12:00:00Z"),
            std::string::npos);
  EXPECT_NE(out.find("Status:     acknowledged: someone is on it - leak #14"), std::string::npos);
}

// Each meeting gets the advice fitted to what leaked of it, once, after its
// leaks ("What to do:" up to the blank line that ends the meeting).
std::string Advice(const std::string& report, const std::string& heading) {
  const auto start = report.find(heading);
  if (start == std::string::npos) return "";
  const auto what = report.find("What to do:", start);
  const auto end = report.find("\n\n", what);
  return report.substr(what, end == std::string::npos ? std::string::npos : end - what);
}

TEST(RenderTextTest, AdviceIsFittedToEachMeeting) {
  RenderOptions options;
  options.remediation = true;
  const std::string out = RenderFindings(ReportFixture(), ReportFormat::kText, options);
  const std::string start_and_passcode = Advice(out, "Meeting 855 1234 5678");
  const std::string pmi = Advice(out, "Personal link /my/ana.smith");
  const std::string recording = Advice(out, "Link token AbCdEfGhIjKl");
  const std::string id_text = Advice(out, "Meeting 912 345 6789");
  EXPECT_NE(start_and_passcode.find("Delete this meeting and create a new one"), std::string::npos)
      << start_and_passcode;
  EXPECT_NE(start_and_passcode.find("sign out of all devices"), std::string::npos);
  EXPECT_NE(pmi.find("Move public events off your Personal Meeting ID"), std::string::npos) << pmi;
  EXPECT_NE(pmi.find("change your PMI"), std::string::npos);
  EXPECT_NE(recording.find("Stop sharing the recording"), std::string::npos) << recording;
  EXPECT_EQ(recording.find("waiting room"), std::string::npos) << "a recording has no room";
  for (const std::string& block : {pmi, id_text})
    EXPECT_NE(block.find("Turn on the waiting room"), std::string::npos) << block;
  for (const std::string& block : {start_and_passcode, pmi, recording, id_text})
    EXPECT_NE(block.find("Ask whoever runs the page to take the link down"), std::string::npos)
        << block;
  EXPECT_EQ(id_text.find("passcode"), std::string::npos) << id_text;
  EXPECT_EQ(id_text.find("Delete"), std::string::npos) << id_text;
}

TEST(RenderTextTest, EmptyInputSaysSo) {
  RenderOptions options;
  options.remediation = true;
  EXPECT_EQ(RenderFindings({}, ReportFormat::kText, options), "No leaks.\n");
  EXPECT_EQ(RenderFindings({}, ReportFormat::kText), "No findings.\n");
}

}  // namespace
}  // namespace meetleak

namespace meetleak {
namespace {

// Found by render_fuzz: times were printed without the terminal guard (the
// status was too, when it was a string).
TEST(RenderTextTest, EscapeInTimesIsNeutralized) {
  Finding f = testing::StoredFinding(1, "123456789", "a@b.example", Severity::kHigh);
  f.first_seen = "\x1b]0;x\x07";
  for (bool remediation : {false, true}) {
    RenderOptions options;
    options.remediation = remediation;
    const std::string out = RenderFindings({f}, ReportFormat::kText, options);
    EXPECT_EQ(out.find('\x1b'), std::string::npos) << out;
    EXPECT_NE(out.find("\\x1b]0;x"), std::string::npos) << out;
  }
}

TEST(RenderTextTest, LineBreaksInCrawledTextStayOnOneLine) {
  Finding f = testing::StoredFinding(1, "123456789", "a@b.example", Severity::kHigh);
  f.context = "line one\nline two\r\n\tend";
  const std::string out = RenderFindings({f}, ReportFormat::kText);
  EXPECT_NE(out.find("  context: line one line two   end\n"), std::string::npos) << out;
}

}  // namespace
}  // namespace meetleak
