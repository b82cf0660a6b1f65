// The text rendering: a plain list (scan, leaks list) or, with
// RenderOptions::remediation, the owner report grouped by owner and meeting.
#include <map>
#include <sstream>

#include "base/ascii.h"
#include "report/render_internal.h"

namespace meetleak::report_internal {
namespace {

// One line, terminal-safe, secrets scrubbed; line breaks and tabs of
// crawled text become spaces.
std::string Clean(std::string_view s) {
  std::string one_line = Scrubbed(s);
  for (char& c : one_line)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  return TerminalSafe(one_line);
}

std::string LinkSummary(const Finding& f) {
  std::string s = FormLabel(f);
  if (!f.host.empty()) s += " on " + Clean(f.host);
  if (f.has_passcode) s += ", passcode published";
  return s;
}

void WritePlainFinding(std::ostringstream& out, const Finding& f) {
  out << "[" << ascii::Upper(ToString(f.severity)) << "] " << ToString(f.key_kind) << " "
      << Clean(f.key) << "  " << LinkSummary(f) << "\n";
  if (f.leak_id)
    out << "  leak:    #" << *f.leak_id << (f.status ? ", " + std::string(ToString(*f.status)) : "")
        << "\n";
  out << "  company: " << (f.company ? "yes" : "no");
  if (!f.owner.empty()) out << ", owner " << Clean(f.owner);
  if (f.meeting_kind != MeetingKind::kUnknown) out << ", " << ToString(f.meeting_kind);
  out << "\n";
  out << "  page:    " << Clean(f.page_url) << "\n";
  if (!f.entry_url.empty()) out << "  entry:   " << Clean(f.entry_url) << "\n";
  if (f.source_url != f.page_url) out << "  source:  " << Clean(f.source_url) << "\n";
  if (f.first_seen || f.last_seen)
    out << "  seen:    " << Clean(f.first_seen.value_or("?")) << " .. "
        << Clean(f.last_seen.value_or("?")) << "\n";
  out << "  context: " << Clean(f.context) << "\n";
}

std::string PlainList(const std::vector<Finding>& findings) {
  std::ostringstream out;
  if (findings.empty()) return "No findings.\n";
  for (std::size_t i = 0; i < findings.size(); ++i) {
    if (i) out << "\n";
    WritePlainFinding(out, findings[i]);
  }
  return out.str();
}

std::string CountsLine(const OwnerSummary& s) {
  std::ostringstream out;
  out << s.total << (s.total == 1 ? " leak" : " leaks") << " (";
  bool first = true;
  const std::pair<int, const char*> parts[] = {{s.critical, "critical"},
                                               {s.high, "high"},
                                               {s.medium, "medium"},
                                               {s.low, "low"},
                                               {s.info, "info"}};
  for (const auto& [n, name] : parts) {
    if (!n) continue;
    out << (first ? "" : ", ") << n << " " << name;
    first = false;
  }
  out << "), " << s.open << " open";
  return out.str();
}

void WriteLeak(std::ostringstream& out, const Finding& f) {
  out << "    - " << Clean(WhatLeaked(f)) << "\n";
  out << "      Page:       " << Clean(f.page_url) << "\n";
  if (!f.entry_url.empty()) out << "      Feed entry: " << Clean(f.entry_url) << "\n";
  if (f.first_seen) {
    out << "      Seen:       first " << Clean(*f.first_seen) << ", last "
        << Clean(f.last_seen.value_or("-"));
    const std::string exposure = ExposureText(f);
    if (!exposure.empty()) out << " (" << exposure << ")";
    out << "\n";
  }
  out << "      Status:     " << Clean(StatusText(f));
  if (f.leak_id) out << " - leak #" << *f.leak_id;
  out << "\n";
  std::string text;
  for (const ContextPiece& p : VisibleContext(f))
    text += p.marked ? "\xC2\xBB" + Clean(p.text) + "\xC2\xAB" : Clean(p.text);
  // Each piece cleaned on its own: a marker right after a redacted value
  // would be taken for part of it by a second redaction.
  if (!text.empty()) out << "      On the page: \"" << text << "\"\n";
  for (const FindingEvent& e : f.history)
    out << "      History:    " << Clean(EventText(e)) << "\n";
  if (f.leak_id) out << "      Once handled: " << HandledCommand(f) << "\n";
}

void WriteHeader(std::ostringstream& out, const ReportHeader& header) {
  if (header.generated_at.empty()) return;
  for (const auto& [label, value] : HeaderLines(header))
    out << label << ": " << Clean(value) << "\n";
  out << "\n";
}

std::string OwnerReport(const std::vector<Finding>& findings) {
  if (findings.empty()) return "No leaks.\n";
  std::map<std::string, OwnerSummary> summaries;
  for (OwnerSummary& s : SummarizeOwners(findings)) summaries[s.owner] = std::move(s);
  std::ostringstream out;
  bool first_owner = true;
  for (const OwnerGroup& owner : GroupByOwnerAndMeeting(findings)) {
    if (!first_owner) out << "\n";
    first_owner = false;
    out << "Owner: " << (owner.owner.empty() ? "(no owner)" : Clean(owner.owner)) << " - "
        << CountsLine(summaries[owner.owner]) << "\n";
    for (const MeetingGroup& meeting : owner.meetings) {
      out << "\n  " << Clean(MeetingLabel(meeting)) << " - risk: " << ToString(meeting.worst)
          << "\n";
      for (const Finding* f : meeting.findings) WriteLeak(out, *f);
      out << "    What to do:\n";
      int n = 0;
      for (const std::string& advice : MeetingAdvice(meeting))
        out << "      " << ++n << ". " << advice << "\n";
    }
  }
  return out.str();
}

}  // namespace

std::string LeakDetailText(const Finding& f, std::int64_t sightings) {
  std::ostringstream out;
  out << "Leak #" << f.leak_id.value_or(0) << " [" << ascii::Upper(ToString(f.severity)) << "] "
      << ToString(f.key_kind) << " " << Clean(f.key) << " - " << Clean(StatusText(f)) << "\n";
  out << "  " << Clean(WhatLeaked(f)) << "\n";
  out << "  owner:       " << (f.owner.empty() ? "(none)" : Clean(f.owner));
  if (!f.topic.empty()) out << ", \"" << Clean(f.topic) << "\"";
  if (f.meeting_kind != MeetingKind::kUnknown) out << " (" << ToString(f.meeting_kind) << ")";
  out << "\n  found as:    " << LinkSummary(f) << "\n";
  out << "  page:        " << Clean(f.page_url) << "\n";
  if (!f.entry_url.empty()) out << "  feed entry:  " << Clean(f.entry_url) << "\n";
  out << "  source:      " << Clean(f.source_url) << "\n";
  out << "  seen:        first " << Clean(f.first_seen.value_or("-")) << ", last "
      << Clean(f.last_seen.value_or("-"));
  if (const std::string e = ExposureText(f); !e.empty()) out << " (" << e << ")";
  out << ", " << sightings << (sightings == 1 ? " sighting" : " sightings") << "\n";
  if (!f.severity_reason.empty()) out << "  severity:    " << Clean(f.severity_reason) << "\n";
  if (!f.allow_reason.empty()) out << "  allowed:     " << Clean(f.allow_reason) << "\n";
  if (!f.note.empty()) out << "  note:        " << Clean(f.note) << "\n";
  std::string text;
  for (const ContextPiece& p : VisibleContext(f))
    text += p.marked ? "\xC2\xBB" + Clean(p.text) + "\xC2\xAB" : Clean(p.text);
  out << "  on the page: \"" << text << "\"\n";
  out << "History:\n";
  if (f.history.empty()) out << "  (nothing yet: no decision, reopening or fix)\n";
  for (const FindingEvent& e : f.history) out << "  - " << Clean(EventText(e)) << "\n";
  if (f.leak_id) out << "Once handled: " << HandledCommand(f) << "\n";
  return out.str();
}

std::string RenderText(const std::vector<Finding>& findings, const RenderOptions& options) {
  if (!options.remediation) return PlainList(findings);
  std::ostringstream header;
  WriteHeader(header, options.header);
  return (options.intro.empty() ? "" : Clean(options.intro) + "\n\n") + header.str() +
         OwnerReport(findings);
}

}  // namespace meetleak::report_internal
