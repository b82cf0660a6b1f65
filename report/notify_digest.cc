// Building digests (pure) and describing them: webhook payload, dry run,
// option checks, mail headers.
#include <curl/curl.h>

#include <cstdio>
#include <ctime>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <sstream>

#include "base/url.h"
#include "report/notify_internal.h"
#include "report/render.h"
#include "report/render_internal.h"

namespace meetleak {
namespace {

using report_internal::OwnerSummary;

std::string SeverityCounts(const OwnerSummary& s) {
  std::string out;
  const std::pair<int, const char*> parts[] = {
      {s.critical, "critical"}, {s.high, "high"}, {s.medium, "medium"}, {s.low, "low"}};
  for (const auto& [n, name] : parts) {
    if (!n) continue;
    if (!out.empty()) out += ", ";
    out += std::to_string(n) + " " + name;
  }
  return out;
}

std::string Subject(const OwnerSummary& s) {
  std::string subject = "[meetleak] " + std::to_string(s.total) +
                        (s.total == 1 ? " Zoom meeting leak" : " Zoom meeting leaks") + " to fix";
  const std::string counts = SeverityCounts(s);
  return counts.empty() ? subject : subject + " (" + counts + ")";
}

std::string Intro(const Digest& d, const OwnerSummary& s, bool as_contact) {
  std::string intro = "meetleak found " + std::to_string(s.total) +
                      (s.total == 1 ? " leak" : " leaks") +
                      " of Zoom meetings on public web pages or feeds";
  intro += as_contact ? ", sent to you as the security contact (the meetings have no owner "
                        "in the inventory)."
                      : " for meetings you own (" + d.recipient + ").";
  intro +=
      " Anyone who reads these pages can join the meetings; whoever has a start link can "
      "start the meeting as its host. Each leak below says what to do.";
  return intro;
}

}  // namespace

std::vector<Digest> BuildDigests(const std::vector<Finding>& findings,
                                 const NotifyOptions& options) {
  std::map<std::string, std::vector<Finding>> by_recipient;
  std::map<std::string, bool> has_ownerless;
  for (const Finding& f : findings) {
    const std::string& recipient = f.owner.empty() ? options.security_contact : f.owner;
    by_recipient[recipient].push_back(f);
    if (f.owner.empty()) has_ownerless[recipient] = true;
  }
  std::vector<Digest> digests;
  for (auto& [recipient, list] : by_recipient) {
    Digest d;
    d.recipient = recipient;
    OwnerSummary summary;
    for (const Finding& f : list) {
      ++summary.total;
      if (f.severity == Severity::kCritical) ++summary.critical;
      if (f.severity == Severity::kHigh) ++summary.high;
      if (f.severity == Severity::kMedium) ++summary.medium;
      if (f.severity == Severity::kLow) ++summary.low;
      if (f.leak_id) d.leak_ids.push_back(*f.leak_id);
    }
    d.subject = Subject(summary);
    RenderOptions render;
    render.remediation = true;
    render.tool_version = options.tool_version;
    render.intro = Intro(d, summary, has_ownerless[recipient]);
    std::string footer = "\n-- \nSent by meetleak";
    if (!options.tool_version.empty()) footer += " " + options.tool_version;
    footer +=
        ". You get one digest per run for leaks that are new, reopened or more severe "
        "since their last notice, and for leaks fixed through Zoom's API.\n";
    d.text = RenderFindings(list, ReportFormat::kText, render) + footer;
    d.html = RenderFindings(list, ReportFormat::kHtml, render);
    d.findings = std::move(list);
    digests.push_back(std::move(d));
  }
  return digests;
}

Digest TestDigest(const NotifyOptions& options) {
  Digest d;
  d.recipient = options.security_contact.empty() ? options.from : options.security_contact;
  d.subject = "meetleak: test message";
  d.text = "This is a test message from meetleak" +
           (options.tool_version.empty() ? std::string() : " " + options.tool_version) +
           ". It holds no leak: it shows that owner digests can reach you on this channel.\n";
  // Fixed text (the version is ours): nothing to escape.
  d.html = "<!doctype html><html><body><p>" + d.text + "</p></body></html>";
  return d;
}

std::string WebhookPayload(const Digest& digest) {
  nlohmann::ordered_json body;
  std::string text = digest.subject;
  if (!digest.recipient.empty()) text += " - owner " + digest.recipient;
  for (const Finding& f : digest.findings) {
    text += "\n- " + std::string(ToString(f.severity)) + ": " + std::string(ToString(f.key_kind)) +
            " " + f.key + " (" + report_internal::FormLabel(f) + ") on " +
            report_internal::Scrubbed(f.page_url);
  }
  body["text"] = text;
  body["recipient"] = digest.recipient.empty() ? nlohmann::ordered_json(nullptr)
                                               : nlohmann::ordered_json(digest.recipient);
  body["findings"] = nlohmann::ordered_json::array();
  for (const Finding& f : digest.findings)
    body["findings"].push_back(report_internal::FindingJson(f));
  return report_internal::DumpJson(body, -1);
}

Status CheckNotifyOptions(const NotifyOptions& options) {
  if (options.smtp_url.empty() && options.webhook_url.empty())
    return Status::InvalidInput("notify: neither smtp_url nor webhook_url is configured");
  const auto has_scheme = [](const std::string& url, std::string_view a, std::string_view b) {
    return url.rfind(a, 0) == 0 || url.rfind(b, 0) == 0;
  };
  if (!options.smtp_url.empty()) {
    if (!has_scheme(options.smtp_url, "smtp://", "smtps://"))
      return Status::InvalidInput("notify: smtp_url must start with smtp:// or smtps:// (" +
                                  report_internal::UrlOrigin(options.smtp_url) + ")");
    if (options.from.empty() || options.from.find('@') == std::string::npos)
      return Status::InvalidInput("notify: 'from' must be an e-mail address to send e-mail");
  }
  if (!options.webhook_url.empty() && !has_scheme(options.webhook_url, "http://", "https://"))
    return Status::InvalidInput("notify: webhook_url must be an http:// or https:// URL (" +
                                report_internal::UrlOrigin(options.webhook_url) + ")");
  return Status::OK();
}

std::string RenderDryRun(const std::vector<Digest>& digests, const NotifyOptions& options,
                         const Clock& clock) {
  std::ostringstream out;
  out << "Dry run: " << digests.size() << (digests.size() == 1 ? " digest" : " digests")
      << " would be sent; nothing was sent.\n";
  if (Status s = CheckNotifyOptions(options); !s.ok()) out << "Warning: " << s.message() << "\n";
  for (std::size_t i = 0; i < digests.size(); ++i) {
    const Digest& d = digests[i];
    out << "\n=== digest " << i + 1 << " of " << digests.size() << ": "
        << (d.recipient.empty() ? "(no recipient: set security_contact)" : d.recipient) << ", "
        << d.findings.size() << (d.findings.size() == 1 ? " leak" : " leaks");
    if (!d.leak_ids.empty()) {
      out << " (ids";
      for (std::int64_t id : d.leak_ids) out << " " << id;
      out << ")";
    }
    out << "\n";
    if (!options.smtp_url.empty())
      out << "e-mail via " << report_internal::UrlOrigin(options.smtp_url)
          << (options.smtp_user.empty() ? "" : " as " + options.smtp_user) << "\n";
    if (!options.webhook_url.empty())
      out << "webhook POST to " << report_internal::UrlOrigin(options.webhook_url) << "\n";
    for (const std::string& h : report_internal::MailHeaders(d, options, clock)) out << h << "\n";
    out << "\n" << d.text;
  }
  return out.str();
}

namespace report_internal {

std::string Rfc5322Date(Clock::TimePoint t) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday],
                tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

std::string NewMessageId(std::string_view from, Clock::TimePoint t) {
  static std::mt19937_64 rng{std::random_device{}()};
  static std::mutex mu;
  std::uint64_t r;
  {
    std::lock_guard<std::mutex> lock(mu);
    r = rng();
  }
  const auto at = from.rfind('@');
  std::string domain =
      at == std::string_view::npos ? "meetleak.invalid" : std::string(from.substr(at + 1));
  domain = HeaderValue(domain);
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  char buf[32];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(r));
  return "<" + std::to_string(ms) + "." + buf + ".meetleak@" + domain + ">";
}

std::string UrlOrigin(const std::string& url) {
  Result<Url> parsed = Url::Parse(url);
  if (!parsed.ok()) return "(bad URL)";
  std::string origin = parsed->scheme() + "://" + parsed->host_for_url();
  if (parsed->port_written()) origin += ":" + std::to_string(parsed->port());
  return origin;
}

std::string HeaderValue(std::string_view value) {
  std::string out;
  for (char c : value)
    if (c != '\r' && c != '\n') out += c;
  return out;
}

std::vector<std::string> MailHeaders(const Digest& digest, const NotifyOptions& options,
                                     const Clock& clock) {
  return {"From: " + HeaderValue(options.from), "To: " + HeaderValue(digest.recipient),
          "Subject: " + HeaderValue(digest.subject), "Date: " + Rfc5322Date(clock.Now()),
          "Message-ID: " + NewMessageId(options.from, clock.Now())};
}

}  // namespace report_internal
}  // namespace meetleak
