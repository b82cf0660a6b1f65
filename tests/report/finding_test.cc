#include "report/finding.h"

#include <gtest/gtest.h>

namespace meetleak {
namespace {

TEST(MakeFindingTest, CopiesTheMergedReferenceAndItsClassification) {
  PageRef ref;
  ref.key_kind = KeyKind::kMeetingId;
  ref.key = "85512345678";
  ref.form = RefForm::kUrl;
  ref.link_type = LinkType::kStart;
  ref.host = "acme-corp.zoom.us";
  ref.has_passcode = true;
  ref.classification.company = true;
  ref.classification.owner = "ana@acme.example";
  ref.classification.meeting_kind = MeetingKind::kRecurring;
  ref.classification.severity = Severity::kCritical;
  ref.context = "ctx";
  ref.entry_url = "https://example.org/events/7";

  Finding f = MakeFinding(ref, "https://example.org/feed.xml", "https://example.org/src");
  EXPECT_EQ(f.key_kind, KeyKind::kMeetingId);
  EXPECT_EQ(f.key, "85512345678");
  EXPECT_EQ(f.form, RefForm::kUrl);
  EXPECT_EQ(f.link_type, LinkType::kStart);
  EXPECT_EQ(f.host, "acme-corp.zoom.us");
  EXPECT_TRUE(f.has_passcode);
  EXPECT_TRUE(f.company);
  EXPECT_EQ(f.owner, "ana@acme.example");
  EXPECT_EQ(f.meeting_kind, MeetingKind::kRecurring);
  EXPECT_EQ(f.severity, Severity::kCritical);
  EXPECT_EQ(f.page_url, "https://example.org/feed.xml");
  EXPECT_EQ(f.entry_url, "https://example.org/events/7");
  EXPECT_EQ(f.source_url, "https://example.org/src");
  EXPECT_EQ(f.context, "ctx");
}

TEST(MakeFindingTest, LeavesStoredFieldsNull) {
  PageRef ref;
  ref.key = "123456789";
  Finding f = MakeFinding(ref, "stdin:", "stdin:");
  EXPECT_FALSE(f.leak_id.has_value());
  EXPECT_FALSE(f.status.has_value());
  EXPECT_FALSE(f.first_seen.has_value());
  EXPECT_FALSE(f.last_seen.has_value());
  EXPECT_FALSE(f.company);
  EXPECT_EQ(f.severity, Severity::kInfo);
}

}  // namespace
}  // namespace meetleak
