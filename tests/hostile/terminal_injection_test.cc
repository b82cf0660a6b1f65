// Terminal and bidi injection: text from outside (CSV cells, crawled pages,
// server replies, config strings) never reaches a terminal raw.
#include <gtest/gtest.h>

#include "base/terminal.h"
#include "tests/hostile/hostile_fixture.h"

namespace meetleak::testing {
namespace {

constexpr const char* kEsc = "\x1b";
constexpr const char* kRlo = "\xE2\x80\xAE";  // U+202E RIGHT-TO-LEFT OVERRIDE

// Nothing in `text` can drive a terminal or reorder what is shown.
void ExpectInert(const std::string& text) {
  EXPECT_EQ(text.find(kEsc), std::string::npos) << text;
  EXPECT_EQ(text.find(kRlo), std::string::npos) << text;
  EXPECT_EQ(text.find('\a'), std::string::npos) << text;
}

TEST(TerminalSafe, EscapesControlsBidiOverridesAndBrokenUtf8) {
  EXPECT_EQ(TerminalSafe("a\x1b]0;title\x07z"), "a\\x1b]0;title\\x07z");
  EXPECT_EQ(TerminalSafe("x\r\ny\tz\x7f"), "x\\x0d\\x0ay\\x09z\\x7f");
  EXPECT_EQ(TerminalSafe("invoice\xE2\x80\xAEgnp.exe"), "invoice\\u{202E}gnp.exe");
  EXPECT_EQ(TerminalSafe("\xE2\x81\xA6x\xE2\x81\xA9\xE2\x80\x8F"), "\\u{2066}x\\u{2069}\\u{200F}");
  EXPECT_EQ(TerminalSafe("\xC2\x9B"
                         "31m"),
            "\\u{009B}31m");  // C1 CSI
  EXPECT_EQ(TerminalSafe("bad\xFF\xC3"), "bad\\xff\\xc3");
  EXPECT_EQ(TerminalSafe("Réunion 会议 ok"), "Réunion 会议 ok");
}

TEST_F(HostileTest, InventoryListEscapesATopicsEscapeSequences) {
  dir_.Write("m.csv", std::string("meeting_id,owner_email,topic,kind\n"
                                  "85512345678,ana@acme.example,\"\x1b]0;pwned\x07\x1b[2J") +
                          kRlo + "fdp.exe\",recurring\n");
  ASSERT_EQ(Meetleak({"inventory", "import", "m.csv"}).exit_code, 0);
  ProgramResult r = Meetleak({"inventory", "list"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ExpectInert(r.out);
  EXPECT_NE(r.out.find("\\x1b]0;pwned\\x07\\x1b[2J\\u{202E}fdp.exe"), std::string::npos) << r.out;
}

TEST_F(HostileTest, CsvImportErrorsEscapeTheRawBytesTheyQuote) {
  dir_.Write("m.csv", std::string("meeting_id,owner_email,topic,kind\n"
                                  "85512345678,\x1b[31mana") +
                          kRlo + "@acme.example,Sync,recurring\n");
  ProgramResult r = Meetleak({"inventory", "import", "m.csv"});
  EXPECT_EQ(r.exit_code, 2);
  ExpectInert(r.err);
  EXPECT_NE(r.err.find("m.csv:2"), std::string::npos) << r.err;
}

TEST_F(HostileTest, TextReportEscapesABidiOverrideFromThePage) {
  dir_.Write("page.html", std::string("<p>Join ") + kRlo +
                              "\x1b[8m https://acme-corp.zoom.us/j/85512345678 " + kRlo +
                              "txt.exe</p>");
  ProgramResult r = Meetleak({"scan", "page.html", "--no-store", "--company-domain",
                              "acme-corp.zoom.us", "--format", "text"});
  ASSERT_EQ(r.exit_code, 1) << r.err;
  ExpectInert(r.out);
  EXPECT_NE(r.out.find("\\u{202E}"), std::string::npos) << r.out;
}

TEST_F(HostileTest, SourcesListAndLogLinesEscapeWhatTheSourceUrlHolds) {
  server_.Route("/page", Reply{.status = 500, .body = "no"});
  // A TOML string may hold any character: the URL is the config's, shown as is.
  WriteConfig({server_.Url("/page?\\u202Egnp.exe\\u001b[2J")});
  ProgramResult run = Meetleak({"run", "--once"});
  ExpectInert(run.err);
  ProgramResult list = Meetleak({"sources", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  ExpectInert(list.out);
  EXPECT_NE(list.out.find("\\u{202E}gnp.exe\\x1b[2J"), std::string::npos) << list.out;
}

}  // namespace
}  // namespace meetleak::testing
