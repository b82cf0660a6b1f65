// Delivery against loopback receivers: an SMTP sink and a webhook receiver
// started by the test. E-mails are read back with Python's email package.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "base/clock.h"
#include "report/notify.h"
#include "tests/report/fixtures.h"
#include "tests/support/loopback_mail_servers.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_server.h"

namespace meetleak {
namespace {

using nlohmann::json;
using testing::ReportFixture;

NotifyOptions MailOptions(const testing::SmtpSink& sink) {
  NotifyOptions o;
  o.smtp_url = sink.url();
  o.from = "meetleak@acme.example";
  o.security_contact = "secops@acme.example";
  o.timeout = std::chrono::seconds(10);
  o.tool_version = "0.1.0";
  return o;
}

// Headers and decoded parts of a received message, by Python's email parser.
json ParseMail(const std::string& data) {
  const std::string script = R"py(
import email, email.policy, json, sys
msg = email.message_from_bytes(sys.stdin.buffer.read(), policy=email.policy.default)
parts = [{"type": p.get_content_type(), "body": p.get_content()}
         for p in msg.walk() if not p.is_multipart()]
print(json.dumps({"from": msg["From"], "to": msg["To"], "subject": msg["Subject"],
                  "date": msg["Date"], "message_id": msg["Message-ID"],
                  "type": msg.get_content_type(), "parts": parts}))
)py";
  testing::ProgramResult r = testing::RunPython(script, data);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return json::parse(r.out);
}

TEST(SendDigestsTest, OneEmailPerOwnerAsMultipartAlternative) {
  testing::SmtpSink sink;
  FakeClock clock;
  const NotifyOptions options = MailOptions(sink);
  const std::vector<Digest> digests = BuildDigests(ReportFixture(), options);
  const std::vector<DeliveryResult> results = SendDigests(digests, options, clock);
  ASSERT_EQ(results.size(), 3u);
  for (const DeliveryResult& r : results) {
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    EXPECT_TRUE(r.email_attempted);
    EXPECT_FALSE(r.webhook_attempted);
  }
  EXPECT_EQ(results[0].delivered_leak_ids(), (std::vector<std::int64_t>{12, 13, 14}));
  EXPECT_EQ(results[1].delivered_leak_ids(), (std::vector<std::int64_t>{15, 17}));
  EXPECT_EQ(results[2].delivered_leak_ids(), (std::vector<std::int64_t>{16}));

  const std::vector<testing::ReceivedMail> mails = sink.mails();
  ASSERT_EQ(mails.size(), 3u);
  const std::vector<std::string> recipients = {"ana@acme.example", "bob@acme.example",
                                               "secops@acme.example"};
  std::set<std::string> message_ids;
  for (std::size_t i = 0; i < mails.size(); ++i) {
    EXPECT_EQ(mails[i].mail_from, "<meetleak@acme.example>");
    EXPECT_EQ(mails[i].rcpt_to, std::vector<std::string>{"<" + recipients[i] + ">"});
    const json mail = ParseMail(mails[i].data);
    EXPECT_EQ(mail["from"], "meetleak@acme.example");
    EXPECT_EQ(mail["to"], recipients[i]);
    EXPECT_EQ(mail["subject"], digests[i].subject);
    EXPECT_EQ(mail["date"], "Thu, 26 Nov 2026 10:40:00 +0000");
    EXPECT_EQ(mail["type"], "multipart/alternative");
    message_ids.insert(mail["message_id"].get<std::string>());
    ASSERT_EQ(mail["parts"].size(), 2u) << mail.dump();
    EXPECT_EQ(mail["parts"][0]["type"], "text/plain");
    EXPECT_EQ(mail["parts"][1]["type"], "text/html");
    // The decoded bodies are exactly the digest's.
    EXPECT_EQ(mail["parts"][0]["body"], digests[i].text);
    EXPECT_EQ(mail["parts"][1]["body"], digests[i].html);
  }
  EXPECT_EQ(message_ids.size(), 3u) << "Message-ID is unique per e-mail";
}

TEST(SendDigestsTest, RejectedDataIsAFailureForEveryLeakOfThatDigest) {
  testing::SmtpSink sink;
  sink.set_data_reply("554 5.7.1 message rejected");
  FakeClock clock;
  const NotifyOptions options = MailOptions(sink);
  const std::vector<DeliveryResult> results =
      SendDigests(BuildDigests(ReportFixture(), options), options, clock);
  ASSERT_EQ(results.size(), 3u);
  for (const DeliveryResult& r : results) {
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.email.code(), Status::Code::kUnavailable) << r.email.ToString();
    EXPECT_TRUE(r.delivered_leak_ids().empty());
    EXPECT_FALSE(r.leak_ids.empty()) << "the failed leaks are still named";
  }
  EXPECT_TRUE(sink.mails().empty());
}

