// Inventory CSV import: the design's rules, and every bad line named.
#include "matchers/inventory.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/support/status_matchers.h"

namespace meetleak {
namespace {

TEST(MeetingsCsv, ReadsHeaderByNameWithBomQuotesAndExtraColumns) {
  std::string csv =
      "\xEF\xBB\xBF"
      "Kind,EXTRA,Owner_Email,Meeting_ID,topic\r\n"
      "recurring,x,ana@acme.example,855 1234 5678,\"Standup, daily\"\r\n"
      "pmi,y,bo@acme.example,987-654-3210,\"two\nlines \"\"quoted\"\"\"\r\n"
      "\r\n"
      "WEBINAR,z,cy@acme.example,123456789,\r\n";
  auto rows = Inventory::ParseMeetingsCsv(csv, "meetings.csv");
  ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[0].meeting_id, "85512345678");
  EXPECT_EQ((*rows)[0].owner_email, "ana@acme.example");
  EXPECT_EQ((*rows)[0].topic, "Standup, daily");
  EXPECT_EQ((*rows)[0].kind, MeetingKind::kRecurring);
  EXPECT_EQ((*rows)[1].meeting_id, "9876543210");
  EXPECT_EQ((*rows)[1].topic, "two\nlines \"quoted\"");
  EXPECT_EQ((*rows)[1].kind, MeetingKind::kPmi);
  EXPECT_EQ((*rows)[2].kind, MeetingKind::kWebinar);
}

TEST(MeetingsCsv, EmptyTextIsAnEmptyInventory) {
  auto rows = Inventory::ParseMeetingsCsv("", "m.csv");
  ASSERT_OK(rows);
  EXPECT_TRUE(rows->empty());
}

TEST(MeetingsCsv, ListsEveryBadLineWithItsPhysicalLineNumber) {
  std::string csv =
      "meeting_id,owner_email,topic,kind\n"                  // 1
      "855 1234 5678,ana@acme.example,ok,recurring\n"        // 2
      "12345,ana@acme.example,short,scheduled\n"             // 3
      "\"855 0000 0000\",bo@acme,\"multi\n"                  // 4
      "line topic\",pmi\n"                                   // 5
      "111222333,cy@acme.example,x,weekly\n"                 // 6
      "111222334,cy@acme.example\n"                          // 7
      "85512345678,zed@acme.example,dup,recurring\n"         // 8
      "85512345678,ANA@acme.example,same owner,recurring\n"  // 9: accepted once
      "abc,,x,\n";                                           // 10
  auto rows = Inventory::ParseMeetingsCsv(csv, "meetings.csv");
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.status().code(), Status::Code::kInvalidInput);
  EXPECT_EQ(rows.status().message(),
            "meetings.csv:3: bad meeting_id '12345' (need 9-11 digits)\n"
            "meetings.csv:4: bad owner_email 'bo@acme'\n"
            "meetings.csv:6: unknown kind 'weekly' (scheduled|recurring|pmi|webinar)\n"
            "meetings.csv:7: missing column 'kind'\n"
            "meetings.csv:8: meeting_id 85512345678 also listed on line 2 with another owner "
            "(ana@acme.example)\n"
            "meetings.csv:10: bad meeting_id 'abc' (need 9-11 digits); bad owner_email ''; "
            "unknown kind '' (scheduled|recurring|pmi|webinar)");
}

TEST(MeetingsCsv, SameIdSameOwnerIsAcceptedOnce) {
  auto rows = Inventory::ParseMeetingsCsv(
      "meeting_id,owner_email,topic,kind\n85512345678,ana@acme.example,a,recurring\n"
      "855-1234-5678,Ana@Acme.example,b,recurring\n",
      "m.csv");
  ASSERT_OK(rows);
  EXPECT_EQ(rows->size(), 1u);
}

TEST(MeetingsCsv, HeaderWithoutARequiredColumn) {
  auto rows =
      Inventory::ParseMeetingsCsv("meeting_id,owner,kind\n85512345678,a@b.cd,pmi\n", "m.csv");
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.status().message(), "m.csv:1: header has no 'owner_email' column");
}

TEST(MeetingsCsv, QuotingErrorsNameTheirLine) {
  auto rows = Inventory::ParseMeetingsCsv(
      "meeting_id,owner_email,topic,kind\n"
      "85512345678,a@b.cd,\"x\"y,pmi\n"
      "85512345679,a@b.cd,x\"y,pmi\n"
      "85512345670,a@b.cd,\"never closed,pmi\n"
      "85512345671,a@b.cd,x,pmi\n",
      "m.csv");
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.status().message(),
            "m.csv:2: text after a closing quote\n"
            "m.csv:3: quote inside an unquoted field\n"
            "m.csv:4: unterminated quoted field");
}

