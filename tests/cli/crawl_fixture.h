// End-to-end fixture for crawling commands: a loopback Site whose pages can
// change (ETag and 304 like a real server), and a CrawlTest that writes a
// config listing sources on it.
#ifndef MEETLEAK_TESTS_CLI_CRAWL_FIXTURE_H_
#define MEETLEAK_TESTS_CLI_CRAWL_FIXTURE_H_

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "tests/cli/cli_fixture.h"
#include "tests/support/test_server.h"

namespace meetleak::testing {

// A site whose pages can change; each answers with an ETag and 304 to a
// matching If-None-Match, like a real server.
class Site {
 public:
  explicit Site(TestServer& server) : server_(server) {}
  void Put(const std::string& path, std::string body, std::string type = "text/html",
           const std::string& hold = "") {
    {
      std::lock_guard<std::mutex> l(mu_);
      pages_[path] = {std::move(body), std::move(type), ++version_};
    }
    Hold(path, hold);
  }
  // The page at `path` unchanged (same ETag), answered only after
  // server.Release(hold) ("" = at once).
  void Hold(const std::string& path, const std::string& hold) {
    server_.Route(path, [this, path, hold](const RecordedRequest& req) {
      std::lock_guard<std::mutex> l(mu_);
      const Page& p = pages_[path];
      std::string etag = "\"v" + std::to_string(p.version) + "\"";
      Reply r;
      r.hold = hold;
      r.headers = {{"ETag", etag}, {"Content-Type", p.type}};
      if (req.Header("if-none-match") == etag) {
        r.status = 304;
        return r;
      }
      r.body = p.body;
      return r;
    });
  }

 private:
  struct Page {
    std::string body, type;
    int version = 0;
  };
  TestServer& server_;
  std::mutex mu_;
  std::map<std::string, Page> pages_;
  int version_ = 0;
};

inline std::string Html(const std::string& inner) {
  return "<!doctype html><html><body>" + inner + "</body></html>";
}

class CrawlTest : public CliTest {
 protected:
  void SetUp() override {
    dir_.Write("meetings.csv",
               "meeting_id,owner_email,topic,kind\n85512345678,ana@acme.example,Sync,recurring\n"
               "85512345679,ben@acme.example,Webinar,webinar\n");
  }
  // A config with the given sources (loopback allowed), fast politeness.
  void WriteConfig(const std::vector<std::string>& sources, const std::string& extra = "",
                   int concurrency = 32) {
    std::string toml =
        "[company]\nzoom_domains = [\"acme-corp.zoom.us\"]\ninventory = \"meetings.csv\"\n"
        "security_contact = \"secops@acme.example\"\n"
        "[crawler]\ndelay_ms = 0\nper_host = 8\ntimeout_s = 10\nrespect_robots = true\n"
        "concurrency = " +
        std::to_string(concurrency) + "\n";
    for (const std::string& s : sources)
      toml += "[[source]]\nurl = \"" + s + "\"\nallow_private_addresses = true\n";
    dir_.Write("meetleak.toml", toml + extra);
  }
  nlohmann::json Leaks(const std::string& status = "all") {
    return Json(Meetleak({"leaks", "list", "--status", status, "--format", "json"}));
  }
  TestServer server_;
  Site site_{server_};
};

inline std::string Feed(const TestServer& s, const std::vector<std::string>& entries) {
  std::string items;
  for (const std::string& e : entries)
    items.append("<item><title>")
        .append(e)
        .append("</title><link>")
        .append(s.Url(e))
        .append("</link><guid>")
        .append(e)
        .append("</guid><description>Meeting ID: 855 1234 5679</description></item>");
  return "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title><link>" +
         s.Url("/") + "</link><description>d</description>" + items + "</channel></rss>";
}

}  // namespace meetleak::testing

#endif  // MEETLEAK_TESTS_CLI_CRAWL_FIXTURE_H_
