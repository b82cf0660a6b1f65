// Renderings of findings: text, JSON, CSV, SARIF 2.1.0, HTML; and of the
// sources' state and the inventory (text, JSON), for `sources list` and
// `inventory list`.
//
// Each function returns the whole document as a string (UTF-8). Input strings
// are already redacted; each renderer escapes for its own format (CSV quotes
// and formula guards, HTML entities, JSON escapes). As a second line of
// defence every free-text field (URLs, context, topic) passes through
// RedactSecrets again, and invalid UTF-8 becomes U+FFFD. Pure and
// thread-safe; never throws.
//
//   kText   without `remediation`: one block per finding, in the given order
//           (scan, leaks list). With it: the owner report — owners A→Z (no
//           owner last), then meetings worst first, then leaks worst first /
//           most recently seen — with concrete advice per leak. Control
//           characters from crawled text are shown as \xNN, line breaks as
//           spaces: nothing printed can drive a terminal.
//   kJson   {"version":1,"findings":[…]} in the design's field order and nulls;
//           with `owners_summary` also "owners": [{owner, open, critical,
//           high, medium, low}] (owner null for owner-less findings; severity
//           counts are over the findings given, `open` those with status open).
//   kCsv    a header of the JSON field names, one row per finding, CRLF,
//           RFC 4180 quoting; a cell starting with = + - @ TAB or CR gets a
//           leading ' (crawled text never becomes a formula); null = empty.
//   kHtml   one self-contained page: inline CSS, no scripts, no external
//           requests (a CSP meta forbids them), phone-width layout, print CSS;
//           a summary per owner and a table per meeting with severity badges
//           and advice; only http(s) URLs become links.
//   kSarif  SARIF 2.1.0: driver "meetleak" (version = tool_version when set),
//           one rule per (form, link type, severity) that the results use —
//           "zoom-url-join/critical" — with help text and
//           properties.security-severity (critical 9.5, high 8.0, medium
//           5.0, low 3.0, info 0.0), since code-scanning tools grade by the
//           rule; per finding a result with the page URL as artifact
//           location, its own level — error (critical/high), warning
//           (medium) or note (low/info) — the finding's JSON as properties,
//           and partialFingerprints "meetleakLeakKey/v1": a stable 64-bit
//           FNV-1a of (key kind, key, page URL) — the design's leak key.
//           Allowed, acknowledged and false-positive leaks carry one
//           suppression (kind external, status accepted) whose
//           justification says the decision and its reason (allow reason
//           or the owner's note).
#ifndef MEETLEAK_REPORT_RENDER_H_
#define MEETLEAK_REPORT_RENDER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "matchers/inventory.h"
#include "report/finding.h"

namespace meetleak {

enum class ReportFormat { kText, kJson, kCsv, kHtml, kSarif };

// The --format names: "text", "json", "csv", "html", "sarif"; kInvalidInput
// naming --format for anything else.
Result<ReportFormat> ParseFormat(std::string_view name);
// The --format of a listing (RenderSources, RenderInventory): "text" or
// "json"; kInvalidInput for anything else.
Result<ReportFormat> ParseListFormat(std::string_view name);

// The owners' report's header (text with remediation, HTML): when it was
// made, what it covers, what was scanned, whom to ask, how to close a leak.
// Shown when generated_at is set.
struct ReportHeader {
  std::string generated_at;                              // RFC 3339 UTC
  std::string owner;                                     // "" = every owner
  std::optional<LeakStatus> status = LeakStatus::kOpen;  // nullopt: every status
  std::vector<std::string> sources;                      // what the database watches (redacted)
  std::string last_pass;                                 // "2026-…Z (exit 1)"; "" = none recorded
  std::string security_contact;                          // "" = none configured
};

struct RenderOptions {
  bool owners_summary = false;  // JSON: add the "owners" array (report); default off
  bool remediation = false;     // text: group by owner and meeting, with advice (report)
  std::string tool_version;     // SARIF driver version; "" leaves it out
  std::string intro;            // text (remediation) and HTML: a paragraph above the findings
  ReportHeader header;          // text (remediation) and HTML
  // JSON: each finding also carries "note", "allow_reason",
  // "severity_reason" and "history" after the design's fields (report).
  bool history = false;
};

std::string RenderFindings(const std::vector<Finding>& findings, ReportFormat format,
                           const RenderOptions& options = {});

// One configured source's state, as `sources list` prints it. URLs are
// redacted here once more, like a finding's.
struct SourceState {
  std::string url, kind;
  int interval_s = 0;
  bool active = true;                            // still in the config
  std::optional<Clock::TimePoint> last_fetched;  // null: never answered
  std::optional<Clock::TimePoint> next_due;      // null: never polled, due now
  std::optional<Clock::TimePoint> retry_after;   // the server's Retry-After
  int last_status = 0;                           // HTTP status (0: none)
  std::string last_error;                        // "" when the last pass succeeded
  int consecutive_failures = 0;
  std::int64_t open_leaks = 0, non_company_refs = 0;
};

// kText (a block per source; a Retry-After still ahead of `now` is shown)
// or kJson ({"sources":[…]}, times ISO 8601 or null); any other format
// renders as kText.
std::string RenderSources(const std::vector<SourceState>& sources, ReportFormat format,
                          Clock::TimePoint now);

// kText (counts, then a line per meeting and per personal link) or kJson
// ({"meetings":[…],"personal_links":[…]}; what Zoom did not say is null);
// any other format renders as kText.
std::string RenderInventory(const Inventory& inventory, ReportFormat format);

// `leaks show ID` as text: one stored leak in plain words — what leaked and
// what it allows, where, since when, why its severity, the page's text
// around it, its notes and whole history, and how to mark it handled.
std::string RenderLeakDetail(const Finding& finding, std::int64_t sightings);

// The figures of one `run` pass (DESIGN.md, "Operations"), as gauges of the
// last pass so a process per pass (cron) and a daemon read the same.
struct PassMetrics {
  double start = 0, end = 0, duration = 0;  // unix seconds; seconds
  // meetleak_last_pass_documents{outcome}: every outcome named, 0 included.
  std::vector<std::pair<std::string, std::int64_t>> documents;
  std::int64_t bytes = 0, new_leaks = 0;
  std::vector<std::pair<std::string, std::int64_t>> leaks_open;  // severity → open leaks
  std::int64_t notify_sent = 0, notify_failed = 0;
  std::optional<double> last_sync_success;  // unix seconds; nullopt: the gauge is left out
  std::int64_t sources_failing = 0;
};

// The Prometheus text exposition format (0.0.4): per metric a # HELP and a
// # TYPE gauge line, then its samples; label values escaped (\\, \", \n);
// newline-terminated. Metric names as the design lists them.
std::string RenderMetrics(const PassMetrics& metrics);

}  // namespace meetleak

#endif  // MEETLEAK_REPORT_RENDER_H_
