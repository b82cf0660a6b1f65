// zoom::PlanFix: what `meetleak fix` asks of Zoom's API to close a leaked
// meeting (../shared/DESIGN.md, "Zoom integration", Remediation), and the
// random values it sends. The plan is data: the CLI prints it as is without
// --apply, and sends it through zoom::Client with --apply, filling each
// generated value (NewPasscode, NewPmi) just before the call.
//
//   zoom::FixTarget t{.meeting_id = "85512345678", .kind = MeetingKind::kRecurring,
//                     .leaked = {.passcode = true}};
//   zoom::FixPlan plan = zoom::PlanFix(t, {.allow_pmi_change = false});
//   for (const zoom::ApiCall& c : plan.calls) print(c.method, c.path, c.body.dump());
//
// What each leak gets:
// - a published passcode or start link: PATCH /meetings/{id} (PATCH
//   /webinars/{id} for a webinar) with a new passcode and the waiting room
//   on. No occurrence_id: a recurring meeting's whole series changes. A start
//   link's host token (2 hours; 90 days for API-created users) survives the
//   change: the advice says to sign out of all devices in the Zoom profile.
// - a join link without passcode: the same call (a passcode required, the
//   waiting room on).
// - a PMI or personal link: only with allow_pmi_change, PATCH /users/{id}
//   with a new PMI (and, for a personal link, a new vanity name is left to
//   the owner: the plan says so), the PMI passcode required through PATCH
//   /users/{id}/settings; without the flag, advice only.
// - an expired meeting: no call, a skip reason.
//
// Generated values are placeholders (kGenerated) in the plan; the caller
// replaces them at send time and never prints, logs or stores them.
#ifndef MEETLEAK_ZOOM_REMEDIATION_H_
#define MEETLEAK_ZOOM_REMEDIATION_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "matchers/meeting_ref.h"

namespace meetleak::zoom {

// Stands for a value generated at send time, in plans shown to people.
inline constexpr std::string_view kGenerated = "…generated…";

// The account's meeting passcode rules: Zoom's user settings
// `schedule_meeting.meeting_password_requirement` (or `meeting_security`'s).
struct PasscodeRules {
  int min_length = 10;  // Zoom's `length` (at most 10 are sent; 10 when unset)
  bool letter = false, number = false, special = false, upper_and_lower = false;
  bool only_numeric = false;
  // No run of this many consecutive characters (repeated "1111" or
  // sequential "abcd"); Zoom's `consecutive_characters_length`, 0 = unset.
  int max_consecutive = 0;
};
PasscodeRules PasscodeRulesFrom(const nlohmann::json& user_settings);

// At most 10 characters of letters, digits and `@ - _ *`, meeting `rules`,
// with at least one letter and one digit unless only_numeric, drawn from
// OpenSSL's CSPRNG (RAND_bytes). kInternal when the CSPRNG fails.
Result<std::string> NewPasscode(const PasscodeRules& rules);
bool MeetsRules(std::string_view passcode, const PasscodeRules& rules);

// A personal meeting ID: 10 digits, not starting with 0 or 1, no digit
// three times in a row and no three ascending or descending digits in a row.
Result<std::string> NewPmi();
bool IsAcceptablePmi(std::string_view pmi);

// What leaked about one meeting (a leak's form, link type and passcode).
struct Leaked {
  bool passcode = false;       // a passcode (pwd= or in text) was published
  bool start_link = false;     // a host start link was published
  bool personal_link = false;  // a /my/NAME link was published
};
struct FixTarget {
  std::string meeting_id{};  // digits; the PMI for a PMI
  MeetingKind kind = MeetingKind::kUnknown;
  std::string user_id{};  // the host (Zoom user id or e-mail), for a PMI
  Leaked leaked{};
  bool expired = false;  // Zoom has expired the meeting
};
struct FixOptions {
  bool allow_pmi_change = false;
};
struct ApiCall {
  std::string method, path;
  nlohmann::json body;  // generated values as kGenerated
};
struct FixPlan {
  std::vector<ApiCall> calls;       // empty: nothing to send
  std::string why;                  // one sentence: what leaked, what it allows
  std::vector<std::string> advice;  // for the owner, in order
  std::string skipped;              // why nothing is sent ("" when calls are planned)
  bool rotates_passcode = false;    // a call sets a new meeting passcode
  bool changes_pmi = false;         // a call sets a new PMI
};
FixPlan PlanFix(const FixTarget& target, const FixOptions& options);

// `call` with each kGenerated value replaced: "password" by NewPasscode
// (rules), "pmi" by NewPmi. The result holds secrets: send it, then wipe it.
Result<ApiCall> FillGenerated(const ApiCall& call, const PasscodeRules& rules);

}  // namespace meetleak::zoom

#endif  // MEETLEAK_ZOOM_REMEDIATION_H_
