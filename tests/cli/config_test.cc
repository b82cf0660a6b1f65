// The config file: every key read, errors naming file, line and key, and
// `meetleak config check` / bad-config exit codes end to end.
#include "cli/config.h"

#include "tests/cli/cli_fixture.h"
#include "tests/support/status_matchers.h"

namespace meetleak::testing {
namespace {

using cli::Config;
using cli::LoadConfig;

const char kGood[] = R"(database = "state/meetleak.db"
[company]
zoom_domains = ["acme-corp.zoom.us"]
inventory = "meetings.csv"
security_contact = "secops@acme.example"
[crawler]
concurrency = 64
per_host = 1
delay_ms = 250
max_body_bytes = 5_000_000
respect_robots = false
user_agent = "meetleak-test"
[[source]]
url = "https://example.org/feed.xml"
interval = "15m"
[[source]]
url = "https://example.org/"
kind = "page"
depth = 2
follow_entries = false
[[allow]]
meeting_id = "855 1234 5678"
reason = "public webinar series"
expires = 2027-03-31
[notify]
smtp_url = "smtps://mail.acme.example:465"
from = "meetleak@acme.example"
smtp_password_env = "MEETLEAK_SMTP_PASSWORD"
)";

class ConfigTest : public CliTest {};

TEST_F(ConfigTest, ReadsEveryKeyAndResolvesPathsAgainstTheConfigFolder) {
  auto path = dir_.Write("etc/meetleak.toml", kGood);
  Result<Config> c = LoadConfig(path);
  ASSERT_OK(c);
  EXPECT_EQ(c->database, dir_.path() / "etc/state/meetleak.db");
  EXPECT_EQ(c->inventory, dir_.path() / "etc/meetings.csv");
  EXPECT_EQ(c->zoom_domains, std::vector<std::string>{"acme-corp.zoom.us"});
  EXPECT_EQ(c->crawler.concurrency, 64);
  EXPECT_EQ(c->crawler.per_host, 1);
  EXPECT_EQ(c->crawler.delay_ms, 250);
  EXPECT_EQ(c->crawler.max_body_bytes, 5'000'000);
  EXPECT_FALSE(c->crawler.respect_robots);
  EXPECT_EQ(c->crawler.timeout_s, 20);  // default kept
  EXPECT_EQ(c->crawler.user_agent, "meetleak-test");
  ASSERT_EQ(c->sources.size(), 2u);
  EXPECT_EQ(c->sources[0].interval_s, 900);
  EXPECT_EQ(c->sources[1].interval_s, 3600);  // default 1h
  EXPECT_EQ(c->sources[1].depth, 2);
  EXPECT_FALSE(c->sources[1].follow_entries);
  ASSERT_EQ(c->allow.size(), 1u);
  EXPECT_EQ(c->allow[0].meeting_id, "85512345678");
  EXPECT_EQ(c->allow[0].expires, "2027-03-31");
  EXPECT_EQ(c->notify.smtp_password_env, "MEETLEAK_SMTP_PASSWORD");
}

TEST_F(ConfigTest, ErrorsNameFileLineAndKey) {
  struct Case {
    const char* toml;
    const char* expect;  // substring of the message
  } cases[] = {
      {"[crawler]\nconcurency = 3\n", ":2: crawler.concurency: unknown key"},
      {"[crawler]\nper_host = 0\n", ":2: crawler.per_host"},
      {"[[source]]\nurl = \"https://a.example/\"\n[[source]]\nurl = \"https://a.example/\"\n",
       ":4: source.url: duplicate source"},
      {"[[source]]\nurl = \"https://a.example/\"\ninterval = \"soon\"\n", ":3: source.interval"},
      {"[[source]]\nurl = \"ftp://a.example/\"\n", ":1: source.url"},
      {"[[allow]]\nmeeting_id = \"85512345678\"\n", "allow.reason: required"},
      {"[[allow]]\nmeeting_id = \"123\"\nreason = \"x\"\n", ":2: allow.meeting_id"},
      {"[company]\nsecurity_contact = \"nobody\"\n", ":2: company.security_contact"},
      {"database = \n", ":1:"},
      {"colour = \"blue\"\n", ":1: colour: unknown key"},
      {"[storage]\nlease = 30\n", ":2: storage.lease: unknown key (did you mean \"lease_s\"?)"},
      {"[storage]\nlease_s = 0\n", ":2: storage.lease_s: must be an integer from 1 to 3600"},
      {"[storage]\nlease_s = \"1m\"\n", ":2: storage.lease_s"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.toml);
    auto path = dir_.Write("bad.toml", c.toml);
    Result<Config> r = LoadConfig(path);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), Status::Code::kInvalidInput);
    EXPECT_NE(r.status().message().find(path.string()), std::string::npos) << r.status().message();
    EXPECT_NE(r.status().message().find(c.expect), std::string::npos) << r.status().message();
  }
}