struct EmailRow {
  std::string email;
  bool ok;
};

class EmailTest : public ::testing::TestWithParam<EmailRow> {};

TEST_P(EmailTest, SaneAddressesOnly) {
  std::string csv = "vanity,owner_email\nana,\"" + GetParam().email + "\"\n";
  EXPECT_EQ(Inventory::ParseLinksCsv(csv, "l.csv").ok(), GetParam().ok) << GetParam().email;
}

INSTANTIATE_TEST_SUITE_P(
    Emails, EmailTest,
    ::testing::Values(EmailRow{"ana@acme.example", true},
                      EmailRow{"ana.b+tag@mail.acme-corp.co.uk", true}, EmailRow{"ana@acme", false},
                      EmailRow{"@acme.example", false}, EmailRow{"ana@@acme.example", false},
                      EmailRow{"ana@acme..example", false}, EmailRow{"ana b@acme.example", false},
                      EmailRow{"ana@-acme.example", false}, EmailRow{"ana@acme.e", false},
                      EmailRow{"ana@acme.123", false}, EmailRow{"", false}));

TEST(LinksCsv, VanitiesAreLowerCaseAndMayBeWholeLinks) {
  auto links = Inventory::ParseLinksCsv(
      "Vanity,Owner_Email\nAna.Smith,ana@acme.example\nhttps://acme.zoom.us/my/"
      "Bo_Lee,bo@acme.example\n",
      "links.csv");
  ASSERT_OK(links);
  ASSERT_EQ(links->size(), 2u);
  EXPECT_EQ((*links)[0].vanity, "ana.smith");
  EXPECT_EQ((*links)[1].vanity, "bo_lee");
}

TEST(LinksCsv, BadRowsAreListed) {
  auto links = Inventory::ParseLinksCsv(
      "vanity,owner_email\nana "
      "smith,ana@acme.example\nbo,bo@\nana,a@acme.example\nANA,b@acme.example\n",
      "links.csv");
  ASSERT_FALSE(links.ok());
  EXPECT_EQ(links.status().message(),
            "links.csv:2: bad vanity 'ana smith'\n"
            "links.csv:3: bad owner_email 'bo@'\n"
            "links.csv:5: vanity ana also listed on line 4 with another owner (a@acme.example)");
}

TEST(Build, BothFilesErrorsAndNothingAccepted) {
  auto inv = Inventory::Build(
      "meeting_id,owner_email,topic,kind\n85512345678,a@b.cd,t,pmi\n1,a@b.cd,t,pmi\n",
      "meetings.csv", "vanity,owner_email\nok,a@b.cd\n,a@b.cd\n", "links.csv");
  ASSERT_FALSE(inv.ok());
  EXPECT_EQ(inv.status().message(),
            "meetings.csv:3: bad meeting_id '1' (need 9-11 digits)\nlinks.csv:3: bad vanity ''");
}

TEST(Build, LookupsAndCompanyHosts) {
  auto inv = Inventory::Build(
      "meeting_id,owner_email,topic,kind\n855 1234 5678,ana@acme.example,t,recurring\n", "m.csv",
      "vanity,owner_email\nAna.Smith,ana@acme.example\n", "l.csv");
  ASSERT_OK(inv);
  inv->set_company_domains({"Acme-Corp.zoom.us"});
  inv->set_security_contact("secops@acme.example");
  ASSERT_NE(inv->FindMeeting("85512345678"), nullptr);
  EXPECT_EQ(inv->FindMeeting("85512345678")->owner_email, "ana@acme.example");
  EXPECT_EQ(inv->FindMeeting("8551234567"), nullptr);
  EXPECT_TRUE(inv->HasMeetingId("85512345678"));
  ASSERT_NE(inv->FindVanity("ANA.SMITH"), nullptr);
  EXPECT_TRUE(inv->IsCompanyHost("acme-corp.zoom.us"));
  EXPECT_TRUE(inv->IsCompanyHost("ACME-CORP.ZOOM.US."));
  EXPECT_FALSE(inv->IsCompanyHost("zoom.us"));
  EXPECT_FALSE(inv->IsCompanyHost("x.acme-corp.zoom.us"));
  EXPECT_FALSE(inv->empty());
  EXPECT_TRUE(Inventory().empty());
}

}  // namespace
}  // namespace meetleak
