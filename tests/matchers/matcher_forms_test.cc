// Every written form of a Zoom reference, each wrapper, and the look-alikes
// that must not match: one row per sample, gitleaks style.
#include <curl/curl.h>
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "base/url.h"
#include "matchers/inventory.h"
#include "matchers/matcher.h"

namespace meetleak {
namespace {

const Matcher& TheMatcher() {
  static const Matcher* m = new Matcher();
  return *m;
}

struct Want {
  RefForm form;
  LinkType link_type;
  std::string host;
  KeyKind key_kind;
  std::string key;
  bool passcode = false;
  bool start_token = false;
};

struct Row {
  std::string name;
  std::string text;
  Want want;
};

void PrintTo(const Row& row, std::ostream* os) { *os << row.name; }

Want Url(LinkType t, std::string host, std::string key, bool pass = false, bool start = false) {
  return {RefForm::kUrl, t, std::move(host), KeyKind::kMeetingId, std::move(key), pass, start};
}
Want UrlKey(LinkType t, std::string host, KeyKind kind, std::string key) {
  return {RefForm::kUrl, t, std::move(host), kind, std::move(key), false, false};
}
Want App(LinkType t, std::string host, std::string key, bool pass = false) {
  return {RefForm::kAppLink, t,    std::move(host),      KeyKind::kMeetingId,
          std::move(key),    pass, t == LinkType::kStart};
}
Want Text(std::string key, bool pass = false) {
  return {RefForm::kIdText, LinkType::kNone, "", KeyKind::kMeetingId, std::move(key), pass, false};
}
Want Dial(std::string key, bool pass = false) {
  return {RefForm::kDialIn, LinkType::kNone, "", KeyKind::kMeetingId, std::move(key), pass, false};
}

const char kId[] = "85512345678";
using LT = LinkType;

std::vector<Row> Positives() {
  return {
      {"join", "Join: https://zoom.us/j/85512345678 today", Url(LT::kJoin, "zoom.us", kId)},
      {"join_pwd", "https://us02web.zoom.us/j/85512345678?pwd=abcDEF123.1",
       Url(LT::kJoin, "us02web.zoom.us", kId, true)},
      {"no_scheme", "see zoom.us/j/85512345678.", Url(LT::kJoin, "zoom.us", kId)},
      {"upper", "HTTPS://ACME-CORP.ZOOM.US/J/85512345678",
       Url(LT::kJoin, "acme-corp.zoom.us", kId)},
      {"webinar", "https://acme-corp.zoom.us/w/85512345678?tk=abc",
       Url(LT::kStart, "acme-corp.zoom.us", kId, false, true)},
      {"webinar_plain", "https://acme-corp.zoom.us/w/85512345678",
       Url(LT::kWebinar, "acme-corp.zoom.us", kId)},
      {"start", "https://zoom.us/s/85512345678?zak=eyJabc",
       Url(LT::kStart, "zoom.us", kId, false, true)},
      {"join_zak", "https://zoom.us/j/85512345678?zak=xyz",
       Url(LT::kStart, "zoom.us", kId, false, true)},
      {"wc_join", "https://zoom.us/wc/join/85512345678", Url(LT::kJoin, "zoom.us", kId)},
      {"wc_id_join", "https://zoom.us/wc/85512345678/join?pwd=x",
       Url(LT::kJoin, "zoom.us", kId, true)},
      {"wc_id_start", "https://zoom.us/wc/85512345678/start",
       Url(LT::kStart, "zoom.us", kId, false, true)},
      {"launch", "https://zoom.us/launch/jc/85512345678", Url(LT::kJoin, "zoom.us", kId)},
      {"zoom_com", "https://zoom.com/j/123456789", Url(LT::kJoin, "zoom.com", "123456789")},
      {"zoomgov", "https://agency.zoomgov.com/j/1612345678",
       Url(LT::kJoin, "agency.zoomgov.com", "1612345678")},
      {"zoom_cn", "https://www.zoom.com.cn/j/85512345678", Url(LT::kJoin, "www.zoom.com.cn", kId)},
      {"port", "https://zoom.us:443/j/85512345678", Url(LT::kJoin, "zoom.us", kId)},
      {"personal", "https://zoom.us/my/Ana.Smith",
       UrlKey(LT::kPersonal, "zoom.us", KeyKind::kVanity, "ana.smith")},
      {"register_token", "https://zoom.us/meeting/register/tZ0ldO6hrjMtHtXGBvLqdC8eDqp9jPNn7Pcz",
       UrlKey(LT::kRegister, "zoom.us", KeyKind::kToken, "tZ0ldO6hrjMt")},
      {"webinar_register", "https://acme.zoom.us/webinar/register/WN_abcdefGHIJKLmnop",
       UrlKey(LT::kRegister, "acme.zoom.us", KeyKind::kToken, "WN_abcdefGHI")},
      {"register_id", "https://zoom.us/meeting/register/85512345678",
       UrlKey(LT::kRegister, "zoom.us", KeyKind::kMeetingId, kId)},
      {"rec_share", "https://zoom.us/rec/share/AbCdEfGhIjKlMnOpQrSt.123",
       UrlKey(LT::kRecording, "zoom.us", KeyKind::kToken, "AbCdEfGhIjKl")},
      {"rec_play", "https://zoom.us/rec/play/XyZ-1234567890abc",
       UrlKey(LT::kRecording, "zoom.us", KeyKind::kToken, "XyZ-12345678")},
      // app links
      {"zoommtg", "zoommtg://zoom.us/join?action=join&confno=85512345678&pwd=abc",
       App(LT::kJoin, "zoom.us", kId, true)},
      {"zoomus", "zoomus://zoom.us/join?confno=85512345678", App(LT::kJoin, "zoom.us", kId)},
      {"zoommtg_start", "zoommtg://zoom.us/start?confno=85512345678&zak=abc",
       App(LT::kStart, "zoom.us", kId)},
      {"zoommtg_action_start", "zoommtg://zoom.us/join?action=start&confno=85512345678",
       App(LT::kStart, "zoom.us", kId)},
      {"zoommtg_other_host", "zoommtg://example.org/join?confno=85512345678",
       App(LT::kJoin, "", kId)},
      {"intent",
       "intent://zoom.us/"
       "join?confno=85512345678#Intent;scheme=zoomus;package=us.zoom.videomeetings;end",
       App(LT::kJoin, "zoom.us", kId)},
      {"intent_no_host", "intent://join?confno=85512345678#Intent;scheme=zoomus;end",
       App(LT::kJoin, "", kId)},
      // labelled IDs
      {"id_334", "Meeting ID: 855 1234 5678", Text(kId)},
      {"id_dash", "Meeting ID: 855-1234-5678", Text(kId)},
      {"id_plain", "Meeting ID 85512345678", Text(kId)},
      {"id_333", "Meeting ID: 123 456 789", Text("123456789")},
      {"id_334b", "meeting id: 987 654 3210", Text("9876543210")},
      {"id_nbsp_entity", "Meeting ID:&nbsp;855&nbsp;1234&nbsp;5678", Text(kId)},
      {"id_nbsp_raw",
       "Meeting ID:\xC2\xA0"
       "855\xC2\xA0"
       "1234\xC2\xA0"
       "5678",
       Text(kId)},
      {"id_tags", "<b>Meeting ID:</b> <span>855</span> <span>1234</span> <span>5678</span>",
       Text(kId)},
      {"id_label_split_by_tags", "<b>Meeting</b> <i>ID</i>: 855 1234 5678", Text(kId)},
      {"id_label_word_split_by_tags", "<span>Meet</span><span>ing ID</span> 855 1234 5678",
       Text(kId)},
      {"id_percent", "details=Meeting%20ID%3A%20855%201234%205678", Text(kId)},
      {"webinar_id", "Webinar ID: 855 1234 5678", Text(kId)},
      {"de", "Meeting-ID: 855 1234 5678", Text(kId)},
      {"de_besprechung", "Besprechungs-ID: 855 1234 5678", Text(kId)},
      {"fr", "ID de r\xC3\xA9union : 855 1234 5678", Text(kId)},
      {"fr_entity", "ID de r&eacute;union&nbsp;: 855 1234 5678", Text(kId)},
      {"es", "ID de reuni\xC3\xB3n: 855 1234 5678", Text(kId)},
      {"pt", "ID da reuni\xC3\xA3o: 855 1234 5678", Text(kId)},
      {"it", "ID riunione: 855 1234 5678", Text(kId)},
      {"nl", "Vergadering-ID: 855 1234 5678", Text(kId)},
      {"ja",
       "\xE3\x83\x9F\xE3\x83\xBC\xE3\x83\x86\xE3\x82\xA3\xE3\x83\xB3\xE3\x82\xB0ID: 855 1234 5678",
       Text(kId)},
      {"zh",
       "\xE4\xBC\x9A\xE8\xAE\xAE"
       "ID\xEF\xBC\x9A"
       "855 1234 5678",
       Text(kId)},
      {"zh_hant",
       "\xE6\x9C\x83\xE8\xAD\xB0"
       "ID: 855 1234 5678",
       Text(kId)},
      {"zh_hao",
       "\xE4\xBC\x9A\xE8\xAE\xAE\xE5\x8F\xB7\xEF\xBC\x9A"
       "855 1234 5678",
       Text(kId)},
      {"ko", "\xED\x9A\x8C\xEC\x9D\x98 ID: 855 1234 5678", Text(kId)},
      // passcode lines of the same invitation
      {"en_pass", "Meeting ID: 855 1234 5678\nPasscode: 123456", Text(kId, true)},
      {"en_password", "Meeting ID: 855 1234 5678<br>Password: 9xYz", Text(kId, true)},
      {"de_pass", "Meeting-ID: 855 1234 5678\nKenncode: 123456", Text(kId, true)},
      {"fr_pass", "ID de r\xC3\xA9union : 855 1234 5678\nCode secret : 123456", Text(kId, true)},
      {"es_pass",
       "ID de reuni\xC3\xB3n: 855 1234 5678\nC\xC3\xB3"
       "digo de acceso: 123456",
       Text(kId, true)},
      {"pt_pass", "ID da reuni\xC3\xA3o: 855 1234 5678\nSenha: 123456", Text(kId, true)},
      {"ja_pass",
       "\xE3\x83\x9F\xE3\x83\xBC\xE3\x83\x86\xE3\x82\xA3\xE3\x83\xB3\xE3\x82\xB0ID: 855 1234 5678\n"
       "\xE3\x83\x91\xE3\x82\xB9\xE3\x82\xB3\xE3\x83\xBC\xE3\x83\x89: 123456",
       Text(kId, true)},
      {"zh_pass",
       "\xE4\xBC\x9A\xE8\xAE\xAE"
       "ID\xEF\xBC\x9A"
       "855 1234 5678 \xE5\xAF\x86\xE7\xA0\x81\xEF\xBC\x9A"
       "123456",
       Text(kId, true)},
      {"ko_pass", "\xED\x9A\x8C\xEC\x9D\x98 ID: 855 1234 5678\n\xEC\x95\x94\xED\x98\xB8: 123456",
       Text(kId, true)},
      // dial-in
      {"one_tap", "+16699009128,,85512345678# US (San Jose)", Dial(kId)},
      {"one_tap_pass", "+16699009128,,85512345678#,,,,*123456# US", Dial(kId, true)},
      {"one_tap_new_pass", "+13126266799,,85512345678#,,,,,,0#,,123456# US", Dial(kId, true)},
      {"tel_link", "<a href=\"tel:+16699009128,,85512345678%23\">tap</a>", Dial(kId)},
      {"tel_encoded", "<a href=\"tel:+16699009128%2C%2C85512345678%23%2C%2C%2C%2C*123456%23\">",
       Dial(kId, true)},
      {"sip", "SIP: 85512345678@zoomcrc.com", Dial(kId)},
      {"sip_pass", "sip:85512345678.123456@zoomcrc.com", Dial(kId, true)},
      // wrappers and encodings
      {"entity_hex", "https:&#x2F;&#x2F;zoom.us&#x2F;j&#x2F;85512345678",
       Url(LT::kJoin, "zoom.us", kId)},
      {"entity_dec", "https:&#47;&#47;zoom.us&#47;j&#47;85512345678",
       Url(LT::kJoin, "zoom.us", kId)},
      {"entity_amp", "href=\"https://zoom.us/j/85512345678?uname=x&amp;pwd=abc\"",
       Url(LT::kJoin, "zoom.us", kId, true)},
      {"percent", "https%3A%2F%2Fzoom.us%2Fj%2F85512345678%3Fpwd%3Dabc",
       Url(LT::kJoin, "zoom.us", kId, true)},
      {"double_percent", "https%253A%252F%252Fzoom.us%252Fj%252F85512345678",
       Url(LT::kJoin, "zoom.us", kId)},
      {"json_slash", "{\"url\":\"https:\\/\\/zoom.us\\/j\\/85512345678\"}",
       Url(LT::kJoin, "zoom.us", kId)},
      {"json_u002f", "\"https:\\u002F\\u002Fzoom.us\\u002Fj\\u002F85512345678\\u003Fpwd=x\"",
       Url(LT::kJoin, "zoom.us", kId, true)},
      {"obf_brackets", "zoom[.]us/j/85512345678", Url(LT::kJoin, "zoom.us", kId)},
      {"obf_parens", "us02web.zoom(.)us/j/85512345678", Url(LT::kJoin, "us02web.zoom.us", kId)},
      {"obf_dot_word", "zoom dot us/j/85512345678", Url(LT::kJoin, "zoom.us", kId)},
      {"obf_hxxps", "hxxps[:]//zoom[.]us/j/85512345678", Url(LT::kJoin, "zoom.us", kId)},
      {"google",
       "https://www.google.com/"
       "url?q=https%3A%2F%2Fus02web.zoom.us%2Fj%2F85512345678%3Fpwd%3Dabc&sa=D",
       Url(LT::kJoin, "us02web.zoom.us", kId, true)},
      {"safelinks",
       "https://nam02.safelinks.protection.outlook.com/"
       "?url=https%3A%2F%2Fzoom.us%2Fj%2F85512345678%3Fpwd%3Dabc&data=05%7C01%7C&reserved=0",
       Url(LT::kJoin, "zoom.us", kId, true)},
      {"proofpoint_v2",
       "https://urldefense.proofpoint.com/v2/"
       "url?u=https-3A__zoom.us_j_85512345678-3Fpwd-3Dabc&d=DwMFaQ&c=x",
       Url(LT::kJoin, "zoom.us", kId, true)},
      {"proofpoint_v3",
       "https://urldefense.com/v3/__https://zoom.us/j/85512345678?pwd=abc__;!!ABC!def$",
       Url(LT::kJoin, "zoom.us", kId, true)},
      {"facebook", "https://l.facebook.com/l.php?u=https%3A%2F%2Fzoom.us%2Fj%2F85512345678&h=AT0",
       Url(LT::kJoin, "zoom.us", kId)},
      {"linkedin",
       "https://www.linkedin.com/redir/"
       "redirect?url=https%3A%2F%2Fzoom.us%2Fj%2F85512345678&urlhash=x",
       Url(LT::kJoin, "zoom.us", kId)},
      {"slack", "https://slack-redir.net/link?url=https%3A%2F%2Fzoom.us%2Fj%2F85512345678",
       Url(LT::kJoin, "zoom.us", kId)},
      {"markdown", "[join](https://zoom.us/j/85512345678)", Url(LT::kJoin, "zoom.us", kId)},
  };
}

class PositiveTest : public ::testing::TestWithParam<Row> {};

TEST_P(PositiveTest, FindsExactlyThisReference) {
  const Row& row = GetParam();
  std::vector<MeetingRef> refs = TheMatcher().Find(row.text);
  ASSERT_EQ(refs.size(), 1u) << row.text;
  const MeetingRef& r = refs[0];
  EXPECT_EQ(ToString(r.form), ToString(row.want.form));
  EXPECT_EQ(ToString(r.link_type), ToString(row.want.link_type));
  EXPECT_EQ(r.host, row.want.host);
  EXPECT_EQ(ToString(r.key_kind), ToString(row.want.key_kind));
  EXPECT_EQ(r.key, row.want.key);
  EXPECT_EQ(r.has_passcode, row.want.passcode);
  EXPECT_EQ(r.has_start_token, row.want.start_token);
  EXPECT_LE(r.offset + r.length, row.text.size());
  EXPECT_FALSE(r.context.empty());
  // The same answer without the pre-filter.
  std::vector<MeetingRef> slow = TheMatcher().FindSlow(row.text);
  ASSERT_EQ(slow.size(), 1u);
  EXPECT_EQ(slow[0].offset, r.offset);
  EXPECT_EQ(slow[0].key, r.key);
}

INSTANTIATE_TEST_SUITE_P(Forms, PositiveTest, ::testing::ValuesIn(Positives()),
                         [](const auto& info) { return info.param.name; });

std::vector<Row> LookAlikes() {
  Want none{};
  return {
      {"evil_suffix", "https://zoom.us.evil.example/j/85512345678", none},
      {"evil_prefix", "https://notzoom.us/j/85512345678", none},
      {"dash_prefix", "https://my-zoom.us/j/85512345678", none},
      {"userinfo", "http://zoom.us@evil.example/j/85512345678", none},
      {"email_lookalike", "write to user@zoom.us.evil.example/j/85512345678", none},
      {"usx", "https://zoom.usx/j/85512345678", none},
      {"zoomus_com", "https://zoomus.com/j/85512345678", none},
      {"zoom_com_cn_evil", "https://zoom.com.cn.evil.example/j/85512345678", none},
      {"short_id", "https://zoom.us/j/12345", none},
      {"long_id", "https://zoom.us/j/855123456789", none},
      {"no_meeting_path", "https://zoom.us/pricing and https://zoom.us/download", none},
      {"support_mail", "mail support@zoom.us today", none},
      {"app_no_confno", "zoommtg://zoom.us/join?action=join", none},
      {"intent_other_scheme", "intent://example.org/join?confno=85512345678#Intent;scheme=http;end",
       none},
      {"id_12_digits", "Meeting ID: 855123456789", none},
      {"id_bad_grouping", "Meeting ID: 855 1234 56789", none},
      {"id_343", "Meeting ID: 855 1234 567", none},
      {"id_longer_run", "Meeting ID: 1 855 1234 5678", none},
      {"other_label", "Order ID: 855 1234 5678", none},
      {"other_label_split_by_tags", "<b>Order</b> <i>ID</i>: 855 1234 5678", none},
      {"teams_conference_id", "Conference ID: 855 123 4567#", none},
      // wrappers around look-alikes
      {"google_evil",
       "https://www.google.com/url?q=https%3A%2F%2Fzoom.us.evil.example%2Fj%2F85512345678", none},
      {"safelinks_evil",
       "https://nam02.safelinks.protection.outlook.com/"
       "?url=https%3A%2F%2Fnotzoom.us%2Fj%2F85512345678",
       none},
      {"proofpoint_evil",
       "https://urldefense.proofpoint.com/v2/url?u=https-3A__zoom.usx_j_85512345678&d=x", none},
      {"entity_evil", "https:&#x2F;&#x2F;zoom.us.evil.example&#x2F;j&#x2F;85512345678", none},
      {"obf_evil", "zoom[.]us[.]evil[.]example/j/85512345678", none},
      {"json_evil", "\"https:\\/\\/my-zoom.us\\/j\\/85512345678\"", none},
      {"bare_number", "call 855 1234 5678 or 85512345678", none},
      {"phone_list", "+1 669 900 9128 US (San Jose)", none},
      {"decimal", "Meeting ID: 3.141592653", none},
      {"thousands", "Meeting ID: 1,234,567,890", none},
      {"block_tags", "Meeting ID:</td><td>855</td><td>1234</td><td>5678", none},
      {"t_co", "https://t.co/AbCdEf123", none},
      {"zoom_word", "zoom in to see the 85512345678 figure", none},
      {"one_tap_no_hash", "+16699009128,,85512345678", none},
      {"sip_other_domain", "85512345678@example.com", none},
  };
}

class LookAlikeTest : public ::testing::TestWithParam<Row> {};

TEST_P(LookAlikeTest, FindsNothing) {
  const Row& row = GetParam();
  std::vector<MeetingRef> refs = TheMatcher().Find(row.text);
  for (const MeetingRef& r : refs) ADD_FAILURE() << "found " << r.key << " in " << row.text;
  EXPECT_TRUE(TheMatcher().FindSlow(row.text).empty());
}

INSTANTIATE_TEST_SUITE_P(Forms, LookAlikeTest, ::testing::ValuesIn(LookAlikes()),
                         [](const auto& info) { return info.param.name; });

// ---- the inventory-ID rule: whole digit runs only --------------------------

struct DigitRow {
  std::string name;
  std::string text;
  bool found;
  RefForm form = RefForm::kIdText;
};

class InventoryDigitsTest : public ::testing::TestWithParam<DigitRow> {};

TEST_P(InventoryDigitsTest, WholeRunsOnly) {
  Inventory inv =
      Inventory::FromRows({{kId, "ana@acme.example", "standup", MeetingKind::kRecurring}}, {});
  const DigitRow& row = GetParam();
  std::vector<MeetingRef> refs = TheMatcher().Find(row.text, &inv);
  if (row.found) {
    ASSERT_EQ(refs.size(), 1u) << row.text;
    EXPECT_EQ(refs[0].form, row.form);
    EXPECT_EQ(refs[0].key, kId);
  } else {
    EXPECT_TRUE(refs.empty()) << row.text << " gave " << refs[0].key;
  }
  EXPECT_EQ(TheMatcher().FindSlow(row.text, &inv).size(), refs.size());
}

INSTANTIATE_TEST_SUITE_P(Digits, InventoryDigitsTest,
                         ::testing::ValuesIn(std::vector<DigitRow>{
                             {"bare", "room 85512345678 at noon", true},
                             {"grouped", "dial 855 1234 5678 now", true},
                             {"dashed", "(855-1234-5678)", true},
                             {"start_of_text", "85512345678", true},
                             {"nbsp", "x&nbsp;855&nbsp;1234&nbsp;5678&nbsp;y", true},
                             {"twelve_digits", "855123456789", false},
                             {"prefixed_digit", "185512345678", false},
                             {"letter_before", "a85512345678", false},
                             {"letter_after", "85512345678a", false},
                             {"decimal_after", "85512345678.5", false},
                             {"decimal_before", "1.85512345678", false},
                             {"longer_grouping", "2024 855 1234 5678", false},
                             {"trailing_group", "855 1234 5678 9", false},
                             {"other_id", "85512345679", false},
                             {"in_url_is_the_url", "https://zoom.us/j/85512345678", true,
                              RefForm::kUrl},
                         }),
                         [](const auto& info) { return info.param.name; });

TEST(PasscodeLine, BelongsToItsOwnInvitationOnly) {
  std::string text = "Meeting ID: 111 222 333\n\nMeeting ID: 855 1234 5678\nPasscode: 123456\n";
  std::vector<MeetingRef> refs = TheMatcher().Find(text);
  ASSERT_EQ(refs.size(), 2u);
  EXPECT_EQ(refs[0].key, "111222333");
  EXPECT_FALSE(refs[0].has_passcode);
  EXPECT_EQ(refs[1].key, kId);
  EXPECT_TRUE(refs[1].has_passcode);
}

TEST(PasscodeLine, ALabelWithoutAValueIsNoPasscode) {
  std::vector<MeetingRef> refs = TheMatcher().Find("Meeting ID: 855 1234 5678 (no password)");
  ASSERT_EQ(refs.size(), 1u);
  EXPECT_FALSE(refs[0].has_passcode);
}

TEST(MatcherThreads, FindIsSafeFromManyThreads) {
  std::string text;
  for (int k = 0; k < 200; ++k)
    text += "<p>Join https://zoom.us/j/8551234" + std::to_string(1000 + k) +
            "?pwd=x Meeting ID: 855 1234 5678</p>";
  const std::vector<MeetingRef> want = TheMatcher().Find(text);
  std::vector<std::thread> threads;
  threads.reserve(4);
  std::vector<int> ok(4, 0);
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int r = 0; r < 5; ++r) {
        std::vector<MeetingRef> got = TheMatcher().Find(text);
        ok[t] += got.size() == want.size() && got.back().key == want.back().key;
      }
    });
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(want.size(), 400u);
  for (int v : ok) EXPECT_EQ(v, 5);
}

