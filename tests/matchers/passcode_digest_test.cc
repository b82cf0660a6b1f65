// FindOptions::passcode_digest: each passcode attached to a reference is
// handed over once, with the field of Zoom's answer it stands for, and only
// its digest stays in the result.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "matchers/matcher.h"
#include "matchers/page_ref.h"

namespace meetleak {
namespace {

struct Recorder {
  std::vector<std::pair<std::string, std::string>> given;  // (field, value)
  PasscodeDigest digest = [this](std::string_view field, std::string_view value) {
    given.emplace_back(std::string(field), std::string(value));
    return "D(" + std::string(field) + ")#" + std::to_string(value.size());
  };
};

std::vector<MeetingRef> Find(const std::string& text, Recorder* r) {
  static const Matcher matcher;
  return matcher.Find(text, nullptr, {.passcode_digest = &r->digest});
}

TEST(PasscodeDigestTest, APwdValueIsGivenAsTheEncryptedPasscodeAndOnlyItsDigestKept) {
  Recorder r;
  auto refs = Find("Join https://acme-corp.zoom.us/j/85512345678?pwd=EncSeCrEt99.1 now", &r);
  ASSERT_EQ(refs.size(), 1u);
  ASSERT_EQ(r.given.size(), 1u);
  EXPECT_EQ(r.given[0],
            (std::pair<std::string, std::string>{"encrypted_password", "EncSeCrEt99.1"}));
  EXPECT_TRUE(refs[0].has_passcode);
  EXPECT_EQ(refs[0].passcode_digests, std::vector<std::string>{"D(encrypted_password)#13"});
  EXPECT_EQ(refs[0].context.find("EncSeCrEt99"), std::string::npos);
}

TEST(PasscodeDigestTest, APercentEncodedPwdInAWrapperIsGivenDecoded) {
  Recorder r;
  Find(
      "https://www.google.com/url?q=https%3A%2F%2Fzoom.us%2Fj%2F85512345678%3Fpwd%3DSeCrEt99"
      "%26uname%3Dx&sa=D",
      &r);
  ASSERT_FALSE(r.given.empty());
  EXPECT_EQ(r.given[0].second, "SeCrEt99");
}

TEST(PasscodeDigestTest, AnInvitationsPasscodeLineIsGivenAsThePasscode) {
  Recorder r;
  auto refs = Find(
      "Join Zoom Meeting\nhttps://acme-corp.zoom.us/j/85512345678\n\nMeeting ID: 855 1234 5678\n"
      "Passcode: 7Hk2pQ\n",
      &r);
  ASSERT_FALSE(refs.empty());
  bool seen = false;
  for (const auto& [field, value] : r.given) seen |= field == "password" && value == "7Hk2pQ";
  EXPECT_TRUE(seen);
  for (const MeetingRef& ref : refs) {
    if (ref.has_passcode) {
      EXPECT_FALSE(ref.passcode_digests.empty());
    }
  }
}

TEST(PasscodeDigestTest, AOneTapPasscodeIsGivenAsThePhonePasscode) {
  Recorder r;
  Find("One tap mobile\n+16699006833,,85512345678#,,,,*246810# US (San Jose)\n", &r);
  ASSERT_EQ(r.given.size(), 1u);
  EXPECT_EQ(r.given[0], (std::pair<std::string, std::string>{"pstn_password", "246810"}));
}

TEST(PasscodeDigestTest, WithoutADigestNothingIsKeptAndAReferenceWithoutPasscodeHasNone) {
  static const Matcher matcher;
  auto refs = matcher.Find("https://acme-corp.zoom.us/j/85512345678?pwd=SeCrEt99");
  ASSERT_EQ(refs.size(), 1u);
  EXPECT_TRUE(refs[0].has_passcode);
  EXPECT_TRUE(refs[0].passcode_digests.empty());
  Recorder r;
  auto bare = Find("https://acme-corp.zoom.us/j/85512345678", &r);
  ASSERT_EQ(bare.size(), 1u);
  EXPECT_TRUE(r.given.empty());
  EXPECT_TRUE(bare[0].passcode_digests.empty());
}

TEST(PasscodeDigestTest, APageMergesTheDigestsOfEveryOccurrenceOnce) {
  Recorder r;
  auto refs = Find(
      "https://acme-corp.zoom.us/j/85512345678?pwd=AAAA1111 and again "
      "https://acme-corp.zoom.us/j/85512345678?pwd=AAAA1111 and "
      "https://us02web.zoom.us/j/85512345678?pwd=BBBB22",
      &r);
  std::vector<RefOccurrence> occ;
  for (MeetingRef& ref : refs) occ.push_back({std::move(ref), ""});
  std::vector<PageRef> page = MergeOnPage(occ, Inventory());
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0].passcode_digests,
            (std::vector<std::string>{"D(encrypted_password)#8", "D(encrypted_password)#6"}));
}

}  // namespace
}  // namespace meetleak
