// End-to-end: `meetleak db copy` moves a SQLite database into an empty
// PostgreSQL one (the test's own server), leaks and history included.
#include "tests/cli/crawl_fixture.h"
#include "tests/support/postgres_server.h"

namespace meetleak::testing {
namespace {

class DbCopyTest : public CrawlTest {
 protected:
  void SetUp() override {
    CrawlTest::SetUp();
    std::string why;
    pg_ = PostgresServer::Shared(&why);
    ASSERT_NE(pg_, nullptr) << "PostgreSQL did not start: " << why;
    Result<std::string> db = pg_->NewDatabase();
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    url_ = pg_->Url(*db);
  }
  std::string Out(const std::vector<std::string>& args) {
    ProgramResult r = Meetleak(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }
  PostgresServer* pg_ = nullptr;
  std::string url_;
};

TEST_F(DbCopyTest, LeaksAndTheirHistoryReadTheSameFromTheCopy) {
  site_.Put("/feed.xml", Feed(server_, {"/e1", "/e2"}), "application/rss+xml");
  site_.Put("/e1", Html("https://acme-corp.zoom.us/j/85512345678"));
  site_.Put("/e2", Html("Webinar ID: 855 1234 5679"));
  WriteConfig({server_.Url("/feed.xml")});
  ASSERT_EQ(Meetleak({"run", "--once", "--all"}).exit_code, 1);
  const nlohmann::json open = Leaks("open");
  ASSERT_GE(open["findings"].size(), 2u);
  const std::string id = open["findings"][0]["leak_id"].dump();
  Out({"leaks", "ack", id, "--note", "owner asked the team to take it down"});
  site_.Put("/e2", Html("no meeting here any more"));
  ASSERT_EQ(Meetleak({"run", "--once", "--all"}).exit_code, 1);  // a leak goes gone

  ProgramResult copy = Meetleak({"db", "copy", "--from", "meetleak.db", "--to", url_});
  ASSERT_EQ(copy.exit_code, 0) << copy.err;
  EXPECT_NE(copy.out.find("leak "), std::string::npos) << copy.out;

  for (const char* status : {"all", "open", "acknowledged", "gone"}) {
    const std::vector<std::string> list = {"leaks", "list", "--status", status, "--format", "json"};
    std::vector<std::string> on_pg = list;
    on_pg.insert(on_pg.end(), {"--db", url_});
    EXPECT_EQ(Out(on_pg), Out(list)) << status;
  }
  for (const auto& f : Leaks("all")["findings"]) {
    const std::string leak = f["leak_id"].dump();
    EXPECT_EQ(Out({"leaks", "show", leak, "--format", "json", "--db", url_}),
              Out({"leaks", "show", leak, "--format", "json"}))
        << leak;
  }
  // The copy goes on where the file stopped: the next run sees the same leaks.
  ASSERT_EQ(Meetleak({"run", "--once", "--all", "--db", url_}).exit_code, 1);
  EXPECT_EQ(Json(Meetleak(
                {"leaks", "list", "--status", "all", "--format", "json", "--db", url_}))["findings"]
                .size(),
            Leaks("all")["findings"].size());
}

TEST_F(DbCopyTest, ADatabaseThatHoldsLeaksIsNotOverwritten) {
  site_.Put("/page", Html("https://acme-corp.zoom.us/j/85512345678"));
  WriteConfig({server_.Url("/page")});
  ASSERT_EQ(Meetleak({"run", "--once", "--all"}).exit_code, 1);
  ASSERT_EQ(Meetleak({"db", "copy", "--from", "meetleak.db", "--to", url_}).exit_code, 0);
  ProgramResult again = Meetleak({"db", "copy", "--from", "meetleak.db", "--to", url_});
  EXPECT_EQ(again.exit_code, 2) << again.err;
  EXPECT_NE(again.err.find("not empty"), std::string::npos) << again.err;
  ProgramResult missing = Meetleak({"db", "copy", "--from", "nope.db", "--to", url_});
  EXPECT_EQ(missing.exit_code, 2) << missing.err;
  EXPECT_NE(missing.err.find("nope.db"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace meetleak::testing
