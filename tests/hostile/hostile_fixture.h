// Helpers of the hostile tests: a CliTest with a loopback server, a config
// writer and a way to wait for a request.
#ifndef MEETLEAK_TESTS_HOSTILE_HOSTILE_FIXTURE_H_
#define MEETLEAK_TESTS_HOSTILE_HOSTILE_FIXTURE_H_

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "tests/cli/cli_fixture.h"
#include "tests/support/test_server.h"

namespace meetleak::testing {

class HostileTest : public CliTest {
 protected:
  static constexpr const char* kMeetings =
      "meeting_id,owner_email,topic,kind\n85512345678,ana@acme.example,Sync,recurring\n";

  // A config with `sources` (each `allow_private_addresses = private_ok`),
  // fast politeness, and `extra` lines appended to [crawler].
  void WriteConfig(const std::vector<std::string>& sources, const std::string& crawler_extra = "",
                   bool private_ok = true) {
    std::string toml =
        "[company]\nzoom_domains = [\"acme-corp.zoom.us\"]\n"
        "[crawler]\ndelay_ms = 0\nper_host = 8\ntimeout_s = 10\nmax_retries = 0\n" +
        crawler_extra + "\n";
    for (const std::string& s : sources)
      toml += "[[source]]\nurl = \"" + s +
              "\"\nallow_private_addresses = " + (private_ok ? "true" : "false") + "\n";
    dir_.Write("meetleak.toml", toml);
  }

  static void WaitForRequest(const TestServer& server, const std::string& path) {
    for (int i = 0; i < 500 && server.RequestsFor(path).empty(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ASSERT_FALSE(server.RequestsFor(path).empty()) << path << " never requested";
  }

  // Starts `meetleak ARGS…` in the background (output in run.out/run.err).
  int Start(std::vector<std::string> args) {
    args.insert(args.begin(), MeetleakBinary());
    return StartProgram(args, dir_.path(), dir_.path() / "run.out", dir_.path() / "run.err");
  }

  TestServer server_;
};

}  // namespace meetleak::testing

#endif  // MEETLEAK_TESTS_HOSTILE_HOSTILE_FIXTURE_H_
