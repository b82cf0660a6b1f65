// The HTML report: one self-contained page (inline CSS, no scripts, no
// external requests; a CSP forbids them even if something slipped through),
// readable on a phone and printable. Every crawled string is escaped, and only
// http(s) URLs become links.
#include <map>
#include <sstream>

#include "report/render_internal.h"

namespace meetleak::report_internal {
namespace {

std::string Escape(std::string_view raw) {
  const std::string s = ValidUtf8(Scrubbed(raw));
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        // Other C0 controls are not allowed in HTML text; show them as U+FFFD.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t')
          out += "\xEF\xBF\xBD";
        else
          out += c;
    }
  }
  return out;
}

// A link for http(s) URLs; anything else (javascript:, data:, …) stays text.
std::string UrlHtml(const std::string& url) {
  if (!IsHttpUrl(url)) return "<span class=\"url\">" + Escape(url) + "</span>";
  return "<a class=\"url\" href=\"" + Escape(url) + "\" rel=\"noopener noreferrer nofollow\">" +
         Escape(url) + "</a>";
}

std::string Badge(Severity s) {
  const std::string name(ToString(s));
  return "<span class=\"badge sev-" + name + "\">" + name + "</span>";
}

constexpr std::string_view kStyle = R"css(
:root{color-scheme:light;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
body{margin:0 auto;max-width:72rem;padding:1rem;line-height:1.45;color:#1b1b1b;background:#fff}
h1{font-size:1.5rem}h2{font-size:1.25rem;border-bottom:2px solid #ddd;padding-bottom:.25rem;margin-top:2rem}
h3{font-size:1.05rem;margin:1.25rem 0 .5rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{border:1px solid #ccc;padding:.4rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}
.url,code{overflow-wrap:anywhere;word-break:break-word}
code{font-size:.85em;background:#f6f6f6;padding:0 .2em}
.badge{display:inline-block;padding:.05rem .45rem;border-radius:.6rem;font-size:.8rem;font-weight:600;color:#fff;white-space:nowrap}
.sev-critical{background:#b00020}.sev-high{background:#d35400}.sev-medium{background:#b7950b}
.sev-low{background:#2471a3}.sev-info{background:#666}
ul.advice{margin:.25rem 0;padding-left:1.1rem}
.muted{color:#555;font-size:.9em}
@media (max-width:40rem){
 table,thead,tbody,tr,th,td{display:block}
 thead{display:none}
 tr{border:1px solid #ccc;margin:.5rem 0}
 td{border:0;border-bottom:1px solid #eee}
 td::before{content:attr(data-label);display:block;font-weight:600;font-size:.8rem;color:#555}
}
@media print{
 body{max-width:none;padding:0;font-size:10pt}
 a{color:inherit;text-decoration:none}
 .badge{color:#000;border:1px solid #000;background:none}
 h2{break-after:avoid}tr{break-inside:avoid}
}
)css";

void WriteHead(std::ostringstream& out) {
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
         "style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'\">\n"
      << "<meta name=\"referrer\" content=\"no-referrer\">\n"
      << "<title>meetleak report</title>\n<style>" << kStyle << "</style>\n</head>\n<body>\n";
}

void WriteOwnerSummary(std::ostringstream& out, const std::vector<OwnerSummary>& summaries) {
  out << "<h2>Summary by owner</h2>\n<table>\n<thead><tr><th>Owner</th><th>Open</th>"
      << "<th>Critical</th><th>High</th><th>Medium</th><th>Low</th><th>Total</th></tr></thead>\n"
      << "<tbody>\n";
  for (const OwnerSummary& s : summaries) {
    out << "<tr><td data-label=\"Owner\">" << (s.owner.empty() ? "(no owner)" : Escape(s.owner))
        << "</td><td data-label=\"Open\">" << s.open << "</td><td data-label=\"Critical\">"
        << s.critical << "</td><td data-label=\"High\">" << s.high
        << "</td><td data-label=\"Medium\">" << s.medium << "</td><td data-label=\"Low\">" << s.low
        << "</td><td data-label=\"Total\">" << s.total << "</td></tr>\n";
  }
  out << "</tbody>\n</table>\n";
}

void WriteLeakRow(std::ostringstream& out, const Finding& f) {
  out << "<tr><td data-label=\"Severity\">" << Badge(f.severity);
  if (f.leak_id) out << "<div class=\"muted\">#" << *f.leak_id << "</div>";
  out << "</td><td data-label=\"Link\">" << Escape(FormLabel(f));
  if (!f.host.empty()) out << "<div class=\"muted\">" << Escape(f.host) << "</div>";
  if (f.has_passcode) out << "<div><strong>passcode published</strong></div>";
  out << "</td><td data-label=\"Status\">" << Escape(f.status.value_or("not stored"))
      << "</td><td data-label=\"Where\"><div>Page: " << UrlHtml(f.page_url) << "</div>";
  if (!f.entry_url.empty()) out << "<div>Entry: " << UrlHtml(f.entry_url) << "</div>";
  out << "<div class=\"muted\">Context: <code>" << Escape(f.context) << "</code></div>"
      << "</td><td data-label=\"Seen\">" << Escape(f.first_seen.value_or("-")) << "<br>"
      << Escape(f.last_seen.value_or("-")) << "</td><td data-label=\"What to do\">"
      << "<ul class=\"advice\">";
  for (const std::string& advice : Remediation(f)) out << "<li>" << Escape(advice) << "</li>";
  out << "</ul></td></tr>\n";
}

void WriteMeeting(std::ostringstream& out, const MeetingGroup& meeting) {
  out << "<section class=\"meeting\">\n<h3>" << Badge(meeting.worst) << " "
      << Escape(MeetingLabel(meeting)) << "</h3>\n<table>\n<thead><tr><th>Severity</th>"
      << "<th>Link</th><th>Status</th><th>Where</th><th>First / last seen</th>"
      << "<th>What to do</th></tr></thead>\n<tbody>\n";
  for (const Finding* f : meeting.findings) WriteLeakRow(out, *f);
  out << "</tbody>\n</table>\n</section>\n";
}

}  // namespace

std::string RenderHtml(const std::vector<Finding>& findings, const RenderOptions& options) {
  std::ostringstream out;
  WriteHead(out);
  out << "<h1>meetleak report</h1>\n";
  if (!options.intro.empty()) out << "<p>" << Escape(options.intro) << "</p>\n";
  if (findings.empty()) {
    out << "<p>No leaks.</p>\n</body>\n</html>\n";
    return out.str();
  }
  const std::vector<OwnerSummary> summaries = SummarizeOwners(findings);
  out << "<p>" << findings.size() << (findings.size() == 1 ? " leak" : " leaks") << " of "
      << summaries.size() << (summaries.size() == 1 ? " owner" : " owners")
      << ". Each leak below says what to do.</p>\n";
  WriteOwnerSummary(out, summaries);
  for (const OwnerGroup& owner : GroupByOwnerAndMeeting(findings)) {
    out << "<section class=\"owner\">\n<h2>"
        << (owner.owner.empty() ? "(no owner)" : Escape(owner.owner)) << "</h2>\n";
    for (const MeetingGroup& meeting : owner.meetings) WriteMeeting(out, meeting);
    out << "</section>\n";
  }
  out << "</body>\n</html>\n";
  return out.str();
}

}  // namespace meetleak::report_internal
