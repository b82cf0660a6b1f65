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
//           one rule per (form, link type) kind with help text; per finding a
//           result with the page URL as artifact location, level error
//           (critical/high), warning (medium) or note (low/info), the
//           finding's JSON as properties, and partialFingerprints
//           "meetleakLeakKey/v1": a stable 64-bit FNV-1a of (key kind, key,
//           page URL) — the design's leak key.
#ifndef MEETLEAK_REPORT_RENDER_H_
#define MEETLEAK_REPORT_RENDER_H_

#include <cstdint>
#include <optional>
#include <string>
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

struct RenderOptions {
  bool owners_summary = false;  // JSON: add the "owners" array (report); default off
  bool remediation = false;     // text: group by owner and meeting, with advice (report)
  std::string tool_version;     // SARIF driver version; "" leaves it out
  std::string intro;            // text (remediation) and HTML: a paragraph above the findings
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

}  // namespace meetleak

#endif  // MEETLEAK_REPORT_RENDER_H_