TEST(SendDigestsTest, OneRejectedRecipientFailsOnlyItsOwnDigest) {
  testing::SmtpSink sink;
  sink.set_reject_recipient("bob@acme.example");
  FakeClock clock;
  const NotifyOptions options = MailOptions(sink);
  const std::vector<DeliveryResult> results =
      SendDigests(BuildDigests(ReportFixture(), options), options, clock);
  ASSERT_EQ(results.size(), 3u);
  EXPECT_TRUE(results[0].ok());
  EXPECT_FALSE(results[1].ok());
  EXPECT_EQ(results[1].recipient, "bob@acme.example");
  EXPECT_TRUE(results[1].delivered_leak_ids().empty());
  EXPECT_TRUE(results[2].ok());
  EXPECT_EQ(results[2].delivered_leak_ids(), (std::vector<std::int64_t>{16}));
  EXPECT_EQ(sink.mails().size(), 2u);
}

TEST(SendDigestsTest, OwnerlessLeaksWithoutSecurityContactAreReportedUndelivered) {
  testing::SmtpSink sink;
  FakeClock clock;
  NotifyOptions options = MailOptions(sink);
  options.security_contact.clear();
  const std::vector<DeliveryResult> results =
      SendDigests(BuildDigests(ReportFixture(), options), options, clock);
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].recipient, "");
  EXPECT_EQ(results[0].email.code(), Status::Code::kInvalidInput);
  EXPECT_NE(results[0].email.message().find("security_contact"), std::string::npos);
  EXPECT_TRUE(results[1].ok());
  EXPECT_TRUE(results[2].ok());
}

TEST(SendDigestsTest, PasswordIsNeverSentWithoutTls) {
  testing::SmtpSink sink;  // offers AUTH but no STARTTLS
  sink.set_offer_auth(true);
  FakeClock clock;
  NotifyOptions options = MailOptions(sink);
  options.smtp_user = "meetleak";
  options.smtp_password = "hunter2-smtp-password";
  const std::vector<DeliveryResult> results =
      SendDigests(BuildDigests({ReportFixture()[0]}, options), options, clock);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_FALSE(results[0].ok());
  EXPECT_EQ(results[0].error().message().find("hunter2"), std::string::npos);
  for (const std::string& command : sink.commands())
    EXPECT_NE(command.rfind("AUTH", 0), 0u) << "credentials offered in clear: " << command;
  EXPECT_TRUE(sink.mails().empty());
}

TEST(SendDigestsTest, UnreachableServerIsAFailure) {
  unsigned short closed_port;
  {
    testing::SmtpSink gone;
    closed_port = gone.port();
  }
  FakeClock clock;
  NotifyOptions options;
  options.smtp_url = "smtp://127.0.0.1:" + std::to_string(closed_port);
  options.from = "meetleak@acme.example";
  options.timeout = std::chrono::seconds(5);
  const std::vector<DeliveryResult> results =
      SendDigests(BuildDigests({ReportFixture()[0]}, options), options, clock);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].email.code(), Status::Code::kUnavailable);
  EXPECT_NE(results[0].email.message().find("127.0.0.1"), std::string::npos);
}

