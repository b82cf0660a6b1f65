// End-to-end: `sources list` shows when `run` will poll a source next — one
// answer (db/due.h), back-off included.
#include <time.h>

#include <chrono>
#include <ctime>
#include <iomanip>
#include <sstream>
#include <thread>

#include "tests/cli/cli_fixture.h"
#include "tests/support/test_server.h"

namespace meetleak::testing {
namespace {

using namespace std::chrono_literals;

std::chrono::system_clock::time_point ParseUtc(const std::string& iso) {
  std::tm tm{};
  std::istringstream in(iso);
  in >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%SZ");
  EXPECT_FALSE(in.fail()) << iso;
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

class ScheduleCliTest : public CliTest {
 protected:
  void SetUp() override {
    server_.Route("/down", Reply{.status = 503, .body = "busy"});
    dir_.Write("meetleak.toml",
               "[crawler]\ndelay_ms = 0\nmax_retries = 0\nrespect_robots = false\n"
               "[[source]]\nurl = \"" +
                   server_.Url("/down") +
                   "\"\ninterval = \"2s\"\nallow_private_addresses = true\n");
  }
  std::chrono::system_clock::time_point ListedNextDue() {
    ProgramResult r = Meetleak({"sources", "list", "--format", "json"});
    nlohmann::json j = Json(r);
    EXPECT_EQ(j["sources"].size(), 1u) << r.out;
    return ParseUtc(j["sources"][0]["next_due"].get<std::string>());
  }
  std::size_t Polls() const { return server_.RequestsFor("/down").size(); }
  TestServer server_;
};

TEST_F(ScheduleCliTest, RunPollsAFailingSourceWhenSourcesListSaysItIsDue) {
  // The old `run` backed off from a last attempt it rebuilt, while the store
  // listed now + interval: a failing source was not polled when listed due.
  ASSERT_EQ(Meetleak({"run", "--once"}).exit_code, 3);
  ASSERT_EQ(Polls(), 1u);
  const auto due = ListedNextDue();
  EXPECT_GE(due, std::chrono::system_clock::now() + 2s) << "one failure doubles the 2 s interval";

  ProgramResult early = Meetleak({"run", "--once"});
  EXPECT_EQ(early.exit_code, 0) << early.err;
  EXPECT_EQ(Polls(), 1u) << "polled before its listed next_due";

  std::this_thread::sleep_until(due + 50ms);
  ProgramResult on_time = Meetleak({"run", "--once"});
  EXPECT_EQ(on_time.exit_code, 3) << on_time.err;
  EXPECT_EQ(Polls(), 2u) << "not polled at its listed next_due";
  EXPECT_GE(ListedNextDue(), due + 8s) << "two failures: four times the interval";
}

}  // namespace
}  // namespace meetleak::testing
