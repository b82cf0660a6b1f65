// bench_sync: `inventory sync`'s reader against the loopback Zoom stand-in
// at company scale: wall time and API requests beside the fewest the paging
// allows, for a first sync (every meeting new), an unchanged one and one
// after 1 % of the meetings changed.
//
//   bench_sync [--users N] [--meetings-per-user M] [--rps R]
//
// Defaults: 2 000 users × 20 = 40 000 meetings (+ 2 000 PMIs); R = 5 000
// requests/s, so the client-side budget (10/s in production) does not hide
// the client's own cost. Each sync's rows are checked (count, owners).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "tests/support/zoom_stand_in.h"
#include "zoom/sync.h"

namespace {

using meetleak::testing::ZoomFixture;
using meetleak::testing::ZoomStandIn;
namespace zoom = meetleak::zoom;

int Arg(int argc, char** argv, const char* name, int fallback) {
  for (int i = 1; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], name) == 0) return std::atoi(argv[i + 1]);
  return fallback;
}

bool Check(const zoom::SyncResult& r, int users, int per_user) {
  const std::size_t want = static_cast<std::size_t>(users) * (per_user + 1);
  std::size_t live = 0;
  for (const auto& m : r.meetings) {
    if (!m.expired_at) ++live;
    if (m.owner_email.find("@acme.example") == std::string::npos) return false;
  }
  return live == want && r.users == users;
}

}  // namespace

int main(int argc, char** argv) {
  const int users = Arg(argc, argv, "--users", 2000);
  const int per_user = Arg(argc, argv, "--meetings-per-user", 20);
  const int rps = Arg(argc, argv, "--rps", 5000);
  ZoomFixture fixture = ZoomFixture::Generate(users, per_user);
  ZoomStandIn stand_in;
  stand_in.SetFixture(fixture);
  auto http = zoom::NewCurlTransport({});
  std::vector<meetleak::InventoryMeeting> previous;
  std::vector<meetleak::PersonalLink> links;
  bool ok = true;
  for (const char* round : {"first", "unchanged", "1% changed"}) {
    if (std::strcmp(round, "1% changed") == 0) {
      for (int u = 0; u < users; u += 5) fixture.users[u].meetings[0].topic += " (moved)";
      stand_in.SetFixture(fixture);
    }
    zoom::ClientOptions o;
    o.account_id = stand_in.options().account_id;
    o.client_id = stand_in.options().client_id;
    o.client_secret = stand_in.options().client_secret;
    o.api_url = stand_in.api_url();
    o.oauth_url = stand_in.oauth_url();
    o.requests_per_second = rps;
    auto client = zoom::Client::Create(o, http.get(), meetleak::SystemClock());
    if (!client.ok()) return 2;
    const auto start = std::chrono::steady_clock::now();
    auto r = zoom::ReadInventory(**client, previous, links, meetleak::SystemClock());
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!r.ok()) {
      std::fprintf(stderr, "sync failed: %s\n", r.status().ToString().c_str());
      return 1;
    }
    const bool right = Check(*r, users, per_user);
    ok = ok && right;
    std::printf(
        "%-11s sync: %d users, %zu rows, wall %.2f s, API requests %d, fewest %d (%.3fx), "
        "added %zu changed %zu%s\n",
        round, r->users, r->meetings.size(), secs, r->api_requests, r->fewest_requests,
        static_cast<double>(r->api_requests) / r->fewest_requests, r->diff.added.size(),
        r->diff.changed.size(), right ? "" : "  ROWS WRONG");
    previous = r->meetings;
    links = r->links;
  }
  return ok ? 0 : 1;
}