TEST(MatcherOffsets, PointIntoTheOriginalText) {
  std::string text = "<a href=\"https:&#x2F;&#x2F;zoom.us&#x2F;j&#x2F;85512345678\">x</a>";
  std::vector<MeetingRef> refs = TheMatcher().Find(text);
  ASSERT_EQ(refs.size(), 1u);
  EXPECT_EQ(refs[0].offset, text.find("https:"));
  EXPECT_EQ(refs[0].offset + refs[0].length, text.find("\">x"));
}

TEST(MatcherOffsets, WrapperTargetIsInsideTheWrapper) {
  std::string text =
      "go https://www.google.com/url?q=https%3A%2F%2Fzoom.us%2Fj%2F85512345678&sa=D end";
  std::vector<MeetingRef> refs = TheMatcher().Find(text);
  ASSERT_EQ(refs.size(), 1u);
  EXPECT_EQ(refs[0].offset, text.find("https%3A"));
}

TEST(MatcherOrder, SeveralReferencesComeByOffset) {
  std::string text =
      "Meeting ID: 855 1234 5678 then https://zoom.us/j/111222333 and "
      "zoommtg://zoom.us/join?confno=999888777";
  std::vector<MeetingRef> refs = TheMatcher().Find(text);
  ASSERT_EQ(refs.size(), 3u);
  EXPECT_EQ(refs[0].key, kId);
  EXPECT_EQ(refs[1].key, "111222333");
  EXPECT_EQ(refs[2].key, "999888777");
  EXPECT_LT(refs[0].offset, refs[1].offset);
  EXPECT_LT(refs[1].offset, refs[2].offset);
}

