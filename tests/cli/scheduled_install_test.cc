// The scheduled job as the README installs it: the cron line, read from
// README.md and run by /bin/sh with cron's bare environment, and the systemd
// units of scripts/systemd/, checked by `systemd-analyze verify` and their
// ExecStart command line run as systemd splits it. Only the binary's and the
// config's paths are replaced (by the built binary and a loopback config);
// every other argument is as written.
#include <algorithm>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "tests/cli/cli_fixture.h"
#include "tests/support/test_server.h"

namespace meetleak::testing {
namespace {

const std::string kInstalledBinary = "/usr/local/bin/meetleak";
const std::string kInstalledConfig = "/etc/meetleak/meetleak.toml";

std::string SourceFile(const std::string& relative) {
  return ReadFile(std::filesystem::path(MEETLEAK_SOURCE_DIR) / relative);
}

// The command of the first crontab line ("*/5 * * * * COMMAND") in `text`.
std::string CronCommand(const std::string& text) {
  std::smatch m;
  const std::regex line(R"((?:^|\n)(\*/5 \* \* \* \* )([^\n]+))");
  return std::regex_search(text, m, line) ? m[2].str() : "";
}

// `value` with every occurrence of `from` replaced by `to`.
std::string Replaced(std::string value, const std::string& from, const std::string& to) {
  for (auto at = value.find(from); at != std::string::npos; at = value.find(from, at + to.size()))
    value.replace(at, from.size(), to);
  return value;
}

// A command line split as systemd splits ExecStart: words separated by
// white space, "double" and 'single' quotes group. Special prefixes (@, -,
// :, +, !) and specifiers (%) are not used by our units: asserted.
std::vector<std::string> SplitExecStart(const std::string& line) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (char c : line) {
    if (quote != 0) {
      if (c == quote)
        quote = 0;
      else
        word += c;
    } else if (c == '"' || c == '\'') {
      quote = c;
      in_word = true;
    } else if (c == ' ' || c == '\t') {
      if (in_word) words.push_back(word);
      word.clear();
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (in_word) words.push_back(word);
  return words;
}

std::string UnitValue(const std::string& unit, const std::string& key) {
  // A backslash at the end of a line continues it: systemd reads a space.
  const std::string joined = std::regex_replace(unit, std::regex("\\\\\n[ \t]*"), " ");
  std::smatch m;
  const std::regex line("(?:^|\\n)" + key + "=([^\\n]*)");
  return std::regex_search(joined, m, line) ? m[1].str() : "";
}

class ScheduledInstallTest : public CliTest {
 protected:
  void SetUp() override {
    site_.Route("/events", Reply{.body = "<p>Join: https://acme-corp.zoom.us/j/85512345678</p>",
                                 .headers = {{"Content-Type", "text/html"}}});
    hook_.Route("/hook", Reply{.body = "ok"});
    dir_.Write("etc/meetings.csv",
               "meeting_id,owner_email,topic,kind\n85512345678,ana@acme.example,Sync,recurring\n");
    config_ = dir_.Write(
        "etc/meetleak.toml",
        "database = \"" + (dir_.path() / "state/meetleak.db").string() +
            "\"\n[company]\nzoom_domains = [\"acme-corp.zoom.us\"]\ninventory = \"meetings.csv\"\n"
            "[crawler]\ndelay_ms = 0\n[[source]]\nurl = \"" +
            site_.Url("/events") +
            "\"\nallow_private_addresses = true\n[notify]\nwebhook_url = \"" + hook_.Url("/hook") +
            "\"\n");
    std::filesystem::create_directories(dir_.path() / "state");
  }
  // Runs `argv` as cron or systemd would: an empty environment but for
  // HOME, PATH and SHELL, in `cwd`.
  ProgramResult RunBare(std::vector<std::string> argv, const std::filesystem::path& cwd) {
    argv.insert(argv.begin(), {"/usr/bin/env", "-i", "HOME=" + cwd.string(), "PATH=/usr/bin:/bin",
                               "SHELL=/bin/sh", "LOGNAME=root"});
    return RunProgram(argv, "", cwd);
  }
  TestServer site_, hook_;
  std::filesystem::path config_;
};

TEST_F(ScheduledInstallTest, TheReadmeCronLineRunsAsWritten) {
  const std::string readme = CronCommand(SourceFile("README.md"));
  ASSERT_FALSE(readme.empty()) << "README.md has no */5 crontab line";
  EXPECT_EQ(readme, CronCommand(SourceFile("scripts/meetleak.cron")))
      << "README.md and scripts/meetleak.cron disagree";
  ASSERT_NE(readme.find(kInstalledBinary), std::string::npos);
  ASSERT_NE(readme.find(kInstalledConfig), std::string::npos);
  const std::string command = Replaced(Replaced(readme, kInstalledBinary, MeetleakBinary()),
                                       kInstalledConfig, config_.string());
  std::filesystem::create_directories(dir_.path() / "home");

  // cron runs the command with /bin/sh -c; -q: cron mails any output.
  ProgramResult first = RunBare({"/bin/sh", "-c", command}, dir_.path() / "home");
  EXPECT_EQ(first.exit_code, 1) << "an open leak seen: " << first.err;
  EXPECT_EQ(first.out, "");
  EXPECT_EQ(first.err, "");
  EXPECT_EQ(site_.RequestsFor("/events").size(), 1u);
  ASSERT_EQ(hook_.RequestsFor("/hook").size(), 1u) << "--notify sent the owner's digest";
  EXPECT_NE(hook_.RequestsFor("/hook")[0].body.find("ana@acme.example"), std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(dir_.path() / "state/meetleak.db"));
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "home/meetleak.db"));

