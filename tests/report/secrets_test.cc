// Defence in depth: findings arrive redacted, but if a raw secret slipped
// into a free-text field, no format, digest or payload may carry it.
#include <gtest/gtest.h>

#include "base/clock.h"
#include "report/notify.h"
#include "report/render.h"
#include "tests/report/fixtures.h"

namespace meetleak {
namespace {

constexpr const char* kRawSecrets[] = {"SeCrEtPwd123", "987654321", "ZakT0kenValue", "4455"};

std::vector<Finding> LeakyFindings() {
  std::vector<Finding> v = testing::ReportFixture();
  Finding leaky =
      testing::StoredFinding(30, "85512345678", "ana@acme.example", Severity::kCritical);
  leaky.has_passcode = true;
  leaky.context =
      "Join https://acme-corp.zoom.us/j/85512345678?pwd=SeCrEtPwd123 Passcode: "
      "987654321 host https://acme-corp.zoom.us/s/85512345678?zak=ZakT0kenValue "
      "dial +16699006833,,85512345678#,,,,*4455#";
  leaky.page_url = "https://example.org/x?u=https%3A%2F%2Fzoom.us%2Fj%2F1%3Fpwd%3DSeCrEtPwd123";
  leaky.entry_url = "https://example.org/e?pwd=SeCrEtPwd123";
  v.push_back(leaky);
  return v;
}

void ExpectNoSecret(const std::string& what, const std::string& out) {
  for (const char* secret : kRawSecrets)
    EXPECT_EQ(out.find(secret), std::string::npos) << what << " carries " << secret << ":\n" << out;
}

TEST(SecretsTest, NoRawSecretInAnyFormat) {
  const std::vector<Finding> findings = LeakyFindings();
  RenderOptions plain;
  RenderOptions report;
  report.remediation = true;
  report.owners_summary = true;
  for (const RenderOptions& options : {plain, report}) {
    ExpectNoSecret("text", RenderFindings(findings, ReportFormat::kText, options));
    ExpectNoSecret("json", RenderFindings(findings, ReportFormat::kJson, options));
    ExpectNoSecret("csv", RenderFindings(findings, ReportFormat::kCsv, options));
    ExpectNoSecret("html", RenderFindings(findings, ReportFormat::kHtml, options));
    ExpectNoSecret("sarif", RenderFindings(findings, ReportFormat::kSarif, options));
  }
}

TEST(SecretsTest, NoRawSecretInDigestsPayloadsOrDryRun) {
  NotifyOptions options;
  options.smtp_url = "smtp://127.0.0.1:1";
  options.from = "meetleak@acme.example";
  options.webhook_url = "http://127.0.0.1:1/hook";
  FakeClock clock;
  const std::vector<Digest> digests = BuildDigests(LeakyFindings(), options);
  for (const Digest& d : digests) {
    ExpectNoSecret("digest text", d.text);
    ExpectNoSecret("digest html", d.html);
    ExpectNoSecret("webhook payload", WebhookPayload(d));
  }
  ExpectNoSecret("dry run", RenderDryRun(digests, options, clock));
}

TEST(SecretsTest, AlreadyRedactedTextIsKeptAsIs) {
  const std::vector<Finding> fixture = testing::ReportFixture();
  const std::string json = RenderFindings(fixture, ReportFormat::kJson);
  EXPECT_NE(json.find("?pwd=\xE2\x80\xA6redacted\xE2\x80\xA6\""), std::string::npos) << json;
  const std::string text = RenderFindings({LeakyFindings().back()}, ReportFormat::kText);
  EXPECT_NE(text.find("pwd=\xE2\x80\xA6redacted\xE2\x80\xA6"), std::string::npos) << text;
}

}  // namespace
}  // namespace meetleak