TEST(ZoomHost, RealHostsAndLookAlikes) {
  for (const char* h : {"zoom.us", "ZOOM.US", "us02web.zoom.us", "acme-corp.zoom.us.", "zoom.com",
                        "zoomgov.com", "x.zoomgov.com", "zoom.com.cn", "www.zoom.com.cn"})
    EXPECT_TRUE(IsZoomHost(h)) << h;
  for (const char* h : {"zoom.us.evil.example", "notzoom.us", "zoom.usx", "zoomus.com", "",
                        "evil.example", "zoom.com.cn.evil", "zoom_us", "zoom%2eus.evil.example",
                        "xn--zm-fmca.us" /* Cyrillic о: another name */})
    EXPECT_FALSE(IsZoomHost(h)) << h;
}

// Every spelling libcurl connects to as a Zoom host is one (a red-team pass
// fetched http://x_y.zoom.us/j/…?pwd=…).
TEST(ZoomHost, EverySpellingLibcurlConnectsToIsAZoomHost) {
  for (const char* h : {"x_y.zoom.us", "X_Y.Zoom.Us", "zoom.us..", "a..zoom.us", ".zoom.us",
                        "%7Aoom.us", "zo%6Fm.us", "zoom%2Eus", "acme%2ezoom.us",
                        "\xEF\xBD\x9A\xEF\xBD\x8F\xEF\xBD\x8F\xEF\xBD\x8D.us",  // ｚｏｏｍ.us
                        "zoom\xE3\x80\x82us",                                   // zoom。us
                        "ZOOM\xEF\xBC\x8EUS"})                                  // ZOOM．US
    EXPECT_TRUE(IsZoomHost(h)) << h;
}

