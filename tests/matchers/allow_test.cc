// The allowlist rule: which [[allow]] entry covers a reference on a page, and
// until when.
#include "matchers/allow.h"

#include <gtest/gtest.h>

#include <chrono>

namespace meetleak {
namespace {

// 2027-03-31T12:00:00Z and the next day.
const Clock::TimePoint kMarch31 = Clock::TimePoint(std::chrono::seconds(1806494400));
const Clock::TimePoint kApril1 = kMarch31 + std::chrono::hours(24);

TEST(AllowTest, EachEntryCoversItsOwnKindOfKeyOrItsPagesUntilItExpires) {
  std::vector<AllowEntry> allow(3);
  allow[0].meeting_id = "85512345678";
  allow[0].reason = "town hall";
  allow[0].expires = "2027-03-31";
  allow[1].vanity = "acme.townhall";
  allow[1].reason = "public room";
  allow[2].url_prefix = "https://acme.example/events/";
  allow[2].reason = "event pages";
  const AllowEntry* a =
      FindAllow(allow, KeyKind::kMeetingId, "85512345678", "https://x/", kMarch31);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->reason, "town hall");
  EXPECT_EQ(FindAllow(allow, KeyKind::kMeetingId, "85512345678", "https://x/", kApril1), nullptr)
      << "allowed through its day, not after";
  EXPECT_EQ(FindAllow(allow, KeyKind::kVanity, "85512345678", "https://x/", kMarch31), nullptr)
      << "a meeting ID entry does not allow a vanity with the same text";
  ASSERT_NE(FindAllow(allow, KeyKind::kVanity, "acme.townhall", "https://x/", kApril1), nullptr);
  EXPECT_EQ(FindAllow(allow, KeyKind::kToken, "acme.townhall", "https://x/", kApril1), nullptr);
  a = FindAllow(allow, KeyKind::kToken, "abc", "https://acme.example/events/1", kApril1);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->reason, "event pages");
  EXPECT_EQ(FindAllow(allow, KeyKind::kMeetingId, "1", "https://acme.example/event", kApril1),
            nullptr);
}

}  // namespace
}  // namespace meetleak
