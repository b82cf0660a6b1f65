// StoredLeak: one leak as the store keeps it — a reference key on a page
// with its lifecycle — the record `db/` returns (LeakStore::LeakRow) and
// `report/` renders (FindingFromLeak). Plain data; every string redacted.
#ifndef MEETLEAK_MATCHERS_LEAK_H_
#define MEETLEAK_MATCHERS_LEAK_H_

#include <cstdint>
#include <optional>
#include <string>

#include "base/clock.h"
#include "matchers/meeting_ref.h"

namespace meetleak {

struct StoredLeak {
  std::int64_t id = 0;
  KeyKind key_kind = KeyKind::kMeetingId;
  std::string key, host;
  RefForm form = RefForm::kUrl;
  LinkType link_type = LinkType::kNone;
  bool has_passcode = false;  // ever seen with one
  Severity severity = Severity::kInfo;
  std::string status, owner;
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
};

}  // namespace meetleak

#endif  // MEETLEAK_MATCHERS_LEAK_H_