TEST(SendDigestsTest, WebhookPostsJsonPerDigest) {
  testing::WebhookReceiver hook;
  FakeClock clock;
  NotifyOptions options;
  options.webhook_url = hook.url();
  options.security_contact = "secops@acme.example";
  options.timeout = std::chrono::seconds(10);
  const std::vector<DeliveryResult> results =
      SendDigests(BuildDigests(ReportFixture(), options), options, clock);
  ASSERT_EQ(results.size(), 3u);
  for (const DeliveryResult& r : results) {
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    EXPECT_TRUE(r.webhook_attempted);
    EXPECT_FALSE(r.email_attempted);
  }
  const std::vector<testing::ReceivedRequest> requests = hook.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].target, "/hooks/T000/B000/secretkey");
  EXPECT_EQ(requests[0].content_type.rfind("application/json", 0), 0u);
  const json body = json::parse(requests[0].body);
  EXPECT_TRUE(body["text"].is_string());
  ASSERT_EQ(body["findings"].size(), 3u);
  EXPECT_EQ(body["findings"][0]["leak_id"], 12);
  EXPECT_EQ(body["findings"][2]["vanity"], "ana.smith");
}

TEST(SendDigestsTest, WebhookErrorStatusIsAFailureThatHidesTheHookPath) {
  testing::WebhookReceiver hook;
  hook.set_status(500);
  FakeClock clock;
  NotifyOptions options;
  options.webhook_url = hook.url();
  options.timeout = std::chrono::seconds(10);
  const std::vector<DeliveryResult> results =
      SendDigests(BuildDigests({ReportFixture()[0]}, options), options, clock);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_FALSE(results[0].ok());
  EXPECT_EQ(results[0].webhook.code(), Status::Code::kUnavailable);
  EXPECT_NE(results[0].webhook.message().find("HTTP 500"), std::string::npos);
  EXPECT_EQ(results[0].webhook.message().find("secretkey"), std::string::npos);
  EXPECT_TRUE(results[0].delivered_leak_ids().empty());
}

TEST(SendDigestsTest, BothChannelsMustSucceedForDelivery) {
  testing::SmtpSink sink;
  testing::WebhookReceiver hook;
  hook.set_status(503);
  FakeClock clock;
  NotifyOptions options = MailOptions(sink);
  options.webhook_url = hook.url();
  const std::vector<DeliveryResult> results =
      SendDigests(BuildDigests({ReportFixture()[0]}, options), options, clock);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_TRUE(results[0].email.ok());
  EXPECT_FALSE(results[0].webhook.ok());
  EXPECT_FALSE(results[0].ok());
  EXPECT_TRUE(results[0].delivered_leak_ids().empty());
  EXPECT_EQ(sink.mails().size(), 1u);
}

TEST(SendDigestsTest, NoChannelConfiguredFailsEveryDigest) {
  FakeClock clock;
  NotifyOptions options;
  const std::vector<DeliveryResult> results =
      SendDigests(BuildDigests(ReportFixture(), options), options, clock);
  ASSERT_FALSE(results.empty());
  for (const DeliveryResult& r : results) EXPECT_EQ(r.error().code(), Status::Code::kInvalidInput);
}

bool SentInClear(const std::vector<std::string>& commands, const std::string& verb) {
  for (const std::string& c : commands)
    if (c.rfind(verb, 0) == 0) return true;
  return false;
}

