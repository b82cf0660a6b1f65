// End-to-end: a host start link is never hidden behind a join link of the
// same meeting on the same page — in the scan, in the stored leak across
// scans, and in the advice of every report format.
#include "tests/cli/cli_fixture.h"

namespace meetleak::testing {
namespace {

class StartLinkTest : public CliTest {
 protected:
  void SetUp() override {
    dir_.Write("meetings.csv",
               "meeting_id,owner_email,topic,kind\n85512345678,ana@acme.example,Sync,scheduled\n");
    dir_.Write("meetleak.toml",
               "[company]\nzoom_domains = [\"acme-corp.zoom.us\"]\ninventory = \"meetings.csv\"\n"
               "security_contact = \"secops@acme.example\"\n"
               "[notify]\nwebhook_url = \"http://127.0.0.1:9/hook\"\n");
  }
  nlohmann::json ScanJson(const std::string& page) {
    dir_.Write("page.html", page);
    ProgramResult r = Meetleak({"scan", "page.html", "--store", "--format", "json"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    return Json(r);
  }
};

TEST_F(StartLinkTest, JoinWithPasscodeAndStartLinkOnOnePageIsAStartFinding) {
  nlohmann::json j = ScanJson(
      "<a href=\"https://acme-corp.zoom.us/j/85512345678?pwd=AbCd1234\">join</a> "
      "<a href=\"https://us02web.zoom.us/s/85512345678\">host</a>");
  std::vector<nlohmann::json> f = FindingsFor(j, "85512345678");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0]["link_type"], "start");
  EXPECT_EQ(f[0]["host"], "us02web.zoom.us");
  EXPECT_EQ(f[0]["has_passcode"], true);
}

TEST_F(StartLinkTest, AppStartLinkWins) {
  nlohmann::json j = ScanJson(
      "https://acme-corp.zoom.us/j/85512345678?pwd=AbCd1234 "
      "zoommtg://zoom.us/start?confno=85512345678&zc=0");
  std::vector<nlohmann::json> f = FindingsFor(j, "85512345678");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0]["link_type"], "start");
  EXPECT_EQ(f[0]["form"], "app_link");
}

TEST_F(StartLinkTest, StoredLeakStaysStartWhenAJoinIsSeenLater) {
  ScanJson("https://us02web.zoom.us/s/85512345678");
  ScanJson("https://acme-corp.zoom.us/j/85512345678?pwd=AbCd1234");  // same page, later
  ProgramResult list = Meetleak({"leaks", "list", "--status", "all", "--format", "json"});
  std::vector<nlohmann::json> f = FindingsFor(Json(list), "85512345678");
  ASSERT_EQ(f.size(), 1u) << list.out;
  EXPECT_EQ(f[0]["link_type"], "start");
  EXPECT_EQ(f[0]["has_passcode"], true);
}

TEST_F(StartLinkTest, StoredJoinBecomesStartWhenAStartLinkIsSeen) {
  ScanJson("https://acme-corp.zoom.us/j/85512345678?pwd=AbCd1234");
  ScanJson("https://acme-corp.zoom.us/j/85512345678?pwd=AbCd1234 https://zoom.us/s/85512345678");
  ProgramResult list = Meetleak({"leaks", "list", "--status", "all", "--format", "json"});
  std::vector<nlohmann::json> f = FindingsFor(Json(list), "85512345678");
  ASSERT_EQ(f.size(), 1u) << list.out;
  EXPECT_EQ(f[0]["link_type"], "start");
}

TEST_F(StartLinkTest, AdviceSaysWhoeverHasItCanStartTheMeetingAsHost) {
  ScanJson("https://acme-corp.zoom.us/j/85512345678?pwd=AbCd1234 https://zoom.us/s/85512345678");
  for (const char* format : {"text", "html"}) {
    ProgramResult r = Meetleak({"report", "--format", format});
    EXPECT_NE(r.out.find("Whoever has this link can start the meeting as its host"),
              std::string::npos)
        << format << ": " << r.out;
  }
  ProgramResult dry = Meetleak({"notify", "--dry-run"});
  EXPECT_NE((dry.out + dry.err).find("can start the meeting as its host"), std::string::npos)
      << dry.out << dry.err;
}

}  // namespace
}  // namespace meetleak::testing
