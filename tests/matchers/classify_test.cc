// The severity table, company/owner rules, and MergeOnPage.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "matchers/inventory.h"
#include "matchers/matcher.h"
#include "matchers/page_ref.h"

namespace meetleak {
namespace {

Inventory TestInventory() {
  Inventory inv =
      Inventory::FromRows({{"111111111", "ana@acme.example", "", MeetingKind::kScheduled},
                           {"222222222", "bo@acme.example", "", MeetingKind::kRecurring},
                           {"333333333", "cy@acme.example", "", MeetingKind::kPmi},
                           {"444444444", "di@acme.example", "", MeetingKind::kWebinar}},
                          {{"ana.smith", "ana@acme.example"}});
  inv.set_company_domains({"Acme-Corp.zoom.us"});
  inv.set_security_contact("secops@acme.example");
  return inv;
}

MeetingRef Ref(RefForm form, LinkType type, std::string host, KeyKind kind, std::string key,
               bool passcode = false) {
  MeetingRef r;
  r.form = form;
  r.link_type = type;
  r.host = std::move(host);
  r.key_kind = kind;
  r.key = std::move(key);
  r.has_passcode = passcode;
  r.has_start_token = type == LinkType::kStart;
  return r;
}

MeetingRef Url(LinkType t, std::string host, std::string id, bool pass = false) {
  return Ref(RefForm::kUrl, t, std::move(host), KeyKind::kMeetingId, std::move(id), pass);
}
MeetingRef Text(std::string id, bool pass = false) {
  return Ref(RefForm::kIdText, LinkType::kNone, "", KeyKind::kMeetingId, std::move(id), pass);
}
MeetingRef Dial(std::string id, bool pass = false) {
  return Ref(RefForm::kDialIn, LinkType::kNone, "", KeyKind::kMeetingId, std::move(id), pass);
}

struct SeverityRow {
  std::string name;
  MeetingRef ref;
  std::string owner;  // "" = not the company's
  Severity severity;
};

void PrintTo(const SeverityRow& row, std::ostream* os) { *os << row.name; }

std::vector<SeverityRow> Rows() {
  using LT = LinkType;
  const std::string acme = "acme-corp.zoom.us";
  return {
      {"join_scheduled", Url(LT::kJoin, "zoom.us", "111111111"), "ana@acme.example",
       Severity::kHigh},
      {"join_with_passcode", Url(LT::kJoin, "zoom.us", "111111111", true), "ana@acme.example",
       Severity::kCritical},
      {"start_link", Url(LT::kStart, "us02web.zoom.us", "111111111"), "ana@acme.example",
       Severity::kCritical},
      {"text_scheduled", Text("111111111"), "ana@acme.example", Severity::kMedium},
      {"text_with_passcode_line", Text("111111111", true), "ana@acme.example", Severity::kCritical},
      {"dial_scheduled", Dial("111111111"), "ana@acme.example", Severity::kMedium},
      {"dial_with_passcode", Dial("111111111", true), "ana@acme.example", Severity::kCritical},
      {"register_scheduled_id", Url(LT::kRegister, "zoom.us", "111111111"), "ana@acme.example",
       Severity::kLow},
      {"text_recurring", Text("222222222"), "bo@acme.example", Severity::kHigh},
      {"register_recurring", Url(LT::kRegister, "zoom.us", "222222222"), "bo@acme.example",
       Severity::kHigh},
      {"text_pmi", Text("333333333"), "cy@acme.example", Severity::kCritical},
      {"dial_pmi", Dial("333333333"), "cy@acme.example", Severity::kCritical},
      {"text_webinar", Text("444444444"), "di@acme.example", Severity::kMedium},
      {"webinar_link", Url(LT::kWebinar, "zoom.us", "444444444"), "di@acme.example",
       Severity::kHigh},
      {"app_join", Ref(RefForm::kAppLink, LT::kJoin, "", KeyKind::kMeetingId, "111111111"),
       "ana@acme.example", Severity::kHigh},
      {"personal_link_listed",
       Ref(RefForm::kUrl, LT::kPersonal, "zoom.us", KeyKind::kVanity, "ana.smith"),
       "ana@acme.example", Severity::kCritical},
      {"company_domain_personal",
       Ref(RefForm::kUrl, LT::kPersonal, acme, KeyKind::kVanity, "someone"), "secops@acme.example",
       Severity::kCritical},
      {"company_domain_join", Url(LT::kJoin, acme, "999999999"), "secops@acme.example",
       Severity::kHigh},
      {"company_domain_join_pwd", Url(LT::kJoin, acme, "999999999", true), "secops@acme.example",
       Severity::kCritical},
      {"company_domain_start", Url(LT::kStart, acme, "999999999"), "secops@acme.example",
       Severity::kCritical},
      {"company_domain_register",
       Ref(RefForm::kUrl, LT::kRegister, acme, KeyKind::kToken, "tZ0ldO6hrjMt"),
       "secops@acme.example", Severity::kLow},
      {"company_domain_recording",
       Ref(RefForm::kUrl, LT::kRecording, acme, KeyKind::kToken, "AbCdEfGhIjKl"),
       "secops@acme.example", Severity::kHigh},
      {"company_domain_app_start",
       Ref(RefForm::kAppLink, LT::kStart, acme, KeyKind::kMeetingId, "999999999"),
       "secops@acme.example", Severity::kCritical},
      {"other_host_join", Url(LT::kJoin, "other.zoom.us", "999999999", true), "", Severity::kInfo},
      {"other_register",
       Ref(RefForm::kUrl, LT::kRegister, "zoom.us", KeyKind::kToken, "tZ0ldO6hrjMt"), "",
       Severity::kInfo},
      {"unknown_text", Text("999999999", true), "", Severity::kInfo},
      {"unknown_vanity", Ref(RefForm::kUrl, LT::kPersonal, "zoom.us", KeyKind::kVanity, "bob"), "",
       Severity::kInfo},
      {"company_host_suffix_is_not_company", Url(LT::kJoin, "x.acme-corp.zoom.us", "999999999"), "",
       Severity::kInfo},
  };
}

class SeverityTest : public ::testing::TestWithParam<SeverityRow> {};

TEST_P(SeverityTest, FollowsTheDesignTable) {
  Inventory inv = TestInventory();
  const SeverityRow& row = GetParam();
  Classification c = inv.Classify(row.ref);
  EXPECT_EQ(c.company, !row.owner.empty());
  EXPECT_EQ(c.owner, row.owner);
  EXPECT_EQ(ToString(c.severity), ToString(row.severity));
  if (!c.company) {
    EXPECT_EQ(c.meeting_kind, MeetingKind::kUnknown);
  }
}

INSTANTIATE_TEST_SUITE_P(Table, SeverityTest, ::testing::ValuesIn(Rows()),
                         [](const auto& info) { return info.param.name; });

TEST(Classify, MeetingKindComesFromTheInventory) {
  Inventory inv = TestInventory();
  EXPECT_EQ(inv.Classify(Text("222222222")).meeting_kind, MeetingKind::kRecurring);
  EXPECT_EQ(inv.Classify(Ref(RefForm::kUrl, LinkType::kPersonal, "zoom.us", KeyKind::kVanity,
                             "ANA.SMITH"))
                .meeting_kind,
            MeetingKind::kPmi);
}

RefOccurrence Occ(MeetingRef ref, std::size_t offset, std::string context, std::string entry = "") {
  ref.offset = offset;
  ref.context = std::move(context);
  return {std::move(ref), std::move(entry)};
}

TEST(MergeOnPage, OneFindingPerKeyWithTheMostSevereOccurrence) {
  Inventory inv = TestInventory();
  std::vector<RefOccurrence> occ = {
      Occ(Text("111111111"), 10, "text", "https://example.org/e1"),
      Occ(Url(LinkType::kJoin, "zoom.us", "222222222"), 20, "other key"),
      Occ(Url(LinkType::kJoin, "zoom.us", "111111111"), 30, "join link"),
      Occ(Dial("111111111", true), 40, "dial with passcode", "https://example.org/e2"),
      Occ(Url(LinkType::kJoin, "zoom.us", "111111111"), 50, "join again"),
  };
  std::vector<PageRef> pages = MergeOnPage(occ, inv);
  ASSERT_EQ(pages.size(), 2u);
  const PageRef& a = pages[0];
  EXPECT_EQ(a.key, "111111111");
  EXPECT_EQ(a.occurrences, 4);
  EXPECT_TRUE(a.has_passcode);
  EXPECT_EQ(a.form, RefForm::kDialIn);
  EXPECT_EQ(a.context, "dial with passcode");
  EXPECT_EQ(a.classification.severity, Severity::kCritical);
  EXPECT_EQ(a.classification.owner, "ana@acme.example");
  EXPECT_EQ(a.entry_url, "https://example.org/e2");
  EXPECT_EQ(pages[1].key, "222222222");
  EXPECT_EQ(pages[1].occurrences, 1);
}

TEST(MergeOnPage, JoinAndStartOfOneMeetingOnAnyHostAreOne) {
  Inventory inv = TestInventory();
  std::vector<RefOccurrence> occ = {
      Occ(Url(LinkType::kJoin, "zoom.us", "999999999"), 1, "join", "https://example.org/e1"),
      Occ(Url(LinkType::kStart, "acme-corp.zoom.us", "999999999"), 2, "start"),
  };
  std::vector<PageRef> pages = MergeOnPage(occ, inv);
  ASSERT_EQ(pages.size(), 1u);
  EXPECT_EQ(pages[0].link_type, LinkType::kStart);
  EXPECT_EQ(pages[0].host, "acme-corp.zoom.us");
  EXPECT_TRUE(pages[0].has_start_token);
  EXPECT_EQ(pages[0].classification.owner, "secops@acme.example");
  // The most severe occurrence has no entry; another one does.
  EXPECT_EQ(pages[0].entry_url, "https://example.org/e1");
}

TEST(MergeOnPage, TiesKeepTheFirstAndKeyKindsStayApart) {
  Inventory inv;
  std::vector<RefOccurrence> occ = {
      Occ(Text("555555555"), 1, "first"),
      Occ(Dial("555555555"), 2, "second"),
      Occ(Ref(RefForm::kUrl, LinkType::kRegister, "zoom.us", KeyKind::kToken, "555555555"), 3,
          "token"),
  };
  std::vector<PageRef> pages = MergeOnPage(occ, inv);
  ASSERT_EQ(pages.size(), 2u);
  EXPECT_EQ(pages[0].context, "first");
  EXPECT_EQ(pages[0].form, RefForm::kIdText);
  EXPECT_EQ(pages[0].classification.severity, Severity::kInfo);
  EXPECT_EQ(pages[1].key_kind, KeyKind::kToken);
}

TEST(MergeOnPage, FromRealMatches) {
  Matcher m;
  Inventory inv = TestInventory();
  std::string page =
      "Join https://zoom.us/j/222222222 — Meeting ID: 222 222 222 Passcode: 42424242";
  std::vector<RefOccurrence> occ;
  for (MeetingRef& r : m.Find(page, &inv)) occ.push_back({std::move(r), ""});
  ASSERT_EQ(occ.size(), 2u);
  std::vector<PageRef> pages = MergeOnPage(occ, inv);
  ASSERT_EQ(pages.size(), 1u);
  EXPECT_TRUE(pages[0].has_passcode);
  EXPECT_EQ(pages[0].classification.severity, Severity::kCritical);
  EXPECT_EQ(pages[0].form, RefForm::kIdText);
  EXPECT_EQ(pages[0].context.find("42424242"), std::string::npos);
}

}  // namespace
}  // namespace meetleak

