// End-to-end: the scheduled job never loses track of a live leak —
// a scan never takes a page away from its source, an inventory change that
// adds keys re-reads the pages that held them (also after a kill), and
// `inventory import` does not override a configured inventory.
#include <signal.h>

#include <thread>

#include "tests/cli/crawl_fixture.h"

namespace meetleak::testing {
namespace {

using namespace std::chrono_literals;

const char kOneMeeting[] =
    "meeting_id,owner_email,topic,kind\n85512345678,ana@acme.example,Sync,recurring\n";
const char kTwoMeetings[] =
    "meeting_id,owner_email,topic,kind\n85512345678,ana@acme.example,Sync,recurring\n"
    "85512345679,ben@acme.example,Webinar,webinar\n";

class ScheduledJobTest : public CrawlTest {
 protected:
  // The leaks (any status) of meeting `id` on `path`.
  std::vector<nlohmann::json> LeaksOn(const std::string& id, const std::string& path) {
    std::vector<nlohmann::json> out;
    for (const nlohmann::json& f : FindingsFor(Leaks(), id))
      if (f["page_url"] == server_.Url(path)) out.push_back(f);
    return out;
  }
  // Requests for `path` since request number `from`, and whether each was conditional.
  std::vector<bool> ConditionalSince(size_t from, const std::string& path) {
    std::vector<bool> out;
    std::vector<RecordedRequest> all = server_.Requests();
    for (size_t i = from; i < all.size(); ++i)
      if (all[i].target == path) out.push_back(!all[i].Header("if-none-match").empty());
    return out;
  }
};

TEST_F(ScheduledJobTest, ScanNeverTakesAPageAwayFromItsSource) {
  site_.Put("/feed.xml", Feed(server_, {"/e1"}), "application/rss+xml");
  site_.Put("/e1", Html("Join https://acme-corp.zoom.us/j/85512345678"));
  WriteConfig({server_.Url("/feed.xml")});
  ASSERT_EQ(Meetleak({"run", "--once", "--all"}).exit_code, 1);
  ProgramResult scan = Meetleak({"scan", server_.Url("/e1")});
  ASSERT_EQ(scan.exit_code, 1) << scan.err;
  ASSERT_EQ(Meetleak({"run", "--once", "--all"}).exit_code, 1);
  site_.Put("/e1", Html("the link was taken down"));  // the post is fixed
  size_t before = server_.Requests().size();
  ProgramResult r = Meetleak({"run", "--once", "--all"});
  EXPECT_FALSE(ConditionalSince(before, "/e1").empty()) << "the feed's entry is still watched";
  std::vector<nlohmann::json> leaks = LeaksOn("85512345678", "/e1");
  ASSERT_EQ(leaks.size(), 1u) << r.err;
  EXPECT_EQ(leaks[0]["status"], "gone") << "the leak stayed open after the post was fixed";
  EXPECT_EQ(leaks[0]["source_url"], server_.Url("/feed.xml"));
}

TEST_F(ScheduledJobTest, ScanOfAPageSourceAtLowerDepthKeepsItsLinksWatched) {
  site_.Put("/index", Html("<a href=\"/child\">talk</a>"));
  site_.Put("/child", Html("Join https://acme-corp.zoom.us/j/85512345678"));
  WriteConfig({});
  dir_.Write("meetleak.toml", ReadFile(dir_.path() / "meetleak.toml") + "[[source]]\nurl = \"" +
                                  server_.Url("/index") +
                                  "\"\ndepth = 1\nallow_private_addresses = true\n");
  ASSERT_EQ(Meetleak({"scan", server_.Url("/index")}).exit_code, 0);  // depth 0: no links
  ASSERT_EQ(Meetleak({"run", "--once", "--all"}).exit_code, 1);
  EXPECT_EQ(LeaksOn("85512345678", "/child").size(), 1u) << "the source's link was never followed";
}

TEST_F(ScheduledJobTest, InventoryImportIsRefusedWhenTheConfigNamesTheInventory) {
  WriteConfig({});
  // A command that writes creates the DB and imports the configured file
  // (the leak does not exist: exit 2, the DB stays).
  Meetleak({"leaks", "ack", "1"});
  dir_.Write("other.csv", kOneMeeting);
  ProgramResult r = Meetleak({"inventory", "import", "other.csv"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("meetings.csv"), std::string::npos) << r.err;
  nlohmann::json inv = Json(Meetleak({"inventory", "list", "--format", "json"}));
  EXPECT_EQ(inv["meetings"].size(), 2u) << "the configured inventory was replaced";
}

// The configured file gains a meeting that a page has shown all along as a
// bare number: the page answers 304, yet it is read and matched again; a
// page that never held the number keeps its conditional GET.
TEST_F(ScheduledJobTest, AddedInventoryKeyRefetchesThePagesThatHeldIt) {
  dir_.Write("meetings.csv", kOneMeeting);
  site_.Put("/a", Html("Dial in: 855 1234 5679 (no label)"));
  site_.Put("/b", Html("Join https://acme-corp.zoom.us/j/85512345678"));
  WriteConfig({server_.Url("/a"), server_.Url("/b")});
  ASSERT_EQ(Meetleak({"run", "--once", "--all"}).exit_code, 1);
  ASSERT_TRUE(LeaksOn("85512345679", "/a").empty());
  dir_.Write("meetings.csv", kTwoMeetings);
  size_t before = server_.Requests().size();
  ProgramResult r = Meetleak({"run", "--once", "--all"});
  EXPECT_EQ(ConditionalSince(before, "/a"), std::vector<bool>{false});
  EXPECT_EQ(ConditionalSince(before, "/b"), std::vector<bool>{true});
  std::vector<nlohmann::json> leaks = LeaksOn("85512345679", "/a");
  ASSERT_EQ(leaks.size(), 1u) << r.err;
  EXPECT_EQ(leaks[0]["status"], "open");
  before = server_.Requests().size();
  ASSERT_EQ(Meetleak({"run", "--once", "--all"}).exit_code, 1);
  EXPECT_EQ(ConditionalSince(before, "/a"), std::vector<bool>{true}) << "refetched only once";
}

TEST_F(ScheduledJobTest, AddedKeyIsStillRefetchedAfterARunWasKilled) {
  site_.Put("/a", Html("Dial in: 855 1234 5679 (no label)"));
  WriteConfig({server_.Url("/a")});
  std::string toml = ReadFile(dir_.path() / "meetleak.toml");  // without its inventory key
  const std::string key = "inventory = \"meetings.csv\"\n";
  toml.erase(toml.find(key), key.size());
  dir_.Write("meetleak.toml", toml);
  dir_.Write("one.csv", kOneMeeting);
  dir_.Write("two.csv", kTwoMeetings);
  ASSERT_EQ(Meetleak({"inventory", "import", "one.csv"}).exit_code, 0);
  ASSERT_EQ(Meetleak({"run", "--once", "--all"}).exit_code, 0);
  ASSERT_EQ(Meetleak({"inventory", "import", "two.csv"}).exit_code, 0);
  site_.Hold("/a", "hold");  // the page is unchanged: it would answer 304
  int pid = StartProgram({MeetleakBinary(), "run", "--once", "--all"}, dir_.path(),
                         dir_.path() / "run.out", dir_.path() / "run.err");
  size_t before = server_.RequestsFor("/a").size();
  for (int i = 0; i < 500 && server_.RequestsFor("/a").size() == before; ++i)
    std::this_thread::sleep_for(20ms);
  kill(pid, SIGKILL);
  WaitProgram(pid);
  server_.Release("hold");
  site_.Hold("/a", "");
  size_t from = server_.Requests().size();
  ProgramResult r = Meetleak({"run", "--once", "--all"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(ConditionalSince(from, "/a"), std::vector<bool>{false});
  EXPECT_EQ(LeaksOn("85512345679", "/a").size(), 1u);
}

TEST_F(ScheduledJobTest, RefetchReadsEveryDocumentWithoutValidators) {
  site_.Put("/feed.xml", Feed(server_, {"/e1"}), "application/rss+xml");
  site_.Put("/e1", Html("nothing"));
  WriteConfig({server_.Url("/feed.xml")});
  ASSERT_EQ(Meetleak({"run", "--once", "--all"}).exit_code, 1);
  size_t before = server_.Requests().size();
  ASSERT_EQ(Meetleak({"run", "--once", "--all", "--refetch"}).exit_code, 1);
  EXPECT_EQ(ConditionalSince(before, "/feed.xml"), std::vector<bool>{false});
  EXPECT_EQ(ConditionalSince(before, "/e1"), std::vector<bool>{false});
}

}  // namespace
}  // namespace meetleak::testing
