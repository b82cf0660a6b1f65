// Vendor context, gitleaks style: for each vendor, invitations that are
// Zoom's (true samples) and the same shapes in that vendor's invitation
// (false samples). The inventory-ID rule holds in both.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "matchers/inventory.h"
#include "matchers/matcher.h"

namespace meetleak {
namespace {

const Matcher& TheMatcher() {
  static const Matcher* m = new Matcher();
  return *m;
}

struct VendorRow {
  std::string name;
  std::string text;
  std::string zoom_key;  // the Zoom reference expected, or "" for none
};

void PrintTo(const VendorRow& row, std::ostream* os) { *os << row.name; }

std::vector<VendorRow> Rows() {
  return {
      // Microsoft Teams
      {"teams_meeting_id",
       "Microsoft Teams meeting\nClick here to join the meeting\nMeeting ID: 412 903 118\n"
       "Passcode: x7Yz2Q",
       ""},
      {"teams_link_meeting_id",
       "https://teams.microsoft.com/l/meetup-join/19%3ameeting_x%40thread.v2/0\n"
       "Meeting ID: 412 903 118",
       ""},
      {"teams_one_tap",
       "+1 555-010-2233,,613574920# United States\nPhone conference ID: 613 574 920#", ""},
      {"teams_after_zoom_wording_far",
       "Join Zoom Meeting ... " + std::string(1100, ' ') +
           "Microsoft Teams\nMeeting ID: 412 903 118",
       ""},
      {"zoom_meeting_id",
       "Join Zoom Meeting\nhttps://zoom.us/j/41290311812\nMeeting ID: 412 903 118", "412903118"},
      {"zoom_id_then_teams_later",
       "Join Zoom Meeting\nMeeting ID: 412 903 118\nPasscode: 1\n\nMicrosoft Teams meeting",
       "412903118"},
      // Cisco Webex
      {"webex_meeting_id_field",
       R"({"meetingId": "173 220 4481", "webLink": "https://acme.webex.com/acme/j.php?MTID=m1"})",
       ""},
      {"webex_invitation",
       "Cisco Webex Meetings\nJoin meeting: https://acme.webex.com/meet/x\nMeeting ID: 173 220 "
       "4481",
       ""},
      {"webex_one_tap", "Webex: tap to join from a mobile device +1-408-418-9388,,1732204481##",
       ""},
      {"zoom_meeting_id_field",
       R"({"meetingId": "173 220 4481", "join_url": "https://zoom.us/j/1"})", "1732204481"},
      // BlueJeans
      {"bluejeans_one_touch", "+14087407256,,,712649301#", ""},
      {"bluejeans_marker", "BlueJeans: +1 212 555 0100,,712649301#", ""},
      {"zoom_one_tap", "+16699009128,,712649301# US (San Jose)", "712649301"},
      {"zoom_one_tap_unknown_number", "One tap mobile\n+15550100000,,712649301#", "712649301"},
      // GoTo
      {"goto_meeting",
       "GoToMeeting\nhttps://global.gotomeeting.com/join/712649301\n"
       "Meeting ID: 712 649 301",
       ""},
      {"goto_one_tap", "GoTo Meeting: +1 (571) 317-3122,,712649301#", ""},
      // Google Meet
      {"google_meet_pin",
       "meet.google.com/abc-defg-hij\nJoin by phone +1 262-555-0132 "
       "PIN: 928 301 776#\ntel:+1-262-555-0132,,928301776#",
       ""},
      {"zoom_after_google_meet",
       "meet.google.com/abc-defg-hij\n\nJoin Zoom Meeting https://zoom.us/j/92830177600\n"
       "Meeting ID: 928 301 776",
       "928301776"},
      // no vendor marker at all: a Zoom label is Zoom's wording
      {"bare_zoom_label", "Meeting ID: 928 301 776", "928301776"},
  };
}

class VendorContextTest : public ::testing::TestWithParam<VendorRow> {};

TEST_P(VendorContextTest, ZoomOnlyInZoomsInvitation) {
  const VendorRow& row = GetParam();
  std::vector<MeetingRef> refs = TheMatcher().Find(row.text);
  std::vector<std::string> number_keys;
  for (const MeetingRef& r : refs)
    if (r.form == RefForm::kIdText || r.form == RefForm::kDialIn) number_keys.push_back(r.key);
  if (row.zoom_key.empty()) {
    EXPECT_TRUE(number_keys.empty()) << "found " << number_keys[0];
  } else {
    EXPECT_NE(std::find(number_keys.begin(), number_keys.end(), row.zoom_key), number_keys.end());
  }
  EXPECT_EQ(TheMatcher().FindSlow(row.text).size(), refs.size());
}

TEST_P(VendorContextTest, InventoryIdIsTheCompanysAnywhere) {
  const VendorRow& row = GetParam();
  Inventory inv =
      Inventory::FromRows({{"412903118", "a@acme.example", "", MeetingKind::kScheduled},
                           {"1732204481", "a@acme.example", "", MeetingKind::kScheduled},
                           {"712649301", "a@acme.example", "", MeetingKind::kScheduled},
                           {"928301776", "a@acme.example", "", MeetingKind::kScheduled},
                           {"613574920", "a@acme.example", "", MeetingKind::kScheduled}},
                          {});
  std::vector<MeetingRef> refs = TheMatcher().Find(row.text, &inv);
  EXPECT_FALSE(refs.empty()) << row.text;
}

INSTANTIATE_TEST_SUITE_P(Vendors, VendorContextTest, ::testing::ValuesIn(Rows()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace meetleak