namespace meetleak {
namespace {

// Zoom's settings and state change a leak's danger (design: Zoom integration).
TEST(ZoomSeverityTest, AnOpenRoomIsCriticalInAnyFormAndAnExpiredMeetingIsLow) {
  InventoryMeeting open{.meeting_id = "555555555",
                        .owner_email = "ed@acme.example",
                        .kind = MeetingKind::kScheduled,
                        .source = RowSource::kZoom,
                        .passcode_set = false,
                        .waiting_room = false,
                        .join_before_host = true};
  InventoryMeeting guarded = open;
  guarded.meeting_id = "666666666";
  guarded.waiting_room = true;
  InventoryMeeting expired = open;
  expired.meeting_id = "777777777";
  expired.expired_at = 1790000000;
  Inventory inv = Inventory::FromRows({open, guarded, expired}, {});
  MeetingRef text = Ref(RefForm::kIdText, LinkType::kNone, "", KeyKind::kMeetingId, "555555555");
  Classification c = inv.Classify(text);
  EXPECT_EQ(c.severity, Severity::kCritical) << "an ID in text opens a room anyone can walk into";
  EXPECT_EQ(c.severity_reason, "no passcode, no waiting room, join before host on");
  text.key = "666666666";
  EXPECT_EQ(inv.Classify(text).severity, Severity::kMedium) << "the waiting room guards it";
  MeetingRef start = Url(LinkType::kStart, "acme-corp.zoom.us", "777777777");
  Classification e = inv.Classify(start);
  EXPECT_TRUE(e.company);
  EXPECT_EQ(e.owner, "ed@acme.example") << "an expired meeting keeps its owner";
  EXPECT_EQ(e.severity, Severity::kLow);
  EXPECT_EQ(e.severity_reason, kMeetingExpired);
}

TEST(ZoomSeverityTest, AZoomRowWinsOverACsvRowForTheSameMeeting) {
  InventoryMeeting csv{"555555555", "old@acme.example", "", MeetingKind::kScheduled};
  InventoryMeeting zoom{.meeting_id = "555555555",
                        .owner_email = "ed@acme.example",
                        .kind = MeetingKind::kRecurring,
                        .source = RowSource::kZoom};
  Inventory inv = Inventory::FromRows({csv, zoom}, {});
  ASSERT_NE(inv.FindMeeting("555555555"), nullptr);
  EXPECT_EQ(inv.FindMeeting("555555555")->owner_email, "ed@acme.example");
  EXPECT_EQ(inv.meetings().size(), 1u);
}

}  // namespace
}  // namespace meetleak
