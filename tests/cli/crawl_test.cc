// End-to-end: build/meetleak against the loopback test server — scan URL,
// feeds and sitemaps one hop, run --once twice with conditional requests,
// gone/reopen, allowlist, crash and SIGTERM recovery, the run lock.
#include <signal.h>
#include <unistd.h>

#include <thread>

#include "tests/cli/crawl_fixture.h"

namespace meetleak::testing {
namespace {

using namespace std::chrono_literals;

TEST_F(CrawlTest, ScanUrlOfAPage) {
  site_.Put("/page",
            Html("<a href=\"https://acme-corp.zoom.us/j/85512345678?pwd=PaSsWoRd99\">x</a>"));
  ProgramResult r = Meetleak({"scan", server_.Url("/page"), "--inventory", "meetings.csv",
                              "--format", "json", "--no-store"});
  ASSERT_EQ(r.exit_code, 1) << r.err;
  nlohmann::json j = Json(r);
  ASSERT_EQ(j["findings"].size(), 1u);
  EXPECT_EQ(j["findings"][0]["page_url"], server_.Url("/page"));
  EXPECT_EQ(j["findings"][0]["source_url"], server_.Url("/page"));
  EXPECT_EQ(j["findings"][0]["severity"], "critical");
  EXPECT_EQ(r.out.find("PaSsWoRd99"), std::string::npos);
  // meetleak never fetched the Zoom link itself.
  for (const RecordedRequest& req : server_.Requests())
    EXPECT_EQ(req.target.find("/j/"), std::string::npos);
}

TEST_F(CrawlTest, FeedEntriesAreFetchedOneHopAndCarryEntryUrl) {
  site_.Put("/feed.xml", Feed(server_, {"/e1", "/e2"}), "application/rss+xml");
  site_.Put("/e1",
            Html("Join https://acme-corp.zoom.us/j/85512345678 <a href=\"/deeper\">more</a>"));
  site_.Put("/e2", Html("nothing here"));
  site_.Put("/deeper", Html("https://acme-corp.zoom.us/j/85512345678"));
  ProgramResult r = Meetleak({"scan", server_.Url("/feed.xml"), "--inventory", "meetings.csv",
                              "--allow-private-addresses", "--format", "json"});
  ASSERT_EQ(r.exit_code, 1) << r.err;
  nlohmann::json j = Json(r);
  auto join = FindingsFor(j, "85512345678");
  ASSERT_EQ(join.size(), 1u) << r.out;
  EXPECT_EQ(join[0]["page_url"], server_.Url("/e1"));
  EXPECT_EQ(join[0]["source_url"], server_.Url("/feed.xml"));
  EXPECT_TRUE(join[0]["leak_id"].is_number());
  auto text = FindingsFor(j, "85512345679");
  ASSERT_EQ(text.size(), 1u) << r.out;
  EXPECT_EQ(text[0]["page_url"], server_.Url("/feed.xml"));
  EXPECT_TRUE(text[0]["entry_url"] == server_.Url("/e1") ||
              text[0]["entry_url"] == server_.Url("/e2"))
      << text[0];
  EXPECT_EQ(server_.RequestsFor("/e2").size(), 1u);
  EXPECT_TRUE(server_.RequestsFor("/deeper").empty()) << "entries are one hop";
}

TEST_F(CrawlTest, DiscoveredLoopbackLinksAreRefusedWithoutTheFlag) {
  site_.Put("/feed.xml", Feed(server_, {"/e1"}), "application/rss+xml");
  site_.Put("/e1", Html("https://acme-corp.zoom.us/j/85512345678"));
  ProgramResult r = Meetleak({"scan", server_.Url("/feed.xml"), "--inventory", "meetings.csv",
                              "--format", "json", "--no-store"});
  EXPECT_TRUE(server_.RequestsFor("/e1").empty()) << "the address guard must refuse 127.0.0.1";
  EXPECT_NE(r.err.find("/e1"), std::string::npos) << r.err;
  EXPECT_EQ(r.exit_code, 1);  // the feed itself (trusted) still has a company reference
}

TEST_F(CrawlTest, SitemapUrlsAreFetched) {
  site_.Put("/sitemap.xml",
            "<?xml version=\"1.0\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
            "<url><loc>" +
                server_.Url("/a") + "</loc></url><url><loc>" + server_.Url("/b") +
                "</loc></url></urlset>",
            "application/xml");
  site_.Put("/a", Html("Meeting ID: 855 1234 5678"));
  site_.Put("/b", Html("plain"));
  ProgramResult r = Meetleak({"scan", server_.Url("/sitemap.xml"), "--inventory", "meetings.csv",
                              "--allow-private-addresses", "--format", "json", "--no-store"});
  ASSERT_EQ(r.exit_code, 1) << r.err;
  auto f = FindingsFor(Json(r), "85512345678");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0]["page_url"], server_.Url("/a"));
  EXPECT_EQ(server_.RequestsFor("/b").size(), 1u);
}

