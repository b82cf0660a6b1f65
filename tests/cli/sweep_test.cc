// `meetleak sweep` end to end with the real binary: archives built here (gzip
// per record, WARC and WET) with company references planted in several
// forms, the store's archive rules, resuming after SIGKILL, --paths/--root/
// --shard, --watch and `sources unwatch`, and the real archives of the corpus.
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <set>
#include <thread>

#include "tests/cli/cli_fixture.h"
#include "tests/support/warc_builder.h"

namespace meetleak::testing {
namespace {

constexpr char kConfig[] = R"toml(
[company]
zoom_domains = ["acme-corp.zoom.us"]
inventory = "meetings.csv"
security_contact = "secops@acme.example"
)toml";

constexpr char kMeetings[] =
    "meeting_id,owner_email,topic,kind\n"
    "85512345678,ana@acme.example,Board,recurring\n"
    "9876543210,bo@acme.example,PMI,pmi\n"
    "123456789,cy@acme.example,Standup,scheduled\n";

const std::string kHtml = "Content-Type: text/html; charset=utf-8\r\n";

// Records that hold no company reference: a request, a warcinfo, pages
// without any trigger, and a page with another company's meeting.
std::string Noise(int n) {
  std::string out;
  out += GzipMember(WarcRecordText("warcinfo", "", "2024-05-01T00:00:00Z",
                                   "application/warc-fields", "software: test\r\n"));
  for (int i = 0; i < n; ++i) {
    const std::string uri = "https://noise.example/" + std::to_string(i);
    out += GzipMember(WarcRecordText("request", uri, "2024-05-01T00:00:01Z",
                                     "application/http; msgtype=request",
                                     "GET / HTTP/1.1\r\nHost: noise.example\r\n\r\n"));
    out += GzipMember(Response(uri, "2024-05-01T00:00:01Z", kHtml,
                               "<html><body><p>Nothing to see, price 12.50</p></body></html>"));
  }
  out += GzipMember(Response("https://other.example/", "2024-05-01T00:00:02Z", kHtml,
                             "<a href=\"https://zoom.us/j/11122233344\">theirs</a>"));
  return out;
}

// The WARC: a join link with its passcode, a dial string in a Latin-1 page,
// a JSON-escaped link of a company-domain meeting not in the inventory.
std::string PlantedWarc() {
  std::string w = Noise(3);
  w += GzipMember(Response("https://blog.example/a", "2024-05-01T10:20:30Z", kHtml,
                           "<p>Board: <a href=\"https://acme-corp.zoom.us/j/85512345678?pwd="
                           "s3cretPwd\">join</a></p>"));
  w += GzipMember(Response("https://forum.example/c", "2024-05-03T11:00:00.5Z",
                           "Content-Type: text/html; charset=iso-8859-1\r\n",
                           "<p>Caf\xe9 standup, one tap: +16699009128,,123456789# US</p>"));
  w += GzipMember(
      Response("https://cdn.example/d.js", "2024-05-04T12:00:00Z",
               "Content-Type: application/javascript\r\n",
               "var m = {\"url\":\"https:\\/\\/acme-corp.zoom.us\\/j\\/85512340001\"};"));
  w += Noise(2);
  return w;
}

// The WET: an invitation's text with the PMI's ID and its passcode label.
std::string PlantedWet() {
  return GzipMember(WarcRecordText("warcinfo", "", "2024-05-02T00:00:00Z",
                                   "application/warc-fields", "isPartOf: CC-MAIN-2024-18\r\n")) +
         GzipMember(Conversion("https://events.example/b", "2024-05-02T08:00:00Z",
                               "Join Zoom Meeting\nMeeting ID: 987 654 3210\nPasscode: 4455\n")) +
         GzipMember(Conversion("https://plain.example/", "2024-05-02T08:00:01Z",
                               "Nothing here at all.\n"));
}

class SweepTest : public CliTest {
 protected:
  void SetUp() override {
    dir_.Write("meetleak.toml", kConfig);
    dir_.Write("meetings.csv", kMeetings);
  }
  nlohmann::json Leaks() {
    ProgramResult r = Meetleak({"leaks", "list", "--status", "all", "--format", "json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return Json(r);
  }
  nlohmann::json Show(std::int64_t id) {
    ProgramResult r = Meetleak({"leaks", "show", std::to_string(id), "--format", "json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return Json(r)["findings"][0];
  }
  static int ArchiveEvents(const nlohmann::json& finding) {
    int n = 0;
    for (const auto& e : finding["history"]) n += e["event"] == "archive";
    return n;
  }
  // One value of the test's DB, by SQL.
  std::string Sql(const std::string& sql, const std::string& db = "meetleak.db") {
    sqlite3* h = nullptr;
    sqlite3_open_v2((dir_.path() / db).c_str(), &h, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_busy_timeout(h, 5000);
    sqlite3_stmt* st = nullptr;
    std::string out;
    if (sqlite3_prepare_v2(h, sql.c_str(), -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != nullptr)
      out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(h);
    return out;
  }
};

TEST_F(SweepTest, FindsEveryPlantedFormWithItsPageAndCaptureTime) {
  dir_.Write("CC-a.warc.gz", PlantedWarc());
  dir_.Write("CC-b.warc.wet.gz", PlantedWet());
  ProgramResult r = Meetleak({"sweep", "CC-a.warc.gz", "CC-b.warc.wet.gz", "--threads", "2"});
  EXPECT_EQ(r.exit_code, 1) << "open company leaks were seen\n" << r.err;
  EXPECT_EQ(r.err.find("s3cretPwd"), std::string::npos) << r.err;
  nlohmann::json leaks = Leaks();
  ASSERT_EQ(leaks["findings"].size(), 4u) << leaks.dump(2);
  struct Want {
    const char *key, *page, *seen, *file, *severity;
  };
  for (const Want& w : {Want{"85512345678", "https://blog.example/a", "2024-05-01T10:20:30Z",
                             "CC-a.warc.gz", "critical"},
                        Want{"9876543210", "https://events.example/b", "2024-05-02T08:00:00Z",
                             "CC-b.warc.wet.gz", "critical"},
                        Want{"123456789", "https://forum.example/c", "2024-05-03T11:00:00Z",
                             "CC-a.warc.gz", "medium"},
                        Want{"85512340001", "https://cdn.example/d.js", "2024-05-04T12:00:00Z",
                             "CC-a.warc.gz", "high"}}) {
    std::vector<nlohmann::json> f = FindingsFor(leaks, w.key);
    ASSERT_EQ(f.size(), 1u) << w.key << "\n" << leaks.dump(2);
    EXPECT_EQ(f[0]["page_url"], w.page) << w.key;
    EXPECT_EQ(f[0]["first_seen"], w.seen) << w.key;
    EXPECT_EQ(f[0]["last_seen"], w.seen) << w.key;
    EXPECT_EQ(f[0]["source_url"], std::string("warc:") + w.file) << w.key;
    EXPECT_EQ(f[0]["severity"], w.severity) << w.key;
    EXPECT_EQ(f[0]["status"], "open") << w.key;
  }
  EXPECT_EQ(FindingsFor(leaks, "85512340001")[0]["owner"], "secops@acme.example");
  EXPECT_EQ(leaks.dump().find("s3cretPwd"), std::string::npos);
}

TEST_F(SweepTest, AKnownLeakIsOnlySightedAndAFileDoneIsNotReadAgain) {
  dir_.Write("first.warc.gz", PlantedWarc());
  ASSERT_EQ(Meetleak({"sweep", "first.warc.gz"}).exit_code, 1);
  const std::int64_t id = FindingsFor(Leaks(), "123456789")[0]["leak_id"];
  ASSERT_EQ(Meetleak({"leaks", "ack", std::to_string(id), "--note", "asked the owner"}).exit_code,
            0);
  // The same page captured a month later, with the meeting's passcode now:
  // more severe, later — and still only a sighting.
  dir_.Write("later.warc.gz",
             GzipMember(Response("https://forum.example/c", "2024-06-03T11:00:00Z", kHtml,
                                 "<a href=\"https://acme-corp.zoom.us/j/123456789?pwd=x\">j</a>")));
  ProgramResult later = Meetleak({"sweep", "later.warc.gz"});
  EXPECT_EQ(later.exit_code, 0) << "no open leak was seen\n" << later.err;
  nlohmann::json leak = Show(id);
  EXPECT_EQ(leak["status"], "acknowledged");
  EXPECT_EQ(leak["severity"], "medium");
  EXPECT_EQ(leak["first_seen"], "2024-05-03T11:00:00Z");
  EXPECT_EQ(leak["last_seen"], "2024-05-03T11:00:00Z");
  EXPECT_EQ(ArchiveEvents(leak), 2) << leak.dump(2);
  ProgramResult text = Meetleak({"leaks", "show", std::to_string(id)});
  EXPECT_NE(text.out.find("warc:later.warc.gz"), std::string::npos) << text.out;

  // Read again: the done file is passed over; nothing is stored twice.
  ProgramResult again = Meetleak({"sweep", "first.warc.gz", "later.warc.gz"});
  EXPECT_NE(again.err.find("files 2/2  records 0"), std::string::npos) << again.err;
  EXPECT_EQ(ArchiveEvents(Show(id)), 2);
  EXPECT_EQ(Leaks()["findings"].size(), 3u);
}

TEST_F(SweepTest, AKilledSweepResumesAndStoresEachLeakOnce) {
  // 40 000 records, a planted leak every 1 000th: matching every record
  // takes long enough for commits to land before the kill.
  std::string big;
  std::set<std::string> planted;
  for (int i = 0; i < 40000; ++i) {
    const std::string uri = "https://big.example/" + std::to_string(i);
    std::string body = "<p>see us on zoom.us or call 555 1234 " + std::string(1500, 'x') + "</p>";
    if (i % 1000 == 999) {
      body += "<a href=\"https://acme-corp.zoom.us/j/85512345678\">j</a>";
      planted.insert(uri);
    }
    big += GzipMember(Response(uri, "2024-05-01T10:20:30Z", kHtml, body));
  }
  dir_.Write("big.warc.gz", big);
  const int pid = StartProgram({MeetleakBinary(), "sweep", "big.warc.gz", "--threads", "1"},
                               dir_.path(), dir_.path() / "out", dir_.path() / "err");
  bool committed_part = false;
  for (int i = 0; i < 3000 && !committed_part; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    committed_part = Sql("SELECT records > 0 AND NOT done FROM sweep_file") == "1";
  }
  kill(pid, SIGKILL);
  WaitProgram(pid);
  ASSERT_TRUE(committed_part) << "the sweep never committed part of the file: "
                              << ReadFile(dir_.path() / "err");
  const std::string before = Sql("SELECT records FROM sweep_file");
  ProgramResult rerun = Meetleak({"sweep", "big.warc.gz"});
  EXPECT_EQ(rerun.exit_code, 1) << rerun.err;
  EXPECT_EQ(Sql("SELECT done FROM sweep_file"), "1");
  EXPECT_EQ(Sql("SELECT records FROM sweep_file"), "40000");
  nlohmann::json leaks = Leaks();
  std::set<std::string> found;
  for (const auto& f : leaks["findings"]) found.insert(f["page_url"].get<std::string>());
  EXPECT_EQ(found, planted) << "killed after " << before << " records";
  EXPECT_EQ(leaks["findings"].size(), planted.size());
  EXPECT_EQ(Sql("SELECT count(*) FROM leak_event WHERE kind = 'archive'"),
            std::to_string(planted.size()));
}

// A stop signal ends a sweep between commits, promptly even inside a large
// record, and the next sweep resumes where it stopped.
TEST_F(SweepTest, SigtermStopsASweepPromptlyAndTheNextOneResumes) {
  dir_.Write("meetleak.toml",
             "[company]\nzoom_domains = [\"acme-corp.zoom.us\"]\nsecurity_contact = "
             "\"secops@acme.example\"\n");
  // 200 records of 128 KiB, each a dense list of distinct meeting IDs (slow
  // to match: seconds in all), a company leak in the first and the last.
  const std::string html = "Content-Type: text/html; charset=utf-8\r\n";
  std::string warc;
  constexpr int kRecords = 200;
  for (int r = 0; r < kRecords; ++r) {
    std::string body;
    if (r == 0 || r == kRecords - 1)
      body += "<a href=\"https://acme-corp.zoom.us/j/8551234567" + std::to_string(r % 10) +
              "\">join</a>\n";
    for (long n = 0; body.size() < 128 * 1024; ++n) {
      const long id = 812000000 + r * 100000L + n;
      body +=
          "Meeting ID: " + std::to_string(id).insert(6, " ").insert(3, " ") + "<br>Passcode: 42\n";
    }
    warc += GzipMember(
        Response("https://dump.example/" + std::to_string(r), "2024-05-01T10:20:30Z", html, body));
  }
  dir_.Write("dump.warc.gz", warc);

  const int pid = StartProgram({MeetleakBinary(), "sweep", "dump.warc.gz", "--threads", "1"},
                               dir_.path(), dir_.path() / "out", dir_.path() / "err");
  // About 4 s of matching at 6 MB/s: a second in, the sweep is well inside
  // the file on a machine several times faster too.
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  const auto sent = std::chrono::steady_clock::now();
  kill(pid, SIGTERM);
  ProgramResult stopped = WaitProgram(pid);
  const double took =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - sent).count();
  const std::string err = ReadFile(dir_.path() / "err");
  EXPECT_LT(took, 10.0) << "SIGTERM took " << took << " s to end the sweep";
  EXPECT_EQ(stopped.term_signal, 0) << "killed by the signal instead of stopping: " << err;
  EXPECT_NE(err.find("stopped by a signal"), std::string::npos) << err;
  EXPECT_EQ(Sql("SELECT done FROM sweep_file"), "0") << err;

  ProgramResult rerun = Meetleak({"sweep", "dump.warc.gz", "--threads", "1"});
  EXPECT_EQ(rerun.exit_code, 1) << rerun.err;
  EXPECT_EQ(Sql("SELECT done FROM sweep_file"), "1");
  EXPECT_EQ(Sql("SELECT records FROM sweep_file"), std::to_string(kRecords));
  EXPECT_EQ(Sql("SELECT count(*) FROM leak"), "2");
  EXPECT_EQ(Sql("SELECT count(*) FROM leak_event WHERE kind = 'archive'"), "2");
}

// A record's payload is capped by [crawler] max_body_bytes, as a fetched
// body is: matched on its first bytes, warned about by file and offset, and
// the records after it read as usual.
TEST_F(SweepTest, PayloadOverMaxBodyBytesIsCutThereWithAWarning) {
  dir_.Write("meetleak.toml", std::string(kConfig) + "[crawler]\nmax_body_bytes = 2048\n");
  const std::string first = GzipMember(
      Response("https://a.example/", "2024-05-01T10:20:30Z", kHtml, "<p>nothing here</p>"));
  const std::string big = GzipMember(Response(
      "https://big.example/", "2024-05-01T10:20:31Z", kHtml,
      "<a href=\"https://acme-corp.zoom.us/j/85512345678\">in</a>" + std::string(4000, 'x') +
          "<a href=\"https://acme-corp.zoom.us/j/123456789\">past the cap</a>"));
  const std::string after = GzipMember(Response("https://after.example/", "2024-05-01T10:20:32Z",
                                                kHtml, "https://acme-corp.zoom.us/j/9876543210"));
  dir_.Write("capped.warc.gz", first + big + after);
  ProgramResult r = Meetleak({"sweep", "capped.warc.gz"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("capped.warc.gz: offset " + std::to_string(first.size()) +
                       ": payload over max_body_bytes (2048 bytes); only its first 2048 bytes "
                       "were read"),
            std::string::npos)
      << r.err;
  nlohmann::json leaks = Leaks();
  EXPECT_EQ(FindingsFor(leaks, "85512345678").size(), 1u) << leaks.dump(2);
  EXPECT_EQ(FindingsFor(leaks, "9876543210").size(), 1u) << "the record after was read";
  EXPECT_TRUE(FindingsFor(leaks, "123456789").empty()) << "matched past the cap";
  EXPECT_EQ(Sql("SELECT records || ' ' || done FROM sweep_file"), "3 1");
}

// On a terminal (script(1) gives it one) a progress line is redrawn in
// place — files, records, MB/s, leaks; without one, only the log lines.
TEST_F(SweepTest, ProgressLineOnATerminalOnly) {
  dir_.Write("CC-a.warc.gz", PlantedWarc());
  ProgramResult tty = RunProgram(
      {"/usr/bin/script", "-qec", "\"" + MeetleakBinary() + "\" sweep CC-a.warc.gz", "/dev/null"},
      "", dir_.path());
  EXPECT_EQ(tty.exit_code, 1) << tty.out;
  const std::size_t at = tty.out.rfind("\rfiles ");
  ASSERT_NE(at, std::string::npos) << "no progress line on the terminal: " << tty.out;
  const std::size_t end = tty.out.find("\033[K", at);
  ASSERT_NE(end, std::string::npos) << tty.out;
  const std::string line = tty.out.substr(at + 1, end - at - 1);
  EXPECT_EQ(line.rfind("files 1/1  records 17  ", 0), 0u) << line;
  EXPECT_NE(line.find(" MB/s  leaks 3 (open 3)  failed 0"), std::string::npos) << line;

  ProgramResult piped = Meetleak({"--db", "piped.db", "sweep", "CC-a.warc.gz"});
  EXPECT_EQ(piped.exit_code, 1) << piped.err;
  EXPECT_EQ(piped.err.find('\r'), std::string::npos) << piped.err;
  EXPECT_EQ(piped.err.find("\033[K"), std::string::npos) << piped.err;
  EXPECT_NE(piped.err.find("sweep: files 1/1  records 17  "), std::string::npos) << piped.err;
}

// A month split over machines: shards 1/3, 2/3 and 3/3 of one list take
// every file once, and together find every leak.
TEST_F(SweepTest, ShardsOfAPathListTakeEveryFileOnce) {
  std::string list;
  for (int i = 0; i < 7; ++i) {
    const std::string name = "crawl/segment/CC-" + std::to_string(i) + ".warc.wet.gz";
    dir_.Write(
        "mirror/" + name,
        GzipMember(Conversion("https://p.example/" + std::to_string(i), "2024-05-02T08:00:00Z",
                              "https://acme-corp.zoom.us/j/8551234500" + std::to_string(i))));
    list += name + "\n";
  }
  dir_.Write("wet.paths.gz", GzipMember(list));
  std::multiset<std::string> swept;
  for (const char* shard : {"1/3", "2/3", "3/3"}) {
    const std::string db = std::string("shard") + shard[0] + ".db";
    ProgramResult r = Meetleak(
        {"--db", db, "sweep", "--paths", "wet.paths.gz", "--root", "mirror", "--shard", shard});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    for (int i = 0; i < 7; ++i)
      if (!Sql("SELECT 1 FROM sweep_file WHERE done AND name = 'CC-" + std::to_string(i) +
                   ".warc.wet.gz'",
               db)
               .empty())
        swept.insert(std::to_string(i));
    EXPECT_EQ(Sql("SELECT count(*) FROM leak", db), Sql("SELECT count(*) FROM sweep_file", db));
  }
  EXPECT_EQ(swept, (std::multiset<std::string>{"0", "1", "2", "3", "4", "5", "6"}));
  EXPECT_EQ(Sql("SELECT group_concat(name) FROM sweep_file", "shard1.db"),
            "CC-0.warc.wet.gz,CC-3.warc.wet.gz,CC-6.warc.wet.gz");
  EXPECT_EQ(Meetleak({"sweep", "--paths", "wet.paths.gz", "--root", "mirror", "--shard", "4/3"})
                .exit_code,
            2);
  EXPECT_EQ(Meetleak({"sweep", "--paths", "wet.paths.gz"}).exit_code, 2) << "--root is needed";
  EXPECT_EQ(Meetleak({"sweep", "--paths", "missing.gz", "--root", "mirror"}).exit_code, 2);
}

// --watch: each page with a company leak becomes a guarded `watch` source.
TEST_F(SweepTest, WatchAddsGuardedSourcesThatUnwatchRemoves) {
  dir_.Write("a.warc.gz", PlantedWarc() + GzipMember(Response(
                                              "http://127.0.0.1:9/inside", "2024-05-05T00:00:00Z",
                                              kHtml, "https://acme-corp.zoom.us/j/123456789")));
  ASSERT_EQ(Meetleak({"sweep", "a.warc.gz", "--watch"}).exit_code, 1);
  ProgramResult listed = Meetleak({"sources", "list", "--format", "json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  // Each watched page holds one open leak, which sources list counts though
  // the sweep (not the source) saw it; an acknowledged one is not open.
  for (const auto& f : FindingsFor(Leaks(), "123456789")) {
    if (f["page_url"] != "https://forum.example/c") continue;
    const auto id = f["leak_id"].get<std::int64_t>();
    ASSERT_EQ(Meetleak({"leaks", "ack", std::to_string(id)}).exit_code, 0);
  }
  std::map<std::string, int> watched;
  listed = Meetleak({"sources", "list", "--format", "json"});
  const nlohmann::json sources = Json(listed);
  for (const auto& s : sources["sources"])
    if (s["kind"] == "watch") watched[s["url"].get<std::string>()] = s["open_leaks"].get<int>();
  EXPECT_EQ(watched, (std::map<std::string, int>{{"http://127.0.0.1:9/inside", 1},
                                                 {"https://blog.example/a", 1},
                                                 {"https://cdn.example/d.js", 1},
                                                 {"https://forum.example/c", 0}}))
      << listed.out;
  EXPECT_NE(Meetleak({"sources", "list"}).out.find("open leaks 1"), std::string::npos);
  // An archive's URL is content: run fetches it only past the address guard,
  // even when asked to lift it.
  ASSERT_EQ(Meetleak({"sources", "unwatch", "https://blog.example/a"}).exit_code, 0);
  ASSERT_EQ(Meetleak({"sources", "unwatch", "https://cdn.example/d.js"}).exit_code, 0);
  ASSERT_EQ(Meetleak({"sources", "unwatch", "https://forum.example/c"}).exit_code, 0);
  ProgramResult run = Meetleak({"run", "--once", "--allow-private-addresses"});
  EXPECT_EQ(run.exit_code, 3) << run.err;
  EXPECT_NE(run.err.find("address guard"), std::string::npos) << run.err;
  ProgramResult gone = Meetleak({"sources", "unwatch", "https://nowhere.example/"});
  EXPECT_EQ(gone.exit_code, 2);
  EXPECT_NE(gone.err.find("no watch source"), std::string::npos) << gone.err;
  ASSERT_EQ(Meetleak({"sources", "unwatch", "http://127.0.0.1:9/inside"}).exit_code, 0);
  listed = Meetleak({"sources", "list", "--format", "json"});
  EXPECT_EQ(Json(listed)["sources"].size(), 0u) << listed.out;
}

// The corpus's real archives: Common Crawl's sample read whole; broken
// files warned about with their offset and the rest read; ARC refused.
TEST_F(SweepTest, RealArchivesOfTheCorpus) {
  MEETLEAK_REQUIRE_SHARED();
  const auto warc = SharedDir() / "corpus" / "warc";
  ProgramResult cc = Meetleak({"sweep", (warc / "resiliparse" / "warcfile.warc.gz").string()});
  EXPECT_EQ(cc.exit_code, 0) << cc.err;
  EXPECT_NE(cc.err.find("files 1/1  records 50 "), std::string::npos) << cc.err;
  ProgramResult broken = Meetleak({"sweep", (warc / "resiliparse" / "clipped.warc.gz").string(),
                                   (warc / "warcio" / "example-trunc.warc").string()});
  EXPECT_EQ(broken.exit_code, 0) << broken.err;
  EXPECT_NE(broken.err.find("clipped.warc.gz: offset "), std::string::npos) << broken.err;
  EXPECT_NE(broken.err.find("example-trunc.warc: offset "), std::string::npos) << broken.err;
  ProgramResult arc = Meetleak({"sweep", (warc / "warcio" / "example.arc").string()});
  EXPECT_EQ(arc.exit_code, 3) << arc.err;
  EXPECT_NE(arc.err.find("error: example.arc: an ARC file"), std::string::npos) << arc.err;
}

}  // namespace
}  // namespace meetleak::testing
