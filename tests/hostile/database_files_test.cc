// Database paths that are not what they seem: a symlink or a hard link to a
// DB in use, a DB created through a symlink, an empty --db, a text file or
// another application's SQLite file; and output that cannot be written.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "tests/hostile/hostile_fixture.h"

namespace meetleak::testing {
namespace {

namespace fs = std::filesystem;

class DatabaseFilesTest : public HostileTest {
 protected:
  // Starts `run --once --all --db real.db` held on a server request, and
  // returns its pid once the request arrived.
  int StartHeldRun(const std::string& db) {
    server_.Route("/page", Reply{.body = "<p>x</p>", .hold = "hold"});
    WriteConfig({server_.Url("/page")});
    int pid = Start({"run", "--once", "--all", "--db", db});
    WaitForRequest(server_, "/page");
    return pid;
  }
  void ExpectLockedBy(int pid, const std::string& other_path) {
    ProgramResult second = Meetleak({"run", "--once", "--all", "--db", other_path});
    EXPECT_EQ(second.exit_code, 2) << second.err;
    EXPECT_NE(second.err.find("locked by pid " + std::to_string(pid)), std::string::npos)
        << second.err;
    server_.Release("hold");
    EXPECT_EQ(WaitProgram(pid).exit_code, 0) << ReadFile(dir_.path() / "run.err");
  }
  static int Mode(const fs::path& p) {
    struct stat st {};
    EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
    return static_cast<int>(st.st_mode & 07777);
  }
};

TEST_F(DatabaseFilesTest, RunLockHoldsThroughASymlinkToTheDatabase) {
  fs::create_symlink("real.db", dir_.path() / "link.db");
  ExpectLockedBy(StartHeldRun("real.db"), "link.db");
}

TEST_F(DatabaseFilesTest, RunLockHoldsThroughAHardLinkToTheDatabase) {
  dir_.Write("meetings.csv", kMeetings);
  ASSERT_EQ(Meetleak({"--db", "real.db", "inventory", "import", "meetings.csv"}).exit_code, 0);
  fs::create_hard_link(dir_.path() / "real.db", dir_.path() / "hard.db");
  ExpectLockedBy(StartHeldRun("real.db"), "hard.db");
}

TEST_F(DatabaseFilesTest, DatabaseCreatedThroughASymlinkIs0600WithItsWalAndShm) {
  fs::create_directory(dir_.path() / "data");
  fs::create_symlink("data/real.db", dir_.path() / "link.db");
  int pid = StartHeldRun("link.db");
  // While the run holds it open, the WAL and the shared memory exist.
  for (const char* name : {"data/real.db", "data/real.db-wal", "data/real.db-shm"})
    EXPECT_EQ(Mode(dir_.path() / name), 0600) << name;
  server_.Release("hold");
  EXPECT_EQ(WaitProgram(pid).exit_code, 0) << ReadFile(dir_.path() / "run.err");
}

TEST_F(DatabaseFilesTest, EmptyDbPathIsExitTwoNotTheDefaultFile) {
  dir_.Write("meetings.csv", kMeetings);
  ProgramResult r = Meetleak({"--db", "", "inventory", "import", "meetings.csv"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--db"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir_.path() / "meetleak.db"));
}

TEST_F(DatabaseFilesTest, TextFileAsDatabaseIsExitTwoNotAMeetleakDatabase) {
  dir_.Write("notes.txt", std::string(4096, 'x') + "\nnot a database at all\n");
  ProgramResult r = Meetleak({"--db", "notes.txt", "sources", "list"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("notes.txt: not a meetleak database"), std::string::npos) << r.err;
}

TEST_F(DatabaseFilesTest, AnotherApplicationsSqliteFileIsExitTwoAndLeftAsItWas) {
  const fs::path other = dir_.path() / "other.db";
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(other.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(
      sqlite3_exec(db, "CREATE TABLE t (x); INSERT INTO t VALUES (1);", nullptr, nullptr, nullptr),
      SQLITE_OK);
  sqlite3_close(db);
  const std::string before = ReadFile(other);
  ProgramResult r = Meetleak({"--db", "other.db", "sources", "list"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("other.db: not a meetleak database"), std::string::npos) << r.err;
  EXPECT_EQ(ReadFile(other), before) << "its journal mode was changed";
}

TEST_F(DatabaseFilesTest, OutputWriteFailureIsExitFour) {
  dir_.Write("meetings.csv", kMeetings);
  ASSERT_EQ(Meetleak({"inventory", "import", "meetings.csv"}).exit_code, 0);
  ProgramResult full = Meetleak({"report", "--output", "/dev/full"});
  EXPECT_EQ(full.exit_code, 4) << full.err;
  ProgramResult missing = Meetleak({"report", "--output", "no/such/folder/report.txt"});
  EXPECT_EQ(missing.exit_code, 4) << missing.err;
}

TEST_F(DatabaseFilesTest, StdoutWriteFailureIsExitFour) {
  dir_.Write("meetings.csv", kMeetings);
  ASSERT_EQ(Meetleak({"inventory", "import", "meetings.csv"}).exit_code, 0);
  for (const char* command : {"inventory list", "report", "leaks list"}) {
    ProgramResult r = RunProgram(
        {"/bin/sh", "-c", "exec \"$0\" " + std::string(command) + " >/dev/full", MeetleakBinary()},
        "", dir_.path());
    EXPECT_EQ(r.exit_code, 4) << command << ": " << r.err;
    EXPECT_NE(r.err.find("stdout"), std::string::npos) << r.err;
  }
}

TEST_F(DatabaseFilesTest, ProgressLineCountsTheLeaksWritten) {
  dir_.Write("meetings.csv", kMeetings);
  ASSERT_EQ(Meetleak({"inventory", "import", "meetings.csv"}).exit_code, 0);
  server_.Route("/page", Reply{.body = "<p>https://acme-corp.zoom.us/j/85512345678</p>"});
  WriteConfig({server_.Url("/page")});
  // On a terminal (script(1) gives it one) the progress line is redrawn;
  // its last state, and the log line without a terminal, count the leak.
  ProgramResult tty = RunProgram(
      {"/usr/bin/script", "-qec", "\"" + MeetleakBinary() + "\" run --once --all", "/dev/null"}, "",
      dir_.path());
  const std::size_t last = tty.out.rfind("leaks new ");
  ASSERT_NE(last, std::string::npos) << tty.out;
  EXPECT_EQ(tty.out.compare(last, 12, "leaks new 1/"), 0) << tty.out;
  ASSERT_EQ(Meetleak({"--db", "other.db", "inventory", "import", "meetings.csv"}).exit_code, 0);
  // Without a terminal: per-source lines only with -v; the pass summary
  // counts the leak either way.
  ProgramResult r = Meetleak({"--db", "other.db", "-v", "run", "--once", "--all"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("leaks new 1/"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("leaks new 0/"), std::string::npos) << r.err;
  ASSERT_EQ(Meetleak({"--db", "third.db", "inventory", "import", "meetings.csv"}).exit_code, 0);
  ProgramResult quiet = Meetleak({"--db", "third.db", "run", "--once", "--all"});
  EXPECT_EQ(quiet.err.find("leaks new "), std::string::npos) << quiet.err;
  EXPECT_NE(quiet.err.find(" 1 new leaks"), std::string::npos) << quiet.err;
}

}  // namespace
}  // namespace meetleak::testing
