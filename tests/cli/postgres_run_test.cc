// End-to-end: build/meetleak on a PostgreSQL database of the test's own
// server (tests/support/postgres_server.h) — `run --once --db postgresql://…`
// stores what the same run stores in SQLite, and a password in the URL is
// refused (exit 2) without ever being printed.
#include "tests/cli/crawl_fixture.h"
#include "tests/support/postgres_server.h"

namespace meetleak::testing {
namespace {

class PostgresRunTest : public CrawlTest {
 protected:
  void SetUp() override {
    CrawlTest::SetUp();
    std::string why;
    server_pg_ = PostgresServer::Shared(&why);
    ASSERT_NE(server_pg_, nullptr) << "PostgreSQL did not start: " << why;
    Result<std::string> db = server_pg_->NewDatabase();
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_name_ = *db;
    url_ = server_pg_->Url(db_name_);
  }

  // `leaks list --status all --format json` on `db`, without the times,
  // which differ between two runs.
  nlohmann::json LeaksWithoutTimes(const std::string& db) {
    ProgramResult r =
        Meetleak({"leaks", "list", "--status", "all", "--format", "json", "--db", db});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    nlohmann::json j = Json(r);
    for (auto& f : j["findings"]) {
      f.erase("first_seen");
      f.erase("last_seen");
    }
    return j;
  }

  PostgresServer* server_pg_ = nullptr;
  std::string db_name_, url_;
};

TEST_F(PostgresRunTest, RunOnceStoresTheSameLeaksAsSqlite) {
  site_.Put("/feed.xml", Feed(server_, {"/e1", "/e2"}), "application/rss+xml");
  site_.Put("/e1", Html("https://acme-corp.zoom.us/j/85512345678"));
  site_.Put("/e2", Html("Webinar ID: 855 1234 5679"));
  WriteConfig({server_.Url("/feed.xml")});

  ProgramResult sqlite = Meetleak({"run", "--once", "--all", "--db", "meetleak.db"});
  ASSERT_EQ(sqlite.exit_code, 1) << sqlite.err;
  ProgramResult pg = Meetleak({"run", "--once", "--all", "--db", url_});
  ASSERT_EQ(pg.exit_code, 1) << pg.err;

  const nlohmann::json want = LeaksWithoutTimes("meetleak.db");
  ASSERT_GE(want["findings"].size(), 2u);
  EXPECT_EQ(LeaksWithoutTimes(url_), want);

  // A second pass: conditional, nothing duplicated, the same leaks still open.
  ProgramResult again = Meetleak({"run", "--once", "--all", "--db", url_});
  ASSERT_EQ(again.exit_code, 1) << again.err;
  EXPECT_EQ(LeaksWithoutTimes(url_), want);
  Result<std::string> rows = server_pg_->Psql(db_name_, "SELECT count(*) FROM leak");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_NE(rows->find(std::to_string(want["findings"].size())), std::string::npos) << *rows;
}

TEST_F(PostgresRunTest, APasswordInTheUrlIsRefusedAndNeverPrinted) {
  const std::string secret = "Sup3rSecretPw";
  const std::string port = std::to_string(server_pg_->port());
  WriteConfig({server_.Url("/page")});
  for (const std::string& url :
       {"postgresql://postgres:" + secret + "@127.0.0.1:" + port + "/" + db_name_,
        "postgresql://postgres@127.0.0.1:" + port + "/" + db_name_ + "?password=" + secret}) {
    for (const std::vector<std::string>& args :
         std::vector<std::vector<std::string>>{{"run", "--once", "--all", "--db", url},
                                               {"leaks", "list", "--db", url},
                                               {"status", "--db", url}}) {
      ProgramResult r = Meetleak(args);
      EXPECT_EQ(r.exit_code, 2) << args[0] << ": " << r.err;
      EXPECT_NE(r.err.find("password"), std::string::npos) << r.err;
      EXPECT_EQ(r.out.find(secret), std::string::npos) << r.out;
      EXPECT_EQ(r.err.find(secret), std::string::npos) << r.err;
    }
  }
  // The same in the config's `database`.
  WriteConfig({server_.Url("/page")}, "");
  const std::string toml = ReadFile(dir_.path() / "meetleak.toml");
  dir_.Write("meetleak.toml", "database = \"postgresql://postgres:" + secret +
                                  "@127.0.0.1:" + port + "/" + db_name_ + "\"\n" + toml);
  ProgramResult r = Meetleak({"run", "--once", "--all"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(r.out.find(secret), std::string::npos) << r.out;
  EXPECT_EQ(r.err.find(secret), std::string::npos) << r.err;
  // Nothing was written: the database is still empty.
  Result<std::string> tables =
      server_pg_->Psql(db_name_, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'");
  ASSERT_TRUE(tables.ok()) << tables.status().ToString();
  EXPECT_NE(tables->find('0'), std::string::npos) << *tables;
}

}  // namespace
}  // namespace meetleak::testing
