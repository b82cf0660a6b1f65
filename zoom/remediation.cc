// zoom::PlanFix and the random values of a fix (zoom/remediation.h).
#include "zoom/remediation.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>

#include "base/ascii.h"

namespace meetleak::zoom {

namespace internal {
namespace {

using nlohmann::json;

constexpr std::string_view kLetters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
constexpr std::string_view kDigits = "0123456789";
constexpr std::string_view kSpecial = "@-_*";
constexpr std::size_t kMaxPasscode = 10;
constexpr int kMaxDraws = 1000;  // rejection sampling gives up (never seen: p < 1e-100)

// A uniform index below `n` from the CSPRNG (rejection of the biased tail).
Result<std::size_t> RandomBelow(std::size_t n) {
  const unsigned limit = 256 - 256 % static_cast<unsigned>(n);
  for (int i = 0; i < kMaxDraws; ++i) {
    unsigned char b = 0;
    if (RAND_bytes(&b, 1) != 1) return Status::Internal("the system's random generator failed");
    if (b < limit) return static_cast<std::size_t>(b) % n;
  }
  return Status::Internal("the system's random generator failed");
}

// A run of `n` characters each equal to, or one above, or one below, the one
// before it (the same step all along).
bool HasRun(std::string_view s, int n) {
  if (n <= 1) return n == 1 && !s.empty();
  int same = 1, up = 1, down = 1;
  for (std::size_t i = 1; i < s.size(); ++i) {
    same = s[i] == s[i - 1] ? same + 1 : 1;
    up = s[i] == s[i - 1] + 1 ? up + 1 : 1;
    down = s[i] + 1 == s[i - 1] ? down + 1 : 1;
    if (same >= n || up >= n || down >= n) return true;
  }
  return false;
}

const json& Child(const json& j, std::string_view key) {
  static const json kNull;
  if (!j.is_object()) return kNull;
  auto it = j.find(key);
  return it == j.end() ? kNull : *it;
}

bool Flag(const json& j, std::string_view key) {
  const json& v = Child(j, key);
  return v.is_boolean() && v.get<bool>();
}

int Int(const json& j, std::string_view key) {
  const json& v = Child(j, key);
  return v.is_number_integer() ? v.get<int>() : 0;
}

ApiCall MeetingPatch(const FixTarget& t) {
  const bool webinar = t.kind == MeetingKind::kWebinar;
  json body = {{"password", kGenerated}, {"settings", {{"waiting_room", true}}}};
  if (webinar) body = {{"password", kGenerated}};  // webinars have no waiting room
  return {"PATCH", (webinar ? "/webinars/" : "/meetings/") + t.meeting_id, std::move(body)};
}

}  // namespace
}  // namespace internal

using internal::HasRun;

PasscodeRules PasscodeRulesFrom(const nlohmann::json& user_settings) {
  using internal::Child;
  const nlohmann::json* req =
      &Child(Child(user_settings, "schedule_meeting"), "meeting_password_requirement");
  if (!req->is_object())
    req = &Child(Child(user_settings, "meeting_security"), "meeting_password_requirement");
  PasscodeRules r;
  if (int len = internal::Int(*req, "length"); len > 0)
    r.min_length = std::min<int>(len, internal::kMaxPasscode);
  r.letter = internal::Flag(*req, "have_letter");
  r.number = internal::Flag(*req, "have_number");
  r.special = internal::Flag(*req, "have_special_character");
  r.upper_and_lower = internal::Flag(*req, "have_upper_and_lower_characters");
  r.only_numeric = internal::Flag(*req, "only_allow_numeric");
  r.max_consecutive = internal::Int(*req, "consecutive_characters_length");
  return r;
}

bool MeetsRules(std::string_view p, const PasscodeRules& rules) {
  if (p.empty() || p.size() > internal::kMaxPasscode) return false;
  if (static_cast<int>(p.size()) < std::min<int>(rules.min_length, internal::kMaxPasscode))
    return false;
  bool letter = false, digit = false, special = false, upper = false, lower = false;
  for (char c : p) {
    if (ascii::IsAlpha(c)) letter = true;
    if (ascii::IsUpper(c)) upper = true;
    if (ascii::IsLower(c)) lower = true;
    if (ascii::IsDigit(c)) digit = true;
    if (internal::kSpecial.find(c) != std::string_view::npos) special = true;
    if (!ascii::IsAlpha(c) && !ascii::IsDigit(c) &&
        internal::kSpecial.find(c) == std::string_view::npos)
      return false;
  }
  if (rules.only_numeric) return !letter && !special;
  if (!letter || !digit) return false;  // ours always mix both
  if (rules.special && !special) return false;
  if (rules.upper_and_lower && !(upper && lower)) return false;
  return !(rules.max_consecutive > 1 && HasRun(p, rules.max_consecutive)) && !HasRun(p, 4);
}

Result<std::string> NewPasscode(const PasscodeRules& rules) {
  std::string alphabet(internal::kDigits);
  if (!rules.only_numeric) {
    alphabet += internal::kLetters;
    if (rules.special) alphabet += internal::kSpecial;
  }
  for (int draw = 0; draw < internal::kMaxDraws; ++draw) {
    std::string p(internal::kMaxPasscode, '0');
    for (char& c : p) {
      Result<std::size_t> i = internal::RandomBelow(alphabet.size());
      if (!i.ok()) return i.status();
      c = alphabet[*i];
    }
    if (MeetsRules(p, rules)) return p;
    OPENSSL_cleanse(p.data(), p.size());
  }
  return Status::Internal("no passcode meets the account's rules");
}

bool IsAcceptablePmi(std::string_view pmi) {
  if (pmi.size() != 10 || pmi[0] == '0' || pmi[0] == '1') return false;
  for (char c : pmi)
    if (!ascii::IsDigit(c)) return false;
  return !HasRun(pmi, 3);
}

Result<std::string> NewPmi() {
  for (int draw = 0; draw < internal::kMaxDraws; ++draw) {
    std::string pmi(10, '0');
    for (char& c : pmi) {
      Result<std::size_t> i = internal::RandomBelow(10);
      if (!i.ok()) return i.status();
      c = static_cast<char>('0' + *i);
    }
    if (IsAcceptablePmi(pmi)) return pmi;
  }
  return Status::Internal("no acceptable PMI drawn");
}

FixPlan PlanFix(const FixTarget& t, const FixOptions& options) {
  FixPlan plan;
  const bool pmi = t.kind == MeetingKind::kPmi || t.leaked.personal_link;
  if (t.leaked.start_link)
    plan.why = "A host start link was published: whoever has it can start the meeting as its host.";
  else if (t.leaked.passcode)
    plan.why = "The meeting's passcode was published: anyone with the page can join.";
  else if (pmi)
    plan.why =
        "A personal meeting ID was published: it is the same room for every meeting its "
        "owner hosts on it.";
  else
    plan.why = "A join link was published: anyone with it can join.";
  if (t.expired) {
    plan.skipped = "the meeting has expired in Zoom: nothing to change";
    return plan;
  }
  if (pmi) {
    plan.advice.push_back(
        "Move public events off the personal meeting ID: schedule a meeting "
        "with its own ID, a passcode and the waiting room.");
    if (t.leaked.personal_link)
      plan.advice.push_back(
          "The personal link name follows the PMI: choose a new one in the "
          "Zoom profile, or every old link keeps opening the new room.");
    if (!options.allow_pmi_change) {
      plan.skipped =
          "changing a PMI breaks every link to it: run with --allow-pmi-change, or "
          "let the owner change it in the Zoom profile";
      plan.advice.push_back("Change the PMI in the Zoom profile and require its passcode.");
      return plan;
    }
    plan.calls.push_back({"PATCH", "/users/" + t.user_id, {{"pmi", kGenerated}}});
    plan.calls.push_back(
        {"PATCH",
         "/users/" + t.user_id + "/settings",
         {{"schedule_meeting",
           {{"require_password_for_pmi_meetings", "all"}, {"pmi_password", kGenerated}}}}});
    plan.changes_pmi = plan.rotates_passcode = true;
  } else {
    plan.calls.push_back(internal::MeetingPatch(t));
    plan.rotates_passcode = true;
  }
  if (t.leaked.start_link)
    plan.advice.push_back(
        "A start link carries a host token valid for 2 hours (90 days for "
        "users created through the API) that a new passcode does not revoke: "
        "sign out of all devices in the Zoom profile.");
  plan.advice.push_back(
      "Zoom does not resend invitations: send the new invitation to the "
      "invitees from Zoom.");
  return plan;
}

namespace {

// Replaces every kGenerated string in `j`, by key: "pmi" a new PMI (a
// number, as Zoom's API takes it), any other a new passcode.
Status Fill(nlohmann::json& j, const PasscodeRules& rules, std::string_view key) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it)
      MEETLEAK_RETURN_IF_ERROR(Fill(it.value(), rules, it.key()));
    return Status::OK();
  }
  if (!j.is_string() || j.get_ref<const std::string&>() != kGenerated) return Status::OK();
  if (key == "pmi") {
    Result<std::string> pmi = NewPmi();
    if (!pmi.ok()) return pmi.status();
    j = std::stoll(*pmi);
    return Status::OK();
  }
  Result<std::string> p = NewPasscode(rules);
  if (!p.ok()) return p.status();
  j = *p;
  OPENSSL_cleanse(p->data(), p->size());
  return Status::OK();
}

}  // namespace

Result<ApiCall> FillGenerated(const ApiCall& call, const PasscodeRules& rules) {
  ApiCall out = call;
  MEETLEAK_RETURN_IF_ERROR(Fill(out.body, rules, ""));
  return out;
}

}  // namespace meetleak::zoom
