// End-to-end: what an operator watches. `run --metrics-file` writes the
// Prometheus text format (checked by promtool and by prometheus_client's
// parser, its figures against the pass's own summary line) into place by a
// rename; `status` says whether the job is healthy (exit 5 when not) and
// why; the alert rules of docs/operations.md pass `promtool check rules`.
#include <unistd.h>

#include <regex>

#include "tests/cli/crawl_fixture.h"

namespace meetleak::testing {
namespace {

const char kLeakPage[] =
    "<p>Sync: <a href=\"https://acme-corp.zoom.us/j/85512345678?pwd=Zm9vYmFyc2VjcmV0\">join</a>"
    "</p><p>Meeting ID: 855 1234 5679</p>";

// A loopback URL nothing listens on: connection refused.
std::string RefusedUrl() { return "http://127.0.0.1:9/closed"; }

class OperationsTest : public CrawlTest {
 protected:
  std::string Metrics() { return ReadFile(dir_.path() / "metrics" / "meetleak.prom"); }
  // The samples of the metrics file through prometheus_client's parser:
  // {"name{label=value}": value}.
  nlohmann::json Parse(const std::string& text) {
    const std::string script = R"py(
import json, sys
from prometheus_client.parser import text_string_to_metric_families
out = {}
for family in text_string_to_metric_families(sys.stdin.read()):
    assert family.type == "gauge", family.name
    assert family.documentation, family.name
    for s in family.samples:
        key = s.name + "".join("{%s=%s}" % kv for kv in sorted(s.labels.items()))
        out[key] = s.value
print(json.dumps(out))
)py";
    ProgramResult r = RunProgram({MEETLEAK_PYTHON, "-c", script}, text);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out, nullptr, false);
  }
  nlohmann::json Status() {
    ProgramResult r = Meetleak({"status", "--format", "json"});
    last_status_exit_ = r.exit_code;
    return Json(r);
  }
  void Sql(const std::string& sql) {
    ProgramResult r = RunProgram({"/usr/bin/sqlite3", (dir_.path() / "meetleak.db").string(), sql});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  int last_status_exit_ = -1;
};

TEST_F(OperationsTest, MetricsFileIsPrometheusTextWithThePassFigures) {
  site_.Put("/events", Html(kLeakPage));
  WriteConfig({server_.Url("/events"), RefusedUrl()});
  std::filesystem::create_directory(dir_.path() / "metrics");
  ProgramResult run =
      Meetleak({"run", "--once", "--all", "--metrics-file", "metrics/meetleak.prom"});
  ASSERT_EQ(run.exit_code, 1) << run.err;
  // Only the final file: the temporary one was renamed into place.
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(dir_.path() / "metrics"))
    files.push_back(e.path().filename().string());
  EXPECT_EQ(files, std::vector<std::string>{"meetleak.prom"});
  const std::string text = Metrics();
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  EXPECT_EQ(text.find("Zm9vYmFyc2VjcmV0"), std::string::npos);
  ProgramResult promtool = RunProgram({"/usr/bin/promtool", "check", "metrics"}, text);
  EXPECT_EQ(promtool.exit_code, 0) << promtool.out << promtool.err;

  const nlohmann::json m = Parse(text);
  ASSERT_TRUE(m.is_object());
  // The pass's own summary line: "pass done: 1/2 sources read, 1 failed; N
  // documents (E failed, G gone); X new leaks, …". A 404/410 (gone) is a
  // failed_http document for the metrics.
  std::smatch sm;
  ASSERT_TRUE(
      std::regex_search(run.err, sm,
                        std::regex(R"((\d+)/(\d+) sources read, (\d+) failed; (\d+) )"
                                   R"(documents \((\d+) failed, (\d+) gone\); (\d+) new leaks)")))
      << run.err;
  const int documents = std::stoi(sm[4]), failed = std::stoi(sm[5]) + std::stoi(sm[6]),
            new_leaks = std::stoi(sm[7]);
  double total = 0, failures = 0;
  for (const auto& [key, value] : m.items()) {
    if (key.rfind("meetleak_last_pass_documents{", 0) != 0) continue;
    if (key.find("=guard}") == std::string::npos && key.find("=zoom_host}") == std::string::npos)
      total += value.get<double>();
    if (key.find("=failed_") != std::string::npos) failures += value.get<double>();
  }
  EXPECT_EQ(total, documents);
  EXPECT_EQ(failures, failed);
  EXPECT_EQ(m["meetleak_last_pass_documents{outcome=fetched}"], 1);
  EXPECT_EQ(m["meetleak_last_pass_documents{outcome=failed_connect}"], 1);
  EXPECT_EQ(m["meetleak_last_pass_new_leaks"], new_leaks);
  EXPECT_EQ(new_leaks, 2);
  EXPECT_EQ(m["meetleak_leaks_open{severity=critical}"], 1);
  EXPECT_EQ(m["meetleak_leaks_open{severity=medium}"], 1);
  EXPECT_EQ(m["meetleak_leaks_open{severity=high}"], 0);
  EXPECT_EQ(m["meetleak_sources_failing"], 1);
  EXPECT_EQ(m["meetleak_last_pass_notify{result=sent}"], 0);
  EXPECT_EQ(m["meetleak_last_pass_bytes"], Html(kLeakPage).size());
  const double start = m["meetleak_last_pass_start_timestamp_seconds"];
  const double end = m["meetleak_last_pass_end_timestamp_seconds"];
  const double now = static_cast<double>(std::time(nullptr));
  EXPECT_LE(start, end);
  EXPECT_GT(start, now - 120);
  EXPECT_LE(end, now + 1);
  EXPECT_GE(m["meetleak_last_pass_duration_seconds"].get<double>(), 0);
  EXPECT_FALSE(m.contains("meetleak_last_sync_success_timestamp_seconds")) << "no [zoom] sync";

