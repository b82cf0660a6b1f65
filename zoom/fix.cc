// zoom::Fixer (zoom/fix.h): one leak's plan, checks and calls.
#include "zoom/fix.h"

#include <chrono>
#include <ctime>

#include "base/ascii.h"
#include "zoom/internal.h"

namespace meetleak::zoom {

namespace internal {
namespace {

using nlohmann::json;
constexpr std::chrono::hours kOncePerMeeting{24};

bool IsPmiFix(const FixTarget& t) { return t.kind == MeetingKind::kPmi || t.leaked.personal_link; }

std::string MeetingPath(const FixTarget& t) {
  return (t.kind == MeetingKind::kWebinar ? "/webinars/" : "/meetings/") + t.meeting_id;
}

// What a call changes, in words (never its values).
std::string Describe(const ApiCall& call) {
  std::string what;
  auto add = [&what](std::string_view s) {
    if (!what.empty()) what += ", ";
    what += s;
  };
  if (call.body.contains("pmi")) add("new personal meeting ID");
  if (call.body.contains("password")) add("new passcode");
  if (call.body.contains("settings")) add("waiting room on");
  if (call.body.contains("schedule_meeting")) add("PMI passcode required, new PMI passcode");
  return what;
}

// Zoom's answer to a call, for the record and the user.
std::string AnswerText(const Answer& a) {
  std::string s = "HTTP " + std::to_string(a.status);
  if (a.code != 0) s += ", code " + std::to_string(a.code);
  if (!a.message.empty()) s += ": " + a.message;
  return s;
}

// Every string value of `j` overwritten, then `j` emptied: a filled call's
// generated values do not outlive it.
void WipeJson(json& j) {
  if (j.is_string()) Wipe(j.get_ref<std::string&>());
  if (j.is_object() || j.is_array())
    for (json& v : j) WipeJson(v);
  j = nullptr;
}

Clock::TimePoint StartOfUtcDay(Clock::TimePoint t) {
  const auto s = std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
  return Clock::TimePoint(std::chrono::seconds(s - s % 86400));
}

std::string Iso(Clock::TimePoint t) {
  const auto s = std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
  const std::time_t tt = static_cast<std::time_t>(s);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace
}  // namespace internal

std::string_view ToString(FixResult result) {
  switch (result) {
    case FixResult::kPlanned:
      return "planned";
    case FixResult::kApplied:
      return "applied";
    case FixResult::kSkipped:
      return "skipped";
    case FixResult::kFailed:
      return "failed";
  }
  return "";
}

FixTarget TargetOf(const FixCandidate& c) {
  FixTarget t;
  const StoredLeak& l = c.leak;
  if (l.key_kind == KeyKind::kMeetingId) t.meeting_id = l.key;
  t.kind = c.meeting ? c.meeting->kind : l.meeting_kind;
  t.user_id = ascii::Lower(c.meeting ? c.meeting->owner_email : l.owner);
  t.leaked.passcode = l.has_passcode;
  t.leaked.start_link = l.link_type == LinkType::kStart;
  t.leaked.personal_link = l.key_kind == KeyKind::kVanity || l.link_type == LinkType::kPersonal;
  t.expired = c.meeting && c.meeting->expired_at.has_value();
  return t;
}

struct Fixer::Prepared {
  FixTarget target;
  std::string changed_id;  // the meeting, or "pmi:" + user
  int covers = 0;
};

Fixer::Fixer(Client* client, FixJournal* journal, Clock* clock, FixerOptions options)
    : client_(client), journal_(journal), clock_(clock), options_(std::move(options)) {}

FixOutcome Fixer::Fix(const FixCandidate& c) {
  FixOutcome o;
  o.leak_id = c.leak.id;
  const LeakStatus status = c.leak.status;
  auto skip = [&o](std::string why) {
    o.result = FixResult::kSkipped;
    o.message = std::move(why);
    return o;
  };
  if (status == LeakStatus::kGone || status == LeakStatus::kAllowed ||
      status == LeakStatus::kFalsePositive)
    return skip("the leak is " + std::string(ToString(status)) +
                ": meetleak never changes its meeting");
  if (status == LeakStatus::kResolved) return skip("the leak is resolved already");
  if (c.leak.key_kind == KeyKind::kToken)
    return skip(
        "a registration or recording link names no meeting setting to change: ask the page to "
        "remove it, or delete the recording's share link in Zoom");
  Prepared p;
  p.target = TargetOf(c);
  o.plan = PlanFix(p.target, {.allow_pmi_change = options_.allow_pmi_change});
  if (!o.plan.skipped.empty()) return skip(o.plan.skipped);
  const bool pmi = internal::IsPmiFix(p.target);
  p.changed_id = pmi ? "pmi:" + p.target.user_id : p.target.meeting_id;
  p.covers = kFixCoversPasscode | (p.target.leaked.start_link ? kFixCoversStartLink : 0) |
             (o.plan.changes_pmi ? kFixCoversPmi : 0);
  if (p.target.leaked.passcode && !pmi)
    o.checks.push_back("GET " + internal::MeetingPath(p.target) +
                       ": only while the published passcode is still the meeting's current one");
  o.checks.push_back("at most one change of this meeting per day, and at most " +
                     std::to_string(options_.user_daily_limit) + " meeting updates for " +
                     p.target.user_id + " per day (Zoom's limit, reset at 00:00 UTC)");
  if (!options_.apply) return o;
  return Apply(c, std::move(o), p);
}

// The published passcode against the one Zoom has now; `skip` says why not.
Status Fixer::CheckPasscodeIsCurrent(const FixCandidate& c, const Prepared& p, std::string* skip) {
  if (c.leak.passcode_digests.empty()) {
    *skip =
        "the leak was recorded before meetleak kept published passcodes' hashes: it cannot tell "
        "whether the published passcode is still current; the next sighting records it";
    return Status::OK();
  }
  const std::string path = internal::MeetingPath(p.target);
  Result<Answer> a = client_->Call("GET", path);
  if (!a.ok()) return a.status();
  if (a->status >= 300) return Status::Unavailable("GET " + path + ": " + internal::AnswerText(*a));
  for (const char* field : {"encrypted_password", "password", "pstn_password"}) {
    auto it = a->body.find(field);
    if (it == a->body.end() || !it->is_string()) continue;
    for (const std::string& d : c.leak.passcode_digests)
      if (d == it->get_ref<const std::string&>()) return Status::OK();
  }
  *skip =
      "the published passcode is not the meeting's current one (already changed, or never "
      "its passcode): nothing to rotate";
  return Status::OK();
}

FixOutcome Fixer::Apply(const FixCandidate& c, FixOutcome o, const Prepared& p) {
  const std::string& user = p.target.user_id;
  auto end = [&o](FixResult r, std::string message) {
    o.result = r;
    o.message = std::move(message);
    return o;
  };
  LeakFix done{.leak_id = c.leak.id, .user = user, .meeting_id = p.changed_id, .covers = p.covers};
  if (auto it = changed_.find(p.changed_id); it != changed_.end()) {
    done.note = "covered by the change made for leak " + std::to_string(it->second) + " by `" +
                options_.command + "`";
    for (const std::string& advice : o.plan.advice) done.note += ". " + advice;
    done.resolved = true;
    Status s = journal_->Record(done);
    if (!s.ok()) return end(FixResult::kFailed, s.message());
    return end(FixResult::kApplied, done.note);
  }
  Result<std::optional<Clock::TimePoint>> last = journal_->LastUpdate(p.changed_id);
  if (!last.ok()) return end(FixResult::kFailed, last.status().message());
  if (*last && clock_->Now() - **last < internal::kOncePerMeeting)
    return end(FixResult::kSkipped, "meetleak changed this meeting at " + internal::Iso(**last) +
                                        ", less than a day ago: not again before " +
                                        internal::Iso(**last + internal::kOncePerMeeting));
  Result<int> used = journal_->UpdatesSince(user, internal::StartOfUtcDay(clock_->Now()));
  if (!used.ok()) return end(FixResult::kFailed, used.status().message());
  if (*used + static_cast<int>(o.plan.calls.size()) > options_.user_daily_limit)
    return end(FixResult::kFailed, "Zoom's limit of " + std::to_string(options_.user_daily_limit) +
                                       " meeting updates per user per day is reached for " + user +
                                       ": run fix again after 00:00 UTC");
  if (p.target.leaked.passcode && !internal::IsPmiFix(p.target)) {
    std::string skip;
    Status s = CheckPasscodeIsCurrent(c, p, &skip);
    if (!s.ok()) return end(FixResult::kFailed, s.message());
    if (!skip.empty()) return end(FixResult::kSkipped, skip);
  }
  PasscodeRules rules;
  if (o.plan.rotates_passcode) {
    Result<Answer> settings = client_->Call("GET", "/users/" + user + "/settings");
    if (!settings.ok()) return end(FixResult::kFailed, settings.status().message());
    if (settings->status < 300) rules = PasscodeRulesFrom(settings->body);
  }
  std::string failure;
  for (const ApiCall& call : o.plan.calls) {
    const std::string what = call.method + " " + call.path;
    Result<ApiCall> filled = FillGenerated(call, rules);
    if (!filled.ok()) {
      failure = what + ": " + filled.status().message();
      break;
    }
    Result<Answer> a = client_->Call(call.method, call.path, &filled->body);
    internal::WipeJson(filled->body);
    if (!a.ok()) {
      failure = a.status().message();
      break;
    }
    if (a->status >= 300) {
      failure = what + ": Zoom refused it (" + internal::AnswerText(*a) + ")";
      break;
    }
    done.calls.push_back(what);
    done.note += (done.note.empty() ? "" : "; ") + what + ": " + internal::Describe(call) + " (" +
                 internal::AnswerText(*a) + ")";
  }
  done.resolved = failure.empty();
  if (!done.calls.empty()) {
    done.note += " \xE2\x80\x94 by `" + options_.command + "`";
    if (!done.resolved) done.note += "; then failed: " + failure;
    for (const std::string& advice : o.plan.advice) done.note += ". " + advice;
    Status s = journal_->Record(done);
    if (!s.ok()) return end(FixResult::kFailed, s.message());
  }
  if (!done.resolved) return end(FixResult::kFailed, failure);
  changed_[p.changed_id] = c.leak.id;
  return end(FixResult::kApplied, done.note);
}

}  // namespace meetleak::zoom
