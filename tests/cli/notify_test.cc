// End-to-end notifications: `meetleak notify` and `run --notify` against a
// loopback webhook receiver and SMTP sink — one digest per owner, the
// security contact for leaks without an owner, no re-send after success, a
// re-send after a failed send (exit 4), a new notice after escalation,
// --dry-run sending nothing, --test one message per channel, and run
// --notify refusing an unusable [notify] before fetching.
#include <atomic>
#include <set>

#include "tests/cli/cli_fixture.h"
#include "tests/support/loopback_mail_servers.h"
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
  // The fixture's config with [notify] replaced by `notify` (TOML lines).
  void WriteNotify(const std::string& notify) {
    dir_.Write("meetleak.toml",
               "[company]\nzoom_domains = [\"acme-corp.zoom.us\"]\ninventory = \"meetings.csv\"\n"
               "security_contact = \"secops@acme.example\"\n" +
                   notify);
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

// One message per configured channel, none of it leak data; the leaks due
// stay due.
TEST_F(NotifyTest, TestSendsOneMessageOnEveryChannelAndLeavesTheDigestsDue) {
  SmtpSink smtp;
  WriteNotify("[notify]\nsmtp_url = \"" + smtp.url() +
              "\"\nfrom = \"meetleak@acme.example\"\nwebhook_url = \"" + hook_.Url("/hook") +
              "\"\n");
  ASSERT_EQ(ScanText("https://acme-corp.zoom.us/j/85512345678").exit_code, 1);
  ProgramResult test = Meetleak({"notify", "--test"});
  ASSERT_EQ(test.exit_code, 0) << test.err;
  ASSERT_EQ(smtp.mails().size(), 1u);
  EXPECT_EQ(smtp.mails()[0].rcpt_to, std::vector<std::string>{"<secops@acme.example>"});
  EXPECT_NE(smtp.mails()[0].data.find("test message"), std::string::npos);
  EXPECT_EQ(smtp.mails()[0].data.find("85512345678"), std::string::npos) << "no leak data";
  ASSERT_EQ(Posts().size(), 1u);
  EXPECT_EQ(hook_.RequestsFor("/hook")[0].body.find("85512345678"), std::string::npos);
  EXPECT_NE(test.err.find("e-mail to secops@acme.example sent"), std::string::npos) << test.err;
  EXPECT_NE(test.err.find("webhook sent"), std::string::npos) << test.err;

  ProgramResult digests = Meetleak({"notify"});
  ASSERT_EQ(digests.exit_code, 0) << digests.err;
  ASSERT_EQ(smtp.mails().size(), 2u) << "the leak's digest was still due after --test";
  EXPECT_EQ(smtp.mails()[1].rcpt_to, std::vector<std::string>{"<ana@acme.example>"});
}

// The mail server is down: exit 4, the failure named, the digest due; the
// next notify (server back) delivers it, the one after sends nothing.
TEST_F(NotifyTest, SmtpServerDownExitsFourAndTheDigestStaysDue) {
  std::string down;
  {
    SmtpSink gone;
    down = gone.url();
  }  // nothing listens there any more
  WriteNotify("[notify]\nsmtp_url = \"" + down + "\"\nfrom = \"meetleak@acme.example\"\n");
  ASSERT_EQ(ScanText("https://acme-corp.zoom.us/j/85512345678").exit_code, 1);
  ProgramResult failed = Meetleak({"notify"});
  EXPECT_EQ(failed.exit_code, 4) << failed.err;
  EXPECT_NE(failed.err.find("ana@acme.example"), std::string::npos) << failed.err;
  EXPECT_NE(failed.err.find("stays due"), std::string::npos) << failed.err;
  EXPECT_NE(failed.err.find("1 failed"), std::string::npos) << failed.err;
  ProgramResult test = Meetleak({"notify", "--test"});
  EXPECT_EQ(test.exit_code, 4) << "a channel that cannot be reached fails --test: " << test.err;

  SmtpSink smtp;
  WriteNotify("[notify]\nsmtp_url = \"" + smtp.url() + "\"\nfrom = \"meetleak@acme.example\"\n");
  ProgramResult sent = Meetleak({"notify"});
  ASSERT_EQ(sent.exit_code, 0) << sent.err;
  ASSERT_EQ(smtp.mails().size(), 1u);
  EXPECT_EQ(smtp.mails()[0].rcpt_to, std::vector<std::string>{"<ana@acme.example>"});
  ASSERT_EQ(Meetleak({"notify"}).exit_code, 0);
  EXPECT_EQ(smtp.mails().size(), 1u) << "delivered once";
}

// run --notify with no channel, or with a password variable that is not
// set, is exit 2 naming [notify], before anything is fetched.
TEST_F(NotifyTest, RunNotifyWithoutAUsableNotifySectionFetchesNothing) {
  TestServer site;
  site.Route("/page", Reply{.body = "<p>https://acme-corp.zoom.us/j/85512345678</p>",
                            .headers = {{"Content-Type", "text/html"}}});
  const std::string source =
      "[[source]]\nurl = \"" + site.Url("/page") + "\"\nallow_private_addresses = true\n";
  for (const std::string& notify :
       {std::string(""), std::string("[notify]\nfrom = \"meetleak@acme.example\"\n"),
        std::string("[notify]\nsmtp_url = \"smtp://127.0.0.1:9\"\n"
                    "from = \"meetleak@acme.example\"\nsmtp_user = \"m\"\n"
                    "smtp_password_env = \"MEETLEAK_TEST_UNSET_PASSWORD\"\n")}) {
    SCOPED_TRACE(notify);
    WriteNotify(source + notify);
    ProgramResult r = Meetleak({"run", "--once", "--notify"});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("notify"), std::string::npos) << r.err;
    EXPECT_TRUE(site.Requests().empty()) << "fetched before checking [notify]";
  }
  // The same config without --notify runs.
  EXPECT_EQ(Meetleak({"run", "--once"}).exit_code, 1);
  EXPECT_EQ(site.RequestsFor("/page").size(), 1u);
}

}  // namespace
}  // namespace meetleak::testing
