// `sweep --watch` hands a page found in an archive to the scheduled job,
// which confirms the leak live and marks it gone when the page drops it.
//
// A watch source is fetched only past the address guard (an archive's URLs
// are content), so the page must sit at an address the guard calls public.
// The test re-runs itself inside a network namespace of its own (`unshare
// -n`: tests run as root, here and in CI) where lo also carries 192.0.2.1
// (TEST-NET-1, public to the guard) and the page server listens there.
#include <cstdlib>
#include <filesystem>

#include "tests/cli/cli_fixture.h"
#include "tests/support/test_server.h"
#include "tests/support/warc_builder.h"

namespace meetleak::testing {
namespace {

constexpr char kInsideEnv[] = "MEETLEAK_SWEEP_WATCH_NETNS";

// Runs the current test again in a namespace of its own; true when this
// process is that run (the caller then does the work).
bool InsideOwnNamespace() {
  if (std::getenv(kInsideEnv) != nullptr) return true;
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const std::string filter = std::string(info->test_suite_name()) + "." + info->name();
  const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
  const std::string script = "set -e; ip link set lo up; ip addr add 192.0.2.1/32 dev lo; exec '" +
                             self + "' --gtest_filter=" + filter;
  ProgramResult r = RunProgram({"/usr/bin/unshare", "-n", "/bin/sh", "-c", script}, "", {},
                               {std::string(kInsideEnv) + "=1"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("[  PASSED  ] 1 test"), std::string::npos) << r.out << r.err;
  return false;
}

class SweepWatchTest : public CliTest {};

TEST_F(SweepWatchTest, TheJobConfirmsAWatchedLeakLiveAndMarksItGoneWhenThePageDropsIt) {
  if (!InsideOwnNamespace()) return;
  TestServer site({.address = "192.0.2.1"});
  const std::string page =
      "<p>Board meeting: <a href=\"https://acme-corp.zoom.us/j/85512345678\">join</a></p>";
  site.Route("/event", Reply{.body = page, .headers = {{"Content-Type", "text/html"}}});
  const std::string url = "http://192.0.2.1:" + std::to_string(site.port()) + "/event";
  dir_.Write("meetleak.toml",
             "[company]\nzoom_domains = [\"acme-corp.zoom.us\"]\ninventory = \"meetings.csv\"\n"
             "security_contact = \"secops@acme.example\"\n");
  dir_.Write("meetings.csv",
             "meeting_id,owner_email,topic,kind\n85512345678,ana@acme.example,Board,recurring\n");
  dir_.Write("a.warc.gz", GzipMember(Response(url, "2024-05-01T10:20:30Z",
                                              "Content-Type: text/html; charset=utf-8\r\n", page)));

  ProgramResult sweep = Meetleak({"sweep", "a.warc.gz", "--watch"});
  ASSERT_EQ(sweep.exit_code, 1) << sweep.err;  // a company leak found
  EXPECT_TRUE(site.Requests().empty()) << "sweep itself fetched the page";
  auto leak = [&] {
    ProgramResult r = Meetleak({"leaks", "list", "--status", "all", "--format", "json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    nlohmann::json j = Json(r);
    EXPECT_EQ(j["findings"].size(), 1u) << r.out;
    return j["findings"].empty() ? nlohmann::json() : j["findings"][0];
  };
  nlohmann::json found = leak();
  EXPECT_EQ(found["status"], "open");
  EXPECT_EQ(found["page_url"], url);
  const std::string captured = found["last_seen"].get<std::string>();
  EXPECT_EQ(captured.substr(0, 10), "2024-05-01") << found.dump();

  // The job fetches the watched page, past the guard: the leak is live.
  ProgramResult live = Meetleak({"run", "--once"});
  EXPECT_EQ(live.exit_code, 1) << live.err;
  EXPECT_EQ(site.RequestsFor("/event").size(), 1u);
  found = leak();
  EXPECT_EQ(found["status"], "open");
  EXPECT_GT(found["last_seen"].get<std::string>(), captured) << found.dump();
  EXPECT_EQ(found["first_seen"].get<std::string>().substr(0, 10), "2024-05-01");

  // The page drops the link: the next pass marks the leak gone.
  site.Route("/event", Reply{.body = "<p>Moved to the intranet.</p>",
                             .headers = {{"Content-Type", "text/html"}}});
  ProgramResult fixed = Meetleak({"run", "--once", "--all"});
  EXPECT_EQ(fixed.exit_code, 0) << fixed.err;
  EXPECT_EQ(site.RequestsFor("/event").size(), 2u);
  EXPECT_EQ(leak()["status"], "gone");
}

}  // namespace
}  // namespace meetleak::testing
