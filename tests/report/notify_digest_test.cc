// Digest building, the webhook payload, the dry run: pure functions.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "base/clock.h"
#include "report/notify.h"
#include "tests/report/fixtures.h"
#include "tests/support/status_matchers.h"

namespace meetleak {
namespace {

using testing::ReportFixture;

NotifyOptions Options() {
  NotifyOptions o;
  o.smtp_url = "smtps://mail.acme.example:465";
  o.smtp_user = "meetleak";
  o.smtp_password = "hunter2-smtp-password";
  o.from = "meetleak@acme.example";
  o.webhook_url = "https://hooks.example/services/T0/B0/webhooksecret";
  o.security_contact = "secops@acme.example";
  o.tool_version = "0.1.0";
  return o;
}

TEST(BuildDigestsTest, OneDigestPerOwnerAndOwnerlessToSecurityContact) {
  const std::vector<Digest> digests = BuildDigests(ReportFixture(), Options());
  ASSERT_EQ(digests.size(), 3u);
  EXPECT_EQ(digests[0].recipient, "ana@acme.example");
  EXPECT_EQ(digests[0].leak_ids, (std::vector<std::int64_t>{12, 13, 14}));
  EXPECT_EQ(digests[1].recipient, "bob@acme.example");
  EXPECT_EQ(digests[1].leak_ids, (std::vector<std::int64_t>{15, 17}));
  EXPECT_EQ(digests[2].recipient, "secops@acme.example");
  EXPECT_EQ(digests[2].leak_ids, (std::vector<std::int64_t>{16}));
  EXPECT_NE(digests[2].text.find("security contact"), std::string::npos) << digests[2].text;
  for (const Digest& d : digests) {
    for (const Finding& f : d.findings)
      EXPECT_EQ(f.owner.empty() ? "secops@acme.example" : f.owner, d.recipient);
  }
}

TEST(BuildDigestsTest, SecurityContactWhoOwnsMeetingsGetsOneDigest) {
  std::vector<Finding> findings = ReportFixture();
  NotifyOptions options = Options();
  options.security_contact = "bob@acme.example";
  const std::vector<Digest> digests = BuildDigests(findings, options);
  ASSERT_EQ(digests.size(), 2u);
  EXPECT_EQ(digests[1].recipient, "bob@acme.example");
  EXPECT_EQ(digests[1].leak_ids, (std::vector<std::int64_t>{15, 16, 17}));
}

TEST(BuildDigestsTest, WithoutSecurityContactOwnerlessLeaksHaveAnEmptyRecipient) {
  NotifyOptions options = Options();
  options.security_contact.clear();
  const std::vector<Digest> digests = BuildDigests(ReportFixture(), options);
  ASSERT_EQ(digests.size(), 3u);
  EXPECT_EQ(digests[0].recipient, "");
  EXPECT_EQ(digests[0].leak_ids, (std::vector<std::int64_t>{16}));
}

TEST(BuildDigestsTest, SubjectTextAndHtmlTellTheOwnerWhatToDo) {
  const Digest d = BuildDigests(ReportFixture(), Options())[0];
  EXPECT_EQ(d.subject, "[meetleak] 3 Zoom meeting leaks to fix (3 critical)");
  EXPECT_NE(d.text.find("for meetings you own (ana@acme.example)"), std::string::npos);
  EXPECT_NE(d.text.find("https://example.org/feed.xml"), std::string::npos);
  EXPECT_NE(d.text.find("Delete this meeting and create a new one"), std::string::npos);
  EXPECT_NE(d.text.find("Anyone with this link can join without a passcode."), std::string::npos);
  EXPECT_NE(d.text.find("meetleak 0.1.0"), std::string::npos);
  EXPECT_NE(d.html.find("<!DOCTYPE html>"), std::string::npos);
  EXPECT_NE(d.html.find("Delete this meeting and create a new one"), std::string::npos);
  EXPECT_EQ(d.text.find("bob@acme.example"), std::string::npos) << "only ana's leaks";
}

TEST(BuildDigestsTest, NothingToNotifyGivesNoDigest) {
  EXPECT_TRUE(BuildDigests({}, Options()).empty());
}

TEST(WebhookPayloadTest, SlackTextPlusFindingsInTheDesignShape) {
  const Digest d = BuildDigests(ReportFixture(), Options())[1];
  const nlohmann::ordered_json body = nlohmann::ordered_json::parse(WebhookPayload(d));
  const std::string text = body["text"];
  EXPECT_NE(text.find("bob@acme.example"), std::string::npos);
  EXPECT_NE(text.find("9123456789"), std::string::npos);
  EXPECT_EQ(body["recipient"], "bob@acme.example");
  ASSERT_EQ(body["findings"].size(), 2u);
  EXPECT_EQ(body["findings"][0]["leak_id"], 15);
  EXPECT_EQ(body["findings"][0].begin().key(), "leak_id");
  EXPECT_EQ(body["findings"][0].size(), 19u);
}

TEST(DryRunTest, ShowsWhatWouldBeSentWithoutSecrets) {
  const NotifyOptions options = Options();
  FakeClock clock;
  const std::string out = RenderDryRun(BuildDigests(ReportFixture(), options), options, clock);
  EXPECT_NE(out.find("3 digests would be sent; nothing was sent"), std::string::npos) << out;
  EXPECT_NE(out.find("To: ana@acme.example"), std::string::npos);
  EXPECT_NE(out.find("To: secops@acme.example"), std::string::npos);
  EXPECT_NE(out.find("Subject: [meetleak] 2 Zoom meeting leaks to fix (1 high, 1 medium)"),
            std::string::npos);
  EXPECT_NE(out.find("Date: Thu, 26 Nov 2026 10:40:00 +0000"), std::string::npos);
  EXPECT_NE(out.find("webhook POST to https://hooks.example"), std::string::npos);
  EXPECT_NE(out.find("e-mail via smtps://mail.acme.example:465 as meetleak"), std::string::npos);
  EXPECT_EQ(out.find("hunter2"), std::string::npos);
  EXPECT_EQ(out.find("webhooksecret"), std::string::npos);
}

TEST(CheckNotifyOptionsTest, RejectsUnusableSettings) {
  EXPECT_OK(CheckNotifyOptions(Options()));
  NotifyOptions none;
  EXPECT_EQ(CheckNotifyOptions(none).code(), Status::Code::kInvalidInput);
  NotifyOptions bad_scheme = Options();
  bad_scheme.smtp_url = "http://mail.acme.example";
  EXPECT_EQ(CheckNotifyOptions(bad_scheme).code(), Status::Code::kInvalidInput);
  NotifyOptions no_from = Options();
  no_from.from.clear();
  EXPECT_EQ(CheckNotifyOptions(no_from).code(), Status::Code::kInvalidInput);
  NotifyOptions bad_hook = Options();
  bad_hook.webhook_url = "ftp://hooks.example/secretpath";
  const Status s = CheckNotifyOptions(bad_hook);
  EXPECT_EQ(s.code(), Status::Code::kInvalidInput);
  EXPECT_EQ(s.message().find("secretpath"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace meetleak