TEST_F(ConfigTest, StorageLeaseDefaultsToAMinute) {
  Result<Config> plain = LoadConfig(dir_.Write("plain.toml", "database = \"m.db\"\n"));
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_EQ(plain->storage.lease_s, 60);
  Result<Config> set = LoadConfig(dir_.Write("set.toml", "[storage]\nlease_s = 5\n"));
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(set->storage.lease_s, 5);
}

TEST_F(ConfigTest, ZoomSectionKeysAndDefaults) {
  auto path = dir_.Write("z.toml",
                         "[zoom]\naccount_id = \"acct\"\nclient_id = \"cid\"\n"
                         "client_secret_env = \"MEETLEAK_ZOOM_CLIENT_SECRET\"\n"
                         "sync_interval = \"15m\"\nrequests_per_second = 5\n");
  Result<Config> c = LoadConfig(path);
  ASSERT_OK(c);
  EXPECT_TRUE(c->zoom.configured);
  EXPECT_EQ(c->zoom.account_id, "acct");
  EXPECT_EQ(c->zoom.client_secret_env, "MEETLEAK_ZOOM_CLIENT_SECRET");
  EXPECT_EQ(c->zoom.api_url, "https://api.zoom.us/v2");
  EXPECT_EQ(c->zoom.oauth_url, "https://zoom.us/oauth/token");
  EXPECT_EQ(c->zoom.sync_interval_s, 900);
  EXPECT_EQ(c->zoom.requests_per_second, 5);
  Result<Config> none = LoadConfig(dir_.Write("n.toml", "database = \"x.db\"\n"));
  ASSERT_OK(none);
  EXPECT_FALSE(none->zoom.configured);
}

TEST_F(ConfigTest, ZoomSectionErrorsNameFileLineAndKey) {
  const std::string ids =
      "[zoom]\naccount_id = \"a\"\nclient_id = \"c\"\nclient_secret_env = \"S\"\n";
  struct Case {
    std::string toml;
    const char* expect;
  } cases[] = {
      {ids + "api_url = \"http://api.zoom.us/v2\"\n", ":5: zoom.api_url: must be an https URL"},
      {ids + "oauth_url = \"http://10.1.2.3/oauth\"\n", ":5: zoom.oauth_url"},
      {ids + "sync_interval = \"hourly\"\n", ":5: zoom.sync_interval"},
      {ids + "requests_per_second = 0\n", ":5: zoom.requests_per_second"},
      {ids + "client_secret = \"x\"\n", ":5: zoom.client_secret: unknown key"},
      {"[zoom]\naccount_id = \"a\"\nclient_id = \"c\"\n", "zoom.client_secret_env: required"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.toml);
    auto path = dir_.Write("bad.toml", c.toml);
    Result<Config> r = LoadConfig(path);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.status().message().find(path.string()), std::string::npos) << r.status().message();
    EXPECT_NE(r.status().message().find(c.expect), std::string::npos) << r.status().message();
  }
}

// A source URL may carry a token (tk=, pwd=, zak=); config check and
// sources list printed it as written.
TEST_F(ConfigTest, SourceUrlSecretsAreNotPrintedByConfigCheckOrSourcesList) {
  dir_.Write("meetleak.toml",
             "[[source]]\nurl = \"https://example.org/feed?tk=SeCrEt123&pwd=PaSs4567\"\n");
  ProgramResult check = Meetleak({"config", "check"});
  EXPECT_EQ(check.exit_code, 0) << check.err;
  EXPECT_NE(check.out.find("https://example.org/feed?tk="), std::string::npos) << check.out;
  for (const ProgramResult& r :
       {check, Meetleak({"sources", "list"}), Meetleak({"sources", "list", "--format", "json"})}) {
    EXPECT_EQ((r.out + r.err).find("SeCrEt123"), std::string::npos) << r.out << r.err;
    EXPECT_EQ((r.out + r.err).find("PaSs4567"), std::string::npos) << r.out << r.err;
  }
}

