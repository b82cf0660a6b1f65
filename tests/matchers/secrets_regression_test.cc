// Red-team examples, one test each, named after what broke: passcodes
// printed in clear, the start link hidden, other vendors taken for Zoom,
// look-alikes and placeholders.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "matchers/inventory.h"
#include "matchers/matcher.h"
#include "matchers/page_ref.h"

namespace meetleak {
namespace {

const Matcher& TheMatcher() {
  static const Matcher* m = new Matcher();
  return *m;
}

// Every reference's context is free of `secret`, and some reference of `key`
// carries the passcode.
void ExpectRedactedWithPasscode(const std::string& text, const std::string& secret,
                                const std::string& key) {
  std::vector<MeetingRef> refs = TheMatcher().Find(text);
  bool found = false, passcode = false;
  for (const MeetingRef& r : refs) {
    EXPECT_EQ(r.context.find(secret), std::string::npos) << r.context;
    if (r.key == key) found = true, passcode = passcode || r.has_passcode;
  }
  EXPECT_TRUE(found) << "no reference " << key << " in " << text;
  EXPECT_TRUE(passcode) << "has_passcode false for " << key << " in " << text;
  EXPECT_EQ(RedactSecrets(text).find(secret), std::string::npos) << RedactSecrets(text);
}

TEST(Redaction, PortugueseSenhaDeAcessoIsRedacted) {
  ExpectRedactedWithPasscode("ID da reuni\xC3\xA3o: 855 1234 5678\nSenha de acesso: 730412\n",
                             "730412", "85512345678");
  ExpectRedactedWithPasscode("ID da reuni&atilde;o: 855 1234 5678<br>Senha de acesso: 730412",
                             "730412", "85512345678");
}

TEST(Labels, PortugueseIdDeReuniaoIsRecognised) {
  std::vector<MeetingRef> refs = TheMatcher().Find("ID de reuni\xC3\xA3o: 855 1234 5678");
  ASSERT_EQ(refs.size(), 1u);
  EXPECT_EQ(refs[0].key, "85512345678");
  EXPECT_EQ(refs[0].form, RefForm::kIdText);
}

TEST(Redaction, JsonPasswordAndPstnPasswordAreRedacted) {
  const std::string text =
      R"({"join_url": "https://zoom.us/j/85512345678", "password": "Tr0ub4dor", )"
      R"("pstn_password": "664411"})";
  ExpectRedactedWithPasscode(text, "Tr0ub4dor", "85512345678");
  EXPECT_EQ(RedactSecrets(text).find("664411"), std::string::npos);
}

TEST(Redaction, PasswordDashValueIsRedacted) {
  ExpectRedactedWithPasscode("Meeting ID: 855 1234 5678\nPassword - 91827364\n", "91827364",
                             "85512345678");
}

PageRef MergedOne(const std::string& text) {
  std::vector<RefOccurrence> occ;
  for (MeetingRef& r : TheMatcher().Find(text)) occ.push_back({std::move(r), ""});
  Inventory inv =
      Inventory::FromRows({{"85512345678", "ana@acme.example", "", MeetingKind::kScheduled}}, {});
  std::vector<PageRef> merged = MergeOnPage(occ, inv);
  EXPECT_EQ(merged.size(), 1u) << text;
  return merged.empty() ? PageRef{} : merged[0];
}

TEST(StartLink, JoinWithPasscodeThenStartLinkMergesAsStart) {
  PageRef p = MergedOne(
      "Join https://zoom.us/j/85512345678?pwd=AbCd1234 or host it "
      "https://us02web.zoom.us/s/85512345678");
  EXPECT_EQ(p.link_type, LinkType::kStart);
  EXPECT_EQ(p.host, "us02web.zoom.us");
  EXPECT_TRUE(p.has_passcode);
  EXPECT_EQ(p.classification.severity, Severity::kCritical);
}

TEST(StartLink, AppStartLinkAfterJoinMergesAsStart) {
  PageRef p = MergedOne(
      "https://zoom.us/j/85512345678?pwd=AbCd1234 "
      "zoommtg://zoom.us/start?confno=85512345678&zc=0");
  EXPECT_EQ(p.link_type, LinkType::kStart);
  EXPECT_EQ(p.form, RefForm::kAppLink);
}

TEST(StartLink, StartLinkFirstStaysStart) {
  PageRef p =
      MergedOne("https://zoom.us/s/85512345678 then https://zoom.us/j/85512345678?pwd=AbCd1234");
  EXPECT_EQ(p.link_type, LinkType::kStart);
}

TEST(Vendors, TeamsMeetingIdIsNotZoom) {
  EXPECT_TRUE(TheMatcher()
                  .Find("Microsoft Teams meeting\nJoin on your computer, mobile app or room "
                        "device\nClick here to join the meeting\nMeeting ID: 412 903 118\n"
                        "Passcode: x7Yz2Q\n")
                  .empty());
}

TEST(Vendors, TeamsPhoneConferenceOneTapIsNotZoom) {
  EXPECT_TRUE(TheMatcher()
                  .Find("Or call in (audio only)\n+1 555-010-2233,,613574920# United States\n"
                        "Phone conference ID: 613 574 920#")
                  .empty());
}

TEST(Vendors, BlueJeansOneTouchIsNotZoom) {
  EXPECT_TRUE(TheMatcher().Find("Join by phone: +14087407256,,,712649301# (US)").empty());
}

TEST(Vendors, WebexMeetingIdFieldBesideWebexLinkIsNotZoom) {
  EXPECT_TRUE(TheMatcher()
                  .Find(R"({"meetingId": "173 220 4481", )"
                        R"("webLink": "https://acme.webex.com/acme/j.php?MTID=m1"})")
                  .empty());
}

TEST(LookAlike, ZoomHostInsideAnotherUrlsPathIsNoReference) {
  EXPECT_TRUE(TheMatcher().Find("https://evil.example/acme.zoom.us/j/85512345678").empty());
  EXPECT_TRUE(TheMatcher().Find("see evil.example/x//acme.zoom.us/j/85512345678").empty());
}

TEST(LookAlike, PlaceholderLinkDoesNotHideTheRealOne) {
  std::vector<MeetingRef> refs =
      TheMatcher().Find("[https://zoom.us/j/XXXXX](https://zoom.us/j/85512345678)");
  ASSERT_EQ(refs.size(), 1u);
  EXPECT_EQ(refs[0].key, "85512345678");
  EXPECT_EQ(
      TheMatcher().FindSlow("[https://zoom.us/j/XXXXX](https://zoom.us/j/85512345678)").size(), 1u);
}

// ---- the red-team forms ----------------------------------------------------

TEST(Redaction, DataPasscodeAttributeIsRedacted) {
  ExpectRedactedWithPasscode(
      R"(<div class="join" data-url="https://zoom.us/j/85512345678" data-passcode="Qw3rty991">)",
      "Qw3rty991", "85512345678");
}

TEST(Redaction, QuotedPasscodeValueIsRedacted) {
  ExpectRedactedWithPasscode("Meeting ID: 855 1234 5678 Passcode: \"Qw3rty991\"", "Qw3rty991",
                             "85512345678");
  ExpectRedactedWithPasscode(
      "Meeting ID: 855 1234 5678 Passcode: \xE2\x80\x9CQw3rty991\xE2\x80\x9D", "Qw3rty991",
      "85512345678");
}

TEST(Redaction, OneTapPasscodeFollowedByCommaIsRedacted) {
  ExpectRedactedWithPasscode(
      "+16699009128,,85512345678#,,,,*246810#,+19292056099,,85512345678#,,,,*246810# US", "246810",
      "85512345678");
}

TEST(Redaction, LabelSplitByTagsIsRedacted) {
  ExpectRedactedWithPasscode("Meeting ID: 855 1234 5678<br>Pass<span>code</span>: Qw3rty991",
                             "Qw3rty991", "85512345678");
}

TEST(Redaction, LabelWrittenWithEntitiesOrEscapesIsRedacted) {
  for (const char* label : {"Passc&#111;de", "Pass&shy;code", "\\u0050asscode",
                            "Pass\xC2\xAD"
                            "code"})
    ExpectRedactedWithPasscode(std::string("Meeting ID: 855 1234 5678\n") + label + ": Qw3rty991",
                               "Qw3rty991", "85512345678");
}

TEST(Redaction, ItalianTypographicApostropheIsRedacted) {
  ExpectRedactedWithPasscode(
      "ID riunione: 855 1234 5678\nCodice d\xE2\x80\x99"
      "accesso: 730412",
      "730412", "85512345678");
}

TEST(Redaction, EncodedPwdParameterNameIsRedacted) {
  for (const char* url : {"https://zoom.us/j/85512345678?%70wd=Qw3rty991",
                          "https://zoom.us/j/85512345678?p&#119;d=Qw3rty991",
                          "https://zoom.us/j/85512345678?pw%64=Qw3rty991"})
    ExpectRedactedWithPasscode(url, "Qw3rty991", "85512345678");
}

TEST(Redaction, PasscodeLabelFarBeforeTheLinkIsRedacted) {
  std::string text = "Passcode:</span></td></tr><tr><td class=\"" + std::string(260, 'x') +
                     "\"><span>Qw3rty991</span> https://zoom.us/j/85512345678";
  ExpectRedactedWithPasscode(text, "Qw3rty991", "85512345678");
}

TEST(Redaction, PasscodeFieldRedactedWithoutZoomOnThePage) {
  const std::string text =
      R"(var cfg = {passWord: 'Qw3rty991', "encrypted_password": "EnC0ded99", pwd = "Pw9z8y7x"};)";
  std::string out = RedactSecrets(text);
  for (const char* secret : {"Qw3rty991", "EnC0ded99", "Pw9z8y7x"})
    EXPECT_EQ(out.find(secret), std::string::npos) << out;
  EXPECT_TRUE(TheMatcher().Find(text).empty());
}

}  // namespace
}  // namespace meetleak
