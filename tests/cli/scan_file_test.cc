// End-to-end: `meetleak scan FILE|-` on fixtures of our own, checking the
// JSON contract, exit codes, storage and that no secret is ever printed or
// stored.
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "tests/cli/cli_fixture.h"

namespace meetleak::testing {
namespace {

const char kMeetings[] =
    "\xEF\xBB\xBFMeeting_ID,Owner_Email,Topic,Kind,extra\n"
    "855 1234 5678,ana@acme.example,Weekly sync,recurring,x\n"
    "855-1234-5680,ben@acme.example,\"Board prep, Q4\",scheduled,\n"
    "85512345699,ben@acme.example,Bare number,scheduled,\n"
    "85512345698,ben@acme.example,Only in a longer number,webinar,\n";
const char kLinks[] = "vanity,owner_email\ncarla.acme,carla@acme.example\n";

// Every form the design lists, each under its own key, plus look-alikes.
const char kPage[] = R"(<html><head>
<meta name="description" content="Office hours https://acme-corp.zoom.us/j/85512345678?pwd=SECRETpw1">
<script type="application/ld+json">{"url":"https:\/\/zoom.us\/j\/92000000015"}</script>
</head><body>
<p>Community call: us02web.zoom.us/j/91234567890</p>
<a href="https://zoom.us/w/92000000001">webinar</a>
<a href="https://zoom.us/s/92000000002?zak=eyJzakSECRET.token">start</a>
<a href="https://zoom.us/wc/join/92000000003">web client</a>
<a href="https://zoom.us/wc/92000000004/join">web client 2</a>
<a href="https://zoom.us/launch/jc/92000000005">launch</a>
<a href="https://acme-corp.zoom.us/my/carla.acme">Carla's room</a>
<a href="https://zoom.us/meeting/register/tJ0kdeuhqjMsHtQ8kEPdF7eXAMPLE">register</a>
<a href="https://zoom.us/rec/share/AbCdEfGhIjKlMnOpQrStUvWxYzSECRETTAIL">recording</a>
<a href="zoommtg://zoom.us/join?action=join&confno=92000000006">app</a>
<a href="zoomus://zoom.us/join?confno=92000000007">app 2</a>
<a href="intent://zoom.us/join?confno=92000000008#Intent;scheme=zoomus;package=us.zoom.videomeetings;end">android</a>
<p>Meeting ID: <b>855</b> 1234 5680<br>Passcode: 778899</p>
<p>ID de reunión: 920 0000 0009</p>
<p>One tap mobile: +16699009128,,92000000010#,,,,*445566# US</p>
<a href="tel:+16699009128,,92000000011#">dial</a>
<p>SIP: 92000000012@zoomcrc.com</p>
<p>https:&#x2F;&#x2F;zoom.us&#x2F;j&#x2F;92000000013</p>
<a href="https://www.google.com/url?q=https%3A%2F%2Fzoom.us%2Fj%2F92000000014%3Fpwd%3DWRAPSECRET&sa=D">wrapped</a>
<p>Obfuscated: zoom[.]us/j/92000000016</p>
<p>Ref 855 1234 5699. Invoice 855123456981.</p>
<p>Look-alikes: https://zoom.us.evil.example/j/97777777777 notzoom.us/j/98888888888
user@zoom.us.evil.example 93333333333 (a bare number)</p>
</body></html>
)";

const char* kSecrets[] = {"SECRETpw1", "eyJzakSECRET", "778899",
                          "445566",    "WRAPSECRET",   "SECRETTAIL"};

class ScanFileTest : public CliTest {
 protected:
  void SetUp() override {
    dir_.Write("meetings.csv", kMeetings);
    dir_.Write("links.csv", kLinks);
    page_ = dir_.Write("page.html", kPage);
  }
  ProgramResult ScanJson(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {
        "scan",      page_.string(),     "--inventory",       "meetings.csv", "--personal-links",
        "links.csv", "--company-domain", "acme-corp.zoom.us", "--format",     "json"};
    args.insert(args.end(), extra.begin(), extra.end());
    if (std::find(extra.begin(), extra.end(), "--no-store") == extra.end())
      args.push_back("--store");
    return Meetleak(args);
  }
  std::filesystem::path page_;
};

struct Expected {
  const char* key;
  const char* form;
  const char* link_type;  // "" = null
  bool company;
  const char* severity;
  bool has_passcode;
};

TEST_F(ScanFileTest, FindsEveryFormWithTheDesignedFields) {
  ProgramResult r = ScanJson({"--no-store"});
  ASSERT_EQ(r.exit_code, 1) << r.err;
  nlohmann::json j = Json(r);
  ASSERT_EQ(j["version"], 1);
  const Expected kExpected[] = {
      {"85512345678", "url", "join", true, "critical", true},
      {"91234567890", "url", "join", false, "info", false},
      {"92000000001", "url", "webinar", false, "info", false},
      {"92000000002", "url", "start", false, "info", false},
      {"92000000003", "url", "join", false, "info", false},
      {"92000000004", "url", "join", false, "info", false},
      {"92000000005", "url", "join", false, "info", false},
      {"carla.acme", "url", "personal", true, "critical", false},
      {"tJ0kdeuhqjMs", "url", "register", false, "info", false},
      {"AbCdEfGhIjKl", "url", "recording", false, "info", false},
      {"92000000006", "app_link", "join", false, "info", false},
      {"92000000007", "app_link", "join", false, "info", false},
      {"92000000008", "app_link", "join", false, "info", false},
      {"85512345680", "id_text", "", true, "critical", true},
      {"92000000009", "id_text", "", false, "info", false},
      {"92000000010", "dial_in", "", false, "info", true},
      {"92000000011", "dial_in", "", false, "info", false},
      {"92000000012", "dial_in", "", false, "info", false},
      {"92000000013", "url", "join", false, "info", false},
      {"92000000014", "url", "join", false, "info", true},
      {"92000000015", "url", "join", false, "info", false},
      {"92000000016", "url", "join", false, "info", false},
      {"85512345699", "id_text", "", true, "medium", false},
  };
  for (const Expected& e : kExpected) {
    SCOPED_TRACE(e.key);
    std::vector<nlohmann::json> found = FindingsFor(j, e.key);
    ASSERT_EQ(found.size(), 1u) << r.out;
    const nlohmann::json& f = found[0];
    EXPECT_EQ(f["form"], e.form);
    if (*e.link_type)
      EXPECT_EQ(f["link_type"], e.link_type);
    else
      EXPECT_TRUE(f["link_type"].is_null());
    EXPECT_EQ(f["company"], e.company);
    EXPECT_EQ(f["severity"], e.severity);
    EXPECT_EQ(f["has_passcode"], e.has_passcode);
    EXPECT_EQ(f["page_url"], "file://" + page_.string());
    EXPECT_TRUE(f["leak_id"].is_null());  // --no-store
    EXPECT_TRUE(f["status"].is_null());
  }
  for (const char* absent : {"97777777777", "98888888888", "93333333333", "85512345698"})
    EXPECT_TRUE(FindingsFor(j, absent).empty()) << absent << " is not a meeting reference";
  EXPECT_EQ(FindingsFor(j, "85512345678")[0]["owner"], "ana@acme.example");
  EXPECT_EQ(FindingsFor(j, "85512345678")[0]["meeting_kind"], "recurring");
  EXPECT_EQ(FindingsFor(j, "85512345678")[0]["host"], "acme-corp.zoom.us");
  EXPECT_TRUE(FindingsFor(j, "85512345680")[0]["host"].is_null());
}

TEST_F(ScanFileTest, NeverPrintsOrStoresASecret) {
  ProgramResult json = ScanJson();
  ProgramResult text = Meetleak({"scan", page_.string(), "--inventory", "meetings.csv", "--store"});
  ProgramResult list = Meetleak({"leaks", "list", "--status", "all", "--format", "csv"});
  std::string db =
      ReadFile(dir_.path() / "meetleak.db") + ReadFile(dir_.path() / "meetleak.db-wal");
  for (const char* secret : kSecrets) {
    EXPECT_EQ(json.out.find(secret), std::string::npos) << secret;
    EXPECT_EQ(json.err.find(secret), std::string::npos) << secret;
    EXPECT_EQ(text.out.find(secret), std::string::npos) << secret;
    EXPECT_EQ(list.out.find(secret), std::string::npos) << secret;
    EXPECT_EQ(db.find(secret), std::string::npos) << secret << " stored in the DB";
  }
  EXPECT_NE(json.out.find("redacted"), std::string::npos);
}

TEST_F(ScanFileTest, StoresCompanyFindingsOnceAndKeepsTheirIds) {
  ProgramResult first = ScanJson();
  ASSERT_EQ(first.exit_code, 1) << first.err;
  struct stat st {};
  ASSERT_EQ(stat((dir_.path() / "meetleak.db").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  nlohmann::json a = Json(first);
  nlohmann::json stored = FindingsFor(a, "85512345678")[0];
  ASSERT_TRUE(stored["leak_id"].is_number()) << first.out;
  EXPECT_EQ(stored["status"], "open");
  EXPECT_TRUE(FindingsFor(a, "91234567890")[0]["leak_id"].is_null());  // non-company: not stored

  nlohmann::json b = Json(ScanJson());
  EXPECT_EQ(FindingsFor(b, "85512345678")[0]["leak_id"], stored["leak_id"]);
  nlohmann::json leaks = Json(Meetleak({"leaks", "list", "--format", "json"}));
  int company = 0;
  for (const auto& f : a["findings"]) company += f["company"].get<bool>();
  EXPECT_EQ(static_cast<int>(leaks["findings"].size()), company);  // no duplicate rows
}

TEST_F(ScanFileTest, OwnerDecisionsChangeTheExitCode) {
  nlohmann::json j = Json(ScanJson());
  // Mark every company leak a false positive: the next scan exits 0.
  for (const auto& f : j["findings"]) {
    if (!f["company"].get<bool>()) continue;
    ProgramResult r = Meetleak(
        {"leaks", "false-positive", std::to_string(f["leak_id"].get<long>()), "--note", "test"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  EXPECT_EQ(ScanJson().exit_code, 0);
  ProgramResult fp = Meetleak({"leaks", "list", "--status", "false_positive", "--format", "json"});
  EXPECT_FALSE(Json(fp)["findings"].empty());
  long id = FindingsFor(j, "85512345678")[0]["leak_id"];
  ASSERT_EQ(Meetleak({"leaks", "reopen", std::to_string(id)}).exit_code, 0);
  EXPECT_EQ(ScanJson().exit_code, 1);
  EXPECT_EQ(Meetleak({"leaks", "ack", "999999"}).exit_code, 2);
}

// Leak statuses are a closed set: a mistyped --status is a usage error
// naming the flag and the choices, and a status in the DB that meetleak never
// writes is a storage error naming the file, never an open leak.
TEST_F(ScanFileTest, AnUnknownLeakStatusIsAClearError) {
  ASSERT_EQ(ScanJson().exit_code, 1);
  for (const std::vector<std::string>& command :
       {std::vector<std::string>{"leaks", "list"}, std::vector<std::string>{"report"}}) {
    std::vector<std::string> args = command;
    args.insert(args.end(), {"--status", "opened"});
    ProgramResult r = Meetleak(args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("--status"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("opened"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("false_positive"), std::string::npos) << r.err;  // the choices
    EXPECT_TRUE(r.out.empty()) << r.out;
  }

  const std::string db_file = (dir_.path() / "meetleak.db").string();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_file.c_str(), &db), SQLITE_OK);
  EXPECT_EQ(sqlite3_exec(db,
                         "PRAGMA ignore_check_constraints = ON; "
                         "UPDATE leak SET status = 'closed' WHERE key = '85512345678'",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  ProgramResult r = Meetleak({"leaks", "list", "--status", "all", "--format", "json"});
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_NE(r.err.find("meetleak.db"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("unknown status 'closed'"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
}

// An ad-hoc scan of a local copy must not reach the owners' digests.
TEST_F(ScanFileTest, LocalTargetsAreStoredOnlyWithStore) {
  ASSERT_EQ(Meetleak({"inventory", "import", "meetings.csv"}).exit_code, 0);
  auto stored = [&] {
    return Json(Meetleak({"leaks", "list", "--status", "all", "--format", "json"}))["findings"];
  };
  ProgramResult file = Meetleak({"scan", page_.string(), "--company-domain", "acme-corp.zoom.us"});
  EXPECT_EQ(file.exit_code, 1) << file.err;
  ProgramResult in = Meetleak({"scan", "-", "--company-domain", "acme-corp.zoom.us"},
                              "see https://acme-corp.zoom.us/j/85512345678 now");
  EXPECT_EQ(in.exit_code, 1) << in.err;
  EXPECT_TRUE(stored().empty()) << "a file or stdin scan stored leaks without --store";
  ASSERT_EQ(Meetleak({"scan", "-", "--company-domain", "acme-corp.zoom.us", "--store"},
                     "see https://acme-corp.zoom.us/j/85512345678 now")
                .exit_code,
            1);
  ASSERT_EQ(stored().size(), 1u);
  EXPECT_EQ(stored()[0]["page_url"], "stdin:");
  EXPECT_EQ(Meetleak({"scan", "-", "--store", "--no-store"}, "x").exit_code, 2);
}

TEST_F(ScanFileTest, ReadsStdin) {
  ProgramResult r = Meetleak(
      {"scan", "-", "--company-domain", "acme-corp.zoom.us", "--format", "json", "--no-store"},
      "see https://acme-corp.zoom.us/j/85512345678 now");
  ASSERT_EQ(r.exit_code, 1) << r.err;
  nlohmann::json j = Json(r);
  ASSERT_EQ(j["findings"].size(), 1u);
  EXPECT_EQ(j["findings"][0]["page_url"], "stdin:");
  EXPECT_EQ(j["findings"][0]["severity"], "high");
  EXPECT_EQ(j["findings"][0]["owner"], nullptr);  // no security_contact configured
}

TEST_F(ScanFileTest, ALocalFeedIsParsedByKindAndCarriesEntryUrls) {
  auto feed = dir_.Write("feed.xml", R"(<?xml version="1.0"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>urn:t</id>
<entry><title>one</title><id>urn:1</id><link href="https://events.example/1"/>
<content type="html">&lt;a href="https://acme-corp.zoom.us/j/85512345678"&gt;join&lt;/a&gt;</content></entry>
<entry><title>two</title><id>urn:2</id><link href="https://events.example/2"/>
<summary>Meeting ID: 855 1234 5680</summary></entry>
</feed>)");
  ProgramResult r = Meetleak(
      {"scan", feed.string(), "--inventory", "meetings.csv", "--format", "json", "--no-store"});
  ASSERT_EQ(r.exit_code, 1) << r.err;
  nlohmann::json j = Json(r);
  ASSERT_EQ(FindingsFor(j, "85512345678").size(), 1u) << r.out;
  EXPECT_EQ(FindingsFor(j, "85512345678")[0]["entry_url"], "https://events.example/1");
  EXPECT_EQ(FindingsFor(j, "85512345678")[0]["page_url"], "file://" + feed.string());
  ASSERT_EQ(FindingsFor(j, "85512345680").size(), 1u);
  EXPECT_EQ(FindingsFor(j, "85512345680")[0]["entry_url"], "https://events.example/2");
}

TEST_F(ScanFileTest, NoCompanyReferenceExitsZeroAndWarnsWithoutInventory) {
  ProgramResult r = Meetleak({"scan", "-", "--no-store"}, "https://zoom.us/j/91234567890");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("non-company"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("91234567890"), std::string::npos);
}

TEST_F(ScanFileTest, MissingFileExitsThree) {
  ProgramResult r = Meetleak({"scan", "no-such-page.html", "--no-store"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("no-such-page.html"), std::string::npos) << r.err;
}

TEST_F(ScanFileTest, BadInventoryStopsTheScanNamingEveryBadLine) {
  dir_.Write("bad.csv",
             "meeting_id,owner_email,topic,kind\n85512345678,ana@acme.example,ok,recurring\n"
             "12345,ana@acme.example,short id,scheduled\n85512345679,not-an-email,x,scheduled\n"
             "85512345670,ana@acme.example,x,daily\n");
  ProgramResult r = Meetleak({"scan", page_.string(), "--inventory", "bad.csv", "--no-store"});
  EXPECT_EQ(r.exit_code, 2);
  for (const char* line : {"bad.csv:3", "bad.csv:4", "bad.csv:5"})
    EXPECT_NE(r.err.find(line), std::string::npos) << line << " missing in: " << r.err;
  EXPECT_TRUE(r.out.empty()) << "nothing is scanned against a half inventory";
}

TEST_F(ScanFileTest, InventoryImportIsAllOrNothing) {
  ASSERT_EQ(
      Meetleak({"inventory", "import", "meetings.csv", "--personal-links", "links.csv"}).exit_code,
      0);
  nlohmann::json inv = Json(Meetleak({"inventory", "list", "--format", "json"}));
  EXPECT_EQ(inv["meetings"].size(), 4u);
  EXPECT_EQ(inv["personal_links"].size(), 1u);
  dir_.Write("dup.csv",
             "meeting_id,owner_email,topic,kind\n85500000001,a@acme.example,x,scheduled\n"
             "855 0000 0001,b@acme.example,y,scheduled\n");
  ProgramResult bad = Meetleak({"inventory", "import", "dup.csv"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("dup.csv:3"), std::string::npos) << bad.err;
  nlohmann::json after = Json(Meetleak({"inventory", "list", "--format", "json"}));
  EXPECT_EQ(after, inv);  // nothing imported
  // The stored inventory is used by a later scan.
  ProgramResult r =
      Meetleak({"scan", "-", "--format", "json", "--no-store"}, "Meeting ID: 855 1234 5678");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(Json(r)["findings"][0]["severity"], "high");  // recurring, no passcode
}

// A document too large to match at once (several seconds of dense meeting
// links): SIGTERM stops the matching within 64 KiB, and the scan exits by
// itself, saying the document was not read to its end.
TEST_F(ScanFileTest, ScanFileHonoursSigtermInsideLargeDocument) {
  std::string big;
  const std::string unit = "https://zoom.us/j/123456789?pwd=abc ";
  big.reserve(48u << 20);
  while (big.size() < (48u << 20)) big += unit;
  std::filesystem::path file = dir_.Write("big.txt", big);
  big = std::string();
  int pid = StartProgram({MeetleakBinary(), "scan", file.string(), "--no-store"}, dir_.path(),
                         dir_.path() / "scan.out", dir_.path() / "scan.err");
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // reading, then matching
  kill(pid, SIGTERM);
  const auto signalled = std::chrono::steady_clock::now();
  ProgramResult r = WaitProgram(pid);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - signalled).count();
  EXPECT_LT(seconds, 2.0) << "the signal waited for the matching";
  EXPECT_EQ(r.term_signal, 0) << "exited by itself after SIGTERM";
  EXPECT_EQ(r.exit_code, 0) << "exits by what it saw: nothing of a document not read to its end";
  EXPECT_NE(ReadFile(dir_.path() / "scan.err").find("read to its end"), std::string::npos)
      << ReadFile(dir_.path() / "scan.err");
}

// `scan -` of the same large document (stdin a file): the signal is
// honoured inside the matching as for a file.
TEST_F(ScanFileTest, ScanStdinHonoursSigtermInsideLargeDocument) {
  std::string big;
  const std::string unit = "https://zoom.us/j/123456789?pwd=abc ";
  big.reserve(48u << 20);
  while (big.size() < (48u << 20)) big += unit;
  std::filesystem::path file = dir_.Write("big.txt", big);
  big = std::string();
  int pid =
      StartProgram({"/bin/sh", "-c", "exec \"$0\" scan - --no-store < big.txt", MeetleakBinary()},
                   dir_.path(), dir_.path() / "scan.out", dir_.path() / "scan.err");
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  kill(pid, SIGTERM);
  const auto signalled = std::chrono::steady_clock::now();
  ProgramResult r = WaitProgram(pid);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - signalled).count();
  EXPECT_LT(seconds, 2.0) << "the signal waited for the matching";
  EXPECT_EQ(r.term_signal, 0) << "exited by itself after SIGTERM";
  EXPECT_NE(ReadFile(dir_.path() / "scan.err").find("read to its end"), std::string::npos)
      << ReadFile(dir_.path() / "scan.err");
}

// `scan -` on a pipe whose writer neither writes nor closes: the signal
// ends the wait for input.
TEST_F(ScanFileTest, ScanStdinHonoursSigtermWhileWaitingForInput) {
  std::filesystem::path fifo = dir_.path() / "in.fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  int pid =
      StartProgram({"/bin/sh", "-c", "exec \"$0\" scan - --no-store < in.fifo", MeetleakBinary()},
                   dir_.path(), dir_.path() / "scan.out", dir_.path() / "scan.err");
  int writer = open(fifo.c_str(), O_WRONLY);  // waits for the scan to open it
  ASSERT_GE(writer, 0);
  ASSERT_EQ(write(writer, "zoom.us/j/123456789 ", 20), 20);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  kill(pid, SIGTERM);
  const auto signalled = std::chrono::steady_clock::now();
  ProgramResult r = WaitProgram(pid);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - signalled).count();
  close(writer);
  EXPECT_LT(seconds, 2.0);
  EXPECT_EQ(r.term_signal, 0) << "exited by itself after SIGTERM";
  EXPECT_NE(ReadFile(dir_.path() / "scan.err").find("read to its end"), std::string::npos)
      << ReadFile(dir_.path() / "scan.err");
}

TEST_F(ScanFileTest, VersionAndUsage) {
  ProgramResult v = Meetleak({"--version"});
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_NE(v.out.find("meetleak "), std::string::npos);
  EXPECT_EQ(Meetleak({"scan"}).exit_code, 2);
  EXPECT_EQ(Meetleak({"frobnicate"}).exit_code, 2);
  // Options may stand before or after the subcommand.
  EXPECT_EQ(Meetleak({"scan", "-", "--no-store", "-q"}, "nothing").exit_code, 0);
  EXPECT_EQ(Meetleak({"-q", "scan", "-", "--no-store"}, "nothing").exit_code, 0);
}

}  // namespace
}  // namespace meetleak::testing