// A misspelt key is named with the key it most likely meant; a key that
// resembles none gets no guess.
TEST_F(ConfigTest, UnknownKeySuggestsTheClosestKnownOne) {
  dir_.Write("meetleak.toml",
             "[crawler]\nconcurency = 3\n[[source]]\nurl = \"https://example.org/\"\n"
             "intervall = \"1h\"\nflavour = 1\n");
  ProgramResult r = Meetleak({"config", "check"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(":2: crawler.concurency: unknown key (did you mean \"concurrency\"?)"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(":5: source.intervall: unknown key (did you mean \"interval\"?)"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(":6: source.flavour: unknown key"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("flavour: unknown key (did you mean"), std::string::npos) << r.err;
}

// config check warns about what would fail or misbehave later, and still
// exits 0: an unset secret variable, a source polled more than once a minute.
TEST_F(ConfigTest, ConfigCheckWarnsAboutUnsetSecretVariablesAndShortIntervals) {
  dir_.Write("meetleak.toml",
             "[[source]]\nurl = \"https://example.org/\"\ninterval = \"30s\"\n"
             "[notify]\nsmtp_url = \"smtp://127.0.0.1:25\"\nfrom = \"m@acme.example\"\n"
             "smtp_password_env = \"MEETLEAK_TEST_UNSET_VARIABLE_42\"\n");
  ProgramResult r = Meetleak({"config", "check"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find(":1: source.interval: under a minute (30s)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("notify.smtp_password_env: the environment variable "
                       "MEETLEAK_TEST_UNSET_VARIABLE_42 is not set"),
            std::string::npos)
      << r.err;
}

TEST_F(ConfigTest, ConfigCheckAndBadConfigExitCodes) {
  dir_.Write("meetings.csv",
             "meeting_id,owner_email,topic,kind\n85512345678,a@acme.example,t,pmi\n");
  dir_.Write(
      "meetleak.toml",
      "[company]\ninventory = \"meetings.csv\"\n[[source]]\nurl = \"https://example.org/\"\n");
  ProgramResult ok = Meetleak({"config", "check"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.out.find("https://example.org/"), std::string::npos);

  dir_.Write("meetings.csv",
             "meeting_id,owner_email,topic,kind\n85512345678,a@acme.example,t,daily\n");
  ProgramResult bad_csv = Meetleak({"config", "check"});
  EXPECT_EQ(bad_csv.exit_code, 2);
  EXPECT_NE(bad_csv.err.find("meetings.csv:2"), std::string::npos) << bad_csv.err;
  // A bad configured CSV stops run before anything is fetched.
  ProgramResult run = Meetleak({"run", "--once"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("meetings.csv:2"), std::string::npos) << run.err;

  dir_.Write("other.toml", "[crawler]\ndelay = 5\n");
  ProgramResult bad = Meetleak({"--config", "other.toml", "run", "--once"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("other.toml:2: crawler.delay: unknown key"), std::string::npos) << bad.err;
  EXPECT_EQ(Meetleak({"--config", "missing.toml", "sources", "list"}).exit_code, 2);
}

// The commands that only read never create a database: a missing one is exit
// 2 naming its path (an empty new DB would answer "No findings." for a
// mistyped --db).
TEST_F(ConfigTest, ReadOnlyCommandsRefuseAMissingDatabaseAndCreateNone) {
  const std::vector<std::vector<std::string>> commands = {
      {"leaks", "list"}, {"report"}, {"sources", "list"}, {"inventory", "list"}};
  for (const auto& command : commands) {
    std::vector<std::string> args = {"--db", "missing.db"};
    args.insert(args.end(), command.begin(), command.end());
    ProgramResult r = Meetleak(args);
    EXPECT_EQ(r.exit_code, 2) << command[0] << ": " << r.err;
    EXPECT_NE(r.err.find("missing.db"), std::string::npos) << command[0] << ": " << r.err;
    EXPECT_EQ(r.out.find("No findings"), std::string::npos) << command[0];
    EXPECT_FALSE(std::filesystem::exists(dir_.path() / "missing.db")) << command[0];
  }
}

// A PostgreSQL URL is no path: a password in it is refused naming the line,
// never echoed, and nothing is created from it.
TEST_F(ConfigTest, APostgresUrlWithAPasswordIsRefusedWithoutAnEcho) {
  dir_.Write("meetleak.toml",
             "# state\ndatabase = \"postgresql://meetleak:CfgPw0rd88@db.example/leaks\"\n"
             "[company]\nzoom_domains = [\"acme-corp.zoom.us\"]\n");
  ProgramResult check = Meetleak({"config", "check"});
  EXPECT_EQ(check.exit_code, 2);
  EXPECT_NE(check.err.find("meetleak.toml:2: database: a password"), std::string::npos)
      << check.err;
  dir_.Write("meetleak.toml", "[company]\nzoom_domains = [\"acme-corp.zoom.us\"]\n");
  ProgramResult flag = Meetleak({"--db", "postgres://u:FlagPw0rd89@db.example/x", "leaks", "list"});
  EXPECT_EQ(flag.exit_code, 2);
  EXPECT_NE(flag.err.find("--db: a password"), std::string::npos) << flag.err;
  for (const ProgramResult* r : {&check, &flag}) {
    EXPECT_EQ((r->out + r->err).find("Pw0rd8"), std::string::npos) << r->err;
  }
  // Without a password the URL is a database, never a file: a run without
  // sources stops (exit 2) and nothing is made beside the config.
  dir_.Write("meetleak.toml", "database = \"postgresql://meetleak@127.0.0.1/leaks\"\n");
  ProgramResult run = Meetleak({"run", "--once"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("no [[source]] configured"), std::string::npos) << run.err;
  std::vector<std::string> made;
  for (const auto& e : std::filesystem::directory_iterator(dir_.path()))
    made.push_back(e.path().filename().string());
  EXPECT_EQ(made, std::vector<std::string>{"meetleak.toml"});
}

}  // namespace
}  // namespace meetleak::testing
