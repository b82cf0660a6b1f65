// StoredLeak: one leak as the store keeps it — a reference key on a page
// with its lifecycle — the record `db/` returns (LeakStore::LeakRow) and
// `report/` renders (FindingFromLeak). Plain data; every string redacted.
#ifndef MEETLEAK_MATCHERS_LEAK_H_
#define MEETLEAK_MATCHERS_LEAK_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "matchers/meeting_ref.h"

namespace meetleak {

// Where a leak stands in its lifecycle (db/store.h states the transitions).
enum class LeakStatus { kOpen, kAcknowledged, kResolved, kFalsePositive, kAllowed, kGone };
inline constexpr std::array<LeakStatus, 6> kLeakStatuses = {
    LeakStatus::kOpen,          LeakStatus::kAcknowledged, LeakStatus::kResolved,
    LeakStatus::kFalsePositive, LeakStatus::kAllowed,      LeakStatus::kGone};

// The names of the DB column, the JSON/CSV/SARIF/text output and
// `leaks list --status`: "open", "acknowledged", "resolved",
// "false_positive", "allowed", "gone". Parse: nullopt for any other name.
std::string_view ToString(LeakStatus status);
std::optional<LeakStatus> ParseLeakStatus(std::string_view name);

// Whether a company reference seen now counts as an open leak — what makes
// `scan` exit 1 (design, "Exit codes"). With a stored leak (`stored`, its
// status after the sighting): unless it was ruled no leak (false_positive,
// allowed); without one: unless an [[allow]] entry allows it. (`run` counts
// the leaks whose status is open: CountOpenLeaks, db/store.h.)
inline bool CountsAsOpen(std::optional<LeakStatus> stored, bool allowlisted) {
  if (stored) return *stored != LeakStatus::kFalsePositive && *stored != LeakStatus::kAllowed;
  return !allowlisted;
}

struct StoredLeak {
  std::int64_t id = 0;
  KeyKind key_kind = KeyKind::kMeetingId;
  std::string key, host;
  RefForm form = RefForm::kUrl;
  LinkType link_type = LinkType::kNone;
  bool has_passcode = false;  // ever seen with one
  Severity severity = Severity::kInfo;
  LeakStatus status = LeakStatus::kOpen;
  std::string owner;
  MeetingKind meeting_kind = MeetingKind::kUnknown;
  std::string page_url, entry_url, source_url, context, note, topic;
  std::string allow_reason;  // of the last allowed sighting
  // Why the leak has its severity when a setting decided it (Zoom sync:
  // "meeting expired", "no passcode, no waiting room, join before host
  // on"); "" when the form alone did.
  std::string severity_reason;
  Clock::TimePoint first_seen, last_seen;
  std::optional<Clock::TimePoint> reopened_at, notified_at;
  std::optional<Severity> notified_severity;
  std::int64_t sightings = 0;
  // Keyed hashes of the passcodes published with it (LeakStore::
  // PasscodeDigester), latest last; never a passcode.
  std::vector<std::string> passcode_digests;
  int fix_covers = 0;  // what the fix that resolved it covered (kFixCovers… bits), 0: none
};

// What a fix through Zoom's API covered (`meetleak fix`). A later sighting
// of a leak such a fix resolved reopens it when it shows what the fix did
// not cover — a start link after a passcode fix, a passcode not published
// before the fix — besides the usual rule (more severe than the leak).
inline constexpr int kFixCoversPasscode = 1;  // a new passcode, the waiting room on
inline constexpr int kFixCoversStartLink = 2;
inline constexpr int kFixCoversPmi = 4;  // a new personal meeting ID

// One fix applied to a leak through Zoom's API: what zoom/ did and db/
// records (LeakStore::RecordFix). Never holds a generated value.
struct LeakFix {
  std::int64_t leak_id = 0;
  std::string user{};                // the host whose daily update budget the calls used
  std::string meeting_id{};          // the meeting (or "pmi:" + user) changed: one change a day
  std::vector<std::string> calls{};  // "PATCH /meetings/…", each accepted by Zoom
  int covers = 0;                    // kFixCovers… bits
  std::string note{};                // what was done, by which command, Zoom's answers
  bool resolved = false;             // the whole plan was carried out: the leak is resolved
};

}  // namespace meetleak

#endif  // MEETLEAK_MATCHERS_LEAK_H_
