// End-to-end: several `meetleak run --once` workers (the real binary) over
// one PostgreSQL database of the tests' own server, polling 600 sources on
// 6 loopback hosts (127.0.0.2–7, a TestServer each): every source is
// fetched once per pass, per_host holds across workers, the leaks are a
// single worker's, and a worker killed mid-pass loses nothing — the others
// take its sources once its leases run out.
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <map>
#include <memory>
#include <thread>

#include "tests/cli/cli_fixture.h"
#include "tests/support/postgres_server.h"
#include "tests/support/test_server.h"

namespace meetleak::testing {
namespace {

using namespace std::chrono_literals;

constexpr int kHosts = 6;
constexpr int kPagesPerHost = 100;
constexpr int kPerHost = 2;

class WorkersTest : public CliTest {
 protected:
  void SetUp() override {
    dir_.Write("meetings.csv",
               "meeting_id,owner_email,topic,kind\n85512345678,ana@acme.example,Sync,recurring\n");
    for (int h = 0; h < kHosts; ++h) {
      TestServer::Options options;
      options.address = "127.0.0." + std::to_string(h + 2);
      options.no_delay = true;
      servers_.push_back(std::make_unique<TestServer>(options));
      servers_.back()->RouteAll([this](const RecordedRequest& req) {
        Reply r;
        if (req.target == "/robots.txt") {
          r.status = 404;
          return r;
        }
        r.delay = page_delay_;
        r.headers = {{"Content-Type", "text/html"}};
        const int page = std::atoi(req.target.c_str() + 2);  // "/p17"
        r.body =
            "<html><body><p>page " + req.target + "</p>" +
            (page % 5 == 0 ? "<a href=\"https://acme-corp.zoom.us/j/85512345678\">join</a>" : "") +
            "</body></html>";
        return r;
      });
    }
    std::string why;
    pg_ = PostgresServer::Shared(&why);
    ASSERT_NE(pg_, nullptr) << "PostgreSQL did not start: " << why;
  }

  std::string NewDatabase() {
    Result<std::string> db = pg_->NewDatabase();
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    names_.push_back(db.ok() ? *db : "");
    return db.ok() ? pg_->Url(*db) : "";
  }

  // A config over every page of every host, on `database`.
  void WriteConfig(const std::string& database, int lease_s) {
    std::string toml = "database = \"" + database +
                       "\"\n[company]\nzoom_domains = [\"acme-corp.zoom.us\"]\n"
                       "inventory = \"meetings.csv\"\n"
                       "[crawler]\ndelay_ms = 0\nconcurrency = 4\nper_host = " +
                       std::to_string(kPerHost) +
                       "\ntimeout_s = 10\n[storage]\nlease_s = " + std::to_string(lease_s) + "\n";
    for (int h = 0; h < kHosts; ++h)
      for (int p = 0; p < kPagesPerHost; ++p)
        toml += "[[source]]\nurl = \"" + servers_[h]->Url("/p" + std::to_string(p)) +
                "\"\nkind = \"page\"\nallow_private_addresses = true\n";
    dir_.Write("meetleak.toml", toml);
  }

  int StartWorker(int n) {
    const std::string name = "worker" + std::to_string(n);
    return StartProgram({MeetleakBinary(), "run", "--once"}, dir_.path(),
                        dir_.path() / (name + ".out"), dir_.path() / (name + ".err"));
  }

  // Requests per page path of every host (robots.txt aside), and the most
  // requests any host handled at once.
  std::map<std::string, int> PageRequests(int* max_in_flight = nullptr) const {
    std::map<std::string, int> counts;
    for (const auto& s : servers_) {
      if (max_in_flight != nullptr) *max_in_flight = std::max(*max_in_flight, s->max_in_flight());
      for (const RecordedRequest& r : s->Requests())
        if (r.target != "/robots.txt") ++counts[s->Url(r.target)];
    }
    return counts;
  }

  // The leaks as `leaks list` shows them, without ids and times (which
  // differ from run to run), by page.
  nlohmann::json LeaksOf(const std::string& db) {
    ProgramResult r =
        Meetleak({"leaks", "list", "--status", "all", "--format", "json", "--db", db});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    nlohmann::json j = Json(r);
    std::vector<nlohmann::json> out;
    for (auto f : j["findings"]) {
      for (const char* k : {"leak_id", "first_seen", "last_seen"}) f.erase(k);
      out.push_back(f);
    }
    std::sort(out.begin(), out.end(),
              [](const auto& a, const auto& b) { return a.dump() < b.dump(); });
    return out;
  }

  std::string Sql(const std::string& db, const std::string& sql) {
    Result<std::string> out = pg_->Psql(db, sql);
    EXPECT_TRUE(out.ok()) << out.status().ToString();
    return out.ok() ? *out : "";
  }

