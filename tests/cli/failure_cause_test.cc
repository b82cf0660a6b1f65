// A failing source says what failed in the words of its cause — connection
// refused, DNS failure, TLS, timeout, HTTP status, robots.txt, address guard,
// Zoom-host rule — on its own stderr line (also with -q), in the JSON log
// line, and in `sources list`; the pass summary counts the same failures.
// The DNS and Zoom-host cases run the binary in a network namespace of its
// own (`unshare -rn`): no interface but a downed loopback, so no name can
// reach a resolver and no request can leave the machine.
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "tests/cli/crawl_fixture.h"

namespace meetleak::testing {
namespace {

struct Cause {
  std::string url;
  std::string words;  // what the error must say
};

class FailureCauseTest : public CrawlTest {
 protected:
  // `sources list --format json`: each source's last error ("" when none).
  std::map<std::string, std::string> SourceErrors() {
    nlohmann::json j = Json(Meetleak({"sources", "list", "--format", "json"}));
    std::map<std::string, std::string> errors;
    for (const auto& s : j["sources"])
      errors[s["url"].get<std::string>()] =
          s["last_error"].is_string() ? s["last_error"].get<std::string>() : "";
    return errors;
  }
  // The stderr line that starts with "meetleak: error: source failed: URL".
  static std::string ErrorLineFor(const std::string& err, const std::string& url) {
    std::istringstream in(err);
    for (std::string line; std::getline(in, line);)
      if (line.rfind("meetleak: error: source failed: " + url, 0) == 0) return line;
    return "";
  }
  // The message of the source_error event whose url is `url`.
  static std::string JsonEventFor(const std::string& err, const std::string& url) {
    std::istringstream in(err);
    for (std::string line; std::getline(in, line);) {
      nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
      if (!j.is_discarded() && j.value("event", "") == "source_error" && j.value("url", "") == url)
        return j.value("message", "");
    }
    return "";
  }
  // Runs a pass over every source twice (-q text, -q JSON) and checks that
  // each cause is named in the error line, the log event and sources list.
  void ExpectCausesNamed(const std::vector<Cause>& causes,
                         const std::vector<std::string>& prefix = {}) {
    auto run = [&](std::vector<std::string> args) {
      args.insert(args.begin(), MeetleakBinary());
      args.insert(args.begin(), prefix.begin(), prefix.end());
      return RunProgram(args, "", dir_.path());
    };
    ProgramResult text = run({"-q", "run", "--once", "--all"});
    ProgramResult json = run({"-q", "--log-format", "json", "run", "--once", "--all"});
    std::map<std::string, std::string> listed = SourceErrors();
    for (const Cause& c : causes) {
      SCOPED_TRACE(c.url + " must say \"" + c.words + "\"");
      EXPECT_NE(ErrorLineFor(text.err, c.url).find(c.words), std::string::npos) << text.err;
      EXPECT_NE(JsonEventFor(json.err, c.url).find(c.words), std::string::npos) << json.err;
      EXPECT_NE(listed[c.url].find(c.words), std::string::npos) << listed[c.url];
      if (c.words != "disallowed by") {
        EXPECT_EQ(listed[c.url].find("disallowed by"), std::string::npos)
            << "not a robots.txt refusal: " << listed[c.url];
      }
    }
  }
};

TEST_F(FailureCauseTest, EachFailedSourceNamesItsCauseOnStderrInTheLogAndInSourcesList) {
  std::string refused;
  {
    TestServer gone;
    refused = gone.Url("/page");
  }                               // nothing listens there any more
  TestServer tls({.tls = true});  // self-signed: the system's CAs do not know it
  tls.Route("/page", Reply{.body = Html("tls")});
  TestServer robots;
  robots.Route("/robots.txt", Reply{.body = "User-agent: *\nDisallow: /private\n"});
  robots.Route("/private/page", Reply{.body = Html("private")});
  site_.Put("/ok", Html("fine"));
  server_.Route("/gone", Reply{.status = 404, .body = "no"});
  server_.Route("/slow", Reply{.body = "late", .hold = "never"});
  // A configured source is trusted; the hop it redirects to is not.
  const std::string guarded = server_.Url("/moved");
  server_.Route("/moved", Reply{.status = 302, .headers = {{"Location", server_.Url("/inside")}}});
  site_.Put("/inside", Html("behind the guard"));
  std::vector<Cause> causes = {{refused, "connection refused"},
                               {tls.Url("/page"), "TLS"},
                               {server_.Url("/gone"), "HTTP status 404"},
                               {server_.Url("/slow"), "timeout"},
                               {robots.Url("/private/page"), "disallowed by"},
                               {guarded, "address guard"}};
  std::vector<std::string> sources = {server_.Url("/ok")};
  for (const Cause& c : causes)
    if (c.url != guarded) sources.push_back(c.url);
  WriteConfig(sources, "[[source]]\nurl = \"" + guarded + "\"\n");
  std::string toml = ReadFile(dir_.path() / "meetleak.toml");
  toml.replace(toml.find("timeout_s = 10"), 14, "timeout_s = 1");
  dir_.Write("meetleak.toml", toml);

  ExpectCausesNamed(causes);
  EXPECT_TRUE(server_.RequestsFor("/inside").empty()) << "the address guard let it through";
  EXPECT_TRUE(robots.RequestsFor("/private/page").empty()) << "robots.txt was not obeyed";
}

// A source whose host refuses the connection is reported as refused, also
// when its robots.txt answer comes from the cache filled by another source
// of that host (it used to read "disallowed by …/robots.txt").
TEST_F(FailureCauseTest, TheRobotsCacheKeepsTheRealCauseForEverySourceOfTheHost) {
  std::string base;
  {
    TestServer gone;
    base = gone.Url("");
  }
  std::vector<std::string> sources;
  for (const char* path : {"/a", "/b", "/c", "/d"}) sources.push_back(base + path);
  // One connection at a time: the first source's robots.txt failure is in
  // the cache when the others ask for it.
  WriteConfig(sources, "", /*concurrency=*/1);
  std::vector<Cause> causes;
  for (const std::string& s : sources) causes.push_back({s, "connection refused"});
  ExpectCausesNamed(causes);
}

// The binary runs with no network at all: a name cannot be resolved, and a
// Zoom host is refused before any lookup.
TEST_F(FailureCauseTest, ADnsFailureAndTheZoomHostRuleAreNamedAsSuch) {
  WriteConfig({"http://meetleak-test.invalid/events", "https://acme-corp.zoom.us/j/85512345678"});
  ExpectCausesNamed({{"http://meetleak-test.invalid/events", "DNS failure"},
                     {"https://acme-corp.zoom.us/j/85512345678", "Zoom-host rule"}},
                    {"/usr/bin/unshare", "-rn"});
  ProgramResult scan = RunProgram(
      {"/usr/bin/unshare", "-rn", MeetleakBinary(), "scan", "http://x.invalid/", "--no-store"}, "",
      dir_.path());
  EXPECT_EQ(scan.exit_code, 3) << scan.err;
  EXPECT_NE(scan.err.find("DNS failure"), std::string::npos) << scan.err;
  EXPECT_EQ(scan.err.find("disallowed by"), std::string::npos) << scan.err;
}

// "pass done: R/N sources read, F failed; D documents (E failed, G gone)": F
// is the number of sources `sources list` shows with an error, R + F = N, and
// every failed source is one failed or gone document.
TEST_F(FailureCauseTest, TheSummaryCountsTheFailuresSourcesListShows) {
  std::string base;
  {
    TestServer gone;
    base = gone.Url("");
  }
  site_.Put("/ok1", Html("fine"));
  site_.Put("/ok2", Html("fine"));
  server_.Route("/gone", Reply{.status = 404, .body = "no"});
  WriteConfig(
      {server_.Url("/ok1"), server_.Url("/ok2"), server_.Url("/gone"), base + "/a", base + "/b"});
  ProgramResult r = Meetleak({"run", "--once", "--all"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(
      r.err, m,
      std::regex(
          R"(pass done: (\d+)/(\d+) sources read, (\d+) failed; 5 documents \((\d+) failed, (\d+) gone\))")))
      << r.err;
  int failing_listed = 0;
  for (const auto& [url, error] : SourceErrors()) failing_listed += !error.empty();
  EXPECT_EQ(failing_listed, 3);
  EXPECT_EQ(std::stoi(m[3]), failing_listed) << r.err;
  EXPECT_EQ(std::stoi(m[1]) + std::stoi(m[3]), std::stoi(m[2])) << r.err;
  EXPECT_EQ(std::stoi(m[2]), 5) << r.err;
  EXPECT_EQ(std::stoi(m[4]), 2) << r.err;  // connection refused
  EXPECT_EQ(std::stoi(m[5]), 1) << r.err;  // 404
}

}  // namespace
}  // namespace meetleak::testing
