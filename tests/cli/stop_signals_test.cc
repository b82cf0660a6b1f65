// SIGINT/SIGTERM are the process's: Main owns them for its whole life
// (cli/stop_signals.h). Regression tests for the StopSignals that scan and
// run kept on their stack, whose detached waiting thread outlived it.
#include "cli/stop_signals.h"

#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "cli/commands.h"
#include "tests/cli/cli_fixture.h"
#include "tests/support/test_server.h"

namespace meetleak::testing {
namespace {

using namespace std::chrono_literals;

std::size_t ThreadsOfThisProcess() {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/task")) ++n;
  return n;
}

bool SigintBlockedHere() {
  sigset_t mask;
  pthread_sigmask(SIG_BLOCK, nullptr, &mask);
  return sigismember(&mask, SIGINT) == 1;
}

// cli::Main in this process, as `meetleak ARGS…`; stdout is swallowed.
int MainInProcess(std::vector<std::string> args) {
  args.insert(args.begin(), "meetleak");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  ::testing::internal::CaptureStdout();
  int code = cli::Main(static_cast<int>(argv.size()), argv.data());
  (void)::testing::internal::GetCapturedStdout();
  return code;
}

TEST(StopSignals, RepeatedScansInOneProcessLeaveNoSignalThreadBehind) {
  // The old StopSignals detached a thread holding `this` of a stack object:
  // each scan of a URL left one behind, waiting to write to freed memory,
  // and SIGINT blocked in the caller.
  TempDir dir;
  TestServer server;
  server.Route("/page", Reply{.body = "<p>https://acme-corp.zoom.us/j/85512345678</p>"});
  const std::string db = (dir.path() / "meetleak.db").string();
  auto scan = [&] {
    return MainInProcess({"--db", db, "-q", "scan", server.Url("/page"), "--no-store"});
  };
  ASSERT_EQ(scan(), 0);  // warm-up: libraries start what they keep
  ASSERT_FALSE(SigintBlockedHere());
  const std::size_t threads = ThreadsOfThisProcess();
  for (int i = 0; i < 3; ++i) ASSERT_EQ(scan(), 0);
  EXPECT_EQ(ThreadsOfThisProcess(), threads) << "a thread outlived its command";
  EXPECT_FALSE(SigintBlockedHere()) << "Main returned with SIGINT still blocked";
  EXPECT_EQ(server.RequestsFor("/page").size(), 4u);
}

TEST(StopSignals, SignalMaskIsRestoredWhenTheOwnerDies) {
  ASSERT_FALSE(SigintBlockedHere());
  {
    cli::StopSignals signals;
    EXPECT_TRUE(SigintBlockedHere());
    std::thread([] {
      EXPECT_TRUE(SigintBlockedHere()) << "a later thread inherits the block";
    }).join();
  }
  EXPECT_FALSE(SigintBlockedHere());
}

class StopSignalsCliTest : public CliTest {};

TEST_F(StopSignalsCliTest, FirstSignalStopsAScanOfAUrlWhichExitsByWhatItSaw) {
  TestServer server;
  server.Route("/page",
               Reply{.body = "<p>https://acme-corp.zoom.us/j/85512345678</p>", .hold = "answer"});
  int pid = StartProgram({MeetleakBinary(), "scan", server.Url("/page"), "--no-store",
                          "--company-domain", "acme-corp.zoom.us"},
                         dir_.path(), dir_.path() / "out", dir_.path() / "err");
  for (int i = 0; i < 500 && server.RequestsFor("/page").empty(); ++i)
    std::this_thread::sleep_for(10ms);
  ASSERT_FALSE(server.RequestsFor("/page").empty());
  kill(pid, SIGINT);
  std::this_thread::sleep_for(200ms);
  server.Release("answer");  // the document in flight finishes after the signal
  ProgramResult r = WaitProgram(pid);
  EXPECT_EQ(r.term_signal, 0) << "ended by the signal instead of stopping";
  EXPECT_EQ(r.exit_code, 1) << ReadFile(dir_.path() / "err");
  EXPECT_NE(ReadFile(dir_.path() / "out").find("85512345678"), std::string::npos);
}

// Death tests: each runs in a child process of its own.
TEST(StopSignalsDeathTest, WithoutGracefulStopASignalEndsTheProcessAsByDefault) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        cli::StopSignals signals;
        kill(getpid(), SIGTERM);
        std::this_thread::sleep_for(10s);
        std::_Exit(0);
      },
      ::testing::KilledBySignal(SIGTERM), "");
}

TEST(StopSignalsDeathTest, FirstSignalAsksForAStopSecondExitsWithTheExitCode) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        cli::StopSignals signals;
        signals.StopGracefully();
        signals.set_exit_code(3);
        kill(getpid(), SIGINT);
        for (int i = 0; i < 1000 && !signals.stop_requested(); ++i)
          std::this_thread::sleep_for(5ms);
        if (!signals.stop_requested()) std::_Exit(10);
        kill(getpid(), SIGINT);
        std::this_thread::sleep_for(10s);
        std::_Exit(11);
      },
      ::testing::ExitedWithCode(3), "second signal");
}

}  // namespace
}  // namespace meetleak::testing