TEST_F(CrawlTest, UnreachableTargetExitsThree) {
  std::string url;
  {
    TestServer gone;
    url = gone.Url("/page");
  }  // nothing listens there any more
  ProgramResult r = Meetleak({"scan", url, "--no-store"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("127.0.0.1"), std::string::npos) << r.err;
  site_.Put("/missing-not", Html(""));
  ProgramResult nf = Meetleak({"scan", server_.Url("/nope"), "--no-store"});
  EXPECT_EQ(nf.exit_code, 3) << nf.err;
}

// A target that could not be read says so, and nothing else: "No findings."
// (or an empty JSON list) would read as a clean page.
TEST_F(CrawlTest, UnreadableTargetPrintsNoFindingsList) {
  std::string url;
  {
    TestServer gone;
    url = gone.Url("/page");
  }
  for (const char* format : {"text", "json"}) {
    ProgramResult r = Meetleak({"scan", url, "--no-store", "--format", format});
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_EQ(r.out, "") << format;
  }
  ProgramResult refused = Meetleak({"scan", url, "--no-store"});
  EXPECT_EQ(refused.err.find("disallowed by"), std::string::npos)
      << "a refused connection is no robots.txt refusal: " << refused.err;
  EXPECT_NE(refused.err.find("connect"), std::string::npos) << refused.err;
  ProgramResult missing = Meetleak({"scan", "missing.html", "--no-store"});
  EXPECT_EQ(missing.exit_code, 3) << missing.err;
  EXPECT_EQ(missing.out, "");
}

// libcurl connects to "x_y.zoom.us"; the Zoom-host rule used to let it
// through, so the scan asked it for robots.txt and then the page, handing the
// passcode to whoever answers. Every request goes through a loopback proxy
// here: none may arrive.
TEST_F(CrawlTest, ZoomHostWithUnderscoreIsRefusedBeforeFetch) {
  dir_.Write("meetleak.toml", "[crawler]\nproxy = \"" + server_.Url("") + "\"\n");
  ProgramResult r =
      Meetleak({"scan", "http://x_y.zoom.us/j/85512345678?pwd=SeCrEt1", "--no-store"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("meetleak never fetches those"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("SeCrEt1"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("SeCrEt1"), std::string::npos) << r.out;
  EXPECT_TRUE(server_.Requests().empty()) << "a request reached the proxy";

  // A redirect from a loopback page to such a host is refused too.
  TestServer origin;
  origin.Route("/hop",
               Reply{.status = 302,
                     .headers = {{"Location", "http://X_Y.zoom.us./j/85512345678?pwd=SeCrEt1"}}});
  dir_.Write("meetleak.toml", "");
  ProgramResult hop = Meetleak({"scan", origin.Url("/hop"), "--no-store"});
  EXPECT_EQ(hop.exit_code, 3) << hop.err;
  EXPECT_NE(hop.err.find("meetleak never fetches those"), std::string::npos) << hop.err;
  EXPECT_EQ(hop.err.find("SeCrEt1"), std::string::npos) << hop.err;
}

TEST_F(CrawlTest, SecondRunIsConditionalAndDuplicatesNothing) {
  site_.Put("/feed.xml", Feed(server_, {"/e1", "/e2"}), "application/rss+xml");
  site_.Put("/e1", Html("https://acme-corp.zoom.us/j/85512345678"));
  site_.Put("/e2", Html("Webinar ID: 855 1234 5679"));
  WriteConfig({server_.Url("/feed.xml")});
  ProgramResult first = Meetleak({"run", "--once", "--all"});
  ASSERT_EQ(first.exit_code, 1) << first.err;
  nlohmann::json before = Leaks();
  ASSERT_GE(before["findings"].size(), 2u);
  size_t n = server_.Requests().size();
  ProgramResult second = Meetleak({"run", "--once", "--all"});
  ASSERT_EQ(second.exit_code, 1) << second.err;
  std::vector<RecordedRequest> all = server_.Requests();
  std::set<std::string> conditional;
  for (size_t i = n; i < all.size(); ++i)
    if (!all[i].Header("if-none-match").empty()) conditional.insert(all[i].target);
  for (const char* doc : {"/feed.xml", "/e1", "/e2"})
    EXPECT_TRUE(conditional.count(doc)) << doc << " was not fetched conditionally";
  nlohmann::json after = Leaks();
  EXPECT_EQ(after["findings"].size(), before["findings"].size());
  for (const auto& f : after["findings"]) EXPECT_EQ(f["status"], "open");
}

TEST_F(CrawlTest, DroppedReferenceGoesGoneAndReopensWhenRestored) {
  const std::string leak = Html("https://acme-corp.zoom.us/j/85512345678");
  site_.Put("/page", leak);
  WriteConfig({server_.Url("/page")});
  ASSERT_EQ(Meetleak({"run", "--once", "--all"}).exit_code, 1);
  site_.Put("/page", Html("the link was taken down"));
  ProgramResult r = Meetleak({"run", "--once", "--all"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json gone = Leaks("gone");
  ASSERT_EQ(gone["findings"].size(), 1u);
  site_.Put("/page", leak);
  EXPECT_EQ(Meetleak({"run", "--once", "--all"}).exit_code, 1);
  nlohmann::json open = Leaks("open");
  ASSERT_EQ(open["findings"].size(), 1u);
  EXPECT_EQ(open["findings"][0]["leak_id"], gone["findings"][0]["leak_id"]);
}

TEST_F(CrawlTest, AllowlistedMeetingIsAllowed) {
  site_.Put("/page", Html("Webinar: https://acme-corp.zoom.us/w/85512345679"));
  WriteConfig({server_.Url("/page")},
              "[[allow]]\nmeeting_id = \"85512345679\"\nreason = \"public on purpose\"\n");
  ProgramResult r = Meetleak({"run", "--once", "--all"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Leaks("allowed")["findings"].size(), 1u);
  EXPECT_TRUE(Leaks("open")["findings"].empty());
}

// Starts `meetleak run --once --all` in the background.
int StartRun(const TempDir& dir) {
  return StartProgram({MeetleakBinary(), "run", "--once", "--all"}, dir.path(),
                      dir.path() / "run.out", dir.path() / "run.err");
}

void WaitForRequest(const TestServer& server, const std::string& path) {
  for (int i = 0; i < 500 && server.RequestsFor(path).empty(); ++i)
    std::this_thread::sleep_for(20ms);
  ASSERT_FALSE(server.RequestsFor(path).empty()) << path << " never requested";
}

TEST_F(CrawlTest, KillBetweenFeedAndEntriesRefetchesThemNextRun) {
  site_.Put("/feed.xml", Feed(server_, {"/e1"}), "application/rss+xml");
  site_.Put("/e1", Html("https://acme-corp.zoom.us/j/85512345678"), "text/html", "entries");
  WriteConfig({server_.Url("/feed.xml")});
  int pid = StartRun(dir_);
  WaitForRequest(server_, "/e1");
  kill(pid, SIGKILL);
  WaitProgram(pid);
  server_.Release("entries");
  site_.Put("/e1", Html("https://acme-corp.zoom.us/j/85512345678"));  // answers at once now
  size_t before = server_.RequestsFor("/e1").size();
  ProgramResult r = Meetleak({"run", "--once"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  auto again = server_.RequestsFor("/e1");
  ASSERT_GT(again.size(), before) << "the entry page was not fetched again";
  EXPECT_TRUE(again.back().Header("if-none-match").empty());
  EXPECT_EQ(FindingsFor(Leaks(), "85512345678").size(), 1u);
}

TEST_F(CrawlTest, SigtermFinishesInFlightAndNextRunCompletes) {
  site_.Put("/feed.xml", Feed(server_, {"/e1", "/e2"}), "application/rss+xml");
  site_.Put("/e1", Html("https://acme-corp.zoom.us/j/85512345678"), "text/html", "e1");
  site_.Put("/e2", Html("Webinar ID: 855 1234 5679"));
  WriteConfig({server_.Url("/feed.xml")}, "", /*concurrency=*/1);  // one document at a time
  int pid = StartRun(dir_);
  WaitForRequest(server_, "/e1");
  kill(pid, SIGTERM);
  std::this_thread::sleep_for(300ms);
  server_.Release("e1");  // the document in flight finishes after the signal
  ProgramResult stopped = WaitProgram(pid);
  EXPECT_EQ(stopped.term_signal, 0) << "exited by itself after SIGTERM";
  EXPECT_EQ(stopped.exit_code, 1) << "exits by what it saw: /e1 holds an open leak";
  EXPECT_TRUE(server_.RequestsFor("/e2").empty()) << "no new document after the signal";
  ProgramResult check = RunProgram(
      {"/usr/bin/sqlite3", (dir_.path() / "meetleak.db").string(), "PRAGMA integrity_check;"});
  EXPECT_EQ(check.out, "ok\n") << check.err;
  EXPECT_EQ(FindingsFor(Leaks(), "85512345678").size(), 1u) << "the in-flight document was kept";
  site_.Put("/e1", Html("https://acme-corp.zoom.us/j/85512345678"));
  ProgramResult next = Meetleak({"run", "--once"});  // the source was left due
  EXPECT_EQ(next.exit_code, 1) << next.err << "|" << next.out << Meetleak({"sources", "list"}).out;
  EXPECT_EQ(server_.RequestsFor("/e2").size(), 1u);
  EXPECT_EQ(FindingsFor(Leaks(), "85512345678").size(), 1u);
  EXPECT_EQ(FindingsFor(Leaks(), "85512345679").size(), 2u);  // on the feed and on /e2
}

// A page that takes many seconds to match (40 MB of dense invitations,
// under a raised body cap): a stop signal abandons its matching within the
// grace the pass gives documents in flight, instead of waiting for it.
TEST_F(CrawlTest, RunHonoursSigtermInsideHugePage) {
  std::string huge;
  const std::string unit = "Meeting ID: 123 456 789<br>Passcode: 42 ";
  huge.reserve(40u << 20);
  while (huge.size() < (40u << 20)) huge += unit;
  site_.Put("/huge", "<html><body>" + huge + "</body></html>");
  huge = std::string();
  dir_.Write("meetleak.toml",
             "[crawler]\ndelay_ms = 0\nmax_body_bytes = 100000000\n[[source]]\nurl = \"" +
                 server_.Url("/huge") + "\"\nallow_private_addresses = true\n");
  int pid = StartRun(dir_);
  WaitForRequest(server_, "/huge");
  std::this_thread::sleep_for(1500ms);  // fetched; matching
  kill(pid, SIGTERM);
  const auto signalled = std::chrono::steady_clock::now();
  ProgramResult stopped = WaitProgram(pid);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - signalled).count();
  // Matching the page takes over 20 s; the pass abandons it after an 800 ms
  // grace. The bound leaves room for a loaded CI machine (ctest -j).
  EXPECT_LT(seconds, 8.0) << "the signal waited for the matching";
  EXPECT_EQ(stopped.term_signal, 0) << "exited by itself after SIGTERM";
}

TEST_F(CrawlTest, DaemonPollsOnTheIntervalUntilSignalled) {
  site_.Put("/page", Html("https://acme-corp.zoom.us/j/85512345678"));
  WriteConfig({});
  dir_.Write("meetleak.toml", ReadFile(dir_.path() / "meetleak.toml") + "[[source]]\nurl = \"" +
                                  server_.Url("/page") +
                                  "\"\ninterval = \"1s\"\nallow_private_addresses = true\n");
  int pid = StartProgram({MeetleakBinary(), "run"}, dir_.path(), dir_.path() / "run.out",
                         dir_.path() / "run.err");
  for (int i = 0; i < 400 && server_.RequestsFor("/page").size() < 3; ++i)
    std::this_thread::sleep_for(25ms);
  EXPECT_GE(server_.RequestsFor("/page").size(), 3u) << "polled again after its interval";
  kill(pid, SIGTERM);
  ProgramResult r = WaitProgram(pid);
  EXPECT_EQ(r.term_signal, 0);
  EXPECT_EQ(r.exit_code, 1) << ReadFile(dir_.path() / "run.err");
  EXPECT_EQ(FindingsFor(Leaks(), "85512345678").size(), 1u);
}

TEST_F(CrawlTest, SecondConcurrentRunExitsTwo) {
  site_.Put("/page", Html("x"), "text/html", "hold");
  WriteConfig({server_.Url("/page")});
  int pid = StartRun(dir_);
  WaitForRequest(server_, "/page");
  ProgramResult second = Meetleak({"run", "--once", "--all"});
  EXPECT_EQ(second.exit_code, 2);
  EXPECT_NE(second.err.find(std::to_string(pid)), std::string::npos) << second.err;
  server_.Release("hold");
  EXPECT_EQ(WaitProgram(pid).exit_code, 0);
}

}  // namespace
}  // namespace meetleak::testing
