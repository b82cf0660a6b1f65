// Finding: the design's finding record ("The finding"), as `scan`,
// `leaks list` and `report` print it, and its renderings.
//
// A Finding is plain data. Every string in it is already redacted (the
// producer runs RedactSecrets on URLs and contexts); renderers escape for
// their format but never see a secret.
#ifndef MEETLEAK_REPORT_FINDING_H_
#define MEETLEAK_REPORT_FINDING_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "matchers/leak.h"
#include "matchers/meeting_ref.h"
#include "matchers/page_ref.h"

namespace meetleak {

// One entry of a stored leak's history (LeakStore::LeakEvents): an owner
// decision, an automatic reopening, an allow, a fix, …
struct FindingEvent {
  std::string at;     // ISO 8601 UTC; "" when not known (kept from before history)
  std::string kind;   // acknowledged | resolved | false_positive | reopened | allowed |
                      // gone | severity | note | fixed | …
  std::string actor;  // owner | meetleak | config | zoom
  std::string note;
};

struct Finding {
  std::optional<std::int64_t> leak_id;  // null unless stored
  KeyKind key_kind = KeyKind::kMeetingId;
  std::string key;   // rendered as meeting_id | vanity | token
  std::string host;  // "" -> null
  RefForm form = RefForm::kUrl;
  LinkType link_type = LinkType::kNone;  // kNone -> null
  bool has_passcode = false;
  bool company = false;
  std::string owner;                                 // "" -> null
  MeetingKind meeting_kind = MeetingKind::kUnknown;  // kUnknown -> null
  Severity severity = Severity::kInfo;
  std::optional<LeakStatus> status;  // null unless stored
  std::string page_url;
  std::string entry_url;  // "" -> null
  std::string source_url;
  std::string context;
  std::optional<std::string> first_seen;  // ISO 8601 UTC "2026-11-26T10:00:00Z"
  std::optional<std::string> last_seen;
  std::string topic;  // from the inventory, for reports ("" if none)
  // Stored leaks only (not in the finding JSON's design fields): the owner's
  // last note (ack, resolve, false-positive) and the [[allow]] entry's reason.
  std::string note;
  std::string allow_reason;
  // Why the severity, when a Zoom setting decided it ("meeting expired", …).
  std::string severity_reason;
  std::vector<FindingEvent> history;  // oldest first; filled for reports
};

// A finding for `ref` seen on `page_url` via `source_url`, not stored:
// leak_id, status, first_seen and last_seen null; company, owner,
// meeting_kind and severity from ref.classification; topic empty (a PageRef
// carries none; the CLI may fill it from the inventory).
Finding MakeFinding(const PageRef& ref, std::string page_url, std::string source_url);

// A stored leak as a finding (company, with its leak id, status and times).
Finding FindingFromLeak(const StoredLeak& leak);

// `f` with the stored state of its leak: id, status, first and last seen,
// severity (the highest seen).
Finding WithStoredLeak(Finding f, const StoredLeak& leak);

}  // namespace meetleak

#endif  // MEETLEAK_REPORT_FINDING_H_
