// `inventory sync` end to end: build/meetleak against the loopback Zoom
// stand-in, a real SQLite file.
#include <fstream>

#include "tests/cli/cli_fixture.h"
#include "tests/support/zoom_stand_in.h"

namespace meetleak::testing {
namespace {

class ZoomSyncTest : public CliTest {
 protected:
  void SetUp() override {
    fixture_ = ZoomFixture::Generate(5, 3);
    zoom_.SetFixture(fixture_);
    std::ofstream(dir_.path() / "meetleak.toml")
        << "[company]\nzoom_domains = [\"acme-corp.zoom.us\"]\n"
        << "[zoom]\naccount_id = \"acct-1\"\nclient_id = \"client-1\"\n"
        << "client_secret_env = \"ZOOM_TEST_SECRET\"\n"
        << "api_url = \"" << zoom_.api_url() << "\"\noauth_url = \"" << zoom_.oauth_url() << "\"\n"
        << "requests_per_second = 200\n";
  }
  ProgramResult Run(std::vector<std::string> args) {
    args.insert(args.begin(), MeetleakBinary());
    ProgramResult r =
        RunProgram(args, "", dir_.path(), {"ZOOM_TEST_SECRET=" + zoom_.options().client_secret});
    all_output_ += r.out + r.err;
    return r;
  }
  nlohmann::json List() {
    ProgramResult r = Run({"inventory", "list", "--format", "json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return Json(r);
  }
  static const nlohmann::json* Meeting(const nlohmann::json& list, const std::string& id) {
    for (const auto& m : list["meetings"])
      if (m["meeting_id"] == id) return &m;
    return nullptr;
  }
  std::string WritePage(const std::string& name, const std::string& body) {
    std::ofstream(dir_.path() / name) << body;
    return (dir_.path() / name).string();
  }

  ZoomFixture fixture_;
  ZoomStandIn zoom_;
  std::string all_output_;
};

TEST_F(ZoomSyncTest, ASyncedMeetingLeakingOnAPageIsTheCompanysWithTheHostAsOwner) {
  fixture_.users[2].meetings[1].password = "";
  fixture_.users[2].meetings[1].waiting_room = false;
  fixture_.users[2].meetings[1].join_before_host = true;
  zoom_.SetFixture(fixture_);
  ProgramResult sync = Run({"inventory", "sync"});
  ASSERT_EQ(sync.exit_code, 0) << sync.err;
  EXPECT_NE(sync.out.find("meetings: 20 added, 0 removed, 0 changed"), std::string::npos)
      << sync.out;
  EXPECT_NE(sync.err.find("without a webinar plan"), std::string::npos) << sync.err;
  nlohmann::json list = List();
  const nlohmann::json* m = Meeting(list, fixture_.users[2].meetings[1].id);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ((*m)["source"], "zoom");
  EXPECT_EQ((*m)["owner_email"], "user3@acme.example");
  EXPECT_EQ((*m)["passcode_set"], false);
  EXPECT_EQ((*m)["join_before_host"], true);
  // The meeting ID in plain text on a page, no link: the inventory makes it the company's.
  const std::string page = WritePage(
      "page.html", "<p>Weekly call, meeting ID " + fixture_.users[0].meetings[0].id.substr(0, 3) +
                       " " + fixture_.users[0].meetings[0].id.substr(3, 4) + " " +
                       fixture_.users[0].meetings[0].id.substr(7) + "</p>");
  ProgramResult scan = Run({"scan", page, "--format", "json"});
  EXPECT_EQ(scan.exit_code, 1) << scan.err;
  auto found = FindingsFor(Json(scan), fixture_.users[0].meetings[0].id);
  ASSERT_EQ(found.size(), 1u) << scan.out;
  EXPECT_EQ(found[0]["company"], true);
  EXPECT_EQ(found[0]["owner"], "user1@acme.example");
}

TEST_F(ZoomSyncTest, AFailedSyncLeavesTheOldInventoryAndSaysWhichCallFailed) {
  ASSERT_EQ(Run({"inventory", "sync"}).exit_code, 0);
  const nlohmann::json before = List();
  fixture_.users[0].meetings.clear();
  zoom_.SetFixture(fixture_);
  zoom_.AddFault(
      {.path = "/v2/users/u4AbCd/meetings",
       .nth = 1,
       .count = 100,
       .reply = Reply{
           .status = 400,
           .body = R"({"code":300,"message":"The next page token is invalid or expired."})"}});
  ProgramResult sync = Run({"inventory", "sync"});
  EXPECT_EQ(sync.exit_code, 3) << sync.err;
  EXPECT_NE(sync.err.find("HTTP 400"), std::string::npos) << sync.err;
  EXPECT_NE(sync.err.find("GET /users/u4AbCd/meetings?type=scheduled"), std::string::npos)
      << sync.err;
  EXPECT_NE(sync.err.find("unchanged"), std::string::npos) << sync.err;
  EXPECT_EQ(List(), before);
}

TEST_F(ZoomSyncTest, AShrinkingSyncStopsWithoutAllowShrink) {
  ASSERT_EQ(Run({"inventory", "sync"}).exit_code, 0);
  const nlohmann::json before = List();
  zoom_.ListHalfTheUsers(true);
  ProgramResult sync = Run({"inventory", "sync"});
  EXPECT_EQ(sync.exit_code, 2) << sync.err;
  EXPECT_NE(sync.err.find("--allow-shrink"), std::string::npos) << sync.err;
  EXPECT_EQ(List(), before);
  ProgramResult dry = Run({"inventory", "sync", "--dry-run", "--allow-shrink"});
  EXPECT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_EQ(List(), before);
  ProgramResult forced = Run({"inventory", "sync", "--allow-shrink", "-v"});
  EXPECT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_NE(forced.out.find("- " + fixture_.users[1].meetings[0].id), std::string::npos)
      << forced.out;
  const nlohmann::json after = List();
  const nlohmann::json* gone = Meeting(after, fixture_.users[1].meetings[0].id);
  ASSERT_NE(gone, nullptr) << "a meeting gone from Zoom keeps its row";
  EXPECT_FALSE((*gone)["expired_at"].is_null());
  EXPECT_EQ((*gone)["owner_email"], "user2@acme.example");
}

TEST_F(ZoomSyncTest, ImportIsRefusedWhenTheConfigSyncsFromZoom) {
  const std::string csv = WritePage(
      "m.csv", "meeting_id,owner_email,topic,kind\n85512345678,a@acme.example,x,scheduled\n");
  ProgramResult r = Run({"inventory", "import", csv});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("[zoom]"), std::string::npos) << r.err;
}

TEST_F(ZoomSyncTest, AMissingSecretVariableIsAConfigError) {
  ProgramResult r = RunProgram({MeetleakBinary(), "inventory", "sync"}, "", dir_.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("ZOOM_TEST_SECRET"), std::string::npos) << r.err;
  EXPECT_TRUE(zoom_.Log().empty());
}

TEST_F(ZoomSyncTest, NoSecretReachesTheOutputTheDatabaseOrItsWal) {
  zoom_.RevokeTokensAfter(12);  // a second token mid-sync
  ASSERT_EQ(Run({"inventory", "sync", "-v"}).exit_code, 0);
  Run({"inventory", "list"});
  Run({"inventory", "list", "--format", "json"});
  std::vector<std::string> secrets = fixture_.Secrets();
  secrets.push_back(zoom_.options().client_secret);
  for (const std::string& t : zoom_.IssuedTokens()) secrets.push_back(t);
  ASSERT_GE(zoom_.IssuedTokens().size(), 2u);
  std::string stored = ReadFile(dir_.path() / "meetleak.db");
  if (std::filesystem::exists(dir_.path() / "meetleak.db-wal"))
    stored += ReadFile(dir_.path() / "meetleak.db-wal");
  for (const std::string& s : secrets) {
    EXPECT_EQ(all_output_.find(s), std::string::npos) << s;
    EXPECT_EQ(stored.find(s), std::string::npos) << s;
  }
  EXPECT_EQ(all_output_.find("pwd="), std::string::npos);
  EXPECT_EQ(stored.find("pwd="), std::string::npos);
  EXPECT_EQ(stored.find("zak="), std::string::npos);
}

// A page that answers 304 to every conditional GET.
void RouteStablePage(TestServer& server, const std::string& body) {
  server.Route("/page", [body](const RecordedRequest& r) {
    if (r.Header("if-none-match") == "\"v1\"")
      return Reply{.status = 304, .headers = {{"ETag", "\"v1\""}}};
    return Reply{.body = body, .headers = {{"Content-Type", "text/html"}, {"ETag", "\"v1\""}}};
  });
}

TEST_F(ZoomSyncTest, RunSyncsFirstAndAPmiMovedInZoomIsFoundOnAPageAnswering304) {
  TestServer site;
  const std::string new_pmi = "5550001111";
  RouteStablePage(site, "<p>Office hours: Meeting ID: 555 000 1111</p>");
  {
    std::ofstream config(dir_.path() / "meetleak.toml", std::ios::app);
    config << "[[source]]\nurl = \"" << site.Url("/page") << "\"\nkind = \"page\"\n";
  }
  ProgramResult first = Run({"run", "--once", "--all"});
  EXPECT_EQ(first.exit_code, 0) << first.err;  // the PMI is nobody's yet
  EXPECT_NE(first.out.find("zoom sync:"), std::string::npos) << "run syncs first";
  fixture_.users[0].pmi = new_pmi;  // user1's PMI changed in Zoom
  zoom_.SetFixture(fixture_);
  ProgramResult sync = Run({"inventory", "sync"});
  ASSERT_EQ(sync.exit_code, 0) << sync.err;
  EXPECT_NE(sync.out.find("meetings: 1 added, 1 removed"), std::string::npos) << sync.out;
  const std::size_t before = site.RequestsFor("/page").size();
  ProgramResult second = Run({"run", "--once", "--all"});
  EXPECT_EQ(second.exit_code, 1) << second.err;
  auto requests = site.RequestsFor("/page");
  ASSERT_GT(requests.size(), before);
  EXPECT_EQ(requests[before].Header("if-none-match"), "") << "fetched in full: it held the new key";
  ProgramResult leaks = Run({"leaks", "list", "--format", "json"});
  auto found = FindingsFor(Json(leaks), new_pmi);
  ASSERT_EQ(found.size(), 1u) << leaks.out;
  EXPECT_EQ(found[0]["owner"], "user1@acme.example");
  EXPECT_EQ(found[0]["meeting_kind"], "pmi");
  EXPECT_EQ(found[0]["severity"], "critical");
  // A third pass: the page is conditional again (only the added key refetched it).
  Run({"run", "--once", "--all"});
  EXPECT_EQ(site.RequestsFor("/page").back().Header("if-none-match"), "\"v1\"");
}

TEST_F(ZoomSyncTest, AMeetingGoneFromZoomLowersItsLeakOnAPageAnswering304) {
  const std::string id = fixture_.users[1].meetings[0].id;
  TestServer site;
  RouteStablePage(site, "<a href=\"https://acme-corp.zoom.us/j/" + id + "\">join</a>");
  {
    std::ofstream config(dir_.path() / "meetleak.toml", std::ios::app);
    config << "[[source]]\nurl = \"" << site.Url("/page") << "\"\nkind = \"page\"\n";
  }
  ProgramResult first = Run({"run", "--once", "--all"});
  EXPECT_EQ(first.exit_code, 1) << first.err;
  auto found = FindingsFor(Json(Run({"leaks", "list", "--format", "json"})), id);
  ASSERT_EQ(found.size(), 1u);
  ASSERT_NE(found[0]["severity"], "low");
  // The host deletes the meeting in Zoom: the sync keeps its row, expired.
  fixture_.users[1].meetings.erase(fixture_.users[1].meetings.begin());
  zoom_.SetFixture(fixture_);
  ProgramResult sync = Run({"inventory", "sync"});
  ASSERT_EQ(sync.exit_code, 0) << sync.err;
  const std::size_t before = site.RequestsFor("/page").size();
  Run({"run", "--once", "--all"});
  auto requests = site.RequestsFor("/page");
  ASSERT_GT(requests.size(), before);
  EXPECT_EQ(requests[before].Header("if-none-match"), "") << "the page holds a changed key";
  found = FindingsFor(Json(Run({"leaks", "list", "--format", "json"})), id);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]["severity"], "low") << "an expired meeting's leak is low";
  EXPECT_EQ(found[0]["owner"], "user2@acme.example") << "and keeps its owner";
}

TEST_F(ZoomSyncTest, AFailedSyncInRunKeepsTheOldInventoryAndThePassGoesOn) {
  ASSERT_EQ(Run({"inventory", "sync"}).exit_code, 0);
  TestServer site;
  RouteStablePage(site, "<a href=\"https://acme-corp.zoom.us/j/" +
                            fixture_.users[1].meetings[0].id + "\">join</a>");
  {
    std::ofstream config(dir_.path() / "meetleak.toml", std::ios::app);
    config << "[[source]]\nurl = \"" << site.Url("/page") << "\"\nkind = \"page\"\n";
  }
  std::string config = ReadFile(dir_.path() / "meetleak.toml");
  config.insert(config.find("requests_per_second"), "sync_interval = \"90s\"\n");
  std::ofstream(dir_.path() / "meetleak.toml") << config;
  zoom_.AddFault({.path = "/oauth/token",
                  .nth = 1,
                  .count = 100,
                  .reply = Reply{.status = 401,
                                 .body = R"({"reason":"Invalid client_id or client_secret"})"}});
  ProgramResult run = RunProgram({MeetleakBinary(), "run", "--once", "--all"}, "", dir_.path(),
                                 {"ZOOM_TEST_SECRET=" + zoom_.options().client_secret});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_NE(run.err.find("inventory sync failed"), std::string::npos) << run.err;
  ProgramResult leaks = Run({"leaks", "list", "--format", "json"});
  auto found = FindingsFor(Json(leaks), fixture_.users[1].meetings[0].id);
  ASSERT_EQ(found.size(), 1u) << leaks.out;
  EXPECT_EQ(found[0]["owner"], "user2@acme.example");
}

TEST_F(ZoomSyncTest, TheRequestLogShowsTheBudgetHeld) {
  std::string config = ReadFile(dir_.path() / "meetleak.toml");
  config.replace(config.find("requests_per_second = 200"), 25, "requests_per_second = 25");
  std::ofstream(dir_.path() / "meetleak.toml") << config;
  ASSERT_EQ(Run({"inventory", "sync"}).exit_code, 0);
  auto log = zoom_.Log();
  ASSERT_GT(log.size(), 40u);
  // At 25 a second, any 26 requests in a row span a second (arrivals jitter
  // by a few ms on loopback).
  for (std::size_t i = 0; i + 25 < log.size(); ++i)
    EXPECT_GE(log[i + 25].arrival - log[i].arrival, std::chrono::milliseconds(970)) << i;
}

}  // namespace
}  // namespace meetleak::testing
