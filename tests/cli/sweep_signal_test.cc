// A stop signal ends a sweep between commits, promptly even inside a large
// record, and the next sweep resumes where it stopped.
#include <signal.h>
#include <sqlite3.h>

#include <chrono>
#include <thread>

#include "tests/cli/cli_fixture.h"
#include "tests/support/warc_builder.h"

namespace meetleak::testing {
namespace {

class SweepSignalTest : public CliTest {
 protected:
  std::string Sql(const std::string& sql) {
    sqlite3* h = nullptr;
    sqlite3_open_v2((dir_.path() / "meetleak.db").c_str(), &h, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_busy_timeout(h, 5000);
    sqlite3_stmt* st = nullptr;
    std::string out;
    if (sqlite3_prepare_v2(h, sql.c_str(), -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != nullptr)
      out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(h);
    return out;
  }
};

TEST_F(SweepSignalTest, SigtermStopsASweepPromptlyAndTheNextOneResumes) {
  dir_.Write("meetleak.toml",
             "[company]\nzoom_domains = [\"acme-corp.zoom.us\"]\nsecurity_contact = "
             "\"secops@acme.example\"\n");
  // 60 records of 128 KiB, each a dense list of distinct meeting IDs (slow
  // to match: seconds in all), a company leak in the first and the last.
  const std::string html = "Content-Type: text/html; charset=utf-8\r\n";
  std::string warc;
  constexpr int kRecords = 60;
  for (int r = 0; r < kRecords; ++r) {
    std::string body;
    if (r == 0 || r == kRecords - 1)
      body += "<a href=\"https://acme-corp.zoom.us/j/8551234567" + std::to_string(r % 10) +
              "\">join</a>\n";
    for (long n = 0; body.size() < 128 * 1024; ++n) {
      const long id = 812000000 + r * 100000L + n;
      body +=
          "Meeting ID: " + std::to_string(id).insert(6, " ").insert(3, " ") + "<br>Passcode: 42\n";
    }
    warc += GzipMember(
        Response("https://dump.example/" + std::to_string(r), "2024-05-01T10:20:30Z", html, body));
  }
  dir_.Write("dump.warc.gz", warc);

  const int pid = StartProgram({MeetleakBinary(), "sweep", "dump.warc.gz", "--threads", "1"},
                               dir_.path(), dir_.path() / "out", dir_.path() / "err");
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  const auto sent = std::chrono::steady_clock::now();
  kill(pid, SIGTERM);
  ProgramResult stopped = WaitProgram(pid);
  const double took =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - sent).count();
  const std::string err = ReadFile(dir_.path() / "err");
  EXPECT_LT(took, 10.0) << "SIGTERM took " << took << " s to end the sweep";
  EXPECT_EQ(stopped.term_signal, 0) << "killed by the signal instead of stopping: " << err;
  EXPECT_NE(err.find("stopped by a signal"), std::string::npos) << err;
  EXPECT_EQ(Sql("SELECT done FROM sweep_file"), "0") << err;

  ProgramResult rerun = Meetleak({"sweep", "dump.warc.gz", "--threads", "1"});
  EXPECT_EQ(rerun.exit_code, 1) << rerun.err;
  EXPECT_EQ(Sql("SELECT done FROM sweep_file"), "1");
  EXPECT_EQ(Sql("SELECT records FROM sweep_file"), std::to_string(kRecords));
  EXPECT_EQ(Sql("SELECT count(*) FROM leak"), "2");
  EXPECT_EQ(Sql("SELECT count(*) FROM leak_event WHERE kind = 'archive'"), "2");
}

}  // namespace
}  // namespace meetleak::testing
