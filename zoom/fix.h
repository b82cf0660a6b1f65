// zoom::Fixer: `meetleak fix` for one leak at a time — the plan (PlanFix)
// and, with apply, the calls, under the rules of ../shared/DESIGN.md, "Zoom
// integration", Remediation:
//
//   zoom::Fixer fixer(client.get(), &journal, clock, {.apply = true});
//   for (const zoom::FixCandidate& c : candidates) {
//     zoom::FixOutcome o = fixer.Fix(c);   // print o.plan, o.checks, o.result, o.message
//   }
//
// Which leaks are touched: open and acknowledged ones (resolved ones are
// done; gone, allowed and false-positive ones are never touched, said so);
// a registration or recording link names no meeting to change. An expired
// meeting is skipped with a reason.
//
// With apply, before any change of a meeting:
// - a published passcode must still be the meeting's current one: GET
//   /meetings/{id} (/webinars/{id}) through a client whose passcode_digest
//   is the store's, and one of the leak's passcode_digests must equal the
//   digest of encrypted_password, password or pstn_password answered now.
//   A leak detected before meetleak kept digests is skipped until seen again.
// - at most one change per meeting per day (the journal's LastUpdate): a
//   page that keeps publishing a stale or made-up passcode cannot make
//   meetleak rotate a real meeting's passcode again and again. Several
//   leaks of one meeting in one run share its one change.
// - Zoom's 100 meeting updates per user per day (reset 00:00 UTC): a fix
//   that would pass it is refused (kFailed, retry after midnight UTC).
// Each call's generated values are filled just before it is sent and wiped
// after; nothing here prints, logs or records them. A call that fails
// (the client's Status, or a 4xx Answer: Zoom's code and message) stops
// that leak's fix: what was done before it is recorded, the leak stays as
// it was, the outcome is kFailed; the caller goes on with the others.
#ifndef MEETLEAK_ZOOM_FIX_H_
#define MEETLEAK_ZOOM_FIX_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "matchers/inventory.h"
#include "matchers/leak.h"
#include "zoom/client.h"
#include "zoom/remediation.h"

namespace meetleak::zoom {

// A leak and what the inventory knows of its meeting.
struct FixCandidate {
  StoredLeak leak{};
  std::optional<InventoryMeeting> meeting{};  // its inventory row, when listed
};

// What `fix` needs of the store: the budgets and the record.
class FixJournal {
 public:
  virtual ~FixJournal() = default;
  virtual Result<int> UpdatesSince(std::string_view user, Clock::TimePoint since) = 0;
  virtual Result<std::optional<Clock::TimePoint>> LastUpdate(std::string_view meeting_id) = 0;
  virtual Status Record(const LeakFix& done) = 0;
};

struct FixerOptions {
  bool apply = false;
  bool allow_pmi_change = false;
  std::string command = "meetleak fix --apply";  // named in the audit trail
  int user_daily_limit = 100;                    // Zoom's meeting updates per user per day
};

enum class FixResult { kPlanned, kApplied, kSkipped, kFailed };
std::string_view ToString(FixResult result);

struct FixOutcome {
  std::int64_t leak_id = 0;
  FixPlan plan;                     // empty calls when skipped before planning
  std::vector<std::string> checks;  // what is verified before the calls (dry run: will be)
  FixResult result = FixResult::kPlanned;
  std::string message;  // why skipped or failed; what was done
};

class Fixer {
 public:
  // `client` may be null without apply (nothing is sent). Both borrowed.
  Fixer(Client* client, FixJournal* journal, Clock* clock, FixerOptions options);
  FixOutcome Fix(const FixCandidate& candidate);

 private:
  struct Prepared;
  FixOutcome Apply(const FixCandidate& c, FixOutcome o, const Prepared& p);
  Status CheckPasscodeIsCurrent(const FixCandidate& c, const Prepared& p, std::string* skip);
  Client* client_;
  FixJournal* journal_;
  Clock* clock_;
  FixerOptions options_;
  std::map<std::string, std::int64_t> changed_;  // meeting → the leak whose fix changed it
};

// The target PlanFix gets for a leak (exposed for tests).
FixTarget TargetOf(const FixCandidate& candidate);

}  // namespace meetleak::zoom

#endif  // MEETLEAK_ZOOM_FIX_H_
