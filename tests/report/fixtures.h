// Fixture findings for the report tests: what a DB of stored leaks (and a
// scan) hands the renderers, including hostile crawled text.
#ifndef MEETLEAK_TESTS_REPORT_FIXTURES_H_
#define MEETLEAK_TESTS_REPORT_FIXTURES_H_

#include <string>
#include <vector>

#include "report/finding.h"
#include "tests/support/temp_dir.h"

namespace meetleak::testing {

inline Finding StoredFinding(std::int64_t id, std::string key, std::string owner,
                             Severity severity) {
  Finding f;
  f.leak_id = id;
  f.key = std::move(key);
  f.host = "acme-corp.zoom.us";
  f.form = RefForm::kUrl;
  f.link_type = LinkType::kJoin;
  f.company = true;
  f.owner = std::move(owner);
  f.meeting_kind = MeetingKind::kScheduled;
  f.severity = severity;
  f.status = LeakStatus::kOpen;
  f.page_url = "https://example.org/events/" + std::to_string(id);
  f.source_url = "https://example.org/feed.xml";
  f.context = "Join us at https://acme-corp.zoom.us/j/" + f.key;
  f.first_seen = "2026-11-26T10:00:00Z";
  f.last_seen = "2026-11-26T12:00:00Z";
  return f;
}

// Six leaks of two owners and the security contact, plus hostile text.
inline std::vector<Finding> ReportFixture() {
  std::vector<Finding> v;
  Finding passcode = StoredFinding(12, "85512345678", "ana@acme.example", Severity::kCritical);
  passcode.has_passcode = true;
  passcode.meeting_kind = MeetingKind::kRecurring;
  passcode.topic = "Weekly sync";
  passcode.page_url = "https://example.org/feed.xml";
  passcode.entry_url = "https://example.org/events/7";
  passcode.context =
      "Join: https://acme-corp.zoom.us/j/85512345678?pwd=\xE2\x80\xA6redacted\xE2\x80\xA6";
  v.push_back(passcode);

  Finding start = StoredFinding(13, "85512345678", "ana@acme.example", Severity::kCritical);
  start.link_type = LinkType::kStart;
  start.meeting_kind = MeetingKind::kRecurring;
  start.topic = "Weekly sync";
  start.context =
      "host: https://acme-corp.zoom.us/s/85512345678?zak=\xE2\x80\xA6redacted\xE2\x80\xA6";
  v.push_back(start);

  Finding pmi = StoredFinding(14, "ana.smith", "ana@acme.example", Severity::kCritical);
  pmi.key_kind = KeyKind::kVanity;
  pmi.link_type = LinkType::kPersonal;
  pmi.meeting_kind = MeetingKind::kPmi;
  pmi.status = LeakStatus::kAcknowledged;
  pmi.context = "office hours: https://acme-corp.zoom.us/my/ana.smith";
  v.push_back(pmi);

  Finding text = StoredFinding(15, "9123456789", "bob@acme.example", Severity::kMedium);
  text.host = "";
  text.form = RefForm::kIdText;
  text.link_type = LinkType::kNone;
  text.topic = "=HYPERLINK(\"http://evil.example\",\"click\")";
  text.context = "=cmd|' /C calc'!A0, He said \"join\", then\nleft; Meeting ID: 912 345 6789";
  v.push_back(text);

  Finding recording = StoredFinding(16, "AbCdEfGhIjKl", "", Severity::kHigh);
  recording.key_kind = KeyKind::kToken;
  recording.link_type = LinkType::kRecording;
  recording.meeting_kind = MeetingKind::kUnknown;
  recording.context =
      "+1 see https://acme-corp.zoom.us/rec/share/AbCdEfGhIjKl\xE2\x80\xA6redacted\xE2\x80\xA6";
  v.push_back(recording);

  Finding hostile = StoredFinding(17, "85599988877", "bob@acme.example", Severity::kHigh);
  hostile.entry_url = "javascript:alert(3)";
  hostile.page_url = "https://example.org/x?a=1&b=<2>";
  hostile.context = "<script>alert(1)</script><img src=x onerror=alert(2)> @SUM(1) -2+3\t\r";
  hostile.topic = "<b>bold</b>";
  v.push_back(hostile);
  return v;
}

// A non-company reference as `scan` reports it: nothing stored.
inline Finding ScanOnlyFinding() {
  Finding f;
  f.key = "81234567890";
  f.host = "us02web.zoom.us";
  f.link_type = LinkType::kJoin;
  f.page_url = "file:///tmp/page.html";
  f.source_url = "file:///tmp/page.html";
  f.context = "https://us02web.zoom.us/j/81234567890";
  return f;
}

// Runs `/usr/bin/python3 -c script` with `input` on stdin.
inline ProgramResult RunPython(const std::string& script, const std::string& input,
                               const std::vector<std::string>& args = {}) {
  std::vector<std::string> argv = {MEETLEAK_PYTHON, "-c", script};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProgram(argv, input);
}

}  // namespace meetleak::testing

#endif  // MEETLEAK_TESTS_REPORT_FIXTURES_H_