  // Five minutes later: nothing is due (interval 1h), nothing is printed.
  ProgramResult next = RunBare({"/bin/sh", "-c", command}, dir_.path() / "home");
  EXPECT_EQ(next.exit_code, 0) << next.err;
  EXPECT_EQ(next.out + next.err, "");
  EXPECT_EQ(site_.RequestsFor("/events").size(), 1u);
  EXPECT_EQ(hook_.RequestsFor("/hook").size(), 1u) << "nothing new to notify";
}

TEST_F(ScheduledInstallTest, TheSystemdUnitsVerifyAndTheirExecStartRuns) {
  const std::string service = SourceFile("scripts/systemd/meetleak.service");
  const std::string timer = SourceFile("scripts/systemd/meetleak.timer");
  const std::string exec_start = UnitValue(service, "ExecStart");
  ASSERT_FALSE(exec_start.empty());
  // No prefix (@, -, :, +, !) before the path: the binary comes first.
  ASSERT_EQ(exec_start.rfind(kInstalledBinary + " ", 0), 0u) << exec_start;
  EXPECT_EQ(exec_start.find('%'), std::string::npos) << "no specifiers: " << exec_start;

  // verify needs the ExecStart binary to exist: the built one stands in.
  const std::string built_service =
      Replaced(service, "ExecStart=" + kInstalledBinary, "ExecStart=" + MeetleakBinary());
  dir_.Write("units/meetleak.service", built_service);
  dir_.Write("units/meetleak.timer", timer);
  ProgramResult verify = RunProgram(
      {"/usr/bin/systemd-analyze", "verify", "--man=no", "./meetleak.service", "./meetleak.timer"},
      "", dir_.path() / "units");
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_EQ(verify.out + verify.err, "") << "systemd-analyze warns";

  // The service's command line, split as systemd does, in its working
  // directory; exit 1 (leaks seen) is a success by SuccessExitStatus.
  std::vector<std::string> argv = SplitExecStart(exec_start);
  ASSERT_GE(argv.size(), 2u);
  argv[0] = MeetleakBinary();
  int configs = 0, metrics = 0;
  const std::filesystem::path metrics_file = dir_.path() / "textfile" / "meetleak.prom";
  std::filesystem::create_directories(metrics_file.parent_path());
  for (std::string& word : argv) {
    if (word == kInstalledConfig) word = config_.string(), ++configs;
    if (word.size() > 5 && word.substr(word.size() - 5) == ".prom")
      word = metrics_file.string(), ++metrics;
  }
  EXPECT_EQ(configs, 1) << exec_start;
  EXPECT_LE(metrics, 1) << exec_start;
  EXPECT_EQ(UnitValue(service, "SuccessExitStatus"), "1");
  EXPECT_EQ(UnitValue(service, "WorkingDirectory"), "/var/lib/meetleak");
  ProgramResult run = RunBare(argv, dir_.path() / "state");
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(run.out, "");
  ASSERT_EQ(hook_.RequestsFor("/hook").size(), 1u) << run.err;
  if (metrics == 1) {
    EXPECT_TRUE(std::filesystem::exists(metrics_file)) << "--metrics-file written";
  }
  // The journal gets a start and a summary line, not a line per source.
  EXPECT_NE(run.err.find("pass start"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("pass done: 1/1 sources read"), std::string::npos) << run.err;
  EXPECT_EQ(run.err.find("source " + site_.Url("/events")), std::string::npos) << run.err;
}

TEST_F(ScheduledInstallTest, TheWorkerTemplateUnitVerifies) {
  const std::string unit = SourceFile("scripts/systemd/meetleak-worker@.service");
  const std::string exec_start = UnitValue(unit, "ExecStart");
  ASSERT_EQ(exec_start.rfind(kInstalledBinary + " ", 0), 0u) << exec_start;
  // A daemon (no --once) that sends digests, with a metrics file per instance.
  std::vector<std::string> argv = SplitExecStart(exec_start);
  EXPECT_NE(std::find(argv.begin(), argv.end(), "run"), argv.end()) << exec_start;
  EXPECT_EQ(std::find(argv.begin(), argv.end(), "--once"), argv.end()) << exec_start;
  EXPECT_NE(std::find(argv.begin(), argv.end(), kInstalledConfig), argv.end()) << exec_start;
  EXPECT_EQ(UnitValue(unit, "SuccessExitStatus"), "1");
  EXPECT_EQ(UnitValue(unit, "Restart"), "on-failure");
  // verify wants an instance and the ExecStart binary: the built one stands in.
  dir_.Write("units/meetleak-worker@2.service",
             Replaced(unit, "ExecStart=" + kInstalledBinary, "ExecStart=" + MeetleakBinary()));
  ProgramResult verify =
      RunProgram({"/usr/bin/systemd-analyze", "verify", "--man=no", "./meetleak-worker@2.service"},
                 "", dir_.path() / "units");
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_EQ(verify.out + verify.err, "") << "systemd-analyze warns";
}

}  // namespace
}  // namespace meetleak::testing
