// libFuzzer target: findings built from arbitrary bytes go through every
// rendering and the digests; each output must keep its format's promises.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "report/notify.h"
#include "report/render.h"

namespace {

using meetleak::Finding;

// Splits the input at NUL bytes into the finding's free-text fields.
std::vector<Finding> FindingsFrom(std::string_view data) {
  std::vector<std::string> fields;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= data.size(); ++i) {
    if (i == data.size() || data[i] == '\0') {
      fields.emplace_back(data.substr(start, i - start));
      start = i + 1;
    }
  }
  std::vector<Finding> findings;
  for (std::size_t i = 0; i + 6 <= fields.size() || findings.empty(); i += 6) {
    const auto field = [&](std::size_t k) { return i + k < fields.size() ? fields[i + k] : ""; };
    Finding f;
    const unsigned char selector = field(0).empty() ? 0 : field(0)[0];
    f.key_kind = static_cast<meetleak::KeyKind>(selector % 3);
    f.form = static_cast<meetleak::RefForm>((selector / 3) % 4);
    f.link_type = static_cast<meetleak::LinkType>((selector / 12) % 7);
    f.severity = static_cast<meetleak::Severity>((selector / 84) % 5);
    f.has_passcode = selector & 1;
    f.company = selector & 2;
    if (selector & 4) f.leak_id = selector;
    if (selector & 8) f.status = meetleak::kLeakStatuses[(selector / 16) % 6];
    f.key = field(0);
    f.owner = field(1);
    f.page_url = field(2);
    f.entry_url = field(3);
    f.context = field(4);
    f.topic = field(5);
    f.source_url = field(2);
    findings.push_back(std::move(f));
    if (i + 6 > fields.size()) break;
  }
  return findings;
}

void Check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "render_fuzz: broken promise: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::vector<Finding> findings =
      FindingsFrom(std::string_view(reinterpret_cast<const char*>(data), size));
  meetleak::RenderOptions options;
  options.owners_summary = true;
  options.remediation = true;
  options.tool_version = "fuzz";
  for (meetleak::ReportFormat format :
       {meetleak::ReportFormat::kJson, meetleak::ReportFormat::kSarif}) {
    const std::string out = meetleak::RenderFindings(findings, format, options);
    Check(nlohmann::json::accept(out), "JSON/SARIF parses");
  }
  const std::string html =
      meetleak::RenderFindings(findings, meetleak::ReportFormat::kHtml, options);
  Check(html.find("<script") == std::string::npos, "no <script> in HTML");
  Check(html.find("href=\"javascript") == std::string::npos, "no javascript: href");
  const std::string text =
      meetleak::RenderFindings(findings, meetleak::ReportFormat::kText, options);
  Check(text.find('\x1b') == std::string::npos, "no ESC in text");
  const std::string csv = meetleak::RenderFindings(findings, meetleak::ReportFormat::kCsv, options);
  Check(csv.rfind("leak_id,", 0) == 0, "CSV header first");
  meetleak::NotifyOptions notify;
  notify.security_contact = "secops@acme.example";
  for (const meetleak::Digest& d : meetleak::BuildDigests(findings, notify))
    Check(nlohmann::json::accept(meetleak::WebhookPayload(d)), "webhook payload parses");
  return 0;
}
