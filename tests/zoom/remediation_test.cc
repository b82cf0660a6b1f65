// zoom::PlanFix and the generated values of a fix, checked against rules
// written here independently (regular expressions), not MeetsRules.
#include "zoom/remediation.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>

namespace meetleak::zoom {
namespace {

constexpr int kDraws = 2000;

// Repeated or sequential runs of `n` characters, by brute force.
bool HasRunOf(const std::string& s, int n) {
  for (std::size_t i = 0; i + n <= s.size(); ++i) {
    bool same = true, up = true, down = true;
    for (int k = 1; k < n; ++k) {
      same = same && s[i + k] == s[i];
      up = up && s[i + k] == s[i] + k;
      down = down && s[i + k] == s[i] - k;
    }
    if (same || up || down) return true;
  }
  return false;
}

TEST(PasscodeTest, StrictRulesGiveTenCharactersOfEveryRequiredClass) {
  PasscodeRules rules{.min_length = 8,
                      .letter = true,
                      .number = true,
                      .special = true,
                      .upper_and_lower = true,
                      .max_consecutive = 4};
  const std::regex allowed("^[A-Za-z0-9@_*-]{8,10}$"), upper("[A-Z]"), lower("[a-z]"),
      digit("[0-9]"), special("[@_*-]");
  std::set<std::string> seen;
  std::set<char> chars;
  for (int i = 0; i < kDraws; ++i) {
    Result<std::string> p = NewPasscode(rules);
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    ASSERT_TRUE(std::regex_match(*p, allowed)) << *p;
    EXPECT_TRUE(std::regex_search(*p, upper) && std::regex_search(*p, lower)) << *p;
    EXPECT_TRUE(std::regex_search(*p, digit)) << *p;
    EXPECT_TRUE(std::regex_search(*p, special)) << *p;
    EXPECT_FALSE(HasRunOf(*p, 4)) << *p;
    seen.insert(*p);
    chars.insert(p->begin(), p->end());
  }
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(kDraws)) << "passcodes repeat";
  EXPECT_EQ(chars.size(), 66u) << "every letter, digit and @-_* is drawn";
}

TEST(PasscodeTest, NumericOnlyAccountsGetDigits) {
  PasscodeRules rules{.min_length = 6, .only_numeric = true};
  for (int i = 0; i < kDraws; ++i) {
    Result<std::string> p = NewPasscode(rules);
    ASSERT_TRUE(p.ok());
    EXPECT_TRUE(std::regex_match(*p, std::regex("^[0-9]{6,10}$"))) << *p;
  }
}

TEST(PasscodeTest, RulesAreReadFromZoomsUserSettings) {
  const nlohmann::json settings = nlohmann::json::parse(R"({
    "schedule_meeting": {"meeting_password_requirement": {
      "length": 8, "have_letter": true, "have_number": true, "have_special_character": true,
      "only_allow_numeric": false, "have_upper_and_lower_characters": true,
      "consecutive_characters_length": 5, "weak_enhance_detection": true}}})");
  PasscodeRules r = PasscodeRulesFrom(settings);
  EXPECT_EQ(r.min_length, 8);
  EXPECT_TRUE(r.letter && r.number && r.special && r.upper_and_lower);
  EXPECT_FALSE(r.only_numeric);
  EXPECT_EQ(r.max_consecutive, 5);
  // A 12-character rule is more than a meeting passcode holds: 10.
  EXPECT_EQ(PasscodeRulesFrom(nlohmann::json::parse(
                                  R"({"meeting_security": {"meeting_password_requirement":
                                      {"length": 12, "only_allow_numeric": true}}})"))
                .min_length,
            10);
}

TEST(PmiTest, NewPmisAreTenDigitsNotStartingWith0Or1WithoutRuns) {
  std::set<std::string> seen;
  for (int i = 0; i < kDraws; ++i) {
    Result<std::string> pmi = NewPmi();
    ASSERT_TRUE(pmi.ok());
    ASSERT_TRUE(std::regex_match(*pmi, std::regex("^[2-9][0-9]{9}$"))) << *pmi;
    EXPECT_FALSE(HasRunOf(*pmi, 3)) << *pmi;
    seen.insert(*pmi);
  }
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(kDraws));
  EXPECT_FALSE(IsAcceptablePmi("1234567890"));
  EXPECT_FALSE(IsAcceptablePmi("2111456789"));
  EXPECT_FALSE(IsAcceptablePmi("2468976540")) << "654: a descending run";
  EXPECT_TRUE(IsAcceptablePmi("2468972520"));
}

