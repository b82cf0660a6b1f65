// Internal to report/: helpers shared by the renderers and the digests.
// Not part of the module's public surface (render.h, notify.h).
#ifndef MEETLEAK_REPORT_RENDER_INTERNAL_H_
#define MEETLEAK_REPORT_RENDER_INTERNAL_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "base/terminal.h"
#include "report/finding.h"
#include "report/render.h"

namespace meetleak::report_internal {

// `s` with invalid UTF-8 sequences replaced by U+FFFD, so every format gets
// well-formed text whatever a crawled page held.
std::string ValidUtf8(std::string_view s);

// Free text that leaves the program (context, URLs, topic) passed through
// the matcher's redaction once more: producers redact already; this is the
// second line of defence the design asks for.
std::string Scrubbed(std::string_view s);

// One finding in the design's JSON shape and order (ordered_json).
nlohmann::ordered_json FindingJson(const Finding& f);
// Appends, after the design's fields, "note", "allow_reason",
// "severity_reason" (null when empty) and "history": [{time, event, by,
// note}] (RenderOptions::history).
void AddHistoryJson(const Finding& f, nlohmann::ordered_json& j);
// The design's field names, in order (the CSV columns).
const std::vector<std::string>& FindingFieldNames();
// JSON text that never throws on bad UTF-8 (replaced by U+FFFD).
std::string DumpJson(const nlohmann::ordered_json& j, int indent);

// Per-owner counts for the "owners" summary. Severity counts are over every
// finding given for that owner (the caller's status filter decides which);
// `open` counts those whose status is open.
struct OwnerSummary {
  std::string owner;  // "" for findings without owner
  int open = 0, critical = 0, high = 0, medium = 0, low = 0, info = 0;
  int total = 0;
};
std::vector<OwnerSummary> SummarizeOwners(const std::vector<Finding>& findings);

// Findings of one meeting (one key), worst first.
struct MeetingGroup {
  KeyKind key_kind = KeyKind::kMeetingId;
  std::string key;
  std::string topic;
  MeetingKind meeting_kind = MeetingKind::kUnknown;
  Severity worst = Severity::kInfo;
  std::vector<const Finding*> findings;
};
struct OwnerGroup {
  std::string owner;                   // "" when none
  std::vector<MeetingGroup> meetings;  // worst first, then by key
};
// Owners in alphabetical order (owner-less last); meetings worst first; in a
// meeting, findings worst first, then most recently seen, then by page URL.
std::vector<OwnerGroup> GroupByOwnerAndMeeting(const std::vector<Finding>& findings);

// "855 1234 5678" for meeting IDs in Zoom's grouping; the key otherwise.
std::string DisplayKey(KeyKind kind, const std::string& key);
// "Meeting 855 1234 5678", "Personal link /my/name", "Link token abc…".
std::string MeetingLabel(const MeetingGroup& group);
// "url/join", "id_text", …
std::string FormLabel(const Finding& f);

// Concrete advice for one leak, most urgent first (never empty).
std::vector<std::string> Remediation(const Finding& f);

bool IsHttpUrl(std::string_view url);

// --- The owners' report in plain words (owner_view.cc) -------------------
// The text a reader of the page sees around the reference: tags dropped,
// entities decoded, whitespace collapsed; the reference itself (the Zoom
// URL of a tag's attribute, or the key in the text, widened to its URL)
// is the one marked piece. Secrets stay redacted.
struct ContextPiece {
  std::string text;
  bool marked = false;
};
std::vector<ContextPiece> VisibleContext(const Finding& f);
// "A join link with its passcode is on a public page. Anyone with this
// link can join without a passcode." (+ the severity's reason, if any).
std::string WhatLeaked(const Finding& f);
// The advice for one meeting, fitted to what leaked of it, each line once.
std::vector<std::string> MeetingAdvice(const MeetingGroup& meeting);
struct ExposureSpan {
  bool known = false;
  int days = 0;  // first to last seen, rounded up
};
ExposureSpan Exposure(const Finding& f);
std::string ExposureText(const Finding& f);    // "public for at least 3 days", "" unknown
std::string EventText(const FindingEvent& e);  // "2026-…Z: Acknowledged by its owner — note"
// `meetleak leaks ack ID --note "what you did"`; "" for an unstored finding.
std::string HandledCommand(const Finding& f);
std::string StatusText(const Finding& f);  // "open: nobody has handled it yet", …
// The header lines of the owners' report (text and HTML say the same).
std::vector<std::pair<std::string, std::string>> HeaderLines(const ReportHeader& h);

std::string RenderText(const std::vector<Finding>& findings, const RenderOptions& options);
std::string LeakDetailText(const Finding& f, std::int64_t sightings);
std::string RenderJson(const std::vector<Finding>& findings, const RenderOptions& options);
std::string RenderCsv(const std::vector<Finding>& findings);
std::string RenderHtml(const std::vector<Finding>& findings, const RenderOptions& options);
std::string RenderSarif(const std::vector<Finding>& findings, const RenderOptions& options);

}  // namespace meetleak::report_internal

#endif  // MEETLEAK_REPORT_RENDER_INTERNAL_H_
