// A guard-checked (discovered) request never rides a connection the guard
// did not check. libcurl reuses a connection by host and port whatever
// address it went to, so a discovered URL on a host that a trusted request
// reached at a private address must not get that connection: it is pinned
// to the address the guard checked, and opens its own.
//
// The test needs a private and a public address of its own, which the host
// must not see: it re-runs itself inside a network and mount namespace made
// with `unshare -n -m` (tests run as root, here and in CI), where lo carries
// 10.213.0.1 (private) and 192.0.2.1 (TEST-NET-1: public to the guard), and
// /etc/hosts says intranet.test is 10.213.0.1.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "crawler/fetcher.h"
#include "tests/crawler/fetch_helpers.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_server.h"

namespace meetleak::testing {
namespace {

constexpr char kInsideEnv[] = "MEETLEAK_GUARD_NETNS";

// Runs the current test again in a namespace of its own; true when this
// process is that run (the caller then does the work).
bool InsideOwnNamespace() {
  if (std::getenv(kInsideEnv) != nullptr) return true;
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const std::string filter = std::string(info->test_suite_name()) + "." + info->name();
  TempDir dir;
  const std::filesystem::path hosts =
      dir.Write("hosts", "127.0.0.1 localhost\n10.213.0.1 intranet.test\n");
  const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
  const std::string script = "set -e; mount --bind '" + hosts.string() +
                             "' /etc/hosts; ip link set lo up; "
                             "ip addr add 10.213.0.1/32 dev lo; ip addr add 192.0.2.1/32 dev lo; "
                             "exec '" +
                             self + "' --gtest_filter=" + filter;
  ProgramResult r = RunProgram({"/usr/bin/unshare", "-n", "-m", "/bin/sh", "-c", script}, "", {},
                               {std::string(kInsideEnv) + "=1"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("[  PASSED  ] 1 test"), std::string::npos) << r.out << r.err;
  return false;
}

TEST(GuardedConnections, ADiscoveredRequestNeverRidesATrustedConnectionToAPrivateAddress) {
  if (!InsideOwnNamespace()) return;
  boost::asio::io_context io;
  TestServer intranet({.address = "10.213.0.1"});
  intranet.Route("/internal", Reply{.body = "trusted page"});
  intranet.Route("/secret", Reply{.body = "internal only"});
  CountingResolver guard_resolver(io);
  guard_resolver.answers["intranet.test"] = {"192.0.2.1"};  // a public answer for the guard
  std::unique_ptr<Fetcher> fetcher = NewCurlFetcher(io, TestOptions(), nullptr, &guard_resolver);
  const std::string origin = "http://intranet.test:" + std::to_string(intranet.port());

  FetchResponse trusted = FetchOne(io, *fetcher, Trusted(origin + "/internal"));
  ASSERT_EQ(trusted.status, 200) << trusted.error_message;
  // The trusted connection to 10.213.0.1 is idle in the cache now. The
  // discovered URL on the same host and port is checked against 192.0.2.1,
  // where nothing listens on that port.
  FetchResponse discovered = FetchOne(io, *fetcher, Discovered(origin + "/secret"));
  EXPECT_NE(discovered.status, 200);
  EXPECT_TRUE(intranet.RequestsFor("/secret").empty())
      << "the discovered request rode the trusted connection to a private address";
  EXPECT_EQ(guard_resolver.calls, 1);
}

TEST(GuardedConnections, DiscoveredRequestsKeepTheirOwnKeepAlive) {
  if (!InsideOwnNamespace()) return;
  boost::asio::io_context io;
  TestServer site({.address = "192.0.2.1"});
  site.Route("/a", Reply{.body = "a"});
  site.Route("/b", Reply{.body = "b"});
  CountingResolver guard_resolver(io);
  guard_resolver.answers["public.test"] = {"192.0.2.1"};
  std::unique_ptr<Fetcher> fetcher = NewCurlFetcher(io, TestOptions(), nullptr, &guard_resolver);
  const std::string origin = "http://public.test:" + std::to_string(site.port());
  ASSERT_EQ(FetchOne(io, *fetcher, Discovered(origin + "/a")).status, 200);
  ASSERT_EQ(FetchOne(io, *fetcher, Discovered(origin + "/b")).status, 200);
  ASSERT_EQ(site.Requests().size(), 2u);
  EXPECT_EQ(site.Requests()[0].connection, site.Requests()[1].connection)
      << "guarded requests lost connection reuse";
}

}  // namespace
}  // namespace meetleak::testing