TEST(PlanFixTest, APublishedPasscodeRotatesTheWholeSeriesWithTheWaitingRoomOn) {
  FixPlan plan = PlanFix(
      {.meeting_id = "85512345678", .kind = MeetingKind::kRecurring, .leaked = {.passcode = true}},
      {});
  ASSERT_EQ(plan.calls.size(), 1u);
  EXPECT_EQ(plan.calls[0].method, "PATCH");
  EXPECT_EQ(plan.calls[0].path, "/meetings/85512345678") << "no occurrence_id: the series";
  EXPECT_EQ(
      plan.calls[0].body,
      nlohmann::json::parse(R"({"password":"…generated…","settings":{"waiting_room":true}})"));
  EXPECT_TRUE(plan.rotates_passcode);
  EXPECT_NE(plan.advice.back().find("invitation"), std::string::npos);
}

TEST(PlanFixTest, AWebinarIsPatchedAsAWebinar) {
  FixPlan plan = PlanFix(
      {.meeting_id = "91234567890", .kind = MeetingKind::kWebinar, .leaked = {.passcode = true}},
      {});
  ASSERT_EQ(plan.calls.size(), 1u);
  EXPECT_EQ(plan.calls[0].path, "/webinars/91234567890");
}

TEST(PlanFixTest, AStartLinkSaysTheHostTokenOutlivesTheNewPasscode) {
  FixPlan plan = PlanFix({.meeting_id = "85512345678",
                          .kind = MeetingKind::kScheduled,
                          .leaked = {.start_link = true}},
                         {});
  ASSERT_EQ(plan.calls.size(), 1u);
  EXPECT_NE(plan.why.find("start the meeting as its host"), std::string::npos);
  bool sign_out = false;
  for (const std::string& a : plan.advice)
    sign_out = sign_out || (a.find("sign out of all devices") != std::string::npos &&
                            a.find("2 hours") != std::string::npos);
  EXPECT_TRUE(sign_out);
}

TEST(PlanFixTest, APmiChangesOnlyWithTheFlag) {
  const FixTarget pmi{.meeting_id = "5550001111",
                      .kind = MeetingKind::kPmi,
                      .user_id = "u1AbCd",
                      .leaked = {.personal_link = true}};
  FixPlan advice_only = PlanFix(pmi, {});
  EXPECT_TRUE(advice_only.calls.empty());
  EXPECT_NE(advice_only.skipped.find("--allow-pmi-change"), std::string::npos);
  FixPlan plan = PlanFix(pmi, {.allow_pmi_change = true});
  ASSERT_EQ(plan.calls.size(), 2u);
  EXPECT_EQ(plan.calls[0].path, "/users/u1AbCd");
  EXPECT_EQ(plan.calls[0].body, nlohmann::json::parse(R"({"pmi":"…generated…"})"));
  EXPECT_EQ(plan.calls[1].path, "/users/u1AbCd/settings");
  EXPECT_TRUE(plan.changes_pmi);
  bool new_name = false;
  for (const std::string& a : plan.advice)
    new_name = new_name || a.find("personal link name") != std::string::npos;
  EXPECT_TRUE(new_name) << "a leaked /my/NAME follows the PMI";
}

TEST(PlanFixTest, AnExpiredMeetingIsSkippedWithAReason) {
  FixPlan plan = PlanFix({.meeting_id = "85512345678",
                          .kind = MeetingKind::kScheduled,
                          .leaked = {.passcode = true},
                          .expired = true},
                         {});
  EXPECT_TRUE(plan.calls.empty());
  EXPECT_NE(plan.skipped.find("expired"), std::string::npos);
}

TEST(PlanFixTest, GeneratedValuesAreFilledOnlyAtSendTime) {
  FixPlan plan = PlanFix({.meeting_id = "5550001111",
                          .kind = MeetingKind::kPmi,
                          .user_id = "u1",
                          .leaked = {.passcode = true}},
                         {.allow_pmi_change = true});
  PasscodeRules rules{.min_length = 8, .special = true};
  Result<ApiCall> pmi = FillGenerated(plan.calls[0], rules);
  ASSERT_TRUE(pmi.ok());
  ASSERT_TRUE(pmi->body["pmi"].is_number_integer());
  EXPECT_TRUE(IsAcceptablePmi(std::to_string(pmi->body["pmi"].get<long long>())));
  Result<ApiCall> settings = FillGenerated(plan.calls[1], rules);
  ASSERT_TRUE(settings.ok());
  const std::string p = settings->body["schedule_meeting"]["pmi_password"];
  EXPECT_TRUE(std::regex_match(p, std::regex("^[A-Za-z0-9@_*-]{8,10}$"))) << p;
  EXPECT_TRUE(std::regex_search(p, std::regex("[@_*-]"))) << p;
  EXPECT_EQ(plan.calls[1].body["schedule_meeting"]["pmi_password"], "…generated…")
      << "the plan itself keeps the placeholder";
}

}  // namespace
}  // namespace meetleak::zoom