  // The database stays whole: no leak sighted twice in one pass, every
  // leak with the history of its opening, every source's state written.
  void ExpectConsistent(const std::string& db) {
    EXPECT_NE(Sql(db, "SELECT 'n=' || count(*) FROM leak").find("n=120"), std::string::npos);
    EXPECT_NE(Sql(db, "SELECT 'n=' || count(*) FROM leak WHERE sightings <> 1 OR status <> 'open'")
                  .find("n=0"),
              std::string::npos);
    EXPECT_NE(Sql(db,
                  "SELECT 'n=' || count(*) FROM source WHERE last_fetched IS NULL "
                  "OR last_status <> 200 OR leased_by IS NOT NULL")
                  .find("n=0"),
              std::string::npos)
        << Sql(db,
               "SELECT url, last_status, leased_by FROM source WHERE last_fetched IS NULL "
               "OR last_status <> 200 OR leased_by IS NOT NULL LIMIT 5");
    EXPECT_NE(Sql(db, "SELECT 'n=' || count(*) FROM document").find("n=600"), std::string::npos);
  }

  std::vector<std::unique_ptr<TestServer>> servers_;
  std::chrono::milliseconds page_delay_{20};
  PostgresServer* pg_ = nullptr;
  std::vector<std::string> names_;
};

TEST_F(WorkersTest, ThreeWorkersFetchEverySourceOnceWithinThePerHostLimit) {
  // The reference: one worker alone, on a database of its own.
  const std::string alone = NewDatabase();
  WriteConfig(alone, 3);
  ProgramResult one = Meetleak({"run", "--once"});
  ASSERT_EQ(one.exit_code, 1) << one.err;
  const nlohmann::json want = LeaksOf(alone);
  ASSERT_EQ(want.size(), 120u);
  const std::map<std::string, int> before = PageRequests();

  const std::string shared = NewDatabase();
  WriteConfig(shared, 3);
  std::vector<int> pids;
  for (int w = 0; w < 3; ++w) pids.push_back(StartWorker(w));
  int read = 0;
  for (int w = 0; w < 3; ++w) {
    ProgramResult r = WaitProgram(pids[w]);
    const std::string err = ReadFile(dir_.path() / ("worker" + std::to_string(w) + ".err"));
    EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.exit_code << ": " << err;
    read += err.find("pass done") != std::string::npos;
  }
  EXPECT_GE(read, 2) << "the sources were not shared";
  int max_in_flight = 0;
  const std::map<std::string, int> after = PageRequests(&max_in_flight);
  ASSERT_EQ(after.size(), 600u);
  for (const auto& [url, n] : after)
    EXPECT_EQ(n - (before.count(url) ? before.at(url) : 0), 1) << url << " fetched " << n;
  EXPECT_LE(max_in_flight, kPerHost) << "per_host exceeded across workers";
  EXPECT_EQ(LeaksOf(shared), want);
  ExpectConsistent(names_[1]);

  // status names the workers of the pass.
  ProgramResult status = Meetleak({"status", "--format", "json"});
  const nlohmann::json s = Json(status);
  EXPECT_GE(s["workers"].size(), 3u) << s.dump(2);
}

TEST_F(WorkersTest, AKilledWorkersSourcesAreFinishedByTheOthersOnceItsLeasesRunOut) {
  page_delay_ = 40ms;
  const std::string db = NewDatabase();
  WriteConfig(db, 2);
  const int victim = StartWorker(0);
  for (int i = 0; i < 500 && PageRequests().size() < 20; ++i) std::this_thread::sleep_for(10ms);
  ASSERT_GE(PageRequests().size(), 20u) << "the first worker never got going";
  ::kill(victim, SIGKILL);
  ProgramResult killed = WaitProgram(victim);
  EXPECT_EQ(killed.term_signal, SIGKILL);
  const auto killed_at = std::chrono::steady_clock::now();
  const int a = StartWorker(1), b = StartWorker(2);
  for (int pid : {a, b}) {
    ProgramResult r = WaitProgram(pid);
    EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.exit_code;
  }
  // The others waited for the dead worker's leases (2 s) and took them.
  EXPECT_GE(std::chrono::steady_clock::now() - killed_at, 2s);
  const std::map<std::string, int> requests = PageRequests();
  ASSERT_EQ(requests.size(), 600u) << "sources lost with the killed worker";
  int twice = 0;
  for (const auto& [url, n] : requests) {
    EXPECT_LE(n, 2) << url;
    twice += n == 2;
  }
  EXPECT_LE(twice, 40) << "only what the killed worker had in hand is fetched again";
  EXPECT_EQ(LeaksOf(db).size(), 120u);
  EXPECT_NE(Sql(names_[0], "SELECT 'n=' || count(*) FROM leak WHERE status <> 'open'").find("n=0"),
            std::string::npos);
  EXPECT_NE(Sql(names_[0],
                "SELECT 'n=' || count(*) FROM source WHERE last_fetched IS NULL "
                "OR leased_by IS NOT NULL")
                .find("n=0"),
            std::string::npos);
}

}  // namespace
}  // namespace meetleak::testing