// The rule is checked against libcurl's own parse: whatever host curl_url
// takes out of the URL (the one libcurl would connect to) is a Zoom host, and
// so is Url's lookup form; IsMeetingUrl refuses the whole URL.
TEST(ZoomHost, SpellingsAgreeWithLibcurlsOwnParse) {
  struct Row {
    const char* url;
    bool zoom;
  };
  const Row rows[] = {
      {"http://x_y.zoom.us/j/85512345678?pwd=SeCrEt1", true},
      {"HTTP://X_Y.ZOOM.US./j/1", true},
      {"http://zoom.us../", true},
      {"http://%7Aoom.us/j/1", true},
      {"http://zo%6Fm.us/", true},
      {"http://acme%2Ezoom.us/", true},
      {"http://user@us02web.zoom.us:8443/", true},
      {"http://\xEF\xBD\x9A\xEF\xBD\x8F\xEF\xBD\x8F\xEF\xBD\x8D.us/", true},
      {"http://zoom\xE3\x80\x82us/", true},
      {"http://zoom.us.evil.example/j/1", false},
      {"http://notzoom.us/j/1", false},
      {"http://evil.example/acme.zoom.us/j/1", false},
      {"http://zoom.us@evil.example/", false},
  };
  for (const Row& row : rows) {
    CURLU* u = curl_url();
    ASSERT_EQ(curl_url_set(u, CURLUPART_URL, row.url, 0), CURLUE_OK) << row.url;
    char* host = nullptr;
    ASSERT_EQ(curl_url_get(u, CURLUPART_HOST, &host, 0), CURLUE_OK) << row.url;
    EXPECT_EQ(IsZoomHost(host), row.zoom) << row.url << " curl host " << host;
    curl_free(host);
    curl_url_cleanup(u);
    Result<::meetleak::Url> url = ::meetleak::Url::Parse(row.url);
    ASSERT_TRUE(url.ok()) << row.url;
    EXPECT_EQ(IsZoomHost(url->lookup_host()), row.zoom) << row.url << " " << url->lookup_host();
    if (row.zoom) {
      EXPECT_TRUE(TheMatcher().IsMeetingUrl(row.url)) << row.url;
    }
  }
}

TEST(IsMeetingUrl, RefusesZoomHostsAndWrappedMeetings) {
  const Matcher& m = TheMatcher();
  EXPECT_TRUE(m.IsMeetingUrl("https://zoom.us/"));
  EXPECT_TRUE(m.IsMeetingUrl("https://user@acme.zoom.us:443/signin"));
  EXPECT_TRUE(
      m.IsMeetingUrl("https://www.google.com/url?q=https%3A%2F%2Fzoom.us%2Fj%2F85512345678"));
  EXPECT_FALSE(m.IsMeetingUrl("https://example.org/events/7"));
  EXPECT_FALSE(m.IsMeetingUrl("https://zoom.us.evil.example/page"));
}

}  // namespace
}  // namespace meetleak
