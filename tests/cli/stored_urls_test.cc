// URLs that carry secrets, end to end: fetched as the config or a live link
// gives them, stored and printed only redacted, and the job still follows
// their pages (re-fetch, gone).
#include <string>
#include <vector>

#include "matchers/meeting_ref.h"
#include "tests/cli/crawl_fixture.h"

namespace meetleak::testing {
namespace {

constexpr char kFeedToken[] = "TkFeedSecret91";
constexpr char kPageToken[] = "TkPageSecret92";
constexpr char kZoomPasscode[] = "PwdZoomSecret93";

class StoredUrlsTest : public CrawlTest {
 protected:
  std::string FeedWith(const std::vector<std::string>& entries) {
    std::string items;
    for (const std::string& e : entries)
      items += "<item><title>entry</title><link>" + server_.Url(e) + "</link></item>";
    return "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title><link>" +
           server_.Url("/") + "</link><description>d</description>" + items + "</channel></rss>";
  }
  // Runs one pass; every byte it printed and every byte of the database
  // must be free of the secrets.
  ProgramResult Pass(int want_exit) {
    ProgramResult r = Meetleak({"run", "--once", "--all"});
    EXPECT_EQ(r.exit_code, want_exit) << r.err;
    std::string bytes = r.out + r.err + ReadFile(dir_.path() / "meetleak.db");
    if (std::filesystem::exists(dir_.path() / "meetleak.db-wal"))
      bytes += ReadFile(dir_.path() / "meetleak.db-wal");
    for (const char* secret : {kFeedToken, kPageToken, kZoomPasscode})
      EXPECT_EQ(bytes.find(secret), std::string::npos) << secret << " printed or stored";
    return r;
  }
  std::string StatusOf(const std::string& meeting_id) {
    std::vector<nlohmann::json> f = FindingsFor(Leaks(), meeting_id);
    return f.size() == 1 ? f[0]["status"].get<std::string>() : "count " + std::to_string(f.size());
  }
  const std::string feed_ = std::string("/feed.xml?tk=") + kFeedToken;
  const std::string e2_ = std::string("/e2?tk=") + kPageToken;
};

TEST_F(StoredUrlsTest, SourceWithATokenIsFetchedWithItAndItsPagesAreFollowedUntilGone) {
  site_.Put(feed_, FeedWith({"/e1", e2_}), "application/rss+xml");
  site_.Put("/e1", Html("https://acme-corp.zoom.us/j/85512345678"));
  site_.Put(e2_, Html("https://acme-corp.zoom.us/w/85512345679"));
  WriteConfig({server_.Url(feed_),
               std::string("https://acme-corp.zoom.us/j/85512345678?pwd=") + kZoomPasscode});
  Pass(1);
  // The feed and the page were asked for with their real tokens.
  EXPECT_EQ(server_.RequestsFor("/feed.xml").at(0).target, feed_);
  EXPECT_EQ(server_.RequestsFor("/e2").at(0).target, e2_);
  EXPECT_EQ(StatusOf("85512345678"), "open");
  EXPECT_EQ(StatusOf("85512345679"), "open");
  nlohmann::json sources = Json(Meetleak({"sources", "list", "--format", "json"}));
  EXPECT_EQ(sources.dump().find(kFeedToken), std::string::npos);

  // The feed no longer lists them: /e1 is re-fetched for its open leak; /e2
  // cannot be (meetleak keeps no token), and is never asked for redacted.
  site_.Put(feed_, FeedWith({}), "application/rss+xml");
  Pass(1);
  EXPECT_EQ(server_.RequestsFor("/e1").size(), 2u);
  EXPECT_EQ(server_.RequestsFor("/e2").size(), 1u);
  EXPECT_EQ(server_.RequestsFor("/feed.xml").size(), 2u);
  for (const RecordedRequest& r : server_.Requests())
    EXPECT_EQ(r.target.find("redacted"), std::string::npos) << r.target;

  // Both fixed; the feed links /e2 again, live: both leaks go gone.
  site_.Put("/e1", Html("taken down"));
  site_.Put(e2_, Html("taken down"));
  site_.Put(feed_, FeedWith({e2_}), "application/rss+xml");
  Pass(0);
  EXPECT_EQ(StatusOf("85512345678"), "gone");
  EXPECT_EQ(StatusOf("85512345679"), "gone");
  EXPECT_EQ(server_.RequestsFor("/e2").back().target, e2_);
  for (const RecordedRequest& r : server_.Requests())
    EXPECT_EQ(r.target.find("redacted"), std::string::npos) << r.target;
}

// Two sources that differ only in a token are one source in the database:
// refused as a config error (file, line, key) before anything is fetched, by
// every command that loads the config, and the message shows no token.
TEST_F(StoredUrlsTest, SourcesEqualOnceRedactedAreAConfigErrorBeforeAnyFetch) {
  site_.Put("/feed.xml", FeedWith({}), "application/rss+xml");
  WriteConfig(
      {server_.Url("/feed.xml?tk=TkFirstSecret96"), server_.Url("/feed.xml?tk=TkOtherSecret97")});
  const std::vector<std::vector<std::string>> commands = {
      {"config", "check"}, {"run", "--once"}, {"sources", "list"}, {"scan", server_.Url("/e1")}};
  for (const auto& command : commands) {
    ProgramResult r = Meetleak(command);
    EXPECT_EQ(r.exit_code, 2) << command[0] << ": " << r.err;
    EXPECT_NE(r.err.find("meetleak.toml:"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(": source.url: duplicate source"), std::string::npos) << r.err;
    for (const char* secret : {"TkFirstSecret96", "TkOtherSecret97"})
      EXPECT_EQ((r.out + r.err).find(secret), std::string::npos) << r.err;
  }
  EXPECT_TRUE(server_.Requests().empty());
}

// A target that is no http(s) URL is read as a path; its error echoed it.
TEST_F(StoredUrlsTest, ScanTargetErrorsNameTheTargetRedacted) {
  dir_.Write("meetleak.toml", "");
  for (const char* target :
       {"ftp://files.example/invite.txt?tk=TkFtpSecret94", "invite.html?pwd=PwdPathSecret95"}) {
    ProgramResult r = Meetleak({"scan", target});
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find("cannot read"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("Secret9"), std::string::npos) << r.err;
  }
}

// A note is free text: the owner may paste the leaked link or its passcode.
TEST_F(StoredUrlsTest, AckNotesAreStoredWithTheirSecretsRedacted) {
  dir_.Write("page.txt", "Join https://acme-corp.zoom.us/j/85512345678?pwd=PwdNoteSecret96");
  dir_.Write("meetleak.toml", "[company]\nzoom_domains = [\"acme-corp.zoom.us\"]\n");
  ProgramResult scan = Meetleak({"scan", "page.txt", "--store"});
  ASSERT_EQ(scan.exit_code, 1) << scan.err;
  std::vector<nlohmann::json> f = FindingsFor(Leaks(), "85512345678");
  ASSERT_EQ(f.size(), 1u);
  const std::string id = std::to_string(f[0]["leak_id"].get<long long>());
  ProgramResult ack =
      Meetleak({"leaks", "ack", id, "--note",
                "moved; old link https://acme-corp.zoom.us/j/85512345678?pwd=PwdNoteSecret96 "
                "Passcode: 731955 rotated"});
  ASSERT_EQ(ack.exit_code, 0) << ack.err;
  std::string bytes = ack.out + ack.err + Leaks().dump() + ReadFile(dir_.path() / "meetleak.db");
  if (std::filesystem::exists(dir_.path() / "meetleak.db-wal"))
    bytes += ReadFile(dir_.path() / "meetleak.db-wal");
  for (const char* secret : {"PwdNoteSecret96", "731955"})
    EXPECT_EQ(bytes.find(secret), std::string::npos) << secret << " printed or stored";
  EXPECT_NE(bytes.find("moved; old link https://acme-corp.zoom.us/j/85512345678?pwd=" +
                       std::string(meetleak::kRedacted)),
            std::string::npos)
      << "the note is kept, its secrets redacted";
}

}  // namespace
}  // namespace meetleak::testing
