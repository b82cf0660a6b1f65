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
*{box-sizing:border-box}
body{margin:0 auto;max-width:60rem;padding:1rem;line-height:1.5;color:#1b1b1b;background:#fff;overflow-wrap:anywhere}
h1{font-size:1.5rem;margin:.5rem 0}h2{font-size:1.25rem;border-bottom:2px solid #ddd;padding-bottom:.25rem;margin-top:2rem}
h3{font-size:1.1rem;margin:0 0 .5rem}h4{font-size:1rem;margin:1rem 0 .25rem}
dl.header{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:1rem 0;padding:.75rem;background:#f5f7fa;border-radius:.4rem}
dl.header dt{font-weight:600}dl.header dd{margin:0;min-width:0;overflow-wrap:anywhere}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{border:1px solid #ccc;padding:.35rem .5rem;text-align:left;overflow-wrap:anywhere}
th{background:#f3f3f3}
.url,code{overflow-wrap:anywhere;word-break:break-word}
code{font-size:.9em;background:#f1f1f1;padding:.05em .25em;border-radius:.2em}
article.meeting{border:1px solid #d0d4da;border-radius:.5rem;padding:1rem;margin:1rem 0}
.leak{border-top:1px solid #e3e3e3;padding:.75rem 0 .25rem}
.leak:first-of-type{border-top:0;padding-top:0}
.what{font-weight:600;margin:.25rem 0}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.15rem .75rem;margin:.4rem 0}
dl.facts dt{color:#555}dl.facts dd{margin:0;min-width:0;overflow-wrap:anywhere}
blockquote{margin:.5rem 0;padding:.5rem .75rem;border-left:4px solid #9aa5b1;background:#fafafa;overflow-wrap:anywhere}
mark{background:#ffe08a;padding:0 .1em}
ul.history{margin:.25rem 0;padding-left:1.1rem;color:#333;font-size:.95em}
ol.advice{margin:.25rem 0;padding-left:1.3rem}
.badge{display:inline-block;padding:.05rem .5rem;border-radius:.6rem;font-size:.8rem;font-weight:600;color:#fff;white-space:nowrap;vertical-align:middle}
.sev-critical{background:#b00020}.sev-high{background:#c24e00}.sev-medium{background:#8a6d00}
.sev-low{background:#2471a3}.sev-info{background:#666}
.muted{color:#555;font-size:.9em}
@media (max-width:40rem){
 body{padding:.6rem}
 dl.header,dl.facts{grid-template-columns:1fr}
 dl.facts dt{margin-top:.3rem}
 table.summary{font-size:.85rem}th,td{padding:.3rem}
 table.summary th{overflow-wrap:normal;font-size:.7rem}
 article.meeting{padding:.7rem}
}
@media print{
 body{max-width:none;padding:0;font-size:10pt}
 a{color:inherit;text-decoration:none}
 .badge{color:#000;border:1px solid #000;background:none}
 h2{break-after:avoid}article.meeting{break-inside:avoid}
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

void WriteHeader(std::ostringstream& out, const ReportHeader& header) {
  if (header.generated_at.empty()) return;
  out << "<dl class=\"header\">\n";
  for (const auto& [label, value] : HeaderLines(header))
    out << "<dt>" << Escape(label) << "</dt><dd>" << Escape(value) << "</dd>\n";
  out << "</dl>\n";
}

void WriteOwnerSummary(std::ostringstream& out, const std::vector<OwnerSummary>& summaries) {
  out << "<h2>Summary by owner</h2>\n<table class=\"summary\">\n<thead><tr><th>Owner</th>"
      << "<th>Open</th><th>Critical</th><th>High</th><th>Medium</th><th>Low</th></tr></thead>\n"
      << "<tbody>\n";
  for (const OwnerSummary& s : summaries) {
    out << "<tr><td>" << (s.owner.empty() ? "(no owner)" : Escape(s.owner)) << "</td><td>" << s.open
        << "</td><td>" << s.critical << "</td><td>" << s.high << "</td><td>" << s.medium
        << "</td><td>" << s.low << "</td></tr>\n";
  }
  out << "</tbody>\n</table>\n";
}

void WriteFact(std::ostringstream& out, std::string_view label, const std::string& html) {
  out << "<dt>" << label << "</dt><dd>" << html << "</dd>";
}

void WriteLeak(std::ostringstream& out, const Finding& f) {
  out << "<section class=\"leak\">\n<p class=\"what\">" << Escape(WhatLeaked(f)) << "</p>\n";
  out << "<dl class=\"facts\">";
  WriteFact(out, "Page", UrlHtml(f.page_url));
  if (!f.entry_url.empty()) WriteFact(out, "Feed entry", UrlHtml(f.entry_url));
  if (f.first_seen) {
    std::string seen =
        "first " + Escape(*f.first_seen) + ", last " + Escape(f.last_seen.value_or("-"));
    const std::string exposure = ExposureText(f);
    if (!exposure.empty()) seen += " (" + Escape(exposure) + ")";
    WriteFact(out, "Seen", seen);
  }
  std::string status = Escape(StatusText(f));
  if (f.leak_id) status += " &middot; leak #" + std::to_string(*f.leak_id);
  WriteFact(out, "Status", status);
  out << "</dl>\n";
  const std::vector<ContextPiece> pieces = VisibleContext(f);
  if (!pieces.empty()) {
    out << "<blockquote>";
    for (const ContextPiece& p : pieces)
      out << (p.marked ? "<mark>" : "") << Escape(p.text) << (p.marked ? "</mark>" : "");
    out << "</blockquote>\n";
  }
  if (!f.history.empty()) {
    out << "<ul class=\"history\">";
    for (const FindingEvent& e : f.history) out << "<li>" << Escape(EventText(e)) << "</li>";
    out << "</ul>\n";
  }
  if (f.leak_id)
    out << "<p class=\"muted\">Once handled: <code>" << Escape(HandledCommand(f))
        << "</code></p>\n";
  out << "</section>\n";
}

void WriteMeeting(std::ostringstream& out, const MeetingGroup& meeting) {
  out << "<article class=\"meeting\">\n<h3>" << Badge(meeting.worst) << " "
      << Escape(MeetingLabel(meeting)) << "</h3>\n";
  for (const Finding* f : meeting.findings) WriteLeak(out, *f);
  out << "<h4>What to do</h4>\n<ol class=\"advice\">";
  for (const std::string& advice : MeetingAdvice(meeting))
    out << "<li>" << Escape(advice) << "</li>";
  out << "</ol>\n</article>\n";
}

}  // namespace

std::string RenderHtml(const std::vector<Finding>& findings, const RenderOptions& options) {
  std::ostringstream out;
  WriteHead(out);
  out << "<h1>Zoom meetings found on public pages</h1>\n";
  if (!options.intro.empty()) out << "<p>" << Escape(options.intro) << "</p>\n";
  WriteHeader(out, options.header);
  if (findings.empty()) {
    out << "<p>No leaks.</p>\n</body>\n</html>\n";
    return out.str();
  }
  const std::vector<OwnerSummary> summaries = SummarizeOwners(findings);
  out << "<p>" << findings.size() << (findings.size() == 1 ? " leak" : " leaks") << " of "
      << summaries.size() << (summaries.size() == 1 ? " owner" : " owners")
      << ". Each meeting below says what leaked, where, and what to do.</p>\n";
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
