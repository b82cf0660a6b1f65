// `--log-format json`: every stderr line of a run is one JSON object with the
// design's fields, the pass and source events are there, and the secrets of
// a failing source's URL are not.
#include <sstream>
#include <string>
#include <vector>

#include "tests/cli/crawl_fixture.h"

namespace meetleak::testing {
namespace {

class LogFormatTest : public CrawlTest {};

std::vector<nlohmann::json> JsonLines(const std::string& err) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(err);
  for (std::string line; std::getline(in, line);) {
    nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    EXPECT_FALSE(j.is_discarded()) << "not JSON: " << line;
    if (!j.is_discarded()) lines.push_back(std::move(j));
  }
  return lines;
}

TEST_F(LogFormatTest, EveryStderrLineOfARunIsAJsonEvent) {
  site_.Put("/page", Html("https://acme-corp.zoom.us/j/85512345678"));
  const std::string refused = "http://127.0.0.1:9/feed.xml?tk=LogSecretTk77";
  WriteConfig({server_.Url("/page"), refused});
  for (const char* verbosity : {"-q", "-v"}) {
    ProgramResult r = Meetleak({"--log-format", "json", verbosity, "run", "--once", "--all"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(r.err.find("LogSecretTk77"), std::string::npos) << r.err;
    std::vector<nlohmann::json> lines = JsonLines(r.err);
    ASSERT_FALSE(lines.empty());
    bool source_error = false;
    for (const nlohmann::json& j : lines) {
      for (const char* key : {"time", "level", "event", "url", "message"})
        EXPECT_TRUE(j.contains(key)) << key << " missing in " << j.dump();
      if (j.value("event", "") == "source_error") {
        source_error = true;
        EXPECT_NE(j.value("message", "").find("connection refused"), std::string::npos) << j;
      }
    }
    EXPECT_TRUE(source_error) << verbosity << ": " << r.err;  // also with -q
    if (std::string(verbosity) == "-v") {
      bool start = false, end = false;
      for (const nlohmann::json& j : lines) {
        start = start || j.value("event", "") == "pass_start";
        end = end || j.value("event", "") == "pass_end";
      }
      EXPECT_TRUE(start && end) << r.err;
    }
  }
}

}  // namespace
}  // namespace meetleak::testing