TEST(SendDigestsTest, StartTlsWhenOfferedAndCredentialsOnlyInsideTls) {
  testing::SmtpSink sink;
  sink.set_offer_starttls(true);
  sink.set_offer_auth(true);
  FakeClock clock;
  NotifyOptions options = MailOptions(sink);
  options.smtp_user = "meetleak";
  options.smtp_password = "hunter2-smtp-password";
  options.ca_bundle = testing::MailTestCertificate().cert;
  const std::vector<DeliveryResult> results =
      SendDigests(BuildDigests({ReportFixture()[0]}, options), options, clock);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_TRUE(results[0].ok()) << results[0].error().ToString();
  const std::vector<std::string> commands = sink.commands();
  EXPECT_TRUE(SentInClear(commands, "STARTTLS"));
  EXPECT_TRUE(SentInClear(commands, "[tls] AUTH")) << ::testing::PrintToString(commands);
  EXPECT_FALSE(SentInClear(commands, "AUTH"));
  EXPECT_FALSE(SentInClear(commands, "MAIL")) << "the envelope goes inside TLS too";
  EXPECT_EQ(sink.mails().size(), 1u);
  // The password from the options (not from anywhere else) was used.
  ASSERT_EQ(sink.auth_responses().size(), 1u);
  const testing::ProgramResult decoded = testing::RunPython(
      "import base64,sys; print(base64.b64decode(sys.stdin.read()).split(b'\\0')[1:])",
      sink.auth_responses()[0]);
  EXPECT_EQ(decoded.out, "[b'meetleak', b'hunter2-smtp-password']\n") << decoded.err;
}

TEST(SendDigestsTest, StartTlsWithoutCredentialsIsUsedWhenOffered) {
  testing::SmtpSink sink;
  sink.set_offer_starttls(true);
  FakeClock clock;
  NotifyOptions options = MailOptions(sink);
  options.ca_bundle = testing::MailTestCertificate().cert;
  const std::vector<DeliveryResult> results =
      SendDigests(BuildDigests({ReportFixture()[0]}, options), options, clock);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_TRUE(results[0].ok()) << results[0].error().ToString();
  EXPECT_TRUE(SentInClear(sink.commands(), "[tls] MAIL"));
}

TEST(SendDigestsTest, UntrustedSmtpCertificateIsAFailure) {
  testing::SmtpSink sink;
  sink.set_offer_starttls(true);
  sink.set_offer_auth(true);
  FakeClock clock;
  NotifyOptions options = MailOptions(sink);
  options.smtp_user = "meetleak";
  options.smtp_password = "hunter2-smtp-password";  // system CAs do not know the sink
  const std::vector<DeliveryResult> results =
      SendDigests(BuildDigests({ReportFixture()[0]}, options), options, clock);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].email.code(), Status::Code::kUnavailable);
  EXPECT_FALSE(SentInClear(sink.commands(), "AUTH"));
  EXPECT_FALSE(SentInClear(sink.commands(), "[tls] AUTH"));
  EXPECT_TRUE(sink.mails().empty());
}

TEST(SendDigestsTest, WebhookOverHttpsVerifiesTheCertificate) {
  testing::TestServer server({.tls = true});
  server.Route("/hook/secret", testing::Reply{.status = 200, .body = "ok"});
  FakeClock clock;
  NotifyOptions options;
  options.webhook_url = server.Url("/hook/secret");
  options.security_contact = "secops@acme.example";
  options.timeout = std::chrono::seconds(10);
  const std::vector<Digest> digests = BuildDigests({ReportFixture()[0]}, options);

  NotifyOptions untrusted = options;  // system CAs only
  EXPECT_EQ(SendDigests(digests, untrusted, clock)[0].webhook.code(), Status::Code::kUnavailable);

  options.ca_bundle = testing::TestServer::CertificatePath();
  const DeliveryResult trusted = SendDigests(digests, options, clock)[0];
  EXPECT_TRUE(trusted.ok()) << trusted.error().ToString();
  const auto requests = server.Requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].Header("content-type").rfind("application/json", 0), 0u);
}

}  // namespace
}  // namespace meetleak
