// End-to-end notifications: `meetleak notify` and `run --notify` against a
// loopback webhook receiver — one digest per owner, the security contact for
// leaks without an owner, no re-send after success, a re-send after a failed
// send, a new notice after escalation, and --dry-run sending nothing.
#include <atomic>
#include <set>

#include "tests/cli/cli_fixture.h"
#include "tests/support/test_server.h"

namespace meetleak::testing {
namespace {

class NotifyTest : public CliTest {
 protected:
  void SetUp() override {
    dir_.Write("meetings.csv",
               "meeting_id,owner_email,topic,kind\n85512345678,ana@acme.example,Sync,recurring\n"
               "85512345679,ben@acme.example,Webinar,webinar\n");
    dir_.Write("meetleak.toml",
               "[company]\nzoom_domains = [\"acme-corp.zoom.us\"]\ninventory = \"meetings.csv\"\n"
               "security_contact = \"secops@acme.example\"\n"
               "[notify]\nwebhook_url = \"" +
                   hook_.Url("/hook") + "\"\n");
    hook_.Route("/hook", [this](const RecordedRequest&) {
      Reply r;
      r.status = status_.load();
      r.body = "ok";
      return r;
    });
  }
  // Posts received so far, parsed.
  std::vector<nlohmann::json> Posts() {
    std::vector<nlohmann::json> out;
    for (const RecordedRequest& r : hook_.RequestsFor("/hook"))
      out.push_back(nlohmann::json::parse(r.body));
    return out;
  }
  ProgramResult ScanText(const std::string& text) {
    dir_.Write("page.html", text);
    return Meetleak({"scan", "page.html", "--store"});
  }
  TestServer hook_;
  std::atomic<int> status_{200};
};

}  // namespace
}  // namespace meetleak::testing

namespace meetleak::testing {
namespace {

std::set<std::string> Recipients(const std::vector<nlohmann::json>& posts) {
  std::set<std::string> out;
  for (const auto& p : posts) out.insert(p["recipient"].get<std::string>());
  return out;
}

TEST_F(NotifyTest, OneDigestPerOwnerAndTheSecurityContactThenNoResend) {
  ASSERT_EQ(ScanText("https://acme-corp.zoom.us/j/85512345678 and Webinar ID: 855 1234 5679 and "
                     "https://acme-corp.zoom.us/j/91234567890")
                .exit_code,
            1);
  ProgramResult dry = Meetleak({"notify", "--dry-run"});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_TRUE(Posts().empty()) << "--dry-run sends nothing";
  EXPECT_NE(dry.out.find("ana@acme.example"), std::string::npos) << dry.out;
  ProgramResult sent = Meetleak({"notify"});
  ASSERT_EQ(sent.exit_code, 0) << sent.err;
  std::vector<nlohmann::json> posts = Posts();
  EXPECT_EQ(Recipients(posts),
            (std::set<std::string>{"ana@acme.example", "ben@acme.example", "secops@acme.example"}));
  ASSERT_EQ(posts.size(), 3u);
  for (const auto& p : posts) {
    EXPECT_TRUE(p["text"].is_string());
    EXPECT_EQ(p["findings"].size(), 1u) << p;
  }
  ASSERT_EQ(Meetleak({"notify"}).exit_code, 0);
  EXPECT_EQ(Posts().size(), 3u) << "nothing is sent twice";
}

TEST_F(NotifyTest, AFailedSendIsRetriedNextTime) {
  ASSERT_EQ(ScanText("https://acme-corp.zoom.us/j/85512345678").exit_code, 1);
  status_ = 500;
  ProgramResult failed = Meetleak({"notify"});
  EXPECT_EQ(failed.exit_code, 4) << "a digest not delivered is exit 4; it stays due";
  EXPECT_NE(failed.err.find("ana@acme.example"), std::string::npos) << failed.err;
  EXPECT_EQ(failed.err.find("/hook"), std::string::npos) << "a webhook's path is its key";
  ASSERT_EQ(Posts().size(), 1u);
  status_ = 200;
  ASSERT_EQ(Meetleak({"notify"}).exit_code, 0);
  ASSERT_EQ(Posts().size(), 2u) << "re-sent after the failure";
  ASSERT_EQ(Meetleak({"notify"}).exit_code, 0);
  EXPECT_EQ(Posts().size(), 2u);
}

TEST_F(NotifyTest, EscalationIsNotifiedAgain) {
  ASSERT_EQ(ScanText("https://acme-corp.zoom.us/j/85512345678").exit_code, 1);  // high
  ASSERT_EQ(Meetleak({"notify"}).exit_code, 0);
  ASSERT_EQ(Posts().size(), 1u);
  EXPECT_EQ(Posts()[0]["findings"][0]["severity"], "high");
  // The same page now carries the passcode: critical.
  ASSERT_EQ(ScanText("https://acme-corp.zoom.us/j/85512345678?pwd=NewSecret77").exit_code, 1);
  ASSERT_EQ(Meetleak({"notify"}).exit_code, 0);
  ASSERT_EQ(Posts().size(), 2u);
  EXPECT_EQ(Posts()[1]["findings"][0]["severity"], "critical");
  EXPECT_EQ(hook_.RequestsFor("/hook")[1].body.find("NewSecret77"), std::string::npos);
}

TEST_F(NotifyTest, RunNotifySendsAfterThePass) {
  TestServer site;
  site.Route("/page", Reply{.body = "<p>https://acme-corp.zoom.us/j/85512345678</p>",
                            .headers = {{"Content-Type", "text/html"}}});
  dir_.Write("meetleak.toml", ReadFile(dir_.path() / "meetleak.toml") + "[[source]]\nurl = \"" +
                                  site.Url("/page") + "\"\nallow_private_addresses = true\n");
  ProgramResult r = Meetleak({"run", "--once", "--notify"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  ASSERT_EQ(Posts().size(), 1u);
  EXPECT_EQ(Posts()[0]["recipient"], "ana@acme.example");
}

}  // namespace
}  // namespace meetleak::testing