  // The next pass replaces the file: the figures are the last pass's.
  ProgramResult again =
      Meetleak({"run", "--once", "--all", "--metrics-file", "metrics/meetleak.prom"});
  ASSERT_EQ(again.exit_code, 1) << again.err;
  const nlohmann::json m2 = Parse(Metrics());
  EXPECT_EQ(m2["meetleak_last_pass_new_leaks"], 0);
  EXPECT_EQ(m2["meetleak_last_pass_documents{outcome=not_modified}"], 1);
  EXPECT_EQ(m2["meetleak_leaks_open{severity=critical}"], 1);
}

TEST_F(OperationsTest, AMetricsFileInAMissingFolderIsRefusedBeforeAnyFetch) {
  site_.Put("/events", Html(kLeakPage));
  WriteConfig({server_.Url("/events")});
  ProgramResult run = Meetleak({"run", "--once", "--metrics-file", "nowhere/meetleak.prom"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("nowhere"), std::string::npos) << run.err;
  EXPECT_TRUE(server_.Requests().empty());
}

TEST_F(OperationsTest, StatusSaysHealthyAndWhatItKnows) {
  site_.Put("/events", Html(kLeakPage));
  WriteConfig({server_.Url("/events"), RefusedUrl()});
  EXPECT_EQ(Meetleak({"status"}).exit_code, 2) << "a read-only command never creates a DB";
  ASSERT_EQ(Meetleak({"run", "--once", "--all"}).exit_code, 1);
  const nlohmann::json s = Status();
  EXPECT_EQ(last_status_exit_, 0) << s.dump(2);
  EXPECT_EQ(s["version"], 1);
  EXPECT_EQ(s["healthy"], true);
  EXPECT_TRUE(s["reasons"].empty());
  EXPECT_EQ(s["last_pass"]["exit"], 1);
  EXPECT_TRUE(s["last_pass"]["start"].is_string());
  EXPECT_TRUE(s["last_pass"]["end"].is_string());
  ASSERT_EQ(s["failing_sources"].size(), 1u);
  EXPECT_EQ(s["failing_sources"][0]["url"], RefusedUrl());
  EXPECT_NE(s["failing_sources"][0]["error"].get<std::string>().find("refused"), std::string::npos)
      << s["failing_sources"][0]["error"];
  EXPECT_TRUE(s["failing_sources"][0]["since"].is_string());
  EXPECT_EQ(s["due_sources"], 0);
  EXPECT_EQ(s["open_leaks"]["critical"], 1);
  EXPECT_EQ(s["open_leaks"]["medium"], 1);
  EXPECT_EQ(s["open_leaks"]["low"], 0);
  EXPECT_EQ(s["inventory"]["source"], "csv");
  EXPECT_EQ(s["inventory"]["rows"], 2);
  EXPECT_TRUE(s["inventory"]["updated"].is_string());
  EXPECT_TRUE(s["last_sync"]["time"].is_null());
  // SQLite: the one process of the last pass, which holds no lease.
  ASSERT_EQ(s["workers"].size(), 1u) << s.dump(2);
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  EXPECT_EQ(s["workers"][0]["host"], host);
  EXPECT_EQ(s["workers"][0]["id"].get<std::string>().rfind(std::string(host) + "-", 0), 0u);
  EXPECT_EQ(s["workers"][0]["last_seen"].get<std::string>().back(), 'Z');
  EXPECT_EQ(s["workers"][0]["leases"], 0);
  ASSERT_EQ(Meetleak({"run", "--once", "--all"}).exit_code, 1);
  EXPECT_EQ(Status()["workers"].size(), 1u) << "each run is a worker; only the last is shown";
  ProgramResult text = Meetleak({"status"});
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_NE(text.out.find("meetleak status: healthy"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("Workers:     1 seen in the last passes"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("1 critical"), std::string::npos) << text.out;
}

TEST_F(OperationsTest, StatusExits5WhenThePassFailedIsStaleOrTheSyncFailed) {
  WriteConfig({RefusedUrl()});
  ASSERT_EQ(Meetleak({"run", "--once", "--all"}).exit_code, 3);
  nlohmann::json s = Status();
  EXPECT_EQ(last_status_exit_, 5);
  EXPECT_EQ(s["healthy"], false);
  ASSERT_FALSE(s["reasons"].empty());
  EXPECT_NE(s["reasons"][0].get<std::string>().find("the last pass failed"), std::string::npos);
  ProgramResult text = Meetleak({"status"});
  EXPECT_EQ(text.exit_code, 5);
  EXPECT_NE(text.out.find("UNHEALTHY"), std::string::npos) << text.out;

  // A pass that read its source, but finished long ago (the default
  // interval is 1 h: more than 2 h is stale).
  site_.Put("/events", Html("<p>nothing</p>"));
  WriteConfig({server_.Url("/events")});
  ASSERT_EQ(Meetleak({"run", "--once", "--all"}).exit_code, 0);
  Status();
  EXPECT_EQ(last_status_exit_, 0);
  Sql("UPDATE meta SET value = json_set(value, '$.end', json_extract(value, '$.end') - 7300) "
      "WHERE key = 'last_pass'");
  s = Status();
  EXPECT_EQ(last_status_exit_, 5);
  ASSERT_EQ(s["reasons"].size(), 1u);
  EXPECT_NE(s["reasons"][0].get<std::string>().find("no pass finished in the last 2 h"),
            std::string::npos)
      << s["reasons"];

  // A failed Zoom sync.
  ASSERT_EQ(Meetleak({"run", "--once", "--all"}).exit_code, 0);
  Sql("INSERT OR REPLACE INTO meta (key, value) VALUES ('last_sync', "
      "'{\"time\":\"2026-12-04T10:00:00Z\",\"ok\":false,\"error\":\"HTTP 401 from Zoom\"}')");
  s = Status();
  EXPECT_EQ(last_status_exit_, 5);
  EXPECT_EQ(s["last_sync"]["ok"], false);
  EXPECT_EQ(s["last_sync"]["error"], "HTTP 401 from Zoom");
  EXPECT_NE(s["reasons"][0].get<std::string>().find("sync failed"), std::string::npos);
}

TEST_F(OperationsTest, LeaksShowAndTheReportCarryTheHistoryAndAHeader) {
  site_.Put("/events", Html(kLeakPage));
  WriteConfig({server_.Url("/events")});
  ASSERT_EQ(Meetleak({"run", "--once", "--all"}).exit_code, 1);
  const nlohmann::json leaks = Leaks("open");
  std::string id;
  for (const auto& f : leaks["findings"])
    if (f["severity"] == "critical") id = std::to_string(f["leak_id"].get<int>());
  ASSERT_FALSE(id.empty());
  ASSERT_EQ(Meetleak({"leaks", "ack", id, "--note", "asked the blog to remove it"}).exit_code, 0);
  ProgramResult show = Meetleak({"leaks", "show", id});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_NE(show.out.find("Anyone with this link can join without a passcode."), std::string::npos)
      << show.out;
  EXPECT_NE(show.out.find("Acknowledged by its owner \xE2\x80\x94 asked the blog to remove it"),
            std::string::npos)
      << show.out;
  EXPECT_NE(show.out.find("\xC2\xBBhttps://acme-corp.zoom.us/j/85512345678?pwd="),
            std::string::npos)
      << show.out;
  EXPECT_EQ(show.out.find("Zm9vYmFyc2VjcmV0"), std::string::npos);
  const nlohmann::json j = Json(Meetleak({"leaks", "show", id, "--format", "json"}));
  ASSERT_EQ(j["findings"].size(), 1u);
  EXPECT_EQ(j["findings"][0]["history"][0]["event"], "acknowledged");
  EXPECT_EQ(j["findings"][0]["note"], "asked the blog to remove it");
  EXPECT_EQ(Meetleak({"leaks", "show", "999"}).exit_code, 2);

  ProgramResult report = Meetleak({"report", "--status", "all"});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  for (const std::string& line :
       {std::string("Pages watched: ") + server_.Url("/events"),
        std::string("Questions: secops@acme.example"), std::string("Last scan: 20"),
        std::string("Covers: meetings of every owner, leaks in any state"),
        std::string("asked the blog to remove it"),
        "Once handled: meetleak leaks ack " + id + " --note \"what you did\""})
    EXPECT_NE(report.out.find(line), std::string::npos) << line << "\n" << report.out;
  const nlohmann::json rj = Json(Meetleak({"report", "--format", "json", "--status", "all"}));
  bool found = false;
  for (const auto& f : rj["findings"])
    if (std::to_string(f["leak_id"].get<int>()) == id) {
      found = true;
      EXPECT_EQ(f["history"][0]["note"], "asked the blog to remove it");
    }
  EXPECT_TRUE(found);
}

TEST(AlertRulesTest, TheDocumentedAlertRulesPassPromtool) {
  const std::string rules =
      std::string(MEETLEAK_SOURCE_DIR) + "/docs/prometheus/meetleak.rules.yml";
  ProgramResult r = RunProgram({"/usr/bin/promtool", "check", "rules", rules});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("SUCCESS: 3 rules found"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace meetleak::testing
